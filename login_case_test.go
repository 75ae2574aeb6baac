package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestLoginDiffersOnlyInCase: a row naming Agent4 where only agent4
// exists is invalid for import, import --update (dry run or not) and
// remove alike: Connect's user names are case-sensitive, but whether it
// takes a second name that differs only in case is not documented, so the
// row creates, changes and deletes nothing, and says how to mean either.
func TestLoginDiffersOnlyInCase(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := e2eRows("agent", 4)
	if code, stderr := runCommand(t, sb, dir, 1000, "import", writeFile(t, dir, "first.csv", rows[3:]), "--no-progress"); code != 0 {
		t.Fatalf("import agent0004: exit %d\n%s", code, stderr)
	}
	before := updateState(sb)
	rows[3] = strings.Replace(strings.Replace(rows[3], "agent0004", "Agent0004", 2), "Number4", "Changed", 1)
	writeFile(t, dir, "agents.csv", rows)
	if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte("user login\nAgent0004\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"import", "agents.csv", "--dry-run"},
		{"import", "agents.csv", "--update", "--dry-run"},
		{"import", "agents.csv", "--update"},
		{"import", "agents.csv"},
		{"remove", "leavers.csv", "--yes"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out := "res.csv"
			code, stderr := runCommand(t, sb, dir, 1000, append(args, "--out", out, "--force", "--no-progress")...)
			if code != 1 {
				t.Errorf("exit %d, want 1 (a row invalid)\n%s", code, stderr)
			}
			for _, o := range results(t, filepath.Join(dir, out)) {
				if o.Login != "Agent0004" {
					continue
				}
				if o.Status != report.Invalid || !strings.Contains(o.Error, `"agent0004"`) || !strings.Contains(o.Error, "only in case") {
					t.Errorf("row Agent0004: %s %q, want invalid naming agent0004 and the case", o.Status, o.Error)
				}
			}
			for _, u := range sb.ConnectUsers() {
				if strings.EqualFold(u.Username, "agent0004") && u.Username != "agent0004" {
					t.Errorf("a second user %s was made", u.Username)
				}
			}
			if got := updateState(sb)["agent0004"]; got != before["agent0004"] {
				t.Errorf("agent0004 changed:\n was %s\n now %s", before["agent0004"], got)
			}
		})
	}
}
