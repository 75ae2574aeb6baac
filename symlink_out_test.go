package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestResultsThroughSymlink: --out link.csv, a symlink to res.csv, is the
// results file res.csv: a run on it cannot start while another holds
// res.csv, and a run through it writes res.csv and leaves the link a link.
// The same for remove.
func TestResultsThroughSymlink(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("linked", 10))
	if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte("user login\nlinked0001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"res.csv", "removed.csv"} {
		if err := os.Symlink(target, filepath.Join(dir, "link-"+target)); err != nil {
			t.Fatal(err)
		}
	}

	// Another run holds res.csv: a run on the link refuses, changing nothing.
	lock, err := report.AcquireLock(filepath.Join(dir, "res.csv"))
	if err != nil {
		t.Fatal(err)
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--out", "link-res.csv", "--no-progress")
	if code != 2 || !strings.Contains(stderr, "in use") {
		t.Errorf("import --out link-res.csv while res.csv is locked: exit %d, want 2 (in use)\n%s", code, stderr)
	}
	if n := sb.Calls()["Connect.CreateUser"].Sent; n != 0 {
		t.Errorf("%d CreateUser sent while the results file was locked", n)
	}
	lock.Release()

	code, stderr = runCommand(t, sb, dir, 1000, "import", "agents.csv", "--out", "link-res.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("import --out link-res.csv: exit %d\n%s", code, stderr)
	}
	checkConsistent(t, sb, filepath.Join(dir, "res.csv"), 10, true)
	lock, err = report.AcquireLock(filepath.Join(dir, "removed.csv"))
	if err != nil {
		t.Fatal(err)
	}
	code, stderr = runCommand(t, sb, dir, 1000, "remove", "leavers.csv", "--yes", "--out", "link-removed.csv", "--no-progress")
	if code != 2 || !strings.Contains(stderr, "in use") {
		t.Errorf("remove --out link-removed.csv while removed.csv is locked: exit %d, want 2 (in use)\n%s", code, stderr)
	}
	lock.Release()
	code, stderr = runCommand(t, sb, dir, 1000, "remove", "leavers.csv", "--yes", "--out", "link-removed.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("remove --out link-removed.csv: exit %d\n%s", code, stderr)
	}
	if got := results(t, filepath.Join(dir, "removed.csv")); len(got) != 1 || got[2].Status != report.Deleted {
		t.Errorf("removed.csv: %v, want line 2 deleted", got)
	}
	for _, link := range []string{"link-res.csv", "link-removed.csv"} {
		if fi, err := os.Lstat(filepath.Join(dir, link)); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s is no longer a symlink (%v)", link, err)
		}
	}
}
