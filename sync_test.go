package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

const syncHeader = "first name,last name,email address,secondary email address,mobile,password,user login,agent hierarchy,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags"

// syncRow is one roster row of agent n, with its routing profile and
// hierarchy.
func syncRow(n int, routing, hierarchy string) string {
	return fmt.Sprintf("Agent,%d,agent%04d@example.com,,,,agent%04d,%s,%s,Agent,,soft,,yes,30,", n, n, n, hierarchy, routing)
}

func writeRoster(t *testing.T, path string, rows []string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(syncHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// syncFixture is an instance of size agents made by an import of a roster,
// and a second roster that drops, changes and adds step agents each.
type syncFixture struct {
	sb         *sandbox.Sandbox
	dir        string
	size, step int
}

func newSyncFixture(t *testing.T, size, step int) *syncFixture {
	t.Helper()
	return newSyncFixtureWith(t, sandbox.Options{RateScale: 200, UserQuota: 5000}, size, step)
}

func newSyncFixtureWith(t *testing.T, opts sandbox.Options, size, step int) *syncFixture {
	t.Helper()
	fx := &syncFixture{sb: e2eSandbox(t, opts), dir: t.TempDir(), size: size, step: step}
	var rows []string
	for i := 1; i <= size; i++ {
		rows = append(rows, syncRow(i, "Basic Routing Profile", ""))
	}
	writeRoster(t, filepath.Join(fx.dir, "start.csv"), rows)
	if code, out := runCommand(t, fx.sb, fx.dir, 200, "import", "start.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	// The roster: agents 1..step dropped, step+1..2*step moved to the
	// Sales Routing Profile, size+1..size+step added.
	rows = rows[:0]
	for i := step + 1; i <= size+step; i++ {
		routing := "Basic Routing Profile"
		if i <= 2*step {
			routing = "Sales Routing Profile"
		}
		rows = append(rows, syncRow(i, routing, ""))
	}
	writeRoster(t, filepath.Join(fx.dir, "roster.csv"), rows)
	return fx
}

func (fx *syncFixture) users(t *testing.T) map[string]sandbox.ConnectUser {
	t.Helper()
	m := map[string]sandbox.ConnectUser{}
	for _, u := range fx.sb.ConnectUsers() {
		if _, dup := m[u.Username]; dup {
			t.Errorf("user %q twice", u.Username)
		}
		m[u.Username] = u
	}
	return m
}

func TestSyncAcceptance(t *testing.T) {
	t.Parallel()
	size, step := fullSize(t, 60, 1000), fullSize(t, 5, 50)
	fx := newSyncFixture(t, size, step)
	maxDeletes := fmt.Sprint(step)
	before := fx.users(t)

	code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--dry-run", "--no-progress", "--max-deletes", maxDeletes, "--out", "plan-results.csv")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	plan := countStatuses(results(t, filepath.Join(fx.dir, "plan-results.csv")))
	dels := countStatuses(results(t, filepath.Join(fx.dir, "plan-removed.csv")))
	if plan[report.WouldCreate] != step || plan[report.WouldUpdate] != step || plan[report.Exists] != size-2*step || dels[report.WouldDelete] != step {
		t.Fatalf("dry run plans %v and %v, want %d would-create, %d would-update, %d exists, %d would-delete\n%s",
			plan, dels, step, step, size-2*step, step, out)
	}
	if len(fx.users(t)) != len(before) {
		t.Fatalf("the dry run changed the instance")
	}

	code, out = runCommand(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--yes", "--no-progress", "--max-deletes", maxDeletes)
	if code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, out)
	}
	got := countStatuses(results(t, filepath.Join(fx.dir, "roster-results.csv")))
	dels = countStatuses(results(t, filepath.Join(fx.dir, "roster-removed.csv")))
	if got[report.Created] != step || got[report.Updated] != step || got[report.Exists] != size-2*step || dels[report.Deleted] != step {
		t.Fatalf("sync: %v and %v\n%s", got, dels, out)
	}
	after := fx.users(t)
	sales := fx.sb.RoutingProfileID("Sales Routing Profile")
	for i := 1; i <= size+step; i++ {
		login := fmt.Sprintf("agent%04d", i)
		u, ok := after[login]
		switch {
		case i <= step && ok:
			t.Errorf("%s was dropped from the roster and is still there", login)
		case i > step && !ok:
			t.Errorf("%s is in the roster and missing", login)
		case i > step && i <= 2*step && u.RoutingProfileID != sales:
			t.Errorf("%s: routing profile %s, want Sales", login, u.RoutingProfileID)
		case i > 2*step && i <= size && u.ID != before[login].ID:
			t.Errorf("%s was replaced", login)
		}
	}
	if len(after) != len(before) {
		t.Errorf("%d users after the sync, want %d", len(after), len(before))
	}

	// A second sync plans nothing.
	code, out = runCommand(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--dry-run", "--no-progress", "--out", "again-results.csv")
	if code != 0 {
		t.Fatalf("second dry run: exit %d\n%s", code, out)
	}
	again := countStatuses(results(t, filepath.Join(fx.dir, "again-results.csv")))
	if again[report.Exists] != size || len(again) != 1 {
		t.Errorf("second sync plans %v, want %d exists", again, size)
	}
	if d, err := report.Load(filepath.Join(fx.dir, "again-removed.csv")); err == nil {
		for _, o := range d {
			if o.Status != report.Kept {
				t.Errorf("second sync plans a delete: %+v", o)
			}
		}
	}
	// The same, as a script reads it (--format json on standard output).
	cmd := importCmd(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--dry-run", "--no-progress", "--out", "json-results.csv", "--format", "json")
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("--format json: %v", err)
	}
	var summary struct {
		Command        string         `json:"command"`
		Counts         map[string]int `json:"counts"`
		PlannedDeletes int            `json:"planned_deletes"`
	}
	if err := json.Unmarshal(stdout, &summary); err != nil || summary.Command != "sync" || summary.Counts["exists"] != size || summary.PlannedDeletes != 0 {
		t.Errorf("--format json: %+v, %v\n%s", summary, err, stdout)
	}
}

// syncGuardFixture: agents 1..10 in Example Corp|Support|Tier 1, 11..20 in
// Example Corp|Sales, and an administrator, admin01.
func syncGuardFixture(t *testing.T) *syncFixture {
	t.Helper()
	fx := &syncFixture{sb: e2eSandbox(t, sandbox.Options{RateScale: 200}), dir: t.TempDir(), size: 20}
	var rows []string
	for i := 1; i <= 20; i++ {
		h := "Example Corp|Support|Tier 1"
		if i > 10 {
			h = "Example Corp|Sales"
		}
		rows = append(rows, syncRow(i, "Basic Routing Profile", h))
	}
	writeRoster(t, filepath.Join(fx.dir, "start.csv"), rows)
	if code, out := runCommand(t, fx.sb, fx.dir, 200, "import", "start.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	if err := fx.sb.AddConnectUsers(sandbox.ConnectUser{Username: "admin01", FirstName: "Ad", LastName: "Min",
		SecurityProfileIDs: []string{fx.sb.SecurityProfileID("Admin")}}); err != nil {
		t.Fatal(err)
	}
	return fx
}

func rosterOf(from, to int, h string) []string {
	var rows []string
	for i := from; i <= to; i++ {
		rows = append(rows, syncRow(i, "Basic Routing Profile", h))
	}
	return rows
}

// TestSyncGuards: each guard refuses before any change (exit 2, the
// instance as it was, a message saying what to do), and Admin and --keep
// users are kept.
func TestSyncGuards(t *testing.T) {
	t.Parallel()
	fx := syncGuardFixture(t)
	before := len(fx.users(t))
	refuse := func(name string, rows []string, want string, extra ...string) {
		t.Helper()
		path := filepath.Join(fx.dir, name+".csv")
		if rows == nil {
			os.WriteFile(path, []byte(syncHeader+"\n"), 0o600)
		} else {
			writeRoster(t, path, rows)
		}
		code, out := runCommand(t, fx.sb, fx.dir, 200, append([]string{"sync", name + ".csv", "--yes", "--no-progress"}, extra...)...)
		if code != 2 || !strings.Contains(out, want) || !strings.Contains(out, "hint:") {
			t.Errorf("%s: exit %d, want 2 and %q with a hint\n%s", name, code, want, out)
		}
		if n := len(fx.users(t)); n != before {
			t.Errorf("%s: %d users after a refused sync, want %d", name, n, before)
		}
	}
	refuse("empty", nil, "no data rows")
	other := []string{"Other,1,other1@example.com,,,,other0001,,Basic Routing Profile,Agent,,soft,,yes,30,"}
	refuse("other", other, "another instance")
	refuse("eleven", rosterOf(1, 9, ""), "would delete 11 users of the whole instance, more than --max-deletes 10")

	// Without --yes and no terminal: a sync that deletes is refused before
	// any change; one that deletes nothing runs.
	writeRoster(t, filepath.Join(fx.dir, "noyes.csv"), rosterOf(1, 19, ""))
	if code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "noyes.csv", "--no-progress"); code != 2 || !strings.Contains(out, "needs --yes") {
		t.Errorf("a sync that deletes, without --yes: exit %d\n%s", code, out)
	}
	if n := len(fx.users(t)); n != before {
		t.Errorf("a sync refused for --yes changed the instance: %d users, want %d", n, before)
	}
	writeRoster(t, filepath.Join(fx.dir, "all.csv"), rosterOf(1, 20, ""))
	if code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "all.csv", "--no-progress"); code != 0 {
		t.Errorf("a sync that deletes nothing, without --yes: exit %d\n%s", code, out)
	}

	// Admin and --keep: a roster of agents 1..18 with --keep agent0019
	// deletes agent0020 only; admin01 and agent0019 are kept.
	writeRoster(t, filepath.Join(fx.dir, "keep.csv"), rosterOf(1, 18, ""))
	code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "keep.csv", "--yes", "--no-progress", "--keep", "agent0019")
	if code != 0 {
		t.Fatalf("keep: exit %d\n%s", code, out)
	}
	users := fx.users(t)
	if _, ok := users["agent0020"]; ok {
		t.Errorf("agent0020 is not deleted")
	}
	for _, l := range []string{"admin01", "agent0019"} {
		if _, ok := users[l]; !ok {
			t.Errorf("%s was deleted", l)
		}
	}
	kept := 0
	for _, o := range results(t, filepath.Join(fx.dir, "keep-removed.csv")) {
		if o.Status == report.Kept {
			kept++
		}
	}
	if kept < 2 {
		t.Errorf("%d rows kept, want admin01 and agent0019", kept)
	}
}

