package agentfile

import (
	"hash/maphash"
	"math/bits"
	"slices"
)

// loginSet remembers every login seen, for duplicates, in as little memory
// as a large file allows: the logins' bytes one after another in chunks of
// an arena, and an entry per login. None of it holds a pointer, so the
// garbage collector never scans it, and nothing is copied as it grows: a
// login costs its length plus 16 bytes, against about 90 in a map[string].
//
// The repeats are found once, when every login is in (repeated): each
// login's hash, sorted, puts the logins that may be equal side by side, and
// those are compared exactly. A sort of a few passes over one array costs a
// fraction of a hash table's look-up per login, each a jump to a random
// place in memory.
type loginSet struct {
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

// add records that login was seen at at.
func (s *loginSet) add(login string, at loginAt) {
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
	s.n++
}

// repeated calls report for each login added more than once, with where it
// was seen each time, in the order added.
func (s *loginSet) repeated(report func(login []byte, rows []loginAt)) {
	n := s.n
	if n < 2 {
		return
	}
	// A key is a login's hash with its entry number in the low bits, so
	// that sorting the keys sorts equal hashes by entry.
	idBits := bits.Len(uint(n - 1))
	seed := maphash.MakeSeed()
	keys := make([]uint64, n)
	for id := range keys {
		h := maphash.Bytes(seed, s.bytes(s.entry(uint32(id))))
		keys[id] = h>>idBits<<idBits | uint64(id)
	}
	keys = sortByTop24(keys, make([]uint64, n))
	for i := 0; i < n; {
		j := i + 1
		for j < n && keys[j]>>idBits == keys[i]>>idBits {
			j++
		}
		if j-i > 1 {
			s.group(keys[i:j], uint64(1)<<idBits-1, report)
		}
		i = j
	}
}

// group reports the logins repeated among keys of one hash: nearly always
// one login, but two logins may share a hash.
func (s *loginSet) group(keys []uint64, idMask uint64, report func(login []byte, rows []loginAt)) {
	for len(keys) > 1 {
		first := s.bytes(s.entry(uint32(keys[0] & idMask)))
		var rows []loginAt
		rest := keys[:0] // the keys of other logins, in place
		for _, k := range keys {
			e := s.entry(uint32(k & idMask))
			if string(s.bytes(e)) == string(first) {
				rows = append(rows, e.at)
			} else {
				rest = append(rest, k)
			}
		}
		if len(rows) > 1 {
			report(first, rows)
		}
		keys = rest
	}
}

// sortByTop24 sorts keys by their top 24 bits (three passes of a stable
// radix sort, tmp as long as keys), then each run of equal top bits by the
// whole key; it gives the sorted slice, keys or tmp.
func sortByTop24(keys, tmp []uint64) []uint64 {
	for shift := 40; shift < 64; shift += 8 {
		var count [256]int
		for _, k := range keys {
			count[k>>shift&0xff]++
		}
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for _, k := range keys {
			d := k >> shift & 0xff
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j]>>40 == keys[i]>>40 {
			j++
		}
		if j-i > 1 {
			slices.Sort(keys[i:j])
		}
		i = j
	}
	return keys
}
