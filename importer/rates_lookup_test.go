package importer

import (
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestServiceQuotasAskedOncePerRun: an import --update given no
// --rate-scale asks Service Quotas about every API of the table that its
// kinds of change use, each once: one GetServiceQuota per documented code
// (and the users quota), one ListServiceQuotas pass for the APIs found by
// name; and every one of them is paced to what Service Quotas said.
func TestServiceQuotasAskedOncePerRun(t *testing.T) {
	t.Parallel()
	// Each rate raised, so that a rate from Service Quotas differs from the default.
	quotas := map[string]float64{}
	for _, a := range awsclient.APIs {
		if a.Service == "Connect" {
			quotas[a.Operation] = a.Rate*3 + 1
		}
	}
	fl := newFleet(t, sandbox.Options{Quotas: quotas}, 3)
	fl.rows[0].Routing = "Sales Routing Profile"
	input := writeUpdateRows(t, t.TempDir(), "agents.csv", fl.rows)
	clients := quotaClientsOf(t, fl.sb)
	fl.sb.ResetCalls()
	cfg := Config{Input: input, InstanceID: fl.sb.InstanceID(), Update: true}
	res, err := Import(t.Context(), t.Context(), cfg, clients)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != 1 {
		t.Fatalf("counts %v", res.Counts)
	}
	codes, named := 0, 0
	for _, key := range awsclient.KeysFor(ImportUses(cfg)) {
		a, _ := awsclient.Lookup("Connect", key[len("Connect."):])
		if a.QuotaCode != "" {
			codes++
		} else {
			named++
		}
		u := res.Rates.Of(key)
		if u.Source != SourceServiceQuotas || u.PerSecond != a.Rate*3+1 || clients.Limits.For(key).Configured() != u.PerSecond {
			t.Errorf("%s: paced to %.2f/s (%s %s), want %.2f/s from Service Quotas", key, clients.Limits.For(key).Configured(), u.Source, u.QuotaCode, a.Rate*3+1)
		}
	}
	for _, key := range []string{"Connect.UpdateUserRoutingProfile", "Connect.UpdateUserProficiencies", "Connect.AssociateUserProficiencies",
		"Connect.UntagResource", "Connect.UpdateUserConfig", "Connect.CreateUser", "Connect.SearchUsers"} {
		if u := res.Rates.Of(key); u.Source != SourceServiceQuotas {
			t.Errorf("%s: rate %v from %q, want it from Service Quotas", key, u.PerSecond, u.Source)
		}
	}
	if codes == 0 || named == 0 {
		t.Fatalf("%d APIs by code, %d by name: the test proves nothing", codes, named)
	}
	calls := fl.sb.Calls()
	if n := calls["ServiceQuotas.GetServiceQuota"].Sent; n != codes+1 {
		t.Errorf("%d GetServiceQuota calls, want %d (one per documented code, and the users quota)", n, codes+1)
	}
	if n := calls["ServiceQuotas.ListServiceQuotas"].Sent; n != 1 {
		t.Errorf("%d ListServiceQuotas calls, want one pass of one page", n)
	}
}

// TestStepAPIsInTheTable: each step's API, of every kind of change, names
// a line of the table of APIs, which picks its limiter; every update aspect
// has its one step.
func TestStepAPIsInTheTable(t *testing.T) {
	t.Parallel()
	p := &Provisioner{IdentityCenter: &IdentityCenter{}}
	steps := stepTable(p, &Updater{}, &removal{}, nil)
	kinds := map[Change]int{}
	aspects := map[Aspect]int{}
	for _, s := range steps {
		kinds[s.Change]++
		if s.Change == ChangeUpdate {
			aspects[s.Aspect]++
		}
		service, op, _ := strings.Cut(s.API, ".")
		if _, ok := awsclient.Lookup(service, op); !ok {
			t.Errorf("step %q: API %q is not in awsclient.APIs", s.Name, s.API)
		}
	}
	if kinds[ChangeCreate] != 7 || kinds[ChangeUpdate] != int(aspectCount) || kinds[ChangeDelete] != 4 {
		t.Errorf("steps per kind of change %v, want 7 create, %d update and 4 delete steps", kinds, aspectCount)
	}
	for a := range aspectCount {
		if aspects[a] != 1 {
			t.Errorf("aspect %d has %d steps, want 1", a, aspects[a])
		}
	}
	run, done := p.steps(t.Context(), t.Context(), nil)
	defer done()
	if len(run) != 9 {
		t.Errorf("the Provisioner runs %d steps, want the 9 create and delete steps", len(run))
	}
}