// TestSyncScopeHierarchy: with --scope-hierarchy 'Example Corp|Support',
// only the users of that subtree are deleted; a row for a user elsewhere is
// invalid and that user untouched.
func TestSyncScopeHierarchy(t *testing.T) {
	t.Parallel()
	fx := syncGuardFixture(t)
	rows := rosterOf(1, 7, "Example Corp|Support|Tier 1")
	rows = append(rows, syncRow(15, "Sales Routing Profile", "Example Corp|Sales"))
	writeRoster(t, filepath.Join(fx.dir, "support.csv"), rows)
	before := fx.users(t)
	code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "support.csv", "--yes", "--no-progress", "--scope-hierarchy", "Example Corp|Support")
	if code != 1 { // the agent0015 row is invalid
		t.Fatalf("exit %d\n%s", code, out)
	}
	users := fx.users(t)
	for i := 1; i <= 20; i++ {
		login := fmt.Sprintf("agent%04d", i)
		_, ok := users[login]
		if gone := i >= 8 && i <= 10; gone == ok {
			t.Errorf("%s: present %v, want %v", login, ok, !gone)
		}
	}
	if users["agent0015"].RoutingProfileID != before["agent0015"].RoutingProfileID {
		t.Errorf("agent0015, outside the scope, was changed")
	}
	for _, o := range results(t, filepath.Join(fx.dir, "support-results.csv")) {
		if o.Login == "agent0015" && (o.Status != report.Invalid || !strings.Contains(o.Error, "outside the scope hierarchy")) {
			t.Errorf("agent0015's row: %s %s", o.Status, o.Error)
		}
	}
}

