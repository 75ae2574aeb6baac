package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkExport exports 10,000 users with the command as a user runs it,
// from a sandbox enforcing the real rate limits times a scale (the client
// told the same scale), and reports how long it took against the bound the
// busiest API's rate sets (DescribeUser, one call per user, 10/s times the
// scale), the calls per API as the sandbox counted them, and the export
// process's peak resident memory. At the real rates the run takes 1,000 s
// or more; at scale 50, 20 s. Targets: at most 1.1 times the bound, under
// 100 MB.
//
//	go test -run '^$' -bench Export -benchtime 1x .
func BenchmarkExport(b *testing.B) {
	const users = 10000
	scale := 50.0
	if s := os.Getenv("EXPORT_BENCH_SCALE"); s != "" {
		fmt.Sscan(s, &scale)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sb := e2eSandbox(b, sandbox.Options{RateScale: scale, UserQuota: users + 10})
		tier1 := sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1")
		seed := make([]sandbox.ConnectUser, users)
		for j := range seed {
			login := fmt.Sprintf("bench%05d", j)
			seed[j] = sandbox.ConnectUser{Username: login, FirstName: "Agent", LastName: fmt.Sprintf("Number %d", j),
				Email: login + "@example.com", SecondaryEmail: login + "@example.org", Mobile: fmt.Sprintf("+44770%07d", j),
				HierarchyGroupID: tier1, ACWTimeout: 30, AutoAccept: true, Tags: map[string]string{"team": fmt.Sprint(j % 20)}}
		}
		if err := sb.AddConnectUsers(seed...); err != nil {
			b.Fatal(err)
		}
		sb.ResetCalls()
		dir := b.TempDir()
		cmd := importCmd(b, sb, dir, scale, "export", "--out", "export.csv", "--no-progress")
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
		calls := sb.Calls()
		describe := calls["Connect.DescribeUser"].Sent
		if describe < users+1 {
			b.Fatalf("%d DescribeUser calls for %d users", describe, users+1)
		}
		bound := time.Duration(float64(describe) / (10 * scale) * float64(time.Second))
		b.ReportMetric(elapsed.Seconds()/bound.Seconds(), "x-DescribeUser-bound")
		b.ReportMetric(float64(maxRSS(cmd))/1024, "peak-RSS-MB")
		b.ReportMetric(float64(calls["Connect.SearchUsers"].Sent), "SearchUsers-calls")
		b.ReportMetric(float64(describe), "DescribeUser-calls")
		b.ReportMetric(float64(calls["Connect.DescribeUser"].Throttled+calls["Connect.SearchUsers"].Throttled), "throttled")
		b.Logf("export of %d users at rate scale %g: %s, bound %s; sandbox calls %v\n%s", users+1, scale, elapsed.Round(time.Millisecond), bound.Round(time.Millisecond), calls, out)
		sb.Close()
	}
}
