package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// runBulkagents runs the command as its own process (the test binary under
// the name "bulkagents", as TestMain arranges), to measure what only a
// process shows: its peak memory. Linux keeps the peak across fork and exec,
// so the figure is at most the larger of this test process's and the
// command's: an upper bound of the command's.
func runBulkagents(t *testing.T, args ...string) (stderr []byte, code int, maxRSSKiB int64) {
	t.Helper()
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bulkagents")
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if ru == nil {
		t.Skip("no resource usage on this system")
	}
	return errb.Bytes(), cmd.ProcessState.ExitCode(), ru.Maxrss
}

const boundsHeader = "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\n"

// A 50 MB line of commas is refused with exit 2, naming its line, in a
// small part of the memory it would take to read it whole.
func TestValidateHugeLineBounded(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "commas.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// Written a MiB at a time, so that this process stays small too.
	f.WriteString(boundsHeader + "Jane,Doe,jdoe,Basic Routing Profile,Agent\n")
	mib := bytes.Repeat([]byte{','}, 1<<20)
	for range 50 {
		f.Write(mib)
	}
	if _, err := f.WriteString("\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	stderr, code, rss := runBulkagents(t, "validate", path)
	if code != 2 || !bytes.Contains(stderr, []byte("line 3: the row ")) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if rss > 200<<10 && !raceEnabled {
		t.Errorf("peak memory %d KiB, want under 200 MiB", rss)
	}
	t.Logf("peak memory at most %d KiB", rss)
}

// A 5 MB header cell is not echoed: the whole message stays short.
func TestValidateHugeHeaderCellNotEchoed(t *testing.T) {
	t.Parallel()
	for _, size := range []int{5 << 20, 100 << 10} { // past the row bound; within it, an unknown column
		path := filepath.Join(t.TempDir(), "header.csv")
		data := strings.TrimSuffix(boundsHeader, "\n") + "," + strings.Repeat("x", size) + "\nJane,Doe,jdoe,Basic Routing Profile,Agent,\n"
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		stderr, code, _ := runBulkagents(t, "validate", path)
		if code != 2 || len(stderr) >= 10<<10 || !bytes.Contains(stderr, []byte("line 1")) {
			t.Errorf("%d-byte cell: exit %d, %d bytes on stderr: %.300q", size, code, len(stderr), stderr)
		}
	}
}
