package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// The listing lag of Connect (ListUsers and SearchUsers lag writes by
// seconds): with the sandbox at a lag, each command run at once after the
// one that wrote reports what it looked at, never what a stale listing
// said. The lag is 10 s with BULKAGENTS_FULL=1; 2 s in the suite, longer
// than the first round (1 s) of the default backoff, which these runs use.

// lagged is the listing lag of these tests and the rows of each.
func lagged(t *testing.T) (time.Duration, int) {
	if fullSize(t, 0, 1) == 1 {
		return 10 * time.Second, 100
	}
	return 2 * time.Second, 12
}

// runWithBackoff runs bulkagents with the default backoff schedule (the
// test binary's is short, for the tests whose sandbox does not lag).
func runWithBackoff(t *testing.T, sb *sandbox.Sandbox, dir string, args ...string) (int, string) {
	t.Helper()
	cmd := importCmd(t, sb, dir, 1000, args...)
	cmd.Env = append(cmd.Env, "BULKAGENTS_LAG_BACKOFF=1s,2s,4s,8s")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	}
	t.Fatalf("run bulkagents: %v", err)
	return 0, ""
}

// laggedImport starts a sandbox at the lag and imports n agents into it.
func laggedImport(t *testing.T, prefix string) (*sandbox.Sandbox, string, []string) {
	t.Helper()
	lag, n := lagged(t)
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, ListingLag: lag})
	dir := t.TempDir()
	rows := e2eRows(prefix, n)
	writeFile(t, dir, "agents.csv", rows)
	code, stderr := runWithBackoff(t, sb, dir, "import", "agents.csv", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d rows: %d created", n, n)) {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	return sb, dir, rows
}

// sandboxUsers is the sandbox's users by login.
func sandboxUsers(sb *sandbox.Sandbox) map[string]sandbox.ConnectUser {
	m := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		m[u.Username] = u
	}
	return m
}

// TestListingLagReRun: a re-run at once after an import reports every row
// exists, with the id of its user, and creates nothing; each user was read
// and compared with its row: a row changed since says what differs (and
// without --update nothing is changed).
func TestListingLagReRun(t *testing.T) {
	t.Parallel()
	sb, dir, rows := laggedImport(t, "rerun")
	again := append([]string{}, rows...)
	for i := len(rows) / 2; i < len(rows); i++ {
		again[i] = strings.Replace(rows[i], "Basic Routing Profile", "Sales Routing Profile", 1)
	}
	writeFile(t, dir, "agents.csv", again)
	code, stderr := runWithBackoff(t, sb, dir, "import", "agents.csv", "--force", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d rows: %d exists", len(rows), len(rows))) {
		t.Fatalf("re-run: exit %d, want 0 and every row exists\n%s", code, stderr)
	}
	users := sandboxUsers(sb)
	if len(users) != len(rows)+1 {
		t.Errorf("the sandbox holds %d users, want %d (admin and the agents, none twice)", len(users), len(rows)+1)
	}
	basic := sb.RoutingProfileID("Basic Routing Profile")
	for line, o := range results(t, filepath.Join(dir, "agents-results.csv")) {
		u := users[o.Login]
		changed := line-2 >= len(rows)/2
		switch {
		case o.Status != report.Exists || o.ConnectUserID == "" || o.ConnectUserID != u.ID:
			t.Errorf("line %d: %s, connect user id %q; want exists with %q", line, o.Status, o.ConnectUserID, u.ID)
		case changed != strings.Contains(o.Changes, "routing profile: Basic Routing Profile -> Sales Routing Profile"):
			t.Errorf("line %d: changes %q (the row changed: %v)", line, o.Changes, changed)
		case u.RoutingProfileID != basic:
			t.Errorf("line %d: the re-run without --update changed the user's routing profile", line)
		}
	}
}

// TestListingLagUpdate: import --update at once after an import applies
// every change, as the sandbox shows.
func TestListingLagUpdate(t *testing.T) {
	t.Parallel()
	sb, dir, rows := laggedImport(t, "update")
	changed := make([]string, len(rows))
	for i, r := range rows {
		r = strings.Replace(r, "Basic Routing Profile", "Sales Routing Profile", 1)
		changed[i] = strings.Replace(r, ",yes,30", ",no,60", 1)
	}
	writeFile(t, dir, "changed.csv", changed)
	code, stderr := runWithBackoff(t, sb, dir, "import", "changed.csv", "--update", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d rows: %d updated", len(rows), len(rows))) {
		t.Fatalf("import --update: exit %d, want 0 and every row updated\n%s", code, stderr)
	}
	sales := sb.RoutingProfileID("Sales Routing Profile")
	users := sandboxUsers(sb)
	for line, o := range results(t, filepath.Join(dir, "changed-results.csv")) {
		u := users[o.Login]
		switch {
		case o.Status != report.Updated || o.ConnectUserID != u.ID:
			t.Errorf("line %d: %s %q, id %q; want updated, id %q", line, o.Status, o.Error, o.ConnectUserID, u.ID)
		case u.RoutingProfileID != sales || u.AutoAccept || u.ACWTimeout != 60:
			t.Errorf("%s: routing profile %s, auto accept %v, ACW %d; want %s, false, 60 (changes %q)", o.Login, u.RoutingProfileID, u.AutoAccept, u.ACWTimeout, sales, o.Changes)
		case !strings.Contains(o.Changes, "routing profile: Basic Routing Profile -> Sales Routing Profile"):
			t.Errorf("line %d: changes %q", line, o.Changes)
		}
	}
}

