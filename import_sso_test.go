package main

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// The import's end-to-end acceptance with the IAM Identity Center side on:
// a SAML sandbox, bulkagents run as a user types it with --sso.

// checkConsistentSSO checks a results file against a SAML sandbox: one row
// per input row, no Connect or Identity Center user twice, no membership
// twice, and every row the file calls done has its Connect user, its
// Identity Center user and its membership, with the ids the file gives and
// no password. final: every row must be done.
func checkConsistentSSO(t *testing.T, sb *sandbox.Sandbox, path string, rows int, final bool) map[int]report.Outcome {
	t.Helper()
	got := results(t, path)
	if len(got) != rows {
		t.Fatalf("results file has %d rows, want %d", len(got), rows)
	}
	connect := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		if _, dup := connect[strings.ToLower(u.Username)]; dup {
			t.Errorf("the sandbox holds Connect user %q twice", u.Username)
		}
		connect[strings.ToLower(u.Username)] = u
	}
	store := map[string]sandbox.IdentityStoreUser{}
	for _, u := range sb.IdentityStoreUsers() {
		if _, dup := store[strings.ToLower(u.UserName)]; dup {
			t.Errorf("the sandbox holds Identity Center user %q twice", u.UserName)
		}
		store[strings.ToLower(u.UserName)] = u
	}
	group := ""
	for _, g := range sb.Groups() {
		if g.DisplayName == importer.DefaultSSOGroup {
			group = g.ID
		}
	}
	members := map[string]bool{}
	for _, m := range sb.Memberships() {
		if m.GroupID == group {
			if members[m.UserID] {
				t.Errorf("user %s is in the group twice", m.UserID)
			}
			members[m.UserID] = true
		}
	}
	portal := importer.PortalURL(sb.IdentityStoreID())
	for line, o := range got {
		cu, inConnect := connect[strings.ToLower(o.Login)]
		su, inStore := store[strings.ToLower(o.Login)]
		switch {
		case o.Password != "":
			t.Errorf("line %d: a password for an Identity Center agent", line)
		case o.Status.Done() && (!inConnect || !inStore || !members[su.ID]):
			t.Errorf("line %d: %s, but Connect user %v, Identity Center user %v, member %v", line, o.Status, inConnect, inStore, members[su.ID])
		case o.Status.Done() && (cu.ID != o.ConnectUserID || su.ID != o.SSOUserID || o.SignInURL != portal):
			t.Errorf("line %d: ids %s/%s and sign-in %q in the file; the sandbox has %s/%s", line, o.ConnectUserID, o.SSOUserID, o.SignInURL, cu.ID, su.ID)
		case final && !o.Status.Done():
			t.Errorf("line %d: %s (%s), want created or exists", line, o.Status, o.Error)
		}
	}
	return got
}

func TestImportCommandSSO(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("portal", 30))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--sso-application-arn", sb.ConnectApplicationARN(), "--no-progress")
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"30 rows: 30 created", "30 users and 30 memberships created", importer.PortalURL(sb.IdentityStoreID()), "assigned to"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "Send email OTP"); n != 1 {
		t.Errorf("the one-time-password note appears %d times, want once:\n%s", n, stderr)
	}
	checkConsistentSSO(t, sb, filepath.Join(dir, "agents-results.csv"), 30, true)
	if a := sb.ApplicationAssignments(); len(a) != 1 {
		t.Errorf("assignments %+v, want the group's", a)
	}

	t.Run("a re-run creates nothing", func(t *testing.T) {
		sb.ResetCalls()
		code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--force", "--sso", "--sso-application-arn", sb.ConnectApplicationARN(), "--no-progress")
		if code != 0 || !strings.Contains(stderr, "30 rows: 30 exists") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
		for op, c := range sb.Calls() {
			if strings.Contains(op, ".Create") && c.Sent > 0 {
				t.Errorf("the re-run sent %d %s", c.Sent, op)
			}
		}
	})
	t.Run("a Connect-managed instance refuses --sso", func(t *testing.T) {
		other := e2eSandbox(t, sandbox.Options{Unlimited: true})
		code, stderr := runCommand(t, other, dir, 1000, "import", "agents.csv", "--out", "other.csv", "--sso", "--no-progress")
		if code != 2 || !strings.Contains(stderr, "SAML") {
			t.Errorf("exit %d, want 2 and a word about SAML:\n%s", code, stderr)
		}
	})
}

// TestImportCommandSSOFaults: with the sandbox at --error-rate 0.1, an
// import of 500 rows with Identity Center (150 in the suite; 500 with
// BULKAGENTS_FULL=1) ends with every row created on both sides and nothing
// made twice.
func TestImportCommandSSOFaults(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, ErrorRate: 0.1, Seed: 42, UserQuota: 1000})
	dir := t.TempDir()
	rows := fullSize(t, 150, 500)
	writeFile(t, dir, "agents.csv", e2eRows("ssofault", rows))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--identity-store-id", sb.IdentityStoreID(), "--no-progress")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := checkConsistentSSO(t, sb, filepath.Join(dir, "agents-results.csv"), rows, true)
	for line, o := range got {
		if o.Status != report.Created {
			t.Errorf("line %d: %s, want created", line, o.Status)
		}
	}
	calls := sb.Calls()
	for _, op := range []string{"Connect.CreateUser", "IdentityStore.CreateUser", "IdentityStore.CreateGroupMembership"} {
		if calls[op].Failed < rows/50 { // rows/10 expected
			t.Errorf("only %d %s faults were injected", calls[op].Failed, op)
		}
	}
	if n := len(sb.IdentityStoreUsers()); n != rows {
		t.Errorf("%d Identity Center users, want %d", n, rows)
	}
}

