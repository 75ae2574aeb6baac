package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// removeFixture is acceptance 1 and 2 of the remove command: 1,000 agents,
// some with USER quick connects, some with Identity Center users in the
// agents' group (a few of them in another group too), and a file naming 200
// logins: 192 agents, 5 that do not exist and 3 that differ only in case.
// A smaller fixture (users below 1,000) names users/5 - 8 agents the same
// way, with the same 5 absent and 3 case-only rows.
type removeFixture struct {
	sb       *sandbox.Sandbox
	dir      string
	users    int             // the agents the instance holds, its admin aside
	named    map[string]bool // the agents the file names exactly (192 of 1,000)
	ids      map[string]string
	quick    map[string]string // quick connect id -> user login
	keepers  map[string]bool   // named agents whose Identity Center user is in another group or assigned directly
	assigned map[string]bool   // named agents whose Identity Center user is assigned to the application directly
}

func newRemoveFixture(t *testing.T, opts sandbox.Options, size int) *removeFixture {
	t.Helper()
	opts.Identity = "SAML"
	sb := e2eSandbox(t, opts)
	fx := &removeFixture{sb: sb, dir: t.TempDir(), users: size, named: map[string]bool{}, ids: map[string]string{},
		quick: map[string]string{}, keepers: map[string]bool{}, assigned: map[string]bool{}}
	users := make([]sandbox.ConnectUser, size)
	for i := range users {
		users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("agent%04d", i+1), FirstName: "Agent", LastName: fmt.Sprint(i + 1)}
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	for _, u := range sb.ConnectUsers() {
		fx.ids[u.Username] = u.ID
	}
	group, err := sb.AddGroup("ConnectAgents")
	if err != nil {
		t.Fatal(err)
	}
	other, err := sb.AddGroup("Supervisors")
	if err != nil {
		t.Fatal(err)
	}
	_ = other
	var rows []string
	for i := 1; i <= fx.users/5-8; i++ {
		login := fmt.Sprintf("agent%04d", i*5) // spread over the instance
		fx.named[login] = true
		rows = append(rows, "Agent,"+login+","+login)
	}
	for i := 1; i <= 5; i++ {
		rows = append(rows, fmt.Sprintf("Ghost,%d,ghost%d", i, i))
	}
	for _, l := range []string{"AGENT0001", "Agent0002", "aGENT0003"} {
		rows = append(rows, "Case,Only,"+l)
	}
	// Every 8th named agent and every 50th other agent has a quick connect;
	// every 4th named one and every 40th other one an Identity Center user in
	// the group; every 16th named one is also a supervisor.
	n := 0
	for i := 1; i <= fx.users; i++ {
		login := fmt.Sprintf("agent%04d", i)
		if fx.named[login] && i%40 == 0 || !fx.named[login] && i%50 == 1 {
			id, err := sb.AddUserQuickConnect("Transfer to "+login, fx.ids[login])
			if err != nil {
				t.Fatal(err)
			}
			fx.quick[id] = login
		}
		if fx.named[login] && i%20 == 0 || !fx.named[login] && i%40 == 1 {
			uid, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: login, DisplayName: login, GivenName: "Agent", FamilyName: login})
			if err != nil {
				t.Fatal(err)
			}
			addMember(t, sb, group, uid)
			if fx.named[login] && i%80 == 0 {
				addMember(t, sb, other, uid)
				fx.keepers[login] = true
			}
			if fx.named[login] && i%80 == 60 {
				// Assigned to the application directly, not only through the group.
				sb.AddApplicationAssignment(uid, "USER")
				fx.keepers[login] = true
				fx.assigned[login] = true
			}
			n++
		}
	}
	if len(fx.quick) < fx.users/50 || n < fx.users/25 || len(fx.keepers) < 2 || len(fx.assigned) < 2 {
		t.Fatalf("fixture too thin: %d quick connects, %d identity center users, %d keepers", len(fx.quick), n, len(fx.keepers))
	}
	body := "first name,last name,user login\n" + strings.Join(rows, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(fx.dir, "leavers.csv"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return fx
}

func addMember(t *testing.T, sb *sandbox.Sandbox, group, user string) {
	t.Helper()
	if err := sb.AddMembership(group, user); err != nil {
		t.Fatal(err)
	}
}

// checkRemoved checks the instance after the whole file was removed: the
// named agents and their quick connects are gone, every other user and
// quick connect is there, and Identity Center users in another group stay.
func (fx *removeFixture) checkRemoved(t *testing.T) {
	t.Helper()
	left := map[string]bool{}
	for _, u := range fx.sb.ConnectUsers() {
		left[u.Username] = true
	}
	for login := range fx.ids {
		if fx.named[login] == left[login] {
			t.Errorf("user %s: named %v, still there %v", login, fx.named[login], left[login])
		}
	}
	if want := fx.users - len(fx.named) + 1; len(left) != want { // and admin
		t.Errorf("%d users left, want %d", len(left), want)
	}
	qcLeft := map[string]bool{}
	for _, q := range fx.sb.QuickConnects() {
		qcLeft[q.ID] = true
	}
	for id, login := range fx.quick {
		if fx.named[login] == qcLeft[id] {
			t.Errorf("quick connect of %s: named %v, still there %v", login, fx.named[login], qcLeft[id])
		}
	}
	store := map[string]bool{}
	for _, u := range fx.sb.IdentityStoreUsers() {
		store[u.UserName] = true
	}
	for login := range store {
		if fx.named[login] && !fx.keepers[login] {
			t.Errorf("identity center user %s was not deleted", login)
		}
	}
	for login := range fx.keepers {
		if !store[login] {
			t.Errorf("identity center user %s, in another group, was deleted", login)
		}
	}
}

func countStatuses(rows map[int]report.Outcome) map[report.Status]int {
	c := map[report.Status]int{}
	for _, o := range rows {
		c[o.Status]++
	}
	return c
}

// TestRemoveCommandAcceptance: the dry run lists exactly the 192 agents (of
// 1,000 with BULKAGENTS_FULL=1; 72 of 400 in the suite);
// the run deletes exactly those and their quick connects, and nothing else;
// 3 rows invalid (case only, never deleted), 5 absent.
func TestRemoveCommandAcceptance(t *testing.T) {
	t.Parallel()
	fx := newRemoveFixture(t, sandbox.Options{RateScale: 200}, fullSize(t, 400, 1000))
	named := len(fx.named)
	before := len(fx.sb.ConnectUsers())
	code, out := runCommand(t, fx.sb, fx.dir, 200, "remove", "leavers.csv", "--dry-run", "--no-progress", "--sso", "--sso-delete-users")
	if code != 1 { // the three case-only rows are invalid
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	dry := results(t, filepath.Join(fx.dir, "leavers-removed.csv"))
	if c := countStatuses(dry); c[report.WouldDelete] != named || c[report.Absent] != 5 || c[report.Invalid] != 3 || len(dry) != named+8 {
		t.Fatalf("dry run: %v", c)
	}
	for _, o := range dry {
		switch o.Status {
		case report.WouldDelete:
			if !fx.named[o.Login] || o.ConnectUserID != fx.ids[o.Login] || o.FirstName != "Agent" || o.RoutingProfile != "Basic Routing Profile" {
				t.Errorf("dry run row %+v", o)
			}
		case report.Invalid:
			if !strings.Contains(o.Error, `"`+strings.ToLower(o.Login)+`"`) {
				t.Errorf("invalid row %d does not name the exact login: %s", o.Line, o.Error)
			}
		}
	}
	withQuick := 0
	for _, o := range dry {
		if strings.Contains(o.Changes, "quick connects: Transfer to "+o.Login) {
			withQuick++
		}
	}
	if want := countNamed(fx); withQuick != want {
		t.Errorf("the dry run lists quick connects for %d rows, want %d", withQuick, want)
	}
	if n := len(fx.sb.ConnectUsers()); n != before {
		t.Fatalf("the dry run changed the instance: %d users, want %d", n, before)
	}

	code, out = runCommand(t, fx.sb, fx.dir, 200, "remove", "leavers.csv", "--force", "--yes", "--no-progress", "--sso", "--sso-delete-users")
	if code != 1 {
		t.Fatalf("remove: exit %d\n%s", code, out)
	}
	got := results(t, filepath.Join(fx.dir, "leavers-removed.csv"))
	if c := countStatuses(got); c[report.Deleted] != named || c[report.Absent] != 5 || c[report.Invalid] != 3 {
		t.Fatalf("remove: %v\n%s", c, out)
	}
	fx.checkRemoved(t)
	if !strings.Contains(out, "quick connects deleted") && !strings.Contains(out, fmt.Sprintf("%d quick connects deleted", countNamed(fx))) {
		t.Errorf("summary does not count the quick connects:\n%s", out)
	}
	for _, o := range got {
		if fx.assigned[o.Login] && !strings.Contains(o.Changes, "user kept: it has 1 application assignment(s) of its own") {
			t.Errorf("line %d: an identity center user assigned directly: %q", o.Line, o.Changes)
		}
		if fx.keepers[o.Login] && !fx.assigned[o.Login] && !strings.Contains(o.Changes, "user kept: it is in 1 other group") {
			t.Errorf("line %d: a supervisor's identity center user: %q", o.Line, o.Changes)
		}
	}
}

func countNamed(fx *removeFixture) int {
	n := 0
	for _, login := range fx.quick {
		if fx.named[login] {
			n++
		}
	}
	return n
}

// TestRemoveCommandNeedsYes: without --yes and without a terminal, exit 2
// and nothing deleted.
func TestRemoveCommandNeedsYes(t *testing.T) {
	t.Parallel()
	fx := newRemoveFixture(t, sandbox.Options{Unlimited: true}, 400)
	code, out := runCommand(t, fx.sb, fx.dir, 1, "remove", "leavers.csv", "--no-progress")
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, out)
	}
	if n := len(fx.sb.ConnectUsers()); n != fx.users+1 {
		t.Errorf("%d users, want %d", n, fx.users+1)
	}
	if c := fx.sb.Calls(); c["Connect.DeleteUser"].Sent != 0 || c["Connect.DescribeInstance"].Sent != 0 {
		t.Errorf("calls were made: %v", c)
	}
	if _, err := os.Stat(filepath.Join(fx.dir, "leavers-removed.csv")); err == nil {
		t.Errorf("a results file was written")
	}
}

