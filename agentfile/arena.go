package agentfile

import "strings"

// A large file is read as many small rows, and a string and a record
// allocated for each cost more than reading them (each one a trip through
// the allocator, and work for the garbage collector). The arenas below hand
// them out of chunks instead.

// textChunk is the size of a textArena chunk: a few hundred rows of a
// template. A line longer than a quarter of it gets a string of its own.
const textChunk = 64 << 10

// textArena gives strings copied into chunks, each a strings.Builder:
// what a Builder has written it never writes again, so the strings are as
// immutable as any other, and its buffer is not zeroed first, as a []byte
// would be. A string kept keeps its chunk alive, as a substring keeps its
// string: what must outlive the rows without holding them (a Report's
// problems, the validator's caches) is copied out with strings.Clone.
type textArena struct {
	chunk strings.Builder
}

// of is b as a string.
func (a *textArena) of(b []byte) string {
	if len(b) > textChunk/4 {
		return string(b)
	}
	if a.chunk.Len()+len(b) > a.chunk.Cap() {
		a.chunk = strings.Builder{}
		a.chunk.Grow(textChunk)
	}
	at := a.chunk.Len()
	a.chunk.Write(b)
	return a.chunk.String()[at:]
}

// recordChunk is how many fields a recordArena chunk holds.
const recordChunk = 4096

// recordArena gives the records that Read keeps, each a slice of a shared
// chunk with its capacity cut to its length, so that an append to one
// never writes into the next.
type recordArena struct {
	chunk []string
}

// next is an empty record with room for n fields.
func (a *recordArena) next(n int) []string {
	if n > recordChunk/8 {
		return make([]string, 0, n)
	}
	if len(a.chunk)+n > cap(a.chunk) {
		a.chunk = make([]string, 0, recordChunk)
	}
	at := len(a.chunk)
	a.chunk = a.chunk[:at+n]
	return a.chunk[at : at : at+n]
}

// agentChunk is how many agents an agentArena chunk holds.
const agentChunk = 256

// agentArena gives the agents of the rows Validate checks, out of chunks:
// one allocation for many rows.
type agentArena struct {
	chunk []Agent
}

// next is a zero Agent.
func (a *agentArena) next() *Agent {
	if len(a.chunk) == cap(a.chunk) {
		a.chunk = make([]Agent, 0, agentChunk)
	}
	a.chunk = a.chunk[:len(a.chunk)+1]
	return &a.chunk[len(a.chunk)-1]
}

// unused gives back the agent next gave last, which nothing holds, zeroed.
func (a *agentArena) unused() {
	a.chunk[len(a.chunk)-1] = Agent{}
	a.chunk = a.chunk[:len(a.chunk)-1]
}
