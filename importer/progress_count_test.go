package importer

import (
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
)

// TestProgressCountsRowsDoneNotNotAttempted: after a Ctrl-C the rows never
// started come back not-attempted; the progress counts the rows done, as the
// summary does, instead of jumping towards the total.
func TestProgressCountsRowsDoneNotNotAttempted(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	p := StartProgress(&out, ProgressLines, 10)
	if p == nil {
		t.Fatal("no progress")
	}
	defer p.Stop()
	p.Add(report.Created)
	p.Add(report.Created)
	p.Add(report.Failed)
	for range 7 {
		p.Add(report.NotAttempted)
	}
	if got := p.line(); !strings.HasPrefix(got, "import: 3/10 rows, 1 failed") {
		t.Errorf("progress after an interruption: %q, want 3 of 10 rows done", got)
	}
}
