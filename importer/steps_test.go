package importer

import (
	"context"
	"strings"
	"testing"
)

// A step that sets nothing in the outcome is skipped when the resumed
// outcome records it done; the others run again; each done is recorded,
// and a step that stops the row ends it there.
func TestRunSteps(t *testing.T) {
	t.Parallel()
	var ran []string
	step := func(name string, skip, ok bool) Step {
		return Step{Name: name, SkipWhenDone: skip, Run: func(_, _ context.Context, r *rowRun) bool {
			ran = append(ran, name)
			return ok
		}}
	}
	steps := []Step{step("a", false, true), step("b", true, true), {Run: func(_, _ context.Context, _ *rowRun) bool { ran = append(ran, "check"); return true }}, step("c", true, false), step("d", false, true)}
	cases := []struct {
		prev            string
		action          Action
		wantRan, wantOn string
	}{
		{"", ActionCreate, "a b check c", "a; b"},
		{"a; b", ActionExists, "a check c", "a; b"},
		{"a; b", ActionCreate, "a b check c", "a; b"}, // a row to create has nothing done
	}
	for _, c := range cases {
		ran = nil
		r := &rowRun{job: &Job{Planned: &PlannedRow{Action: c.action}, PrevSteps: c.prev}}
		runSteps(context.Background(), context.Background(), steps, r)
		if got := strings.Join(ran, " "); got != c.wantRan || r.outcome.Steps != c.wantOn {
			t.Errorf("prev %q %s: ran %q, steps %q; want %q, %q", c.prev, c.action, got, r.outcome.Steps, c.wantRan, c.wantOn)
		}
	}
}
