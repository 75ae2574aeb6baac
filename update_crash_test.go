package main

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// fullSize is small in the suite and full with BULKAGENTS_FULL=1 (the
// acceptance figures).
func fullSize(t testing.TB, small, full int) int {
	t.Helper()
	if os.Getenv("BULKAGENTS_FULL") == "1" {
		return full
	}
	return small
}

const updateHeader = "first name,last name,email address,secondary email address,mobile,password,user login," +
	"routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2," +
	"phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags"

// updateFleet is n existing agents, and a file naming the first ones with
// a third of them changed: routing profile, security profiles, or several
// fields at once (names, hierarchy, phone settings, tags).
type updateFleet struct {
	sb      *sandbox.Sandbox
	dir     string
	before  map[string]string // every user's fields, before the runs
	want    map[string]string // every user's fields once the file is applied
	changed int
	file    int // rows in the file
}

func newUpdateFleet(t *testing.T, opts sandbox.Options, n, changed int) *updateFleet {
	t.Helper()
	sb := e2eSandbox(t, opts)
	fl := &updateFleet{sb: sb, dir: t.TempDir(), changed: changed, file: min(n, 2*changed)}
	ids := map[string]string{}
	for _, name := range []string{"Basic Routing Profile", "Sales Routing Profile"} {
		if ids[name] = sb.RoutingProfileID(name); ids[name] == "" {
			ids[name] = sb.AddRoutingProfile(name)
		}
	}
	tier1 := sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1")
	users := make([]sandbox.ConnectUser, n)
	for i := range users {
		users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("agent%04d", i+1), FirstName: "Agent", LastName: fmt.Sprint("Number", i+1),
			Email: fmt.Sprintf("agent%04d@example.com", i+1), RoutingProfileID: ids["Basic Routing Profile"], HierarchyGroupID: tier1,
			PhoneType: "SOFT_PHONE", AutoAccept: true, ACWTimeout: 30, Tags: map[string]string{"team": "blue"}}
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	fl.before = updateState(sb)
	sales, manager, agent := ids["Sales Routing Profile"], sb.SecurityProfileID("CallCenterManager"), sb.SecurityProfileID("Agent")
	tier2 := sb.AddHierarchyGroup("Example Corp", "Support", "Tier 2")
	fl.want = maps.Clone(fl.before)
	for i, u := range users {
		u.SecurityProfileIDs = []string{agent}
		switch {
		case i >= changed:
		case i%3 == 0:
			u.RoutingProfileID = sales
		case i%3 == 1:
			u.SecurityProfileIDs = []string{agent, manager}
		default:
			u.LastName, u.HierarchyGroupID, u.PhoneType, u.DeskPhoneNumber, u.ACWTimeout = u.LastName+"-Smith", tier2, "DESK_PHONE", "+14255550100", 60
			u.Tags = map[string]string{"team": "red"}
		}
		fl.want[u.Username] = userLine(u)
	}
	rows := make([]string, fl.file)
	for i := range rows {
		login := users[i].Username
		first, last, routing, security, hier := "Agent", users[i].LastName, "Basic Routing Profile", "Agent", "Example Corp|Support|Tier 1"
		phone, number, acw, tags := "soft", "", "30", "team|blue"
		switch {
		case i >= changed:
		case i%3 == 0:
			routing = "Sales Routing Profile"
		case i%3 == 1:
			security = "Agent|CallCenterManager"
		default:
			last, hier, phone, number, acw, tags = last+"-Smith", "Example Corp|Support|Tier 2", "desk", "+14255550100", "60", "team|red"
		}
		rows[i] = strings.Join([]string{first, last, login + "@example.com", "", "", "", login, routing, security, hier, phone, number, "yes", acw, tags}, ",")
	}
	if err := os.WriteFile(filepath.Join(fl.dir, "agents.csv"), []byte(updateHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return fl
}

// updateState is every user's fields by user name, the profile and group
// ids turned into names so that the file's values can be compared.
func updateState(sb *sandbox.Sandbox) map[string]string {
	out := map[string]string{}
	for _, u := range sb.ConnectUsers() {
		out[u.Username] = userLine(u)
	}
	return out
}

func userLine(u sandbox.ConnectUser) string {
	sp := slices.Clone(u.SecurityProfileIDs)
	slices.Sort(sp)
	var tags []string
	for _, k := range slices.Sorted(maps.Keys(u.Tags)) {
		tags = append(tags, k+"="+u.Tags[k])
	}
	return fmt.Sprintf("%s|%s|%s|%s|%s|rp=%s|sp=%v|h=%s|%s|%s|%v|%d|%v", u.FirstName, u.LastName, u.Email,
		u.SecondaryEmail, u.Mobile, u.RoutingProfileID, sp, u.HierarchyGroupID, u.PhoneType, u.DeskPhoneNumber, u.AutoAccept, u.ACWTimeout, tags)
}

// updateCalls is how many update calls the sandbox received.
func updateCalls(sb *sandbox.Sandbox) int {
	n := 0
	for op, c := range sb.Calls() {
		if isUpdateCall(op) {
			n += c.Sent
		}
	}
	return n
}

// isUpdateCall says whether op ("Service.Operation") changes a user.
func isUpdateCall(op string) bool {
	return strings.HasPrefix(op, "Connect.UpdateUser") || op == "Connect.TagResource" || op == "Connect.UntagResource"
}

// checkTouched fails when a user the file does not name changed, or a
// named user holds a field that is neither what it was nor what the file
// says (a value half-applied is allowed mid-run: one aspect before another).
func (fl *updateFleet) checkTouched(t *testing.T, after map[string]string, final bool) {
	t.Helper()
	for login, was := range fl.before {
		now := after[login]
		i, _ := strconv.Atoi(strings.TrimPrefix(login, "agent"))
		if i > fl.file && now != was {
			t.Fatalf("user %s is not in the file, and changed:\n was %s\n now %s", login, was, now)
		}
		if i > fl.changed && now != was {
			t.Fatalf("user %s is in the file unchanged, and changed:\n was %s\n now %s", login, was, now)
		}
		if final && now != fl.want[login] {
			t.Errorf("user %s:\n got %s\nwant %s", login, now, fl.want[login])
		}
	}
}

// TestUpdateCommandCrash: SIGKILLs at random moments of an update run (10;
// 30 with BULKAGENTS_FULL=1, on 1,000 agents and 300 changes), each
// followed by --resume: every change applied, and no other user or field
// touched.
func TestUpdateCommandCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills import --update 10 times")
	}
	t.Parallel()
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	n, changed, kills := fullSize(t, 90, 1000), fullSize(t, 45, 300), fullSize(t, 10, 30)
	fl := newUpdateFleet(t, sandbox.Options{RateScale: 10}, n, changed) // each update API 20/s
	args := []string{"import", "agents.csv", "--update", "--resume", "--no-progress"}
	watch := watchCalls(t, fl.sb)
	killed, midRun := 0, 0
	for killed < kills {
		sent := updateCalls(fl.sb)
		r := startKillRun(t, importCmd(t, fl.sb, fl.dir, 10, args...))
		// Most kills once this run's updates have begun, after a random few;
		// the others while the users are read, before any update.
		var at <-chan struct{}
		if killed%4 == 3 {
			at = watch.after(1+rng.IntN(20), "Connect.DescribeUser")
		} else {
			at = watch.afterMatch(1+rng.IntN(max(changed/10, 4)), isUpdateCall)
		}
		if !r.wait(at) || !r.kill() {
			t.Logf("run finished before the kill: %v", r.err)
			break
		}
		killed++
		if updateCalls(fl.sb) > sent {
			midRun++
		}
		fl.checkTouched(t, updateState(fl.sb), false)
	}
	code, out := runCommand(t, fl.sb, fl.dir, 10, args...)
	if code != 0 {
		t.Fatalf("final --resume: exit %d\n%s", code, out)
	}
	got := results(t, filepath.Join(fl.dir, "agents-results.csv"))
	if c := countStatuses(got); c[report.Updated] != changed || c[report.Exists] != fl.file-changed {
		t.Errorf("after the final --resume: %v, want %d updated and %d exists", c, changed, fl.file-changed)
	}
	fl.checkTouched(t, updateState(fl.sb), true)
	code, out = runCommand(t, fl.sb, fl.dir, 10, "import", "agents.csv", "--update", "--dry-run", "--force", "--out", "again.csv", "--no-progress")
	if again := countStatuses(results(t, filepath.Join(fl.dir, "again.csv"))); code != 0 || again[report.Exists] != fl.file {
		t.Errorf("a dry run after the last resume: exit %d, %v; want every row exists (no change left)\n%s", code, again, out)
	}
	t.Logf("%d kills, %d of them while users were being updated", killed, midRun)
	if killed < kills || midRun < kills/2 {
		t.Errorf("%d kills, %d while updating: the test proves little", killed, midRun)
	}
}
