package importer

import (
	"context"
	"io"
)

// ExportAPIs are the rate-limited APIs an export calls: ConfigureRates asks
// Service Quotas for each (README, "Rates").
var ExportAPIs = []string{
	"Connect.DescribeInstance", "Connect.ListRoutingProfiles", "Connect.ListSecurityProfiles",
	"Connect.SearchUsers", "Connect.DescribeUser", "Connect.DescribeUserHierarchyGroup",
	"Connect.ListPredefinedAttributes", "Connect.DescribePredefinedAttribute", "Connect.ListUserProficiencies",
}

// ConfiguredRates gives the run's rates: those already configured on the
// clients, or, the first time, what ConfigureRates finds (its note, if any,
// goes to note).
func (c *Clients) ConfiguredRates(ctx context.Context, apis []string, note io.Writer) *Rates {
	if r := c.Rates(); r != nil {
		return r
	}
	return c.ConfigureRates(ctx, apis, note)
}
