package report

import (
	"fmt"
	"strings"
)

// A plan is a dry run's results file, which --apply carries out exactly.

// LoadPlan reads a dry run's results file for --apply: every row a dry
// run's (would-create, would-update, would-delete, exists, absent, kept,
// invalid), of instance (when the rows name theirs).
func LoadPlan(path, instance string) (map[int]Outcome, error) {
	rows, err := Load(path)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s holds no rows", path)
	}
	for line, o := range rows {
		switch o.Status {
		case WouldCreate, WouldUpdate, WouldDelete, Exists, Absent, Kept, Invalid:
		default:
			return nil, fmt.Errorf("%s is not a dry run's plan: its line %d is %q", path, line, o.Status)
		}
		if o.Instance != "" && instance != "" && o.Instance != instance {
			return nil, fmt.Errorf("%s is a plan for instance %s, not %s", path, o.Instance, instance)
		}
	}
	return rows, nil
}

// StaleOutcome is a row not touched because its user changed since the
// plan: what changed is its changes cell.
func StaleOutcome(o Outcome, what string) Outcome {
	o.Status, o.Error, o.Password = Stale, "", ""
	o.Changes = "changed since the plan: " + what + "; not touched (make a new plan with --dry-run)"
	return o
}

// ListedDiffs names the fields a delete's plan row listed (first and last
// name, routing profile) that differ now, "field: was -> now" each.
func ListedDiffs(was, now Outcome) []string {
	var diffs []string
	for _, f := range [][3]string{
		{"first name", was.FirstName, now.FirstName}, {"last name", was.LastName, now.LastName},
		{"routing profile", was.RoutingProfile, now.RoutingProfile},
	} {
		if f[1] != f[2] {
			diffs = append(diffs, fmt.Sprintf("%s: %s -> %s", f[0], orNone(f[1]), orNone(f[2])))
		}
	}
	return diffs
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}
