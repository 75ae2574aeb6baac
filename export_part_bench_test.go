package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkExportPart exports an instance of 100,000 users (seeded through
// the sandbox's Go API, every user with email, secondary email, mobile, a
// hierarchy group, a tag, two proficiencies and per-channel settings) with
// the command as a user runs it, and reports the time as a multiple of the
// bound of the busiest API, the calls the sandbox counted and the export
// process's peak resident memory:
//
//   - columns: --columns 'user login,routing profile name,
//     security_profile_name_1|security_profile_name_2,agent hierarchy' at
//     --rate-scale 10: 200 SearchUsers pages at 20/s, 0 DescribeUser
//     (targets: at most 1.1 times the SearchUsers bound, 300 MB);
//   - full: every column, at EXPORT_PART_SCALE (default 50): 100,001
//     DescribeUser at 500/s (targets: 1.05 times the DescribeUser bound,
//     300 MB).
//
// EXPORT_PART_USERS changes the number of users.
//
//	go test -run '^$' -bench ExportPart -benchtime 1x .
func BenchmarkExportPart(b *testing.B) {
	users := 100000
	if s := os.Getenv("EXPORT_PART_USERS"); s != "" {
		fmt.Sscan(s, &users)
	}
	fullScale := 50.0
	if s := os.Getenv("EXPORT_PART_SCALE"); s != "" {
		fmt.Sscan(s, &fullScale)
	}
	cases := []struct {
		name    string
		scale   float64
		args    []string
		lines   string // a cell every row but the admin's has
		describ bool
	}{
		{"columns", 10, []string{"--columns", "user login,routing profile name,security_profile_name_1|security_profile_name_2,agent hierarchy"}, ",Example Corp|Support|Tier 1\n", false},
		{"full", fullScale, nil, ",suppression\n", true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				sb := e2eSandbox(b, sandbox.Options{RateScale: c.scale, UserQuota: users + 10})
				tier1 := sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1")
				seed := make([]sandbox.ConnectUser, users)
				for j := range seed {
					login := fmt.Sprintf("bench%06d", j)
					seed[j] = sandbox.ConnectUser{Username: login, FirstName: "Agent", LastName: fmt.Sprintf("Number %d", j),
						Email: login + "@example.com", SecondaryEmail: login + "@example.org", Mobile: fmt.Sprintf("+44770%07d", j),
						HierarchyGroupID: tier1, ACWTimeout: 30, AutoAccept: true, Tags: map[string]string{"team": fmt.Sprint(j % 20)},
						ChannelSettings: benchChannels(j)}
				}
				if err := sb.AddConnectUsers(seed...); err != nil {
					b.Fatal(err)
				}
				seed = nil
				sb.ResetCalls()
				dir := b.TempDir()
				args := append([]string{"export", "--out", "export.csv", "--no-progress"}, c.args...)
				cmd := importCmd(b, sb, dir, c.scale, args...)
				own := ownUsage(b, cmd, dir)
				b.StartTimer()
				start := time.Now()
				out, err := cmd.CombinedOutput()
				elapsed := time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatalf("export: %v\n%s", err, out)
				}
				data, err := os.ReadFile(filepath.Join(dir, "export.csv"))
				if err != nil {
					b.Fatal(err)
				}
				if got := strings.Count(string(data), "\n"); got != users+2 {
					b.Fatalf("export has %d lines, want %d\n%s", got, users+2, out)
				}
				if got := strings.Count(string(data), c.lines); got != users {
					b.Fatalf("%d rows end with %q, want %d", got, c.lines, users)
				}
				calls := sb.Calls()
				describe := calls["Connect.DescribeUser"].Sent
				if c.describ && describe < users+1 || !c.describ && describe != 0 {
					b.Fatalf("%d DescribeUser calls for %d users", describe, users+1)
				}
				bound, busiest := busiestBound(sb, calls)
				throttled := 0
				for _, n := range calls {
					throttled += n.Throttled
				}
				b.ReportMetric(elapsed.Seconds()/bound.Seconds(), "x-"+busiest+"-bound")
				rss, cpu := own()
				b.ReportMetric(float64(rss)/1024, "peak-RSS-MB")
				b.ReportMetric(cpu, "cpu-s")
				b.ReportMetric(float64(calls["Connect.SearchUsers"].Sent), "SearchUsers-calls")
				b.ReportMetric(float64(describe), "DescribeUser-calls")
				b.ReportMetric(float64(throttled), "throttled")
				b.Logf("export %s of %d users at rate scale %g: %s, bound %s (%s); sandbox calls %v\n%s", c.name, users+1, c.scale,
					elapsed.Round(time.Millisecond), bound.Round(time.Millisecond), busiest, calls, out)
				sb.Close()
			}
		})
	}
}

// ownUsage runs cmd under GNU time and gives, once it has run, the export
// process's own peak resident memory in KiB and the processor time it
// used (user and system, seconds: beside the elapsed time, it tells a run
// the machine starved from one the rates paced). The kernel's maxrss of
// a child the test process starts directly is not its own: Go starts it
// with vfork, and exec records the memory high-water mark of the image it
// replaces, the test process's (here a sandbox holding 100,000 users), as
// the child's. GNU time forks a small process of its own first.
func ownUsage(b *testing.B, cmd *exec.Cmd, dir string) func() (int64, float64) {
	b.Helper()
	timer, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("no /usr/bin/time to measure the export's own memory")
	}
	out := filepath.Join(dir, "maxrss.txt")
	cmd.Args = append([]string{timer, "-f", "%M %U %S", "-o", out, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = timer
	return func() (int64, float64) {
		data, err := os.ReadFile(out)
		if err != nil {
			b.Fatal(err)
		}
		var kb int64
		var user, sys float64
		if _, err := fmt.Sscan(strings.TrimSpace(string(data)), &kb, &user, &sys); err != nil {
			b.Fatalf("GNU time wrote %q", data)
		}
		return kb, user + sys
	}
}
