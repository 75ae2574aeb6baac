package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/sandbox"
)

// TestResumeOnAnotherInstance: an update of N agents killed part-way, then
// resumed with another instance's id, is refused (exit 2) with a message
// naming the instance the results file belongs to, and the other instance
// is unchanged: no call but DescribeInstance reached it. The same for
// sync and remove. 30 agents in the suite, 100 with BULKAGENTS_FULL=1.
func TestResumeOnAnotherInstance(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 30, 100)
	t.Run("import --update", func(t *testing.T) {
		t.Parallel()
		fl := newUpdateFleet(t, sandbox.Options{RateScale: 10}, n, n)
		other := newUpdateFleet(t, sandbox.Options{RateScale: 10}, n, n)
		watch := watchCalls(t, fl.sb)
		r := startKillRun(t, importCmd(t, fl.sb, fl.dir, 10, "import", "agents.csv", "--update", "--no-progress"))
		if !r.wait(watch.afterMatch(n/5, isUpdateCall)) || !r.kill() {
			t.Fatalf("the update ended before the kill: %v", r.err)
		}
		resumeRefused(t, fl.sb, other.sb, fl.dir, "agents-results.csv", "import", "agents.csv", "--update", "--resume", "--no-progress")
	})
	t.Run("sync", func(t *testing.T) {
		t.Parallel()
		fl := newUpdateFleet(t, sandbox.Options{RateScale: 10}, n, n)
		other := newUpdateFleet(t, sandbox.Options{RateScale: 10}, n, n)
		watch := watchCalls(t, fl.sb)
		r := startKillRun(t, importCmd(t, fl.sb, fl.dir, 10, "sync", "agents.csv", "--yes", "--no-progress"))
		if !r.wait(watch.afterMatch(n/5, isUpdateCall)) || !r.kill() {
			t.Fatalf("the sync ended before the kill: %v", r.err)
		}
		resumeRefused(t, fl.sb, other.sb, fl.dir, "agents-results.csv", "sync", "agents.csv", "--resume", "--yes", "--no-progress")
	})
	t.Run("remove", func(t *testing.T) {
		t.Parallel()
		sb := e2eSandbox(t, sandbox.Options{RateScale: 10})
		other := e2eSandbox(t, sandbox.Options{RateScale: 10})
		dir := t.TempDir()
		var rows []string
		for _, s := range []*sandbox.Sandbox{sb, other} {
			users := make([]sandbox.ConnectUser, n)
			for i := range users {
				users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("agent%04d", i+1), FirstName: "Agent", LastName: fmt.Sprint(i + 1)}
			}
			if err := s.AddConnectUsers(users...); err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= n; i++ {
			rows = append(rows, fmt.Sprintf("agent%04d", i))
		}
		if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte("user login\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		watch := watchCalls(t, sb)
		r := startKillRun(t, importCmd(t, sb, dir, 10, "remove", "leavers.csv", "--yes", "--no-progress"))
		if !r.wait(watch.after(n/5, "Connect.DeleteUser")) || !r.kill() {
			t.Fatalf("remove ended before the kill: %v", r.err)
		}
		resumeRefused(t, sb, other, dir, "leavers-removed.csv", "remove", "leavers.csv", "--resume", "--yes", "--no-progress")
	})
}

// resumeRefused resumes, against other, a run killed on sb: refused with
// exit 2 naming sb's instance, and other unchanged.
func resumeRefused(t *testing.T, sb, other *sandbox.Sandbox, dir, results string, args ...string) {
	t.Helper()
	before := updateState(other)
	other.ResetCalls()
	code, stderr := runCommand(t, other, dir, 10, args...)
	if code != 2 || !strings.Contains(stderr, sb.InstanceID()) || !strings.Contains(stderr, results) {
		t.Errorf("resumed on another instance: exit %d, want 2 and a message naming instance %s and %s:\n%s", code, sb.InstanceID(), results, stderr)
	}
	if strings.Contains(stderr, "older bulkagents") {
		t.Errorf("the message blames an older bulkagents:\n%s", stderr)
	}
	for op, c := range other.Calls() {
		if c.Sent > 0 && op != "Connect.DescribeInstance" {
			t.Errorf("the other instance got %d %s", c.Sent, op)
		}
	}
	if after := updateState(other); !maps.Equal(before, after) {
		t.Errorf("the other instance changed")
	}
}
