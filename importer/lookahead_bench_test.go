package importer

import (
	"fmt"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkSSOLookahead: 300 rows with --sso on a SAML sandbox at rate
// scale 10 (CreateUser 20/s, the Identity Store 200/s: the real 10:1),
// the store either small enough to list ("listed": no row looked up) or
// beyond the listing budget ("looked-up": every row's user name and email
// looked up ahead of its Connect create). The lookups cost no wall time
// when achieved/bound (CreateUser's span against (N - burst) / rate) is
// the same in both. Target: achieved/bound >= 0.97 for looked-up.
//
//	go test -run '^$' -bench SSOLookahead -benchtime 1x ./importer/
func BenchmarkSSOLookahead(b *testing.B) {
	for _, store := range []int{0, 4000} { // 4,000: beyond the budget of 30 pages for 300 rows
		name := "listed"
		if store > 0 {
			name = "looked-up"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				const rows = 300
				sb := startSandbox(b, sandbox.Options{Identity: "SAML", RateScale: 10, UserQuota: rows + 10})
				seedStore(b, sb, store)
				rate, _ := sb.Rate("Connect", "CreateUser")
				input := writeAgents(b, b.TempDir(), agents(fmt.Sprintf("la%d-", i), rows))
				clients := sandboxClients(b, sb, 10)
				b.StartTimer()
				res, _ := ssoImportWith(b, clients, sb, input, func(c *Config) { c.Events = nil })
				b.StopTimer()
				if res.Counts[report.Created] != rows {
					b.Fatalf("counts %v", res.Counts)
				}
				lookups := sb.Calls()["IdentityStore.GetUserId"].Sent
				if store > 0 && lookups < 2*rows {
					b.Fatalf("%d GetUserId calls: the rows were not looked up", lookups)
				}
				bound := float64(rows-DefaultBurst) / rate
				b.ReportMetric(bound/res.Stats.CreateSpan.Seconds(), "achieved/bound")
				b.ReportMetric(float64(lookups), "GetUserId-calls")
				b.ReportMetric(float64(clients.Limits.For("identitystore").Throttles()), "identitystore-throttles")
			}
		})
	}
}
