package importer

// --apply PLAN: a run that carries out exactly the changes a dry run's
// results file lists. Each row is planned again from the instance as it is
// now and compared with the plan's row: a user created, deleted or edited
// by someone else since is not touched, and its row is "stale" with what
// changed (docs/sync.md).

import (
	"fmt"
	"strings"

	"github.com/bulkagents/bulkagents/report"
)

// loadPlan reads a dry run's results file for --apply: every row a dry
// run's (would-create, would-update, would-delete, exists, absent, kept,
// invalid), of this instance.
func loadPlan(path string, inst Instance) (map[int]report.Outcome, error) {
	rows, err := report.Load(path)
	if err != nil {
		return nil, &SetupError{Message: "--apply: " + err.Error(), Err: err,
			Hint: "give --apply the results file of a --dry-run, as bulkagents wrote it"}
	}
	if len(rows) == 0 {
		return nil, &SetupError{Message: fmt.Sprintf("--apply: %s holds no rows", path), Hint: "give --apply the results file of a --dry-run"}
	}
	for line, o := range rows {
		switch o.Status {
		case report.WouldCreate, report.WouldUpdate, report.WouldDelete, report.Exists, report.Absent, report.Kept, report.Invalid:
		default:
			return nil, &SetupError{Message: fmt.Sprintf("--apply: %s is not a dry run's plan: its line %d is %q", path, line, o.Status),
				Hint: "run the command with --dry-run, read its results file, then give that file to --apply"}
		}
		if o.Instance != "" && inst.ID != "" && o.Instance != inst.ID {
			return nil, &SetupError{Message: fmt.Sprintf("--apply: %s is a plan for instance %s, not %s", path, o.Instance, inst.ID),
				Hint: "give --instance-id the plan's instance, or make a plan for this one with --dry-run"}
		}
	}
	return rows, nil
}

// staleOutcome is a row not touched because its user changed since the
// plan: what changed is its changes cell.
func staleOutcome(o report.Outcome, what string) report.Outcome {
	o.Status, o.Error, o.Changes = report.Stale, "", "changed since the plan: "+what+"; not touched (make a new plan with --dry-run)"
	o.Password = ""
	return o
}

// applyCheck compares a planned row of an import with the plan's row for
// its line: "" when the row may go ahead (its update is compared by the
// Updater, UpdateJob.Plan), else what changed.
func applyCheck(plan map[int]report.Outcome, pr *PlannedRow, login, path string) string {
	p, ok := plan[pr.Row.Line]
	if !ok || strings.TrimSpace(p.Login) != strings.TrimSpace(login) {
		return fmt.Sprintf("the row is not in the plan %s (line %d)", path, pr.Row.Line)
	}
	switch pr.Action {
	case ActionInvalid:
		return "" // it is invalid, as the plan's row was or not: nothing is sent
	case ActionCreate:
		if p.Status == report.WouldCreate {
			return ""
		}
		if p.Status == report.Invalid {
			return "the row was invalid in the plan"
		}
		return fmt.Sprintf("user %q (%s) was deleted", login, p.ConnectUserID)
	case ActionExists, ActionUpdate:
		switch {
		case p.Status == report.WouldCreate:
			return fmt.Sprintf("user %q was created by someone else (%s)", login, pr.ExistingUserID)
		case p.Status == report.Invalid:
			return "the row was invalid in the plan"
		case p.ConnectUserID != "" && p.ConnectUserID != pr.ExistingUserID:
			return fmt.Sprintf("user %q was deleted and created again (it was %s, now %s)", login, p.ConnectUserID, pr.ExistingUserID)
		}
	}
	return ""
}

// applyUpdateCheck compares an existing user's changes now with the
// plan's: a field edited by someone else since shows as a different
// changes cell.
func applyUpdateCheck(p *report.Outcome, now string) string {
	if p == nil || p.Changes == now {
		return ""
	}
	was := p.Changes
	if was == "" {
		was = "no change"
	}
	if now == "" {
		now = "no change"
	}
	return fmt.Sprintf("the plan had %q, the user now needs %q", was, now)
}

// applyDeleteCheck compares a planned delete with the plan's row: the
// same user (its id), as the plan listed it (name, routing profile).
func applyDeleteCheck(plan map[int]report.Outcome, pr *PlannedRow, login, path string) string {
	p, ok := plan[pr.Row.Line]
	if !ok || strings.TrimSpace(p.Login) != strings.TrimSpace(login) {
		return fmt.Sprintf("the row is not in the plan %s (line %d)", path, pr.Row.Line)
	}
	switch pr.Action {
	case ActionDelete:
		t := pr.Delete
		switch {
		case p.Status == report.Absent:
			return fmt.Sprintf("user %q was created by someone else (%s)", login, t.UserID)
		case p.Status != report.WouldDelete:
			return fmt.Sprintf("the plan's row is %s, not would-delete", p.Status)
		case t.AlreadyDeleted:
			return ""
		case p.ConnectUserID != "" && p.ConnectUserID != t.UserID:
			return fmt.Sprintf("user %q was deleted and created again (it was %s, now %s)", login, p.ConnectUserID, t.UserID)
		}
		var diffs []string
		for _, f := range []struct{ name, was, now string }{
			{"first name", p.FirstName, t.FirstName}, {"last name", p.LastName, t.LastName}, {"routing profile", p.RoutingProfile, t.RoutingProfile},
		} {
			if f.was != f.now {
				diffs = append(diffs, fmt.Sprintf("%s: %s -> %s", f.name, orNone(f.was), orNone(f.now)))
			}
		}
		if len(diffs) > 0 {
			return fmt.Sprintf("user %q was edited (%s)", login, strings.Join(diffs, "; "))
		}
	case ActionAbsent:
		if p.Status == report.WouldDelete {
			return fmt.Sprintf("user %q (%s) was deleted by someone else", login, p.ConnectUserID)
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
