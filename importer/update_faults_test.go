package importer

import (
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestUpdateUnderFaults: with a tenth of the mutating calls answered 500
// (half of them after the change was applied), the final state equals the
// file, and no user the file does not name is touched.
func TestUpdateUnderFaults(t *testing.T) {
	t.Parallel()
	fl := newFleet(t, sandbox.Options{Unlimited: true, ErrorRate: 0.1, Seed: 7}, 300)
	change300(fl.rows)
	input := writeUpdateRows(t, t.TempDir(), "agents.csv", fl.rows)
	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	for try := 0; err == nil && res.Counts[report.Failed]+res.Counts[report.NotAttempted] > 0 && try < 3; try++ {
		// A row whose retries ran out is failed: --resume finishes it.
		res, err = importInto(t, fl.sb, Config{Input: input, Update: true, Resume: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != 300 {
		t.Errorf("counts %v, want 300 updated", res.Counts)
	}
	if n := fl.sb.Calls()["Connect.UpdateUserRoutingProfile"].Failed; n == 0 {
		t.Error("no fault was injected: the test proves nothing")
	}
	assertState(t, fl)
}

// BenchmarkUpdate300 times the acceptance file's 300 changed rows (each
// update API gets 100 calls) at ten times the default rates, against the
// bound of the busiest update API: (100 - burst) / (2/s x 10).
func BenchmarkUpdate300(b *testing.B) {
	const scale = 10
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fl := newFleet(b, sandbox.Options{RateScale: scale}, 300)
		change300(fl.rows)
		input := writeUpdateRows(b, b.TempDir(), "agents.csv", fl.rows)
		b.StartTimer()
		start := time.Now()
		res, err := Import(b.Context(), b.Context(), Config{Input: input, InstanceID: fl.sb.InstanceID(), Update: true, ProgressMode: ProgressOff},
			sandboxClients(b, fl.sb, scale))
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if res.Counts[report.Updated] != 300 {
			b.Fatalf("counts %v", res.Counts)
		}
		bound := time.Duration(float64(100-DefaultBurst) / (2 * scale) * float64(time.Second))
		b.ReportMetric(elapsed.Seconds()/bound.Seconds(), "x-bound")
		b.ReportMetric(elapsed.Seconds(), "s/run")
	}
}
