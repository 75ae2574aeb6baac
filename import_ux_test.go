package main

import (
	"os"
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

// TestRetryFileIsTheUsers: a run never replaces a retry file the user
// edited (its new one goes beside it), and a run that completes never
// deletes a retry file that was itself imported.
func TestRetryFileIsTheUsers(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	good := e2eRows("keep", 2)
	bad := strings.Replace(e2eRows("kept", 1)[0], ",kept0001,", ",bad login!,", 1)
	writeFile(t, dir, "agents.csv", append(good, bad))
	if code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 1 {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	retry := filepath.Join(dir, "agents-retry.csv")
	// The same run again replaces its own retry file.
	if code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress", "--resume"); code != 1 {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	if fileExistsT(filepath.Join(dir, "agents-retry-2.csv")) {
		t.Fatal("a run's own retry file was taken for the user's")
	}

	// Edited: kept as it is, the new one beside it.
	edited := readFileT(t, retry) + "\n"
	if err := os.WriteFile(retry, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress", "--resume")
	if code != 1 || !strings.Contains(out, "kept agents-retry.csv (edited") {
		t.Fatalf("third run: exit %d, want 1 and the retry file kept\n%s", code, out)
	}
	if got := readFileT(t, retry); got != edited {
		t.Errorf("the edited retry file was changed")
	}
	if !fileExistsT(filepath.Join(dir, "agents-retry-2.csv")) {
		t.Errorf("no new retry file beside the edited one")
	}

	// Imported, then the run completes: the imported file stays.
	os.Remove(filepath.Join(dir, "agents-retry-2.csv"))
	runCommand(t, sb, dir, 1000, "import", "agents-retry.csv", "--no-progress")
	if !fileExistsT(filepath.Join(dir, "agents-retry-results.csv")) {
		t.Fatal("importing the retry file wrote no results file")
	}
	writeFile(t, dir, "agents.csv", append(good, e2eRows("kept", 1)...))
	if code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress", "--resume"); code != 0 {
		t.Fatalf("completing run: exit %d\n%s", code, out)
	}
	if !fileExistsT(retry) {
		t.Errorf("a completed run deleted the retry file that was imported")
	}
}

func fileExistsT(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func readFileT(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
