package importer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkExportProficiencyLookup measures the two ways an export finds
// proficiencies against each other on the same instance: SearchUsers per
// attribute value and level (pages), and one ListUserProficiencies per
// user. 10,000 users (EXPORT_LOOKUP_USERS changes it) with two
// proficiencies each, the sandbox enforcing the real rates times 50 and
// the client told the same. It reports the calls each made, the time, and
// the time as a multiple of the DescribeUser bound (one call per user, the
// export's floor either way) and of the bound of the busiest API (the
// calls past the burst at its rate).
//
//	go test -run '^$' -bench ExportProficiencyLookup -benchtime 1x ./importer
func BenchmarkExportProficiencyLookup(b *testing.B) {
	users := 10000
	if s := os.Getenv("EXPORT_LOOKUP_USERS"); s != "" {
		fmt.Sscan(s, &users)
	}
	const scale = 50
	for _, lookup := range []ProficiencyLookup{ProficienciesBySearch, ProficienciesPerUser} {
		name := map[ProficiencyLookup]string{ProficienciesBySearch: "search", ProficienciesPerUser: "per-user"}[lookup]
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				sb := startSandbox(b, sandbox.Options{RateScale: scale, UserQuota: users + 10})
				seed := make([]sandbox.ConnectUser, users)
				for j := range seed {
					seed[j] = sandbox.ConnectUser{Username: fmt.Sprintf("u%05d", j), FirstName: "F", LastName: "L",
						ChannelSettings: sandbox.ChannelSettings{Proficiencies: []sandbox.Proficiency{
							{AttributeName: "Language", AttributeValue: []string{"English", "Spanish", "French"}[j%3], Level: float64(j%5 + 1)},
							{AttributeName: "Skill", AttributeValue: []string{"Billing", "Technical", "Sales"}[(j/3)%3], Level: float64((j+2)%5 + 1)},
						}}}
				}
				if err := sb.AddConnectUsers(seed...); err != nil {
					b.Fatal(err)
				}
				clients := sandboxClients(b, sb, scale)
				var out bytes.Buffer
				b.StartTimer()
				start := time.Now()
				res, err := Export(context.Background(), ExportConfig{InstanceID: sb.InstanceID(), Out: "-", Stdout: &out, Proficiencies: lookup}, clients)
				elapsed := time.Since(start)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if got := strings.Count(out.String(), ",Language|"); got != users {
					b.Fatalf("%d rows with proficiencies, want %d", got, users)
				}
				describe := float64(res.Calls["DescribeUser"]) / (10 * scale)
				b.ReportMetric(elapsed.Seconds(), "s")
				b.ReportMetric(elapsed.Seconds()/describe, "x-DescribeUser-bound")
				b.ReportMetric(elapsed.Seconds()/res.Bound.Seconds(), "x-busiest-bound")
				b.ReportMetric(float64(res.Calls["SearchUsers"]), "SearchUsers-calls")
				b.ReportMetric(float64(res.Calls["ListUserProficiencies"]), "ListUserProficiencies-calls")
				b.Logf("%s lookup, %d users at scale %d: %s; busiest API %s, bound %s; calls %v", name, users+1, scale,
					elapsed.Round(time.Millisecond), res.BoundAPI, res.Bound.Round(time.Millisecond), res.Calls)
				sb.Close()
			}
		})
	}
}
