package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unwritableDir is a folder in which this process cannot create a file: a
// read-only temporary folder or, for root (whom permissions do not stop),
// /sys, where no one may create a file. The test is skipped where neither
// holds.
func unwritableDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	for _, d := range []string{dir, "/sys"} {
		probe := filepath.Join(d, "bulkagents-probe")
		if err := os.WriteFile(probe, nil, 0o600); err == nil {
			os.Remove(probe)
			continue
		}
		if err := os.Mkdir(probe, 0o700); err == nil {
			os.Remove(probe)
			continue
		}
		return d
	}
	t.Skip("no folder here that this user cannot write to")
	return ""
}

// runWith runs bulkagents in dir with stdout going to stdout (nil: discarded),
// with dummy AWS credentials and no shared configuration, and returns its
// exit status and standard error.
func runWith(t *testing.T, dir string, stdout *os.File, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bulkagentsCommand(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "no-aws-credentials"), "AWS_EC2_METADATA_DISABLED=true",
		"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret")
	if stdout != nil {
		cmd.Stdout = stdout
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	}
	t.Fatalf("run bulkagents: %v", err)
	return 0, ""
}

// TestWriteErrorsSayWhatToDo: every command that writes a file or standard
// output, when a read-only folder or a full disk stops it, says so with a
// hint on what to do, exits 2, and leaves no half file behind.
func TestWriteErrorsSayWhatToDo(t *testing.T) {
	t.Parallel()
	ro := unwritableDir(t)
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("write", 2))
	// The handout needs a finished import's results file.
	if code, out := runWith(t, dir, nil, "import", "agents.csv", "--sandbox", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	const readOnly, fullDisk = "writable", "full"
	for _, c := range []struct {
		name   string
		stdout *os.File
		args   []string
		hint   string
	}{
		{"template --out", nil, []string{"template", "--out", filepath.Join(ro, "agents.csv")}, readOnly},
		{"template --out full disk", nil, []string{"template", "--force", "--out", "/dev/full"}, fullDisk},
		{"template to stdout", full, []string{"template"}, fullDisk},
		{"validate --format json", full, []string{"validate", "--format", "json", "agents.csv"}, fullDisk},
		{"export --out", nil, []string{"export", "--sandbox", "--no-progress", "--out", filepath.Join(ro, "export.csv")}, readOnly},
		{"export --out -", full, []string{"export", "--sandbox", "--no-progress", "--out", "-"}, fullDisk},
		{"import --out", nil, []string{"import", "agents.csv", "--sandbox", "--no-progress", "--out", filepath.Join(ro, "results.csv")}, readOnly},
		{"remove --out", nil, []string{"remove", "agents.csv", "--sandbox", "--yes", "--no-progress", "--out", filepath.Join(ro, "removed.csv")}, readOnly},
		{"handout --out", nil, []string{"handout", "agents.csv", "--split-by", "hierarchy", "--out", filepath.Join(ro, "teams")}, readOnly},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stderr := runWith(t, dir, c.stdout, c.args...)
			hint := ""
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "hint: ") {
					hint += l + "\n"
				}
			}
			if code != exitUnusable || !strings.Contains(hint, c.hint) {
				t.Errorf("exit %d, want 2 with a hint about a %s folder or disk:\n%s", code, c.hint, stderr)
			}
		})
	}
	if st, err := os.Stat("/dev/full"); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("/dev/full is no longer the device: %v", err)
	}
	if entries, _ := os.ReadDir(ro); ro != "/sys" && len(entries) > 0 {
		t.Errorf("files left in the read-only folder: %v", entries)
	}
}

// TestImportHandoutFailureAfterTheImport: when the team files cannot be
// written at the end of an import (here a file stands where the team folder
// goes), the users are made all the same: exit 1, not 2, and the hint says
// how to make the handouts from the results file.
func TestImportHandoutFailureAfterTheImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("late", 2))
	if err := os.WriteFile(filepath.Join(dir, "agents-results-teams"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runWith(t, dir, nil, "import", "agents.csv", "--sandbox", "--no-progress", "--split-by", "hierarchy")
	if code != exitRowsFailed || !strings.Contains(stderr, `hint: the import itself is done: once that is fixed, 'bulkagents handout agents.csv --results agents-results.csv --split-by "hierarchy"'`) {
		t.Errorf("exit %d, want 1 with the handout command to run:\n%s", code, stderr)
	}
	if st := statuses(t, filepath.Join(dir, "agents-results.csv")); st["created"] != 2 {
		t.Errorf("results %v, want the 2 users created", st)
	}
}
