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

// loadPlan reads a dry run's results file for --apply (report.LoadPlan).
func loadPlan(path string, inst Instance) (map[int]report.Outcome, error) {
	rows, err := report.LoadPlan(path, inst.ID)
	if err != nil {
		return nil, &SetupError{Message: "--apply: " + err.Error(), Err: err,
			Hint: "run the command with --dry-run --out PLAN.csv, read PLAN.csv, then give it to --apply (with the plan's instance)"}
	}
	return rows, nil
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
	return fmt.Sprintf("the plan had %q, the user now needs %q (\"\": no change)", p.Changes, now)
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
		diffs := report.ListedDiffs(p, t.outcome(pr.Row.Line, Instance{}))
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
