package importer

import (
	"strings"
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
	n := fullSize(t, 150, 300) // every row changed, a third of each kind
	fl := newFleet(t, sandbox.Options{Unlimited: true, ErrorRate: 0.1, Seed: 7}, n)
	changeThree(fl.rows, n/3)
	input := writeUpdateRows(t, t.TempDir(), "agents.csv", fl.rows)
	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	for try := 0; err == nil && res.Counts[report.Failed]+res.Counts[report.NotAttempted] > 0 && try < 3; try++ {
		// A row whose retries ran out is failed: --resume finishes it.
		res, err = importInto(t, fl.sb, Config{Input: input, Update: true, Resume: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != n {
		t.Errorf("counts %v, want %d updated", res.Counts, n)
	}
	if n := fl.sb.Calls()["Connect.UpdateUserRoutingProfile"].Failed; n == 0 {
		t.Error("no fault was injected: the test proves nothing")
	}
	assertState(t, fl)
}

// TestUpdateUnderDrops: with a tenth of the mutating calls applied and
// their answers lost, the final state equals the file. A lost answer is a
// call that may have been applied: the retry sets the same value again, and
// a lost TagResource or UntagResource is settled by reading the user again.
func TestUpdateUnderDrops(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 150, 300) // every row changed, a third of each kind
	fl := newFleet(t, sandbox.Options{Unlimited: true, DropRate: 0.1, Seed: 11}, n)
	changeThree(fl.rows, n/3)
	input := writeUpdateRows(t, t.TempDir(), "agents.csv", fl.rows)
	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	for try := 0; err == nil && res.Counts[report.Failed]+res.Counts[report.NotAttempted] > 0 && try < 3; try++ {
		t.Logf("run %d: %v", try+1, res.Counts)
		res, err = importInto(t, fl.sb, Config{Input: input, Update: true, Resume: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != n {
		t.Errorf("counts %v, want %d updated", res.Counts, n)
	}
	if fl.sb.Dropped() == 0 {
		t.Error("no answer was dropped: the test proves nothing")
	}
	assertState(t, fl)
}

// BenchmarkUpdate300 times the acceptance file's 300 changed rows (each
// update API gets 100 calls) at ten times the default rates, against the
// bound of the busiest API the run called, reads included (see busiestBound).
func BenchmarkUpdate300(b *testing.B) {
	const scale = 10
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fl := newFleet(b, sandbox.Options{RateScale: scale}, 300)
		changeThree(fl.rows, 100)
		input := writeUpdateRows(b, b.TempDir(), "agents.csv", fl.rows)
		fl.sb.ResetCalls()
		b.StartTimer()
		start := time.Now()
		res, err := Import(b.Context(), b.Context(), Config{Input: input, InstanceID: fl.sb.InstanceID(), Update: true},
			sandboxClients(b, fl.sb, scale))
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if res.Counts[report.Updated] != 300 {
			b.Fatalf("counts %v", res.Counts)
		}
		api, bound := busiestBound(fl.sb)
		b.Logf("busiest API %s: bound %.2f s, run %.2f s", api, bound, elapsed.Seconds())
		b.ReportMetric(elapsed.Seconds()/bound, "x-bound")
		b.ReportMetric(elapsed.Seconds(), "s/run")
	}
}

// busiestBound is the shortest time the calls the sandbox counted can take
// at its rates: for each API, the calls beyond its burst at its rate; the
// busiest API sets the bound. The burst is AWS's documented 5 (the
// engine's DefaultBurst), not the scaled sandbox's (five times ten): at
// --rate-scale 10 the run is then the real run at a tenth of the time.
// Throttled calls are not counted: they are the limiter's probing, not work.
func busiestBound(sb *sandbox.Sandbox) (api string, seconds float64) {
	for key, n := range sb.Calls() {
		service, op, _ := strings.Cut(key, ".")
		perSecond, _ := sb.Rate(service, op)
		if perSecond <= 0 {
			continue
		}
		if t := float64(n.Sent-n.Throttled-DefaultBurst) / perSecond; t > seconds {
			api, seconds = key, t
		}
	}
	return api, seconds
}
