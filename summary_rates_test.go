package main

import (
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/importer"
)

func TestAchievedRateLabelsBurst(t *testing.T) {
	t.Parallel()
	if got := achievedRate(2.6, 2); !strings.Contains(got, "at 2.60/s") || !strings.Contains(got, "above it") || !strings.Contains(got, "burst") {
		t.Errorf("above the limit: %q", got)
	}
	if got := achievedRate(1.98, 2); got != " at 1.98/s (limit 2.00/s)" {
		t.Errorf("under the limit: %q", got)
	}
	if got := achievedRate(1.98, 0); got != " at 1.98/s" {
		t.Errorf("no limit known: %q", got)
	}
}

func TestRateSource(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		u    importer.RateUsed
		want string
	}{
		{importer.RateUsed{Source: importer.SourceServiceQuotas, QuotaCode: "L-1234"}, "from Service Quotas L-1234"},
		{importer.RateUsed{Source: importer.SourceRateScale}, "the default times --rate-scale"},
		{importer.RateUsed{Source: importer.SourceDefault}, "the documented default"},
	} {
		if got := rateSource(c.u); got != c.want {
			t.Errorf("rateSource(%+v) = %q, want %q", c.u, got, c.want)
		}
	}
}