// TestRemoveCommandCrash: 10 SIGKILLs at random moments while users are
// being deleted (and 5% of the deletes answering HTTP 500, half of them
// after deleting), each followed by --resume: in the end every named user is
// deleted with its quick connects, and no other user touched.
func TestRemoveCommandCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills remove 10 times")
	}
	t.Parallel()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 2))
	fx := newRemoveFixture(t, sandbox.Options{RateScale: 20, ErrorRate: 0.05, Seed: seed}, fullSize(t, 400, 1000)) // DeleteUser 40/s
	watch := watchCalls(t, fx.sb)
	kills, midRun := 0, 0
	for kills < 10 {
		deletes := fx.sb.Calls()["Connect.DeleteUser"].Sent
		r := startKillRun(t, importCmd(t, fx.sb, fx.dir, 20, "remove", "leavers.csv", "--resume", "--yes", "--no-progress", "--sso", "--sso-delete-users"))
		var at <-chan struct{}
		if kills%3 == 0 {
			// Anywhere: starting (no call yet), planning (its reads), deleting.
			at = watch.after(rng.IntN(16))
		} else {
			// Once this run's deletes have begun, after a random few.
			at = watch.after(1+rng.IntN(12), "Connect.DeleteUser")
		}
		if !r.wait(at) || !r.kill() {
			t.Logf("run finished before the kill: %v", r.err)
			break
		}
		kills++
		if fx.sb.Calls()["Connect.DeleteUser"].Sent > deletes {
			midRun++
		}
		// No user the file does not name is ever touched.
		left := map[string]bool{}
		for _, u := range fx.sb.ConnectUsers() {
			left[u.Username] = true
		}
		for login := range fx.ids {
			if !fx.named[login] && !left[login] {
				t.Fatalf("after kill %d: user %s, not named, is gone", kills, login)
			}
		}
	}
	code, out := runCommand(t, fx.sb, fx.dir, 20, "remove", "leavers.csv", "--resume", "--yes", "--no-progress", "--sso", "--sso-delete-users")
	if code != 1 {
		t.Fatalf("final --resume: exit %d\n%s", code, out)
	}
	got := results(t, filepath.Join(fx.dir, "leavers-removed.csv"))
	if c := countStatuses(got); c[report.Deleted] != len(fx.named) || c[report.Absent] != 5 || c[report.Invalid] != 3 {
		var bad []string
		for _, o := range got {
			if o.Status != report.Deleted && o.Status != report.Absent && o.Status != report.Invalid {
				bad = append(bad, fmt.Sprintf("%d %s %s", o.Line, o.Status, o.Error))
			}
		}
		slices.Sort(bad)
		t.Fatalf("after the final --resume: %v\n%s", c, strings.Join(bad, "\n"))
	}
	fx.checkRemoved(t)
	t.Logf("%d kills, %d of them while users were being deleted", kills, midRun)
	if kills < 10 || midRun < 5 {
		t.Errorf("%d kills, %d while deleting: the test proves little", kills, midRun)
	}
}