// TestImportCommandSSOCrash kills an import with Identity Center with
// SIGKILL at random moments (10 times on 100 rows in the suite, 20 times on
// 400 with BULKAGENTS_FULL=1), resuming each time: in the end every row is
// done on both sides, and no user or membership is made twice.
func TestImportCommandSSOCrash(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills the import many times")
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 2))
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", RateScale: 50, UserQuota: 1000, ErrorRate: 0.05, Seed: seed}) // CreateUser 100/s
	dir := t.TempDir()
	rows, kills := fullSize(t, 100, 400), fullSize(t, 10, 20)
	writeFile(t, dir, "agents.csv", e2eRows("ssocrash", rows))
	watch := watchCalls(t, sb)
	killed, midRun := 0, 0
	for killed < kills {
		before := len(sb.ConnectUsers()) + len(sb.IdentityStoreUsers()) + len(sb.Memberships())
		cmd := importCmd(t, sb, dir, 50, "import", "agents.csv", "--sso", "--resume", "--no-progress")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill when the Nth change of this run reaches the sandbox (N at
		// random): an event, not a guess at how long start-up takes on a
		// busy machine, so that every kill lands while users are being made.
		hit := watch.after(1+rng.IntN(12), creates...)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var err error
		select {
		case <-hit:
			cmd.Process.Signal(syscall.SIGKILL)
			err = <-done
		case err = <-done:
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && !ee.Exited() {
			killed++
			if len(sb.ConnectUsers())+len(sb.IdentityStoreUsers())+len(sb.Memberships()) > before {
				midRun++
			}
		} else {
			t.Logf("run finished before the kill: %v", err)
			break
		}
		if _, err := os.Stat(filepath.Join(dir, "agents-results.csv")); err == nil {
			checkConsistentSSO(t, sb, filepath.Join(dir, "agents-results.csv"), rowsIn(t, dir), false)
		}
	}
	code, out := runCommand(t, sb, dir, 50, "import", "agents.csv", "--sso", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("final --resume: exit %d\n%s", code, out)
	}
	checkConsistentSSO(t, sb, filepath.Join(dir, "agents-results.csv"), rows, true)
	if n, m := len(sb.ConnectUsers()), len(sb.IdentityStoreUsers()); n != rows+1 || m != rows {
		t.Errorf("sandbox holds %d Connect and %d Identity Center users, want %d and %d", n, m, rows+1, rows)
	}
	t.Logf("%d kills, %d of them while users were being created", killed, midRun)
	if killed < kills {
		t.Errorf("only %d kills before the import finished: the test proves little", killed)
	}
	if midRun < kills/4 {
		t.Errorf("only %d kills came while users were being created: the test proves little", midRun)
	}
}

// TestImportCommandSSOInterrupt: Ctrl-C (once, or twice to abandon the
// calls in flight) mid-run with Identity Center exits 130 with a consistent
// results file; --resume finishes every row on both sides.
func TestImportCommandSSOInterrupt(t *testing.T) {
	t.Parallel()
	for _, twice := range []bool{false, true} {
		name := "once"
		if twice {
			name = "twice"
		}
		t.Run(name, func(t *testing.T) {
			opts := sandbox.Options{Identity: "SAML", RateScale: 50, UserQuota: 1000} // CreateUser 100/s
			sb := e2eSandbox(t, opts)
			dir := t.TempDir()
			writeFile(t, dir, "agents.csv", e2eRows("ssoint", 80))
			started := arrived(t, sb, "CreateUser", 10, twice)
			cmd := importCmd(t, sb, dir, 50, "import", "agents.csv", "--sso", "--no-progress")
			stderr := newWatchWriter("interrupted: finishing")
			cmd.Stderr = stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Interrupt once the users are being created; twice, the
			// second Ctrl-C once the first is taken, while the calls after
			// the 10th are held in flight, to abandon.
			await(t, started, "the 10th CreateUser")
			cmd.Process.Signal(os.Interrupt)
			if twice {
				await(t, stderr.seen, "the first Ctrl-C taken")
				cmd.Process.Signal(os.Interrupt)
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("after Ctrl-C: %v, want exit 130\n%s", err, stderr.String())
			}
			got := checkConsistentSSO(t, sb, filepath.Join(dir, "agents-results.csv"), 80, false)
			notAttempted := 0
			for _, o := range got {
				if o.Status == report.NotAttempted {
					notAttempted++
				}
			}
			if notAttempted == 0 {
				t.Fatalf("nothing was left: the interrupt came too late to test anything\n%s", stderr.String())
			}
			sb.SetHold(nil)
			code, out := runCommand(t, sb, dir, 50, "import", "agents.csv", "--sso", "--resume", "--no-progress")
			if code != 0 {
				t.Fatalf("--resume: exit %d\n%s", code, out)
			}
			checkConsistentSSO(t, sb, filepath.Join(dir, "agents-results.csv"), 80, true)
		})
	}
}
