package importer

import (
	"context"
	"fmt"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// benchOrganisation imports 300 rows whose paths name 12 hierarchy groups
// the instance lacks (3 levels deep) with --create-hierarchy and
// --traffic-distribution-group on a replicated sandbox at scale, and
// reports the import's apply phase (Elapsed less the set-up) and
// CreateUser's span against CreateUser's bound (N - burst) / rate: each
// new step has its own bucket, so the run stays at CreateUser's pace.
func benchOrganisation(b *testing.B, scale float64) {
	const rows = 300
	leaves := []string{}
	for _, top := range []string{"Example Corp|Retail", "Example Corp|Wholesale"} {
		for _, team := range []string{"Team A", "Team B", "Team C"} {
			leaves = append(leaves, top+"|"+team)
		}
	}
	leaves = append(leaves, "North Corp|Field|Crew 1", "North Corp|Field|Crew 2")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sb := startSandbox(b, sandbox.Options{RateScale: scale, UserQuota: rows + 10, Replicated: true})
		rate, _ := sb.Rate("Connect", "CreateUser")
		list := agents(fmt.Sprintf("org%d-", i), rows)
		for j := range list {
			list[j].Hierarchy = leaves[j%len(leaves)]
		}
		input := writeAgents(b, b.TempDir(), list)
		clients := sandboxClients(b, sb, scale)
		b.StartTimer()
		res, err := Import(context.Background(), context.Background(), Config{Input: input, InstanceID: sb.InstanceID(), CreateHierarchy: true, TrafficDistributionGroup: sb.TrafficDistributionGroupID()}, clients)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Counts[report.Created] != rows || len(res.GroupsCreated) != 12 || len(sb.TrafficDistributionGroupUsers()) != rows {
			b.Fatalf("counts %v, %d groups, %d associated", res.Counts, len(res.GroupsCreated), len(sb.TrafficDistributionGroupUsers()))
		}
		bound := float64(rows-DefaultBurst) / rate
		apply := (res.Elapsed - res.SetupElapsed).Seconds()
		b.ReportMetric(apply/bound, "apply/bound")
		b.ReportMetric(res.Stats.CreateSpan.Seconds()/bound, "createspan/bound")
		b.ReportMetric(bound, "bound-s")
	}
}

// BenchmarkOrganisationBoundScale10: at --rate-scale 10 (CreateUser 20/s).
// Target: apply/bound ≤ 1.05.
//
//	go test -run '^$' -bench OrganisationBound -benchtime 1x ./importer/
func BenchmarkOrganisationBoundScale10(b *testing.B) { benchOrganisation(b, 10) }

// BenchmarkOrganisationBoundDefault: at the default rates (CreateUser 2/s,
// about 150 s).
func BenchmarkOrganisationBoundDefault(b *testing.B) { benchOrganisation(b, 1) }