// TestRemoveCommandInterrupt: Ctrl-C stops remove with exit 130, the rows
// in flight finished and every other named row not-attempted; the results
// file agrees with the instance. (TestRemoveCommandCrash resumes.)
func TestRemoveCommandInterrupt(t *testing.T) {
	t.Parallel()
	fx := newRemoveFixture(t, sandbox.Options{RateScale: 2}, 400) // DeleteUser 4/s: the run would last about 18 s
	cmd := importCmd(t, fx.sb, fx.dir, 2, "remove", "leavers.csv", "--yes", "--no-progress")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	deleting := watchCalls(t, fx.sb).after(8, "Connect.DeleteUser")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	await(t, deleting, "the 8th DeleteUser")
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130\n%s", err, stderr.String())
	}
	got := results(t, filepath.Join(fx.dir, "leavers-removed.csv"))
	left := map[string]bool{}
	for _, u := range fx.sb.ConnectUsers() {
		left[u.Username] = true
	}
	c := countStatuses(got)
	if len(got) != len(fx.named)+8 || c[report.Deleted]+c[report.NotAttempted] != len(fx.named) || c[report.NotAttempted] == 0 {
		t.Fatalf("after Ctrl-C: %d rows, %v", len(got), c)
	}
	goneRows := 0
	for _, o := range got {
		switch o.Status {
		case report.Deleted:
			goneRows++
			if left[o.Login] {
				t.Errorf("line %d: deleted, but %s is still there", o.Line, o.Login)
			}
		case report.NotAttempted:
			// Deleted, its quick connects left to --resume; or untouched.
			if gone := strings.Contains(o.Error, "the user deleted"); gone == left[o.Login] {
				t.Errorf("line %d: not-attempted (%s), but %s still there: %v", o.Line, o.Error, o.Login, left[o.Login])
			}
			if gone := strings.Contains(o.Error, "the user deleted"); gone {
				goneRows++
			}
		}
	}
	if goneRows < 8 || len(left) != fx.users+1-goneRows {
		t.Errorf("%d rows say their user went, %d users left", goneRows, len(left))
	}
	if !strings.Contains(stderr.String(), "remove: interrupted: run the same command with --resume") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}

