package agentfile

import (
	"strconv"
	"testing"
)

// The login set finds every login seen before, and only those, across the
// table's growth and the arena's chunks, as a map would.
func TestLoginSet(t *testing.T) {
	var s loginSet
	want := map[string]loginAt{}
	login := func(i int) string { return "agent" + strconv.Itoa(i%70_000) + "@example.com" }
	for i := range 100_000 {
		l := login(i)
		at := loginAt{index: int32(i), line: int32(i + 2)}
		got, seen := s.firstOrAdd(l, at)
		w, ok := want[l]
		if seen != ok || seen && got != w {
			t.Fatalf("%s: seen %v at %+v, want %v at %+v", l, seen, got, ok, w)
		}
		if !ok {
			want[l] = at
		}
	}
	if s.n != len(want) {
		t.Errorf("%d logins, want %d", s.n, len(want))
	}
	// A prefix or a longer login is another login.
	if _, seen := s.firstOrAdd("agent1@example.co", loginAt{}); seen {
		t.Error("a prefix of a login was found")
	}
	if _, seen := s.firstOrAdd("agent1@example.com.", loginAt{}); seen {
		t.Error("a longer login was found")
	}
}
