package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/sandbox"
)

// templateHeader is the console's current Connect-managed template.
const templateHeader = "first name,last name,email address,secondary email address,mobile,password,user login," +
	"routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2," +
	"phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags"

// agentRow is one row of templateHeader.
type agentRow struct {
	First, Last, Email, Password, Login, Routing, Security, Hierarchy string
}

func (r agentRow) csv() string {
	return strings.Join([]string{r.First, r.Last, r.Email, "", "", r.Password, r.Login, r.Routing, r.Security,
		r.Hierarchy, "soft", "", "yes", "30", ""}, ",")
}

// agents makes n valid rows with logins prefix0001...
func agents(prefix string, n int) []agentRow {
	rows := make([]agentRow, n)
	for i := range rows {
		login := fmt.Sprintf("%s%04d", prefix, i+1)
		rows[i] = agentRow{First: "Agent", Last: fmt.Sprintf("Number%d", i+1), Email: login + "@example.com",
			Login: login, Routing: "Basic Routing Profile", Security: "Agent", Hierarchy: "Example Corp|Support|Tier 1"}
	}
	return rows
}

// writeAgents writes a template with rows into dir and returns its path.
func writeAgents(t testing.TB, dir string, rows []agentRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(templateHeader + "\n")
	for _, r := range rows {
		b.WriteString(r.csv() + "\n")
	}
	path := filepath.Join(dir, "agents.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startSandbox starts an in-process sandbox for one test.
func startSandbox(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		cancel()
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		sb.Close()
		cancel()
	})
	return sb
}

// sandboxClients builds the real SDK clients against a sandbox.
func sandboxClients(t testing.TB, sb *sandbox.Sandbox, scale float64) *Clients {
	t.Helper()
	return sandboxClientsRetrying(t, sb, scale, RetryPolicy{})
}

// quickRetries is the default retry policy with waits a hundred times
// shorter, for the tests whose sandbox fails calls on purpose: what is
// retried, and how often, stays the same.
var quickRetries = RetryPolicy{
	ThrottledAttempts: DefaultRetryPolicy.ThrottledAttempts, OtherAttempts: DefaultRetryPolicy.OtherAttempts,
	ThrottleDelay: DefaultRetryPolicy.ThrottleDelay / 100, OtherDelay: DefaultRetryPolicy.OtherDelay / 100, MaxDelay: DefaultRetryPolicy.MaxDelay / 100,
}

// sandboxClientsRetrying builds the clients with a retry policy (the zero
// value: the default).
func sandboxClientsRetrying(t testing.TB, sb *sandbox.Sandbox, scale float64, retry RetryPolicy) *Clients {
	t.Helper()
	c, err := NewClients(context.Background(), AWSConfig{
		Region:            "us-east-1",
		EndpointURL:       sb.URL(),
		RateScale:         scale,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"},
		Retry:             retry,
	})
	if err != nil {
		t.Fatalf("clients: %v", err)
	}
	// Before the sandbox stops: a connection dialled but never used would
	// hold its shutdown for seconds.
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// usersByName is the sandbox's users keyed by user name, failing the test
// on a duplicate.
func usersByName(t testing.TB, sb *sandbox.Sandbox) map[string]sandbox.ConnectUser {
	t.Helper()
	m := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		if _, dup := m[strings.ToLower(u.Username)]; dup {
			t.Errorf("sandbox holds user %q twice", u.Username)
		}
		m[strings.ToLower(u.Username)] = u
	}
	return m
}