// TestRemoveCommandDiskFull: the disk of the results file fills up while
// users are being deleted: the run stops (exit 1, not 2: users were
// deleted), prints its summary, says that the disk is full, that the results
// file is the complete log and to --resume; --resume, with space again,
// deletes every named user, no other.
func TestRemoveCommandDiskFull(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if !smallDisk(t, dir, 1<<20) {
		t.Skip("cannot mount a small disk here (needs root and mount)")
	}
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	users := make([]sandbox.ConnectUser, 40)
	var rows []string
	for i := range users {
		users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("agent%02d", i), FirstName: "Agent", LastName: fmt.Sprint(i)}
		if i%2 == 0 {
			rows = append(rows, "Agent,"+fmt.Sprint(i)+","+users[i].Username)
		}
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte("first name,last name,user login\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(dir, "filler")
	var deletes atomic.Int32
	sb.SetHang(func(service, op string) bool {
		if op == "DeleteUser" && deletes.Add(1) == 4 {
			if err := fill(filler); err != nil {
				t.Errorf("fill the disk: %v", err)
			}
		}
		return false
	})
	code, stderr := runCommand(t, sb, dir, 1000, "remove", "leavers.csv", "--yes", "--no-progress")
	t.Logf("the run with the disk full:\n%s", stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (users were deleted)\n%s", code, stderr)
	}
	for _, want := range []string{"remove: 20 rows:", "could not be finished", "leavers-removed.csv is the complete log", "is full", "--resume"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	sb.SetHang(nil)
	code, out := runCommand(t, sb, dir, 1000, "remove", "leavers.csv", "--resume", "--yes", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, out)
	}
	left := map[string]bool{}
	for _, u := range sb.ConnectUsers() {
		left[u.Username] = true
	}
	for i, u := range users {
		if left[u.Username] == (i%2 == 0) {
			t.Errorf("user %s: named %v, still there %v", u.Username, i%2 == 0, left[u.Username])
		}
	}
}
