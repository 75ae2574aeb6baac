package main

import (
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/importer"
)

// TestRemoveSummarySaysItStoppedSending: a remove the breaker halted says
// so, and how to finish.
func TestRemoveSummarySaysItStoppedSending(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	writeRemoveSummary(&b, &importer.RemoveResult{Halted: importer.BreakerMessage("http://127.0.0.1:1")})
	if !strings.Contains(b.String(), "remove: stopped sending: ") || !strings.Contains(b.String(), "--resume") {
		t.Errorf("the summary does not say it stopped sending, and to --resume:\n%s", b.String())
	}
}
