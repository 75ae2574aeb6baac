package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestSyncCrash is acceptance 5 of sync: kills at random moments of a sync
// (planning, creating, updating, deleting), each followed by --resume, end
// in the planned state, with no user created twice and none deleted outside
// the plan. 4 kills of a sync of 18 changes in the suite; 20 kills of 300
// changes (1,000 users; 100 added, changed and dropped) with
// BULKAGENTS_FULL=1.
func TestSyncCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills sync several times")
	}
	t.Parallel()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 3))
	size, step, want := fullSize(t, 40, 1000), fullSize(t, 6, 100), fullSize(t, 4, 20)
	fx := newSyncFixtureWith(t, sandbox.Options{RateScale: 20, UserQuota: 5000}, size, step)
	before := fx.users(t)
	watch := watchCalls(t, fx.sb)
	args := []string{"sync", "roster.csv", "--resume", "--yes", "--no-progress", "--max-deletes", fmt.Sprint(step)}
	writes := []string{"Connect.CreateUser", "Connect.UpdateUserRoutingProfile", "Connect.DeleteUser"}
	kills, midRun := 0, 0
	for kills < want {
		sent := 0
		for _, op := range writes {
			sent += fx.sb.Calls()[op].Sent
		}
		r := startKillRun(t, importCmd(t, fx.sb, fx.dir, 20, args...))
		var at <-chan struct{}
		if kills%3 == 0 {
			at = watch.after(rng.IntN(12)) // anywhere: planning included
		} else {
			at = watch.after(1+rng.IntN(max(step/8, 4)), writes...)
		}
		if !r.wait(at) || !r.kill() {
			t.Logf("run finished before the kill: %v", r.err)
			break
		}
		kills++
		now := 0
		for _, op := range writes {
			now += fx.sb.Calls()[op].Sent
		}
		if now > sent {
			midRun++
		}
		users := fx.users(t) // fails on a user twice
		for login, u := range before {
			var n int
			if _, err := fmt.Sscanf(login, "agent%d", &n); err != nil || n > step {
				if users[login].ID != u.ID {
					t.Fatalf("after kill %d: %s, which the plan keeps, is gone or replaced", kills, login)
				}
			}
		}
	}
	code, out := runCommand(t, fx.sb, fx.dir, 20, args...)
	if code != 0 {
		t.Fatalf("final --resume: exit %d\n%s", code, out)
	}
	imp := countStatuses(results(t, filepath.Join(fx.dir, "roster-results.csv")))
	if imp[report.Created]+imp[report.Exists]+imp[report.Updated] != size || imp[report.Created] > step {
		t.Errorf("results after the resumes: %v", imp)
	}
	users := fx.users(t)
	sales := fx.sb.RoutingProfileID("Sales Routing Profile")
	for i := 1; i <= size+step; i++ {
		login := fmt.Sprintf("agent%04d", i)
		u, ok := users[login]
		switch {
		case i <= step && ok:
			t.Errorf("%s is still there", login)
		case i > step && !ok:
			t.Errorf("%s is missing", login)
		case i > step && i <= 2*step && u.RoutingProfileID != sales:
			t.Errorf("%s was not moved to Sales", login)
		case i > 2*step && i <= size && u.ID != before[login].ID:
			t.Errorf("%s was replaced", login)
		}
	}
	t.Logf("%d kills, %d of them after a write of that run", kills, midRun)
	if kills < want || midRun < want/2 {
		t.Errorf("%d kills, %d mid-run: the test proves little", kills, midRun)
	}
}

// checkSynced checks the fixture's instance is in the planned state.
func (fx *syncFixture) checkSynced(t *testing.T, before map[string]sandbox.ConnectUser) {
	t.Helper()
	users := fx.users(t) // fails on a user twice
	sales := fx.sb.RoutingProfileID("Sales Routing Profile")
	for i := 1; i <= fx.size+fx.step; i++ {
		login := fmt.Sprintf("agent%04d", i)
		u, ok := users[login]
		switch {
		case i <= fx.step && ok:
			t.Errorf("%s is still there", login)
		case i > fx.step && !ok:
			t.Errorf("%s is missing", login)
		case i > fx.step && i <= 2*fx.step && u.RoutingProfileID != sales:
			t.Errorf("%s was not moved to Sales", login)
		case i > 2*fx.step && i <= fx.size && u.ID != before[login].ID:
			t.Errorf("%s was replaced", login)
		}
	}
}

// TestSyncLostAnswers: with a fifth of the writes' answers lost (applied,
// then the connection closed), sync --resume, run again until it exits 0,
// ends in the planned state with no user twice.
func TestSyncLostAnswers(t *testing.T) {
	t.Parallel()
	fx := newSyncFixture(t, fullSize(t, 30, 1000), fullSize(t, 4, 100))
	before := fx.users(t)
	fx.sb.SetDropRate(0.2)
	args := []string{"sync", "roster.csv", "--resume", "--yes", "--no-progress", "--max-deletes", fmt.Sprint(fx.step)}
	code, out := 0, ""
	for run := 0; run < 8; run++ {
		if code, out = runCommand(t, fx.sb, fx.dir, 200, args...); code == 0 {
			break
		}
	}
	if code != 0 {
		t.Fatalf("still exit %d after 8 runs\n%s", code, out)
	}
	fx.sb.SetDropRate(0)
	fx.checkSynced(t, before)
}

// TestSyncListingLag: a sync at once after the import that made the users,
// with the sandbox's listings behind (2 s in the suite, 10 s with
// BULKAGENTS_FULL=1), makes every planned change.
func TestSyncListingLag(t *testing.T) {
	t.Parallel()
	lag, _ := lagged(t)
	fx := newSyncFixtureWith(t, sandbox.Options{RateScale: 200, ListingLag: lag}, 20, 3)
	before := fx.users(t)
	cmd := importCmd(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--yes", "--no-progress", "--max-deletes", "3")
	cmd.Env = append(cmd.Env, "BULKAGENTS_LAG_BACKOFF=1s,2s,4s,8s")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "listing is behind") {
		t.Fatalf("sync: %v, want exit 1 saying the listing is behind\n%s", err, out)
	}
	// The creates and updates are made; the deletes, which a lagging
	// listing cannot be trusted for, are held, each row saying why.
	users := fx.users(t)
	sales := fx.sb.RoutingProfileID("Sales Routing Profile")
	for i := 1; i <= fx.size+fx.step; i++ {
		login := fmt.Sprintf("agent%04d", i)
		u, ok := users[login]
		switch {
		case !ok:
			t.Errorf("%s is missing", login)
		case i > fx.step && i <= 2*fx.step && u.RoutingProfileID != sales:
			t.Errorf("%s was not moved to Sales", login)
		case i > 2*fx.step && i <= fx.size && u.ID != before[login].ID:
			t.Errorf("%s was replaced", login)
		}
	}
	if rows, err := report.Load(filepath.Join(fx.dir, "roster-removed.csv")); err == nil {
		for _, o := range rows {
			if o.Status != report.NotAttempted && o.Status != report.Kept {
				t.Errorf("delete row %s: %s, want not-attempted", o.Login, o.Status)
			}
		}
	}
}
