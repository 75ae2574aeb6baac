package main

import (
	"fmt"

	"github.com/bulkagents/bulkagents/importer"
)

// achievedRate is the summary's " at X/s (limit Y/s)". A run short enough
// to be mostly the token bucket's first burst goes faster than the limit
// for a while; the figure is then labelled so, lest it read as the limit
// broken.
func achievedRate(rate, limit float64) string {
	s := fmt.Sprintf(" at %.2f/s", rate)
	switch {
	case limit > 0 && rate > limit*1.01:
		s += fmt.Sprintf(" (limit %.2f/s; above it thanks to the burst the limit allows at the start)", limit)
	case limit > 0:
		s += fmt.Sprintf(" (limit %.2f/s)", limit)
	}
	return s
}

// rateSource says where a rate came from, for the summary.
func rateSource(u importer.RateUsed) string {
	switch u.Source {
	case importer.SourceServiceQuotas:
		return "from Service Quotas " + u.QuotaCode
	case importer.SourceRateScale:
		return "the default times --rate-scale"
	}
	return "the documented default"
}
