package agentfile

import "hash/maphash"

// loginSet remembers every login seen, for duplicates, in as little memory
// as a large file allows: the logins' bytes one after another in chunks of
// an arena, an entry per login, and an open-addressing table of 8-byte
// slots (a hash tag and the entry's number). None of it holds a pointer, so
// the garbage collector never scans it, and nothing is copied as it grows
// but the table: a login costs its length plus 24 to 40 bytes, against
// about 90 in a map[string]. Logins are compared exactly; the hash only
// finds the candidates.
//
// A login's slot is found from the top bits of its hash, which its tag
// keeps: the table grows by moving the slots, without reading a login or
// hashing it again.
type loginSet struct {
	seed    maphash.Seed
	slots   []uint64 // tag<<32 | entry+1, tag the top 32 bits of the hash; 0 is an empty slot
	shift   uint     // 64 - log2(len(slots)): a hash's first slot is h>>shift
	n       int
	entries [][]loginEntry // chunks of entryChunk
	arena   [][]byte       // chunks of arenaChunk
}

type loginEntry struct {
	off, len uint32 // the login's place in the arena
	at       loginAt
}

const (
	entryChunk = 1 << 14
	arenaChunk = 1 << 20 // more than maxFieldBytes: a login never spans two
)

func (s *loginSet) entry(id uint32) *loginEntry {
	return &s.entries[id/entryChunk][id%entryChunk]
}

func (s *loginSet) bytes(e *loginEntry) []byte {
	return s.arena[e.off/arenaChunk][e.off%arenaChunk : e.off%arenaChunk+e.len]
}

// firstOrAdd gives the first row of login when it was seen before; else it
// records at as that row.
func (s *loginSet) firstOrAdd(login string, at loginAt) (loginAt, bool) {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.slots, s.shift = make([]uint64, 1024), 64-10
	}
	h := maphash.String(s.seed, login)
	tag := h >> 32
	mask := uint64(len(s.slots) - 1)
	i := h >> s.shift
	for ; s.slots[i] != 0; i = (i + 1) & mask {
		sl := s.slots[i]
		if sl>>32 != tag {
			continue
		}
		e := s.entry(uint32(sl) - 1)
		if int(e.len) == len(login) && string(s.bytes(e)) == login {
			return e.at, true
		}
	}
	id := uint32(s.n)
	if id%entryChunk == 0 {
		s.entries = append(s.entries, make([]loginEntry, 0, entryChunk))
	}
	last := len(s.arena) - 1
	if last < 0 || len(s.arena[last])+len(login) > arenaChunk {
		s.arena = append(s.arena, make([]byte, 0, arenaChunk))
		last++
	}
	off := uint32(last*arenaChunk + len(s.arena[last]))
	s.arena[last] = append(s.arena[last], login...)
	c := &s.entries[len(s.entries)-1]
	*c = append(*c, loginEntry{off: off, len: uint32(len(login)), at: at})
	s.slots[i] = tag<<32 | uint64(id+1)
	s.n++
	if s.n*4 > len(s.slots)*3 {
		s.grow()
	}
	return loginAt{}, false
}

// grow doubles the table. A slot's place is the top bits of its tag, as
// long as the table has at most 1<<32 slots, which a uint32 entry number
// never fills.
func (s *loginSet) grow() {
	old := s.slots
	s.slots, s.shift = make([]uint64, 2*len(old)), s.shift-1
	mask := uint64(len(s.slots) - 1)
	for _, sl := range old {
		if sl == 0 {
			continue
		}
		i := sl >> 32 >> (s.shift - 32)
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = sl
	}
}
