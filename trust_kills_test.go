package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/sandbox"
)

// leftovers lists what a killed run may leave beside the results file: the
// temporary files of the atomic rewrites (NAME.DIGITS.tmp, of the results
// and the retry file), and a second name for the results file (its link
// count above 1, from a kill between the link and the unlink that create
// it).
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if (strings.HasPrefix(n, "agents-results.csv.") || strings.HasPrefix(n, "agents-retry.csv.")) && strings.HasSuffix(n, ".tmp") {
			out = append(out, n)
		}
	}
	var st syscall.Stat_t
	if syscall.Stat(filepath.Join(dir, "agents-results.csv"), &st) == nil && st.Nlink > 1 {
		out = append(out, "a second link to agents-results.csv")
	}
	return out
}

// TestAcceptanceKills is acceptance 6: SIGKILLs at moments chosen by
// events (when the results file is first linked into place, after the Nth
// CreateUser reaches the sandbox, and when a Ctrl-C'd run's final rewrite
// has its temporary file), each followed by --resume: every password in
// the file is the sandbox's, no user is made twice, and each --resume
// removes what the kill left beside the results file.
//
//	BULKAGENTS_FULL=1 go test -run TestAcceptanceKills -v .
func TestAcceptanceKills(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills the import many times")
	}
	rows, kills := fullSize(t, 90, 300), fullSize(t, 9, 30)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 6))
	sb := e2eSandbox(t, sandbox.Options{RateScale: 50, UserQuota: rows + 10, ErrorRate: 0.05, Seed: seed}) // CreateUser 100/s
	watch := watchCalls(t, sb)
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("kill", rows))
	dw := watchDir(t, dir)
	results := filepath.Join(dir, "agents-results.csv")
	exists := func() bool { _, err := os.Lstat(results); return err == nil }
	inRewrite := func() bool {
		for _, n := range leftovers(t, dir) {
			if strings.HasSuffix(n, ".tmp") {
				return true
			}
		}
		return false
	}
	tally := map[string]int{}
	var left []string // what the last kill left: the next run must remove it
	checkCleared := func(when string) {
		now := leftovers(t, dir)
		for _, l := range left {
			for _, n := range now {
				if n == l {
					t.Errorf("%s: %s, left by the kill before, is still there", when, l)
				}
			}
		}
	}
	allDone := false
	for k := 0; sum(tally) < kills; k++ {
		if k > 4*kills {
			t.Fatalf("only %d kills in %d runs: %v", sum(tally), k, tally)
		}
		r := startKillRun(t, importCmd(t, sb, dir, 50, "import", "agents.csv", "--resume", "--no-progress"))
		kind := "creating"
		switch {
		case k == 0:
			kind = "creating the results file"
		case allDone:
			kind = "rewrite after nothing to do"
		case k%3 == 0:
			kind = "rewrite after Ctrl-C"
		}
		reached := false
		switch kind {
		case "creating the results file":
			reached = r.until(dw, exists)
		case "creating":
			reached = r.wait(watch.after(1+rng.IntN(max(2, rows/kills)), "Connect.CreateUser"))
		case "rewrite after Ctrl-C":
			if reached = r.wait(watch.after(1+rng.IntN(max(2, rows/kills)), "Connect.CreateUser")); reached {
				checkCleared("after a change of the run that followed")
				r.cmd.Process.Signal(os.Interrupt)
				reached = r.until(dw, inRewrite)
			}
		case "rewrite after nothing to do":
			reached = r.until(dw, inRewrite)
		}
		if kind == "creating" && reached {
			checkCleared("after a change of the run that followed")
		}
		if !reached || !r.kill() {
			// The run ended on its own: nothing may be left beside the file.
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("a run that ended (%v) left %v", r.err, l)
			}
			allDone = r.err == nil
			left = nil
			continue
		}
		tally[kind]++
		if exists() {
			checkConsistent(t, sb, results, rowsIn(t, dir), false)
		}
		left = leftovers(t, dir)
		if len(left) > 0 {
			tally["kills that left something"]++
		}
	}
	code, out := runCommand(t, sb, dir, 50, "import", "agents.csv", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("final --resume: exit %d\n%s", code, out)
	}
	checkConsistent(t, sb, results, rows, true)
	if n := len(sb.ConnectUsers()); n != rows+1 {
		t.Errorf("the sandbox holds %d users, want %d and its admin", n, rows)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left beside the results file at the end: %v", l)
	}
	if _, err := os.Stat(results + ".lock"); !os.IsNotExist(err) {
		t.Errorf("the lock file is left at the end: %v", err)
	}
	t.Logf("%d rows, %d kills: %v", rows, sum(tally), tally)
	if tally["rewrite after Ctrl-C"]+tally["rewrite after nothing to do"] == 0 || tally["creating"] < kills/3 {
		t.Errorf("kills %v: too few during the rewrite or while creating to prove much", tally)
	}
}

func sum(m map[string]int) int {
	n := 0
	for k, v := range m {
		if k != "kills that left something" {
			n += v
		}
	}
	return n
}
