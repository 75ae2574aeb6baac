package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkValidateProcess runs "bulkagents validate" as a user runs it on
// 100,000 and 1,000,000 generated rows (the file of agentfile's validation
// benchmarks: one row in a hundred invalid), and a plain Python csv parse of
// the same file. It reports the command's wall time, that time over
// Python's (target: at most 1.5), and the command's peak resident memory
// (rusage maxrss; targets: at most 40 MB for 100,000 rows, 120 MB for
// 1,000,000: what grows is the set of logins seen, for duplicates).
//
//	go test -run '^$' -bench 'ValidateProcess' -benchtime 3x .
func BenchmarkValidateProcess(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 is not installed")
	}
	for _, rows := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "agents.csv")
			writeValidateFile(b, path, rows)
			var ours, python time.Duration
			var peak int64
			for b.Loop() {
				d, rss := runValidate(b, path, rows)
				ours += d
				peak = max(peak, rss)
				python += runPythonParse(b, path, rows)
			}
			b.ReportMetric(ours.Seconds()/float64(b.N), "validate-s")
			b.ReportMetric(python.Seconds()/float64(b.N), "python-csv-s")
			b.ReportMetric(ours.Seconds()/python.Seconds(), "validate/python")
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		})
	}
}

// runValidate runs the command on path and checks its summary.
func runValidate(b *testing.B, path string, rows int) (time.Duration, int64) {
	cmd := exec.Command(bulkagentsCommand(b), "validate", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 { // 1: some rows invalid
		b.Fatalf("validate: %v\n%s", err, stderr.Bytes()[max(0, stderr.Len()-2000):])
	}
	want := fmt.Sprintf("%d rows: %d valid, %d invalid\n", rows, rows-rows/100, rows/100)
	if !bytes.HasSuffix(stderr.Bytes(), []byte(want)) {
		b.Fatalf("validate did not end with %q:\n%s", want, stderr.Bytes()[max(0, stderr.Len()-500):])
	}
	return d, maxRSS(cmd)
}

// runPythonParse times Python's csv module reading every row of path.
func runPythonParse(b *testing.B, path string, rows int) time.Duration {
	const script = "import csv, sys\nwith open(sys.argv[1], newline='') as f:\n    print(sum(1 for _ in csv.reader(f)))\n"
	start := time.Now()
	out, err := exec.Command("python3", "-c", script, path).Output()
	d := time.Since(start)
	if err != nil || string(bytes.TrimSpace(out)) != strconv.Itoa(rows+1) {
		b.Fatalf("python csv: %v, %q", err, out)
	}
	return d
}

// writeValidateFile writes the file of agentfile's agentsCSV (bench_test.go)
// with n rows, byte for byte.
func writeValidateFile(b *testing.B, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("first name,last name,email address,secondary email address,mobile,password,user login," +
		"agent hierarchy,routing profile name,security_profile_name_1|security_profile_name_2," +
		"user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no)," +
		"ACW timeout (seconds),tags\n")
	for i := range n {
		login := "agent" + strconv.Itoa(i)
		phoneType, number, acw := "soft", "", "30"
		if i%7 == 0 {
			phoneType, number = "desk", fmt.Sprintf("+1425555%04d", i%10000)
		}
		if i%100 == 99 {
			acw = "soon" // an invalid row
		}
		hierarchy := ""
		if i%3 == 0 {
			hierarchy = "Example Corp|Support|Tier 1"
		}
		fmt.Fprintf(w, "First%d,Last%d,%s@example.com,,+447700900123,,%s,,Basic Routing Profile,Agent|CallCenterManager,%s,%s,%s,yes,%s,team|blue||site|leeds\n",
			i, i, login, login, hierarchy, phoneType, number, acw)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
