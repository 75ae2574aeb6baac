package importer

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// callClock notes, per login, when its email lookup answered and when its
// Connect CreateUser was sent.
type callClock struct {
	mu       sync.Mutex
	lookedUp map[string]time.Time // by lower-case email
	created  map[string]time.Time // by lower-case login
}

type clockedStore struct {
	IdentityStoreAPI
	c *callClock
}

func (s clockedStore) GetUserId(ctx context.Context, in *identitystore.GetUserIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error) {
	out, err := s.IdentityStoreAPI.GetUserId(ctx, in, optFns...)
	if u, ok := in.AlternateIdentifier.(*istypes.AlternateIdentifierMemberUniqueAttribute); ok && aws.ToString(u.Value.AttributePath) == "emails.value" {
		var v string
		if b, err := u.Value.AttributeValue.MarshalSmithyDocument(); err == nil && json.Unmarshal(b, &v) == nil {
			s.c.mu.Lock()
			s.c.lookedUp[strings.ToLower(v)] = time.Now()
			s.c.mu.Unlock()
		}
	}
	return out, err
}

type clockedConnect struct {
	ConnectAPI
	c *callClock
}

func (s clockedConnect) CreateUser(ctx context.Context, in *connect.CreateUserInput, optFns ...func(*connect.Options)) (*connect.CreateUserOutput, error) {
	s.c.mu.Lock()
	if _, ok := s.c.created[strings.ToLower(aws.ToString(in.Username))]; !ok {
		s.c.created[strings.ToLower(aws.ToString(in.Username))] = time.Now()
	}
	s.c.mu.Unlock()
	return s.ConnectAPI.CreateUser(ctx, in, optFns...)
}

// TestIdentityCenterUnlistedEmailOwner is issue 9's acceptance 5: with
// --sso, an email that belongs to an Identity Center user no listing
// reaches makes its row invalid in the dry run and in the real run, and no
// Connect user is made for it; the two runs agree row for row, and every
// other row's email was looked up before its Connect user was sent.
func TestIdentityCenterUnlistedEmailOwner(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	seedStore(t, sb, 700) // 7 pages: beyond the listing budget of minListPages for 12 rows
	if _, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "latecomer", DisplayName: "L C",
		GivenName: "L", FamilyName: "C", Email: "taken@example.net"}); err != nil {
		t.Fatal(err)
	}
	rows := agents("ahead", 12)
	rows[5].Email = "Taken@example.net" // line 7: the email of the user the listing does not reach
	dir := t.TempDir()
	input := writeAgents(t, dir, rows)

	_, predicted := ssoImport(t, sb, input, 1000, func(c *Config) { c.DryRun = true; c.Out = filepath.Join(dir, "dry.csv") })
	if o := predicted[7]; o.Status != report.Invalid || !strings.Contains(o.Error, `"latecomer"`) {
		t.Fatalf("dry run line 7: %s %q, want invalid naming latecomer", o.Status, o.Error)
	}

	clock := &callClock{lookedUp: map[string]time.Time{}, created: map[string]time.Time{}}
	clients := sandboxClients(t, sb, 1000)
	clients.IdentityStore = clockedStore{clients.IdentityStore, clock}
	clients.Connect = clockedConnect{clients.Connect, clock}
	sb.ResetCalls()
	res, done := ssoImportWith(t, clients, sb, input, nil)
	if n := sb.Calls()["IdentityStore.ListUsers"].Sent; n > minListPages+1 {
		t.Fatalf("%d ListUsers pages: the listing reached the owner, the test proves nothing", n)
	}
	o := done[7]
	if o.Status != report.Invalid || !strings.Contains(o.Error, `"latecomer"`) || o.ConnectUserID != "" || o.SSOUserID != "" {
		t.Errorf("real run line 7: %+v, want invalid naming latecomer, nothing made", o)
	}
	if _, made := usersByName(t, sb)["ahead0006"]; made {
		t.Error("a Connect user was made for line 7")
	}
	for line, p := range predicted {
		want := map[report.Status]report.Status{report.WouldCreate: report.Created}[p.Status]
		if want == "" {
			want = p.Status
		}
		if done[line].Status != want || (want == report.Invalid && done[line].Error != p.Error) {
			t.Errorf("line %d: the dry run said %s %q, the real run %s %q", line, p.Status, p.Error, done[line].Status, done[line].Error)
		}
	}
	if res.Counts[report.Created] != 11 || res.Counts[report.Invalid] != 1 || len(res.Problems) != 1 || res.Problems[0].Line != 7 {
		t.Errorf("counts %v, problems %v", res.Counts, res.Problems)
	}
	if res.RetryRows != 1 {
		t.Errorf("retry file holds %d rows, want line 7", res.RetryRows)
	}
	clock.mu.Lock()
	defer clock.mu.Unlock()
	for _, r := range rows {
		looked, ok := clock.lookedUp[strings.ToLower(r.Email)]
		sent, made := clock.created[strings.ToLower(r.Login)]
		switch {
		case !ok:
			t.Errorf("%s: its email was not looked up", r.Login)
		case made && sent.Before(looked):
			t.Errorf("%s: its Connect user was sent before its email lookup answered", r.Login)
		}
	}
}
