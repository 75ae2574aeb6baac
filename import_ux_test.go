package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestImportExistsCarriesSignInURL: a re-run reports its users as exists,
// each with the address the agent signs in at, so that a handout made from
// it never sends a team lead to ask for it.
func TestImportExistsCarriesSignInURL(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("again", 3))
	if code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	if code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress", "--out", "second.csv"); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	rows, err := report.Load(filepath.Join(dir, "second.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	for line, o := range rows {
		if o.Status != report.Exists || o.SignInURL == "" || o.Password != "" {
			t.Errorf("line %d: status %s, sign-in url %q: want exists with the instance's URL and no password", line, o.Status, o.SignInURL)
		}
	}
}

// TestImportShortLoginsExplained: a sandbox that enforces the documented
// 20-character login refuses a longer one, and the row's error says why
// and what to do.
func TestImportShortLoginsExplained(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, ShortLogins: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", append(e2eRows("short", 1), e2eRows("averyverylonglogin", 1)...)) // 9 and 22 characters
	code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	rows, err := report.Load(filepath.Join(dir, "agents-results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows[2].Status != report.Created {
		t.Errorf("line 2: %s %s, want created", rows[2].Status, rows[2].Error)
	}
	if o := rows[3]; o.Status != report.Failed || !strings.Contains(o.Error, "22 characters") || !strings.Contains(o.Error, "at most 20") || !strings.Contains(o.Error, "shorten the login") {
		t.Errorf("line 3: %s %q, want failed with the 20-character rule explained", o.Status, o.Error)
	}
}