// TestSyncCreateFailedHoldsDeletes: when a create fails (the instance's
// users quota), no delete is made: every planned delete is not-attempted,
// saying why, and the exit status is 1.
func TestSyncCreateFailedHoldsDeletes(t *testing.T) {
	t.Parallel()
	seeded := len(e2eSandbox(t, sandbox.Options{}).ConnectUsers())
	// Room for the 20 agents and one more: of the 3 creates, 2 fail.
	fx := newSyncFixtureWith(t, sandbox.Options{RateScale: 200, UserQuota: seeded + 21}, 20, 3)
	code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--yes", "--no-progress", "--max-deletes", "3")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	imp := countStatuses(results(t, filepath.Join(fx.dir, "roster-results.csv")))
	if imp[report.Failed] != 2 {
		t.Fatalf("creates: %v, want 2 failed", imp)
	}
	dels := results(t, filepath.Join(fx.dir, "roster-removed.csv"))
	held := 0
	for _, o := range dels {
		if o.Status == report.Kept && o.Login == "admin" {
			continue // the sandbox's administrator
		}
		held++
		if o.Status != report.NotAttempted || !strings.Contains(o.Error, "did not complete") {
			t.Errorf("delete row %s: %s %q, want not-attempted saying why", o.Login, o.Status, o.Error)
		}
	}
	users := fx.users(t)
	for _, l := range []string{"agent0001", "agent0002", "agent0003"} {
		if _, ok := users[l]; !ok {
			t.Errorf("%s was deleted though a create failed", l)
		}
	}
	if held != 3 {
		t.Errorf("%d delete rows, want 3", held)
	}
}
