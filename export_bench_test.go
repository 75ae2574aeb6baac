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
				HierarchyGroupID: tier1, ACWTimeout: 30, AutoAccept: true, Tags: map[string]string{"team": fmt.Sprint(j % 20)},
				ChannelSettings: benchChannels(j)}
		}
		if err := sb.AddConnectUsers(seed...); err != nil {
			b.Fatal(err)
		}
		sb.ResetCalls()
		dir := b.TempDir()
		cmd := importCmd(b, sb, dir, scale, "export", "--out", "export.csv", "--no-progress")
		own := ownUsage(b, cmd, dir) // the export's own memory, not the test process's
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
		if !strings.Contains(string(data), ",Language|") || !strings.Contains(string(data), ",suppression\n") {
			b.Fatalf("the export lacks the proficiencies or per-channel settings")
		}
		calls := sb.Calls()
		describe := calls["Connect.DescribeUser"].Sent
		if describe < users+1 {
			b.Fatalf("%d DescribeUser calls for %d users", describe, users+1)
		}
		bound, busiest := busiestBound(sb, calls)
		throttled := 0
		for _, c := range calls {
			throttled += c.Throttled
		}
		b.ReportMetric(elapsed.Seconds()/bound.Seconds(), "x-"+busiest+"-bound")
		rss, cpu := own()
		b.ReportMetric(float64(rss)/1024, "peak-RSS-MB")
		b.ReportMetric(cpu, "cpu-s")
		b.ReportMetric(float64(calls["Connect.SearchUsers"].Sent), "SearchUsers-calls")
		b.ReportMetric(float64(describe), "DescribeUser-calls")
		b.ReportMetric(float64(calls["Connect.ListUserProficiencies"].Sent), "ListUserProficiencies-calls")
		b.ReportMetric(float64(throttled), "throttled")
		b.Logf("export of %d users at rate scale %g: %s, bound %s (%s); sandbox calls %v\n%s", users+1, scale, elapsed.Round(time.Millisecond), bound.Round(time.Millisecond), busiest, calls, out)
		sb.Close()
	}
}

// benchChannels are user j's proficiencies (two, of the sandbox's six
// attribute values, at every level) and per-channel settings.
func benchChannels(j int) sandbox.ChannelSettings {
	yes := j%2 == 0
	c := sandbox.ChannelSettings{
		Proficiencies: []sandbox.Proficiency{
			{AttributeName: "Language", AttributeValue: []string{"English", "Spanish", "French"}[j%3], Level: float64(j%5 + 1)},
			{AttributeName: "Skill", AttributeValue: []string{"Billing", "Technical", "Sales"}[(j/3)%3], Level: float64((j+2)%5 + 1)},
		},
		AutoAcceptByChannel:  map[string]bool{"CHAT": yes},
		PersistentConnection: &yes, VoiceEnhancement: "NOISE_SUPPRESSION",
	}
	if j%4 == 0 {
		c.ACWByChannel = map[string]int32{"EMAIL": 300}
	}
	return c
}

// busiestBound is the least time the calls counted take at the sandbox's
// rates, and the API that sets it: for each API, the calls past its burst
// at its rate; the largest.
func busiestBound(sb *sandbox.Sandbox, calls map[string]sandbox.CallCount) (time.Duration, string) {
	var bound time.Duration
	busiest := ""
	for key, c := range calls {
		service, op, _ := strings.Cut(key, ".")
		r, burst := sb.Rate(service, op)
		if r <= 0 {
			continue
		}
		if d := time.Duration(float64(max(0, c.Sent-burst)) / r * float64(time.Second)); d > bound {
			bound, busiest = d, op
		}
	}
	return bound, busiest
}