// TestListingLagRemoveThenImport: remove at once after an import deletes
// every user it names; an import at once after the remove creates them
// all again.
func TestListingLagRemoveThenImport(t *testing.T) {
	t.Parallel()
	sb, dir, rows := laggedImport(t, "remove")
	code, stderr := runWithBackoff(t, sb, dir, "remove", "agents.csv", "--yes", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d deleted", len(rows))) {
		t.Fatalf("remove: exit %d, want 0 and every row deleted\n%s", code, stderr)
	}
	if users := sandboxUsers(sb); len(users) != 1 {
		t.Fatalf("after the remove the sandbox holds %d users, want only admin", len(users))
	}
	for line, o := range results(t, filepath.Join(dir, "agents-removed.csv")) {
		if o.Status != report.Deleted {
			t.Errorf("remove line %d: %s %q", line, o.Status, o.Error)
		}
	}

	code, stderr = runWithBackoff(t, sb, dir, "import", "agents.csv", "--force", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d rows: %d created", len(rows), len(rows))) {
		t.Fatalf("import after the remove: exit %d, want 0 and every row created\n%s", code, stderr)
	}
	got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), len(rows), true)
	users := sandboxUsers(sb)
	for line, o := range got {
		if o.Status != report.Created || o.ConnectUserID != users[o.Login].ID {
			t.Errorf("line %d: %s id %q; want created, id %q", line, o.Status, o.ConnectUserID, users[o.Login].ID)
		}
	}
	if len(users) != len(rows)+1 {
		t.Errorf("the sandbox holds %d users, want %d", len(users), len(rows)+1)
	}
}

// TestListingLagImportAfterRemove: users listed at once (made long ago),
// removed, then imported at once while the listing still shows them: a
// dry run says every row would be created, and the import creates every
// row again, none called exists.
func TestListingLagImportAfterRemove(t *testing.T) {
	t.Parallel()
	lag, n := lagged(t)
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, ListingLag: lag})
	dir := t.TempDir()
	rows := e2eRows("again", n)
	writeFile(t, dir, "agents.csv", rows)
	seeded := make([]sandbox.ConnectUser, n)
	for i := range seeded {
		seeded[i] = sandbox.ConnectUser{Username: fmt.Sprintf("again%04d", i+1), FirstName: "Agent", LastName: fmt.Sprint(i + 1)}
	}
	if err := sb.AddConnectUsers(seeded...); err != nil {
		t.Fatal(err)
	}
	code, stderr := runWithBackoff(t, sb, dir, "remove", "agents.csv", "--yes", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d deleted", n)) {
		t.Fatalf("remove: exit %d, want 0 and every row deleted\n%s", code, stderr)
	}
	code, stderr = runWithBackoff(t, sb, dir, "import", "agents.csv", "--dry-run", "--out", "dry.csv", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d rows: %d would-create", n, n)) {
		t.Fatalf("dry run after the remove: exit %d, want 0 and every row would-create\n%s", code, stderr)
	}
	code, stderr = runWithBackoff(t, sb, dir, "import", "agents.csv", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d rows: %d created", n, n)) {
		t.Fatalf("import after the remove: exit %d, want 0 and every row created\n%s", code, stderr)
	}
	checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), n, true)
	if users := sandboxUsers(sb); len(users) != n+1 {
		t.Errorf("the sandbox holds %d users, want %d", len(users), n+1)
	}
}

// TestListingLagRemoveByRecordedID: remove given the import's results
// file at once after the import finds each user by the id that file
// records, exactly: at most two DescribeUser each (DescribeUser misses a
// user for a second after its creation) and a single listing, without
// waiting for the listing to catch up.
func TestListingLagRemoveByRecordedID(t *testing.T) {
	t.Parallel()
	sb, dir, rows := laggedImport(t, "byid")
	sb.ResetCalls()
	code, stderr := runWithBackoff(t, sb, dir, "remove", "agents-results.csv", "--out", "removed.csv", "--yes", "--no-progress")
	if code != 0 || !strings.Contains(stderr, fmt.Sprintf("%d deleted", len(rows))) {
		t.Fatalf("remove: exit %d, want 0 and every row deleted\n%s", code, stderr)
	}
	if users := sandboxUsers(sb); len(users) != 1 {
		t.Errorf("after the remove the sandbox holds %d users, want only admin", len(users))
	}
	calls := sb.Calls()
	if d, s := calls["Connect.DescribeUser"].Sent, calls["Connect.SearchUsers"].Sent; d < len(rows) || d > 2*len(rows) || s != 1 {
		t.Errorf("remove sent %d DescribeUser and %d SearchUsers; want %d to %d (by each row's id) and 1 (one listing)", d, s, len(rows), 2*len(rows))
	}
}
