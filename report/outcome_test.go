package report

import (
	"path/filepath"
	"testing"
)

func TestPaths(t *testing.T) {
	tests := []struct{ input, results, retry string }{
		{"agents.csv", "agents-results.csv", "agents-retry.csv"},
		{"dir/agents.CSV", "dir/agents-results.csv", "dir/agents-retry.csv"},
		{"/data/new hires.v2.csv", "/data/new hires.v2-results.csv", "/data/new hires.v2-retry.csv"},
		{"agents", "agents-results.csv", "agents-retry.csv"},
		{"dir.d/agents", "dir.d/agents-results.csv", "dir.d/agents-retry.csv"},
		{".csv", ".csv-results.csv", ".csv-retry.csv"},
	}
	for _, tt := range tests {
		input := filepath.FromSlash(tt.input)
		results, retry := Paths(input)
		if results != filepath.FromSlash(tt.results) || retry != filepath.FromSlash(tt.retry) {
			t.Errorf("Paths(%q) = %q, %q; want %q, %q", input, results, retry, tt.results, tt.retry)
		}
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ cell, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=SUM(A1:A2)", "'=SUM(A1:A2)"},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-1", "'-1"},
		{"@agent", "'@agent"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"'quoted", "''quoted"},
		{"a=b", "a=b"},
		{" =1", " =1"},
	}
	for _, tt := range tests {
		if got := Neutralise(tt.cell); got != tt.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tt.cell, got, tt.want)
		}
		if got := restore(Neutralise(tt.cell)); got != tt.cell {
			t.Errorf("restore(Neutralise(%q)) = %q", tt.cell, got)
		}
	}
}

func TestCounts(t *testing.T) {
	rows := []Outcome{
		{Line: 2, Status: Created}, {Line: 3, Status: Created}, {Line: 4, Status: Exists},
		{Line: 5, Status: WouldCreate},
	}
	c := Count(rows)
	if !c.Success() {
		t.Errorf("%v: not a success", c)
	}
	if got, want := c.String(), "4 rows: 2 created, 1 exists, 1 would-create"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, bad := range []Status{Invalid, Failed, NotAttempted, Stale, "bogus"} {
		c := Count(append(rows, Outcome{Line: 6, Status: bad}))
		if c.Success() {
			t.Errorf("%v: a success with a row %s", c, bad)
		}
		if c.Total() != 5 {
			t.Errorf("Total() = %d, want 5", c.Total())
		}
	}
	if got, want := Count(rows[:1]).String(), "1 row: 1 created"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestStatusWords(t *testing.T) {
	want := map[Status]string{
		Created: "created", Exists: "exists", WouldCreate: "would-create",
		Updated: "updated", WouldUpdate: "would-update", Deleted: "deleted",
		WouldDelete: "would-delete", Absent: "absent", Kept: "kept", Stale: "stale",
		Invalid: "invalid", Failed: "failed", NotAttempted: "not-attempted",
	}
	if len(Statuses) != len(want) {
		t.Fatalf("%d statuses, want %d", len(Statuses), len(want))
	}
	for _, s := range Statuses {
		if string(s) != want[s] || !s.Valid() {
			t.Errorf("status %q: want %q and valid", s, want[s])
		}
		if s.Done() == s.NeedsRetry() && !s.DryRun() {
			t.Errorf("status %q: Done %v, NeedsRetry %v", s, s.Done(), s.NeedsRetry())
		}
	}
	if Status("Created").Valid() {
		t.Error(`"Created" is valid; status words are lower-case`)
	}
}
