package importer

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkProficiencyStep imports 300 agents with two proficiencies each
// into a sandbox at 50 times the default rates, and reports the run's
// CreateUser phase against the CreateUser bound ((n-1)/rate): with the
// proficiency step pipelined behind CreateUser, bound_ratio stays near 1.
//
//	go test ./importer -run '^$' -bench BenchmarkProficiencyStep -benchtime 1x
func BenchmarkProficiencyStep(b *testing.B) {
	const n, scale = 300, 50
	for b.Loop() {
		sb := startSandbox(b, sandbox.Options{RateScale: scale})
		dir := b.TempDir()
		rows := make([]string, n)
		for i := range rows {
			rows[i] = extRow(fmt.Sprintf("bench%04d", i+1), nil)
		}
		input := writeExt(b, dir, rows)
		start := time.Now()
		res, err := Import(b.Context(), b.Context(), Config{Input: input, InstanceID: sb.InstanceID(),
			Out: filepath.Join(dir, "out.csv")}, sandboxClients(b, sb, scale))
		took := time.Since(start)
		if err != nil || res.Counts[report.Created] != n {
			b.Fatalf("import: %v %v", err, res.Counts)
		}
		bound := time.Duration(float64(n-1) / (2 * scale) * float64(time.Second))
		b.ReportMetric(took.Seconds(), "run_s")
		b.ReportMetric(bound.Seconds(), "createuser_bound_s")
		b.ReportMetric(took.Seconds()/bound.Seconds(), "bound_ratio")
	}
}
