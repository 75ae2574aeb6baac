package agentfile

import (
	"slices"
	"strconv"
	"testing"
)

// The login set finds every login added more than once, and only those,
// with where each was seen, in order, across the arena's chunks and logins
// sharing a hash prefix, as a map would.
func TestLoginSet(t *testing.T) {
	var s loginSet
	want := map[string][]loginAt{}
	login := func(i int) string { return "agent" + strconv.Itoa(i%70_000) + "@example.com" }
	for i := range 100_000 {
		l := login(i)
		at := loginAt{index: int32(i), line: int32(i + 2)}
		s.add(l, at)
		want[l] = append(want[l], at)
	}
	// A prefix or a longer login is another login.
	s.add("agent1@example.co", loginAt{index: -1})
	s.add("agent1@example.com.", loginAt{index: -2})
	got := map[string][]loginAt{}
	s.repeated(func(login []byte, rows []loginAt) {
		if _, twice := got[string(login)]; twice {
			t.Errorf("%s reported twice", login)
		}
		got[string(login)] = rows
	})
	for l, rows := range want {
		if len(rows) < 2 {
			if _, ok := got[l]; ok {
				t.Errorf("%s was added once but reported: %v", l, got[l])
			}
			continue
		}
		if !slices.Equal(got[l], rows) {
			t.Errorf("%s: %v, want %v", l, got[l], rows)
		}
	}
	if len(got) != 30_000 {
		t.Errorf("%d logins reported, want 30000", len(got))
	}
}

// Keys sharing their top bits, or their whole hash, are told apart: the
// sort leaves equal keys side by side, and group compares the logins.
func TestLoginSetSort(t *testing.T) {
	keys := []uint64{3<<40 | 5, 1<<40 | 9, 3<<40 | 2, 1 << 40, 7 << 60, 3<<40 | 1}
	got := sortByTop24(slices.Clone(keys), make([]uint64, len(keys)))
	want := slices.Sorted(slices.Values(keys))
	if !slices.Equal(got, want) {
		t.Errorf("sorted %x, want %x", got, want)
	}
	var s loginSet
	for i, l := range []string{"a", "b", "a", "c", "b", "a"} {
		s.add(l, loginAt{index: int32(i)})
	}
	// As if all six shared one hash.
	same := []uint64{0, 1, 2, 3, 4, 5}
	reported := map[string][]int32{}
	s.group(same, 7, func(login []byte, rows []loginAt) {
		for _, r := range rows {
			reported[string(login)] = append(reported[string(login)], r.index)
		}
	})
	if !slices.Equal(reported["a"], []int32{0, 2, 5}) || !slices.Equal(reported["b"], []int32{1, 4}) || len(reported) != 2 {
		t.Errorf("groups %v", reported)
	}
}
