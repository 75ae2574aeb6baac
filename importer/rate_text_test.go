package importer

import (
	"strings"
	"testing"
)

func TestAchievedRateLabelsBurst(t *testing.T) {
	t.Parallel()
	if got := AchievedRate(2.6, 2); !strings.Contains(got, "at 2.60/s") || !strings.Contains(got, "above it") || !strings.Contains(got, "burst") {
		t.Errorf("above the limit: %q", got)
	}
	if got := AchievedRate(1.98, 2); got != " at 1.98/s (limit 2.00/s)" {
		t.Errorf("under the limit: %q", got)
	}
	if got := AchievedRate(1.98, 0); got != " at 1.98/s" {
		t.Errorf("no limit known: %q", got)
	}
}
