package importer

import (
	"io"
	"testing"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestOrganisationRatesFromServiceQuotas: the hierarchy and Global
// Resiliency APIs (--create-hierarchy, --traffic-distribution-group) have
// their lines in the table, are found in Service Quotas by name ("Rate of
// CreateUserHierarchyGroup API requests") and paced to what it says.
func TestOrganisationRatesFromServiceQuotas(t *testing.T) {
	t.Parallel()
	want := map[string]float64{
		"CreateUserHierarchyGroup": 7, "DescribeUserHierarchyStructure": 3,
		"DescribeTrafficDistributionGroup": 4, "ListTrafficDistributionGroupUsers": 5,
		"AssociateTrafficDistributionGroupUser": 9, "DisassociateTrafficDistributionGroupUser": 6,
	}
	sb := startSandbox(t, sandbox.Options{Quotas: want})
	keys := awsclient.KeysFor(awsclient.Hierarchy | awsclient.Resiliency)
	if len(keys) != len(want) {
		t.Fatalf("the kinds Hierarchy and Resiliency call %v, want the %d APIs of %v", keys, len(want), want)
	}
	clients := quotaClientsOf(t, sb)
	rates := clients.ConfigureRates(t.Context(), keys, io.Discard)
	for op, r := range want {
		key := "Connect." + op
		a, ok := awsclient.Lookup("Connect", op)
		if !ok || a.Rate != 2 || a.Burst != 5 || a.QuotaName != "Rate of "+op+" API requests" {
			t.Errorf("%s: line %+v", op, a)
		}
		if u := rates.Of(key); u.Source != awsclient.SourceServiceQuotas || u.PerSecond != r || clients.Limits.For(key).Configured() != r {
			t.Errorf("%s: paced to %v/s from %q, want %v/s from Service Quotas", key, clients.Limits.For(key).Configured(), u.Source, r)
		}
	}
}
