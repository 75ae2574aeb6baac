package importer

import (
	"context"
	"github.com/bulkagents/bulkagents/awsclient"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// quotaClients are clients for sb that were given no --rate-scale, so they
// ask Service Quotas.
func quotaClients(t *testing.T, sb *sandbox.Sandbox) *Clients {
	t.Helper()
	c, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: sb.URL(),
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestConfigureRatesFromServiceQuotas(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Quotas: map[string]float64{"CreateUser": 10, "DeleteUser": 7}, UserQuota: 900})
	c := quotaClients(t, sb)
	// A limiter made before the look-up is reset to the quota too.
	c.Limits.For("Connect.CreateUser")
	var note strings.Builder
	r := c.ConfigureRates(context.Background(), []string{"Connect.CreateUser", "Connect.DeleteUser", "Connect.ListUsers", "identitystore"}, &note)
	if note.Len() != 0 || r.Note != "" {
		t.Errorf("a note when Service Quotas answered: %q", note.String())
	}
	if got := c.Limits.For("Connect.CreateUser").Configured(); got != 10 {
		t.Errorf("CreateUser paced at %v, want Service Quotas' 10", got)
	}
	if u := r.Of("Connect.CreateUser"); u.Source != SourceServiceQuotas || u.QuotaCode != "L-CBDEE3E4" || u.PerSecond != 10 {
		t.Errorf("CreateUser rate %+v", u)
	}
	// DeleteUser has no documented code: found by name in the listing.
	if u := r.Of("Connect.DeleteUser"); u.Source != SourceServiceQuotas || u.PerSecond != 7 || c.Limits.For("Connect.DeleteUser").Configured() != 7 {
		t.Errorf("DeleteUser rate %+v", u)
	}
	if u := r.Of("Connect.ListUsers"); u.Source != SourceServiceQuotas || u.PerSecond != 10 {
		t.Errorf("ListUsers rate %+v", u)
	}
	if u := r.Of("identitystore"); u.Source != SourceDefault || u.PerSecond != 20 {
		t.Errorf("Identity Store rate %+v", u)
	}
	if r.UsersQuota != 900 || r.UsersQuotaSource != SourceServiceQuotas {
		t.Errorf("users quota %d from %s, want 900 from Service Quotas", r.UsersQuota, r.UsersQuotaSource)
	}
	if n := sb.Calls()["ServiceQuotas.GetServiceQuota"].Sent; n != 3 {
		t.Errorf("%d GetServiceQuota calls, want one per API with a code and one for the users quota", n)
	}
}

func TestConfigureRatesRefused(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Quotas: map[string]float64{"CreateUser": 10}, ServiceQuotasOff: true})
	c := quotaClients(t, sb)
	var note strings.Builder
	r := c.ConfigureRates(context.Background(), awsclient.KeysFor(ImportUses(Config{})), &note)
	if got := c.Limits.For("Connect.CreateUser").Configured(); got != 2 {
		t.Errorf("CreateUser paced at %v when Service Quotas refused, want the default 2", got)
	}
	if u := r.Of("Connect.CreateUser"); u.Source != SourceDefault {
		t.Errorf("CreateUser rate %+v", u)
	}
	if lines := strings.Count(note.String(), "\n"); lines != 1 || !strings.Contains(note.String(), "AccessDeniedException") || !strings.Contains(note.String(), "default") {
		t.Errorf("note %q, want one line naming the refusal and the defaults", note.String())
	}
}

func TestConfigureRatesScaleOverrides(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Quotas: map[string]float64{"CreateUser": 10}, UserQuota: 800})
	c := sandboxClients(t, sb, 3)
	r := c.ConfigureRates(context.Background(), []string{"Connect.CreateUser"}, nil)
	if u := r.Of("Connect.CreateUser"); u.Source != SourceRateScale || u.PerSecond != 6 {
		t.Errorf("CreateUser with --rate-scale 3: %+v, want 6 from the scale", u)
	}
	// The users quota is still the account's.
	if r.UsersQuota != 800 {
		t.Errorf("users quota %d, want 800", r.UsersQuota)
	}
}

// TestImportIdentityStoreRateExceeded400: the sandbox answers Identity Store
// throttling as HTTP 400 ThrottlingException "Rate exceeded", the form seen
// in real traffic; the import paces and retries it, and rides it out.
func TestImportIdentityStoreRateExceeded400(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", RateScale: 0.5, IdentityStoreThrottle400: true,
		Quotas: map[string]float64{"CreateUser": 1000}, UserQuota: 1000})
	rows := agents("rate400-", 20)
	res, results := ssoImport(t, sb, writeAgents(t, t.TempDir(), rows), 50, nil)
	if res.Counts[report.Created] != len(rows) {
		t.Fatalf("counts %s, want all created", res.Counts)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
	throttled := 0
	for op, n := range sb.Calls() {
		if strings.HasPrefix(op, "IdentityStore.") {
			throttled += n.Throttled
		}
	}
	if throttled == 0 {
		t.Fatal("the sandbox throttled no Identity Store call: the test shows nothing")
	}
	if n := res.IdentityCenter; n == nil {
		t.Fatal("no Identity Center report")
	}
}
