package report

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashChildEnv, when set to a results file's path, turns the test binary
// into the child of TestCrashSafety.
const crashChildEnv = "REPORT_CRASH_CHILD_RESULTS"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

// crashOutcome is the row the crash child writes for line at a stage:
// "a" the write-ahead row (not-attempted, with the password about to be
// set), "c" the created row, "e" an exists row (no password, not synced).
func crashOutcome(line int, stage string) Outcome {
	o := Outcome{Line: line, Login: fmt.Sprintf("agent%d", line), FirstName: "Ana", LastName: "Lima"}
	password := fmt.Sprintf("Gen%dAbc9xyz", line)
	if line%5 == 0 {
		password = fmt.Sprintf("-Supplied%d", line) // neutralised in the file
	}
	switch stage {
	case "a":
		o.Status, o.Password = NotAttempted, password
	case "c":
		o.Status, o.Password, o.ConnectUserID = Created, password, fmt.Sprintf("id-%d", line)
	case "e":
		o.Status, o.ConnectUserID = Exists, fmt.Sprintf("id-%d", line)
	}
	return o
}

// crashChild appends rows from four goroutines until it is killed, telling
// the parent on file descriptor 3 about each Append that returned, before
// its next Append. It resumes the results file if there is one.
func crashChild(path string) int {
	tell := os.NewFile(3, "report pipe")
	var l *Log
	start := 2
	if _, err := os.Stat(path); err == nil {
		var rows map[int]Outcome
		if l, rows, err = Resume(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for line := range rows {
			start = max(start, line+1)
		}
	} else if l, err = Create(path, false); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}

	const workers = 4
	var mu sync.Mutex
	failed := make(chan error)
	for w := range workers {
		go func() {
			for line := start + w; ; line += workers {
				stages := []string{"a", "c"}
				if line%3 == 0 {
					stages = []string{"e"}
				}
				for _, stage := range stages {
					if err := l.Append(crashOutcome(line, stage)); err != nil {
						failed <- err
						return
					}
					mu.Lock()
					_, err := fmt.Fprintf(tell, "%d %s\n", line, stage)
					mu.Unlock()
					if err != nil {
						failed <- err
						return
					}
				}
			}
		}()
	}
	fmt.Fprintln(os.Stderr, <-failed)
	return 1
}

// TestCrashSafety kills a process that is appending rows with SIGKILL at a
// random moment, again and again, each run resuming the file of the last.
// Every row whose Append returned must be in the file, whole.
func TestCrashSafety(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("needs SIGKILL and inherited file descriptors")
	}
	rounds := 12
	if testing.Short() {
		rounds = 3
	}
	path := filepath.Join(t.TempDir(), "agents-results.csv")
	reported := map[int]string{} // the last stage reported for each line
	for round := range rounds {
		pr, pw, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		cmd.ExtraFiles = []*os.File{pw}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pw.Close()

		// The kill comes when the child has reported the kth append, k at
		// random: an event, where an append may be in flight in any of its
		// stages.
		k := 1 + rand.IntN(500)
		reached := make(chan struct{})
		done := make(chan []string)
		go func() {
			var lines []string
			sc := bufio.NewScanner(pr)
			for sc.Scan() {
				lines = append(lines, sc.Text())
				if len(lines) == k {
					close(reached)
				}
			}
			if len(lines) < k {
				close(reached)
			}
			done <- lines
		}()
		select {
		case <-reached:
		case <-time.After(30 * time.Second):
			t.Fatalf("round %d: the child did not report %d appends in 30s; stderr: %s", round, k, stderr.String())
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait()
		lines := <-done
		pr.Close()
		if s := stderr.String(); s != "" {
			t.Fatalf("round %d: the child failed: %s", round, s)
		}

		for _, l := range lines {
			line, stage, _ := strings.Cut(l, " ")
			n, err := strconv.Atoi(line)
			if err != nil {
				t.Fatalf("round %d: child reported %q", round, l)
			}
			reported[n] = stage
		}
		rows, err := Load(path)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for line, stage := range reported {
			o, ok := rows[line]
			switch {
			case !ok:
				t.Fatalf("round %d: line %d was appended (%s) but is not in the file", round, line, stage)
			case stage == "a" && o != crashOutcome(line, "a") && o != crashOutcome(line, "c"),
				stage == "c" && o != crashOutcome(line, "c"),
				stage == "e" && o != crashOutcome(line, "e"):
				t.Fatalf("round %d: line %d reported at stage %s, file holds %+v", round, line, stage, o)
			}
		}
		// Rows appended but not yet reported when the kill came must be whole too.
		for line, o := range rows {
			if o != crashOutcome(line, "a") && o != crashOutcome(line, "c") && o != crashOutcome(line, "e") {
				t.Fatalf("round %d: line %d holds %+v", round, line, o)
			}
		}
		t.Logf("round %d: killed after %d reported appends; the file holds %d lines", round, len(lines), len(rows))
	}
	if len(reported) < rounds {
		t.Errorf("only %d lines were appended in %d rounds: the kills came too early to test much", len(reported), rounds)
	}
}
