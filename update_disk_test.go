package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestUpdateCommandDiskFull: import --update whose results disk fills up
// part-way ends as import does: exit 1, the summary, the results file named
// as the complete log (not the input), the disk said to be full, and
// --resume; with space again, --resume finishes every change.
func TestUpdateCommandDiskFull(t *testing.T) {
	t.Parallel()
	const n = 40
	fl := newUpdateFleet(t, sandbox.Options{Unlimited: true}, n, n)
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if !smallDisk(t, dir, 1<<20) {
		t.Skip("cannot mount a small disk here (needs root and mount)")
	}
	data, err := os.ReadFile(filepath.Join(fl.dir, "agents.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(dir, "filler")
	var updates atomic.Int32
	fl.sb.SetHang(func(service, op string) bool {
		if service == "Connect" && isUpdateCall("Connect."+op) && updates.Add(1) == 4 {
			if err := fill(filler); err != nil {
				t.Errorf("fill the disk: %v", err)
			}
		}
		return false
	})
	code, stderr := runCommand(t, fl.sb, dir, 1000, "import", "agents.csv", "--update", "--no-progress", "--concurrency", "2")
	t.Logf("the run with the disk full:\n%s", stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (users were changed)\n%s", code, stderr)
	}
	for _, want := range []string{fmt.Sprintf("import: %d rows:", n), "could not be finished", "agents-results.csv is the complete log", "is full", "--resume"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "agents.csv:") {
		t.Errorf("the error names the input file:\n%s", stderr)
	}
	fl.checkTouched(t, updateState(fl.sb), false)
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	fl.sb.SetHang(nil)
	code, out := runCommand(t, fl.sb, dir, 1000, "import", "agents.csv", "--update", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, out)
	}
	if c := countStatuses(results(t, filepath.Join(dir, "agents-results.csv"))); c[report.Updated] != n {
		t.Errorf("after --resume: %v, want %d updated", c, n)
	}
	fl.checkTouched(t, updateState(fl.sb), true)
}
