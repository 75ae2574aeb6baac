package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestExistingResultsHintCountsPasswords: "1 password", never "1 passwords".
func TestExistingResultsHintCountsPasswords(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2} {
		path := filepath.Join(t.TempDir(), "agents-results.csv")
		l, err := report.Create(path, false)
		if err != nil {
			t.Fatal(err)
		}
		var rows []report.Outcome
		for i := range n {
			rows = append(rows, report.Outcome{Line: 2 + i, Login: "a" + string(rune('a'+i)), Status: report.Created,
				ConnectUserID: "id", Password: "Pw-secret-1x", SignInURL: "https://x.my.connect.aws/"})
		}
		if err := l.Finish(rows); err != nil {
			t.Fatal(err)
		}
		hint, dry := resultsInTheWayHint(importer.InTheWay(path, false, false)), resultsInTheWayHint(importer.InTheWay(path, true, false))
		if n == 1 {
			if !strings.Contains(hint, "the 1 password it holds is lost") || !strings.Contains(dry, "passwords of 1 user:") {
				t.Errorf("hints for 1 password: %q, %q", hint, dry)
			}
		} else if !strings.Contains(hint, "the 2 passwords it holds are lost") || !strings.Contains(dry, "passwords of 2 users:") {
			t.Errorf("hints for 2 passwords: %q, %q", hint, dry)
		}
	}
}

// importInto runs an import into sb as the import command does.
func importInto(t *testing.T, sb *sandbox.Sandbox, cfg importer.Config) (*importer.Result, error) {
	t.Helper()
	cfg.InstanceID = sb.InstanceID()
	return importer.Import(context.Background(), context.Background(), cfg, engineClients(t, sb))
}

func TestImportRefusesToOverwriteResultsHints(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeFile(t, dir, "agents.csv", e2eRows("once", 2))
	if _, err := importInto(t, sb, importer.Config{Input: input}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "agents-results.csv"))
	_, err := importInto(t, sb, importer.Config{Input: input})
	var se *importer.SetupError
	if !errors.As(err, &se) || !strings.Contains(setupHint(se), "--resume") {
		t.Fatalf("second run without --force: %v, want a setup error hinting at --resume", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "agents-results.csv"))
	if string(before) != string(after) {
		t.Error("the refused run changed the results file")
	}
	if !strings.Contains(setupHint(se), "2 passwords it holds are lost") {
		t.Errorf("hint %q does not say that --force loses the passwords", setupHint(se))
	}
	_, err = importInto(t, sb, importer.Config{Input: input, DryRun: true})
	if !errors.As(err, &se) || !strings.Contains(setupHint(se), "--out") || !strings.Contains(setupHint(se), "would lose them") {
		t.Errorf("a dry run over a results file with passwords: %v, hint %q; want --out, and a warning against --force", err, setupHint(se))
	}
}

// TestOutputWords: what is wrong with --out is said naming the flag, as
// the engine's cause says it (the engine names no flag).
func TestOutputWords(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeFile(t, dir, "agents.csv", e2eRows("outw", 1))
	for _, c := range []struct {
		cfg       importer.Config
		msg, hint string
	}{
		{importer.Config{Input: input, Out: input, Force: true}, "--out " + input + " is the input file", "give the results file another name: the input stays as it is"},
		{importer.Config{Input: input, Out: dir}, "--out " + dir + " is a folder", "give the results file's name, such as " + filepath.Join(dir, "agents-results.csv")},
		{importer.Config{Input: input, Out: filepath.Join(dir, "none", "r.csv")}, "the folder of the results file " + filepath.Join(dir, "none", "r.csv") + " does not exist",
			"create " + filepath.Join(dir, "none") + ", or give --out a file in a folder that exists"},
		{importer.Config{Input: input, DryRun: true, Resume: true}, "--dry-run and --resume do not go together", "a dry run writes no users; run it without --resume, with --out elsewhere to keep the earlier results file"},
	} {
		_, err := importInto(t, sb, c.cfg)
		var se *importer.SetupError
		if !errors.As(err, &se) {
			t.Fatalf("%+v: %v, want a setup error", c.cfg, err)
		}
		if msg, hint := setupErrorWords(se); msg != c.msg || hint != c.hint {
			t.Errorf("message %q, hint %q; want %q, %q", msg, hint, c.msg, c.hint)
		}
	}
}

// TestResumeHints: resuming another instance's results file, or one whose
// rows are another input's, is pointed at the flags of that run or a new
// --out.
func TestResumeHints(t *testing.T) {
	t.Parallel()
	a, b := e2eSandbox(t, sandbox.Options{Unlimited: true}), e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeFile(t, dir, "agents.csv", e2eRows("resh", 2))
	if _, err := importInto(t, a, importer.Config{Input: input}); err != nil {
		t.Fatal(err)
	}
	_, err := importInto(t, b, importer.Config{Input: input, Resume: true})
	var se *importer.SetupError
	if !errors.As(err, &se) || !strings.Contains(setupHint(se), "--instance-id (and --region) of that run") || !strings.Contains(setupHint(se), b.InstanceID()) {
		t.Errorf("resume into another instance: %v, hint %q", err, setupHint(se))
	}
	other := writeFile(t, dir, "agents.csv", e2eRows("other", 2))
	_, err = importInto(t, a, importer.Config{Input: other, Resume: true})
	if !errors.As(err, &se) || !strings.Contains(setupHint(se), "resume with the same input file") || !strings.Contains(setupHint(se), "--out a new results file") {
		t.Errorf("resume with another input: %v, hint %q", err, setupHint(se))
	}
}
