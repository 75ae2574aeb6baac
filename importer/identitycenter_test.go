package importer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// ssoImport runs a whole import with the Identity Center side on, through
// the real SDK clients, and returns its result and the results file's rows
// by line.
func ssoImport(t testing.TB, sb *sandbox.Sandbox, input string, scale float64, edit func(*Config)) (*Result, map[int]report.Outcome) {
	t.Helper()
	clients := sandboxClients(t, sb, scale)
	return ssoImportWith(t, clients, sb, input, edit)
}

func ssoImportWith(t testing.TB, clients *Clients, sb *sandbox.Sandbox, input string, edit func(*Config)) (*Result, map[int]report.Outcome) {
	t.Helper()
	cfg := Config{
		Input:      input,
		InstanceID: sb.InstanceID(),
		Force:      true,
		IdentityCenter: IdentityCenterConfig{
			Discover:       true,
			ApplicationARN: sb.ConnectApplicationARN(),
		},
	}
	if edit != nil {
		edit(&cfg)
	}
	ctx := context.Background()
	res, err := Import(ctx, ctx, cfg, clients)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	rows, err := report.Load(res.ResultsPath)
	if err != nil {
		t.Fatalf("load results: %v", err)
	}
	return res, rows
}

// storeState is the sandbox's identity store, checked for duplicates.
type storeState struct {
	users   map[string]sandbox.IdentityStoreUser // by lower-case user name
	group   string                               // the agents' group id
	members map[string]bool                      // user ids in the group
}

func identityStore(t testing.TB, sb *sandbox.Sandbox, group string) storeState {
	t.Helper()
	s := storeState{users: map[string]sandbox.IdentityStoreUser{}, members: map[string]bool{}}
	for _, u := range sb.IdentityStoreUsers() {
		k := strings.ToLower(u.UserName)
		if _, dup := s.users[k]; dup {
			t.Errorf("identity store holds user %q twice", u.UserName)
		}
		s.users[k] = u
	}
	for _, g := range sb.Groups() {
		if g.DisplayName == group {
			if s.group != "" {
				t.Errorf("identity store holds group %q twice", group)
			}
			s.group = g.ID
		}
	}
	for _, m := range sb.Memberships() {
		if m.GroupID == s.group {
			if s.members[m.UserID] {
				t.Errorf("user %s is in the group twice", m.UserID)
			}
			s.members[m.UserID] = true
		}
	}
	return s
}

// checkComplete checks that every row is done on both sides: its Connect
// user and Identity Center user exist once, with the ids the results file
// gives, and the user is in the group.
func checkComplete(t testing.TB, sb *sandbox.Sandbox, rows []agentRow, results map[int]report.Outcome, group string) {
	t.Helper()
	connect := usersByName(t, sb)
	store := identityStore(t, sb, group)
	if store.group == "" {
		t.Fatalf("no group %q", group)
	}
	for i, r := range rows {
		o := results[i+2]
		cu, okc := connect[strings.ToLower(r.Login)]
		su, oks := store.users[strings.ToLower(r.Login)]
		switch {
		case !o.Status.Done():
			t.Errorf("line %d: %s %s", i+2, o.Status, o.Error)
		case !okc || !oks:
			t.Errorf("line %d: connect user %v, identity center user %v", i+2, okc, oks)
		case cu.ID != o.ConnectUserID || su.ID != o.SSOUserID:
			t.Errorf("line %d: ids %s/%s in the results, %s/%s in the sandbox", i+2, o.ConnectUserID, o.SSOUserID, cu.ID, su.ID)
		case !store.members[su.ID]:
			t.Errorf("line %d: %s is not in group %s", i+2, r.Login, group)
		case o.Password != "" || o.SignInURL != PortalURL(sb.IdentityStoreID()):
			t.Errorf("line %d: password %v, sign-in url %q", i+2, o.Password != "", o.SignInURL)
		}
	}
}

func createCalls(sb *sandbox.Sandbox) map[string]int {
	out := map[string]int{}
	for k, v := range sb.Calls() {
		if strings.Contains(k, ".Create") && v.Sent > 0 {
			out[k] = v.Sent
		}
	}
	return out
}

// TestIdentityCenterImport500 is the acceptance of the Identity Center side:
// 500 agents on a SAML sandbox, a re-run that creates nothing, and a run
// where some rows fail on the Identity Center side, completed by a re-run
// (150 agents in the suite, 500 with BULKAGENTS_FULL=1).
func TestIdentityCenterImport500(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 150, 500)
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, UserQuota: 1000})
	rows := agents("sso", n)
	input := writeAgents(t, t.TempDir(), rows)

	res, results := ssoImport(t, sb, input, 100, nil)
	if res.Counts[report.Created] != n {
		for _, o := range results {
			if o.Status != report.Created {
				t.Logf("line %d: %s %s", o.Line, o.Status, o.Error)
			}
		}
		t.Fatalf("counts %s, want %d created", res.Counts, n)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
	if got := len(sb.ConnectUsers()); got != n+1 {
		t.Errorf("%d connect users, want %d and the admin", got, n)
	}
	if got := len(sb.IdentityStoreUsers()); got != n {
		t.Errorf("%d identity center users, want %d", got, n)
	}
	store := identityStore(t, sb, DefaultSSOGroup)
	if len(store.members) != n {
		t.Errorf("%d members, want %d", len(store.members), n)
	}
	assigned := sb.ApplicationAssignments()
	if len(assigned) != 1 || assigned[0].PrincipalID != store.group || assigned[0].PrincipalType != "GROUP" ||
		assigned[0].ApplicationARN != sb.ConnectApplicationARN() {
		t.Errorf("assignments %+v, want the group assigned to the Connect application", assigned)
	}
	u := store.users["sso0007"]
	if u.DisplayName != "Agent Number7" || u.GivenName != "Agent" || u.FamilyName != "Number7" || u.Email != "sso0007@example.com" {
		t.Errorf("identity center user as created: %+v", u)
	}
	if r := res.IdentityCenter; r == nil || r.UsersCreated != n || r.MembershipsCreated != n || !r.GroupCreated ||
		!strings.Contains(r.Assignment, "assigned") || len(r.Warnings) != 0 {
		t.Errorf("identity center report %+v", r)
	}

	t.Run("re-run creates nothing", func(t *testing.T) {
		sb.ResetCalls()
		res, results := ssoImport(t, sb, input, 100, nil)
		if res.Counts[report.Exists] != n {
			t.Errorf("counts %s, want %d exists", res.Counts, n)
		}
		if c := createCalls(sb); len(c) != 0 {
			t.Errorf("a re-run sent create calls: %v", c)
		}
		checkComplete(t, sb, rows, results, DefaultSSOGroup)
		// Finding what exists costs pages: 500 users and 500 members are
		// five pages each, with a group lookup and a discovery (15 reads
		// in all at 500 rows).
		calls := sb.Calls()
		reads := 0
		for k, v := range calls {
			if strings.HasPrefix(k, "IdentityStore.") || strings.HasPrefix(k, "SSOAdmin.ListInstances") {
				reads += v.Sent
			}
		}
		if pages := (n + 99) / 100; reads > 2*pages+5 {
			t.Errorf("the re-run made %d Identity Center reads, want pages (at most %d): %v", reads, 2*pages+5, calls)
		}
		if !strings.Contains(res.IdentityCenter.Assignment, "already assigned") {
			t.Errorf("assignment on a re-run: %q", res.IdentityCenter.Assignment)
		}
	})
}

// TestIdentityCenterFailsThenCompletes: rows whose Identity Center user or
// membership cannot be made fail, saying which step; the next run completes
// them without making anything twice.
func TestIdentityCenterFailsThenCompletes(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	rows := agents("part", 60)
	input := writeAgents(t, t.TempDir(), rows)
	failUser := func(name string) bool { return strings.HasSuffix(name, "3") }   // 6 rows
	failMember := func(name string) bool { return strings.HasSuffix(name, "5") } // 6 rows
	sb.SetFailIdentityStore(func(op, userName string) bool {
		switch op {
		case "CreateUser":
			return failUser(userName)
		case "CreateGroupMembership":
			return failMember(userName)
		}
		return false
	})
	// The failures are server errors, retried: quickly, as the policy is a value.
	clients := sandboxClientsRetrying(t, sb, 100, quickRetries)
	res, results := ssoImportWith(t, clients, sb, input, nil)
	if res.Counts[report.Failed] != 12 || res.Counts[report.Created] != 48 {
		t.Fatalf("counts %s, want 12 failed and 48 created", res.Counts)
	}
	if res.RetryRows != 12 {
		t.Errorf("retry file holds %d rows, want 12", res.RetryRows)
	}
	for i, r := range rows {
		o := results[i+2]
		switch {
		case failUser(r.Login):
			if o.Status != report.Failed || !strings.Contains(o.Error, "create identity center user") || o.ConnectUserID == "" || o.SSOUserID != "" {
				t.Errorf("line %d: %+v, want failed at the identity center user, with its connect user", i+2, o)
			}
		case failMember(r.Login):
			if o.Status != report.Failed || !strings.Contains(o.Error, "group") || o.SSOUserID == "" {
				t.Errorf("line %d: %+v, want failed at the membership, with its identity center user", i+2, o)
			}
		}
	}

	sb.SetFailIdentityStore(nil)
	sb.ResetCalls()
	res, results = ssoImport(t, sb, input, 100, nil)
	if res.Counts[report.Created] != 12 || res.Counts[report.Exists] != 48 {
		t.Errorf("re-run counts %s, want 12 created and 48 exists", res.Counts)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
	calls := createCalls(sb)
	if calls["Connect.CreateUser"] != 0 || calls["IdentityStore.CreateUser"] != 6 || calls["IdentityStore.CreateGroupMembership"] != 12 {
		t.Errorf("re-run create calls %v, want 6 users and 12 memberships, no Connect user", calls)
	}
}

// TestIdentityCenterExistingUsers: a user with the login's user name is
// reused; an email that belongs to another user name makes the row invalid,
// saying whose it is; a row complete on both sides exists.
func TestIdentityCenterExistingUsers(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	rows := agents("old", 4)
	reused, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "old0001", DisplayName: "Old One",
		GivenName: "Old", FamilyName: "One", Email: "old.one@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "somebody", DisplayName: "Some Body",
		GivenName: "Some", FamilyName: "Body", Email: "old0002@example.com"}); err != nil {
		t.Fatal(err)
	}
	// Row 3 is complete on both sides already.
	input := writeAgents(t, t.TempDir(), rows[2:3])
	ssoImport(t, sb, input, 100, nil)

	input = writeAgents(t, t.TempDir(), rows)
	res, results := ssoImport(t, sb, input, 100, nil)
	if o := results[2]; o.Status != report.Created || o.SSOUserID != reused {
		t.Errorf("line 2: %+v, want created with the existing identity center user %s", o, reused)
	}
	if o := results[3]; o.Status != report.Invalid || !strings.Contains(o.Error, `"somebody"`) || o.ConnectUserID != "" {
		t.Errorf("line 3: %+v, want invalid naming user somebody, no connect user", o)
	}
	if _, ok := usersByName(t, sb)["old0002"]; ok {
		t.Error("the row whose email is taken got a Connect user")
	}
	if o := results[4]; o.Status != report.Exists || o.SSOUserID == "" {
		t.Errorf("line 4: %+v, want exists", o)
	}
	if o := results[5]; o.Status != report.Created {
		t.Errorf("line 5: %+v, want created", o)
	}
	if res.Counts[report.Invalid] != 1 {
		t.Errorf("counts %s", res.Counts)
	}
	store := identityStore(t, sb, DefaultSSOGroup)
	if !store.members[reused] || len(sb.IdentityStoreUsers()) != 4 {
		t.Errorf("reused user in group: %v; %d users, want 4", store.members[reused], len(sb.IdentityStoreUsers()))
	}
}

// TestIdentityCenterDryRunPredicts: a dry run (read calls only) says row by
// row what the real run then does, the group and memberships included.
func TestIdentityCenterDryRunPredicts(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"listed", "looked up"} {
		t.Run(name, func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
			if name == "looked up" {
				// More users than the listing budget reaches: the dry run
				// looks the rest up one by one.
				seedStore(t, sb, 2600)
			}
			rows := agents("dry", 12)
			dir := t.TempDir()
			// Rows 1-4 exist completely; 5-6 have a Connect user only; 7
			// has an Identity Center user outside the group.
			ssoImport(t, sb, writeAgents(t, dir, rows[:4]), 100, nil)
			ssoImport(t, sb, writeAgents(t, dir, rows[4:6]), 100, func(c *Config) { c.IdentityCenter = IdentityCenterConfig{} })
			if _, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "dry0007", DisplayName: "D S",
				GivenName: "D", FamilyName: "S", Email: "dry0007@example.com"}); err != nil {
				t.Fatal(err)
			}
			input := writeAgents(t, dir, rows)
			sb.ResetCalls()
			dryRes, predicted := ssoImport(t, sb, input, 100, func(c *Config) {
				c.DryRun = true
				c.Out = filepath.Join(dir, "dry.csv")
			})
			if c := createCalls(sb); len(c) != 0 {
				t.Fatalf("the dry run sent %v", c)
			}
			// Rows 5-12 need their user but row 7; 5-12 their membership.
			if r := dryRes.IdentityCenter; r.UsersCreated != 7 || r.MembershipsCreated != 8 || r.GroupCreated {
				t.Errorf("dry run report %+v, want 7 users and 8 memberships to create", r)
			}
			if name == "looked up" && sb.Calls()["IdentityStore.GetUserId"].Sent == 0 {
				t.Error("the dry run looked nothing up: the test proves nothing")
			}
			_, done := ssoImport(t, sb, input, 100, nil)
			for line, p := range predicted {
				want := map[report.Status]report.Status{report.WouldCreate: report.Created, report.Exists: report.Exists}[p.Status]
				if done[line].Status != want {
					t.Errorf("line %d: predicted %s, then %s (%s)", line, p.Status, done[line].Status, done[line].Error)
				}
				if p.Status == report.Exists && p.SSOUserID != done[line].SSOUserID {
					t.Errorf("line %d: predicted sso user %s, got %s", line, p.SSOUserID, done[line].SSOUserID)
				}
			}
			for line := 2; line <= 5; line++ {
				if predicted[line].Status != report.Exists {
					t.Errorf("line %d predicted %s, want exists", line, predicted[line].Status)
				}
			}
			checkComplete(t, sb, rows, done, DefaultSSOGroup)
		})
	}
}

// seedStore adds n unrelated users to the identity store.
func seedStore(t testing.TB, sb *sandbox.Sandbox, n int) {
	t.Helper()
	for i := range n {
		if _, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: fmt.Sprintf("staff%05d", i),
			DisplayName: "Staff Member", GivenName: "Staff", FamilyName: "Member", Email: fmt.Sprintf("staff%05d@example.org", i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestIdentityCenterLargeStore: when the store is too large to list within
// the budget, the rows are looked up one by one ahead of their Connect
// creates; an email that belongs to another user makes the row invalid
// before anything is made for it, whether the listing showed that user or
// only the lookup found it.
func TestIdentityCenterLargeStore(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	seedStore(t, sb, 800) // 8 pages: beyond the budget of 10 fresh rows
	rows := agents("big", 10)
	late, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "big0001", DisplayName: "B O",
		GivenName: "B", FamilyName: "O", Email: "big0001@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "other", DisplayName: "O T",
		GivenName: "O", FamilyName: "T", Email: "big0002@example.com"}); err != nil {
		t.Fatal(err)
	}
	rows[2].Email = "staff00001@example.org" // the email of a listed user
	input := writeAgents(t, t.TempDir(), rows)
	res, results := ssoImport(t, sb, input, 100, nil)
	// One more may be an attempt retried on a dropped connection.
	if n := sb.Calls()["IdentityStore.ListUsers"].Sent; n < minListPages || n > minListPages+1 {
		t.Errorf("%d ListUsers pages, want the budget of %d", n, minListPages)
	}
	if o := results[2]; o.Status != report.Created || o.SSOUserID != late {
		t.Errorf("line 2: %+v, want the existing user %s reused", o, late)
	}
	if o := results[3]; o.Status != report.Invalid || !strings.Contains(o.Error, `"other"`) || o.ConnectUserID != "" {
		t.Errorf("line 3: %+v, want invalid naming user other, found by the lookahead before its Connect user is made", o)
	}
	if _, made := usersByName(t, sb)["big0002"]; made {
		t.Error("line 3: a Connect user was made for a row whose email belongs to another Identity Center user")
	}
	if o := results[4]; o.Status != report.Invalid || !strings.Contains(o.Error, `"staff00001"`) || o.ConnectUserID != "" {
		t.Errorf("line 4: %+v, want invalid naming user staff00001, before its Connect user is made", o)
	}
	if res.Counts[report.Created] != 8 {
		t.Errorf("counts %s, want 8 created", res.Counts)
	}
}

// TestIdentityCenterFaults: with a tenth of the mutating calls failing with
// HTTP 500 (half of them after the change was made), every row ends
// complete, and nothing is made twice.
func TestIdentityCenterFaults(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, ErrorRate: 0.1, Seed: 11})
	rows := agents("fault", 200)
	input := writeAgents(t, t.TempDir(), rows)
	res, results := ssoImport(t, sb, input, 100, nil)
	if res.Counts[report.Created] != len(rows) {
		for _, o := range results {
			if o.Status != report.Created {
				t.Logf("line %d: %s %s", o.Line, o.Status, o.Error)
			}
		}
		t.Fatalf("counts %s, want all created", res.Counts)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
	calls := sb.Calls()
	if calls["IdentityStore.CreateUser"].Failed == 0 || calls["IdentityStore.CreateGroupMembership"].Failed == 0 {
		t.Errorf("no fault reached the identity store: the test proves nothing: %+v", calls)
	}
	if r := res.IdentityCenter; r.UsersCreated != len(rows) || r.MembershipsCreated != len(rows) {
		t.Errorf("report: %d users, %d memberships created, want %d each", r.UsersCreated, r.MembershipsCreated, len(rows))
	}
}

// rateExceeded answers the first n Identity Store calls the way the real
// service has been seen to throttle: HTTP 400, "Rate exceeded".
type rateExceeded struct {
	next http.Handler
	n    atomic.Int64
}

func (h *rateExceeded) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), "AWSIdentityStore.") && h.n.Add(-1) >= 0 {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", "ValidationException")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"__type":"ValidationException","message":"Rate exceeded"}`)
		return
	}
	h.next.ServeHTTP(w, r)
}

// TestIdentityCenterRateExceeded: an HTTP 400 "Rate exceeded" is a throttle:
// retried, and it slows the Identity Store's limiter.
func TestIdentityCenterRateExceeded(t *testing.T) {
	t.Parallel()
	sb := sandbox.New(sandbox.Options{Identity: "SAML", Unlimited: true})
	h := &rateExceeded{next: sb}
	h.n.Store(8)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: srv.URL, RateScale: 100,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	rows := agents("rate", 20)
	res, results := ssoImportWith(t, clients, sb, writeAgents(t, t.TempDir(), rows), nil)
	if res.Counts[report.Created] != len(rows) {
		t.Fatalf("counts %s, want all created", res.Counts)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
	if n := clients.Limits.For("identitystore").Throttles(); n == 0 {
		t.Error("the Identity Store limiter saw no throttle")
	}
}

// ssoAdminStub answers ListInstances with fixed instances and refuses
// assignments, for what the sandbox cannot show: no instance, several, and
// an assignment the API refuses.
type ssoAdminStub struct {
	instances []ssotypes.InstanceMetadata
}

func (s *ssoAdminStub) ListInstances(context.Context, *ssoadmin.ListInstancesInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error) {
	return &ssoadmin.ListInstancesOutput{Instances: s.instances}, nil
}

func (s *ssoAdminStub) ListApplicationAssignments(context.Context, *ssoadmin.ListApplicationAssignmentsInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListApplicationAssignmentsOutput, error) {
	return nil, &ssotypes.AccessDeniedException{Message: aws.String("not authorized")}
}

func (s *ssoAdminStub) ListApplicationAssignmentsForPrincipal(context.Context, *ssoadmin.ListApplicationAssignmentsForPrincipalInput, ...func(*ssoadmin.Options)) (*ssoadmin.ListApplicationAssignmentsForPrincipalOutput, error) {
	return nil, &ssotypes.AccessDeniedException{Message: aws.String("not authorized")}
}

func (s *ssoAdminStub) CreateApplicationAssignment(context.Context, *ssoadmin.CreateApplicationAssignmentInput, ...func(*ssoadmin.Options)) (*ssoadmin.CreateApplicationAssignmentOutput, error) {
	return nil, &ssotypes.ValidationException{Message: aws.String("applications of this kind cannot be assigned through the API")}
}

func TestIdentityCenterDiscovery(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	c := sandboxClients(t, sb, 100)
	plan := &Plan{Instance: Instance{ID: sb.InstanceID(), Identity: agentfile.IdentitySAML}}
	ctx := context.Background()

	ic, err := PlanIdentityCenter(ctx, c.IdentityStore, c.SSOAdmin, IdentityCenterConfig{Discover: true}, nil, plan, true)
	if err != nil || ic.StoreID != sb.IdentityStoreID() || ic.PortalURL != "https://"+sb.IdentityStoreID()+".awsapps.com/start" {
		t.Fatalf("discovered %+v, %v; want store %s", ic, err, sb.IdentityStoreID())
	}

	for _, tc := range []struct {
		name      string
		instances []ssotypes.InstanceMetadata
		want      string
	}{
		{"none", nil, "no IAM Identity Center instance"},
		{"several", []ssotypes.InstanceMetadata{
			{IdentityStoreId: aws.String("d-1111111111"), InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-1")},
			{IdentityStoreId: aws.String("d-2222222222"), InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-2")},
		}, "d-1111111111"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PlanIdentityCenter(ctx, c.IdentityStore, &ssoAdminStub{instances: tc.instances}, IdentityCenterConfig{Discover: true}, nil, plan, true)
			var se *SetupError
			var ie *IdentityStoreError // the command line's hint comes from it
			if !errors.As(err, &se) || !strings.Contains(se.Message, tc.want) || !errors.As(err, &ie) {
				t.Errorf("error %v, want a setup error saying %q, with its cause for a hint", err, tc.want)
			}
		})
	}

	t.Run("not SAML", func(t *testing.T) {
		_, err := PlanIdentityCenter(ctx, c.IdentityStore, c.SSOAdmin, IdentityCenterConfig{Discover: true}, nil,
			&Plan{Instance: Instance{ID: "i", Identity: agentfile.IdentityConnect}}, true)
		var se *SetupError
		if !errors.As(err, &se) || !strings.Contains(se.Message, "SAML") {
			t.Errorf("error %v, want a setup error about SAML", err)
		}
	})

	t.Run("unknown store", func(t *testing.T) {
		_, err := PlanIdentityCenter(ctx, c.IdentityStore, c.SSOAdmin, IdentityCenterConfig{IdentityStoreID: "d-0000000000"}, nil, plan, true)
		var se *SetupError
		if !errors.As(err, &se) || !strings.Contains(se.Hint, "d-0000000000") {
			t.Errorf("error %v, want a setup error with a hint naming the store", err)
		}
	})
}

// TestIdentityCenterAssignmentWarning: an assignment the API refuses is a
// warning with the console steps, not a failed run.
func TestIdentityCenterAssignmentWarning(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	c := sandboxClients(t, sb, 100)
	c.SSOAdmin = &ssoAdminStub{}
	rows := agents("warn", 3)
	var stderr strings.Builder
	res, _ := ssoImportWith(t, c, sb, writeAgents(t, t.TempDir(), rows), func(cfg *Config) {
		cfg.IdentityCenter = IdentityCenterConfig{IdentityStoreID: sb.IdentityStoreID(), Group: "Tier 1 agents", ApplicationARN: "arn:aws:sso::123456789012:application/ssoins-1/apl-1"}
		cfg.Events = NotesTo(&stderr)
	})
	if res.Counts[report.Created] != 3 {
		t.Errorf("counts %s, want 3 created despite the refused assignment", res.Counts)
	}
	if !strings.Contains(stderr.String(), "Assign users and groups") || len(res.IdentityCenter.Warnings) != 1 {
		t.Errorf("warning %q, report %+v", stderr.String(), res.IdentityCenter)
	}
	// What the summary words (TestIdentityCenterSummary, in the command
	// line): the group created, the portal, the refused assignment.
	if ic := res.IdentityCenter; ic == nil || ic.Group != "Tier 1 agents" || !ic.GroupCreated || ic.PortalURL != PortalURL(sb.IdentityStoreID()) ||
		!strings.Contains(strings.Join(ic.Warnings, "\n"), "Assign users and groups") {
		t.Errorf("identity center report %+v", res.IdentityCenter)
	}
}

// TestIdentityCenterInterrupted: a second Ctrl-C while the Identity Center
// steps are in flight leaves those rows not done (for --resume), never
// created without their user or membership.
func TestIdentityCenterInterrupted(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, Latency: 20 * time.Millisecond})
	rows := agents("cut", 40)
	input := writeAgents(t, t.TempDir(), rows)
	c := sandboxClients(t, sb, 100)
	stop, cancel := context.WithCancel(context.Background())
	var created atomic.Int64
	sb.SetFailIdentityStore(func(op, _ string) bool {
		if op == "CreateGroupMembership" && created.Add(1) == 10 {
			cancel()
		}
		return false
	})
	res, err := Import(stop, stop, Config{Input: input, InstanceID: sb.InstanceID(), Force: true,
		IdentityCenter: IdentityCenterConfig{Discover: true}}, c)
	if err != nil {
		t.Fatal(err)
	}
	results, err := report.Load(res.ResultsPath)
	if err != nil {
		t.Fatal(err)
	}
	store := identityStore(t, sb, DefaultSSOGroup)
	for _, o := range results {
		if o.Status == report.Created && !store.members[o.SSOUserID] {
			t.Errorf("line %d: created but not in the group", o.Line)
		}
	}
	if res.Counts[report.NotAttempted] == 0 {
		t.Fatalf("counts %s: nothing was cut short", res.Counts)
	}
	sb.SetFailIdentityStore(nil)
	_, results = ssoImport(t, sb, input, 100, func(c *Config) { c.Force, c.Resume = false, true })
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
}

// BenchmarkIdentityCenterOverhead measures the 500-agent run with the
// Identity Center side against the same rows without it, client and
// sandbox at the same rate scale; the acceptance is a ratio ≤ 1.1. The
// latency variant gives every call 50 ms, as a network would, so that the
// Identity Center calls lengthen each row.
//
//	go test -run '^$' -bench BenchmarkIdentityCenterOverhead -benchtime 1x ./importer/
func BenchmarkIdentityCenterOverhead(b *testing.B) {
	for _, latency := range []time.Duration{0, 50 * time.Millisecond} {
		b.Run(fmt.Sprintf("latency=%s", latency), func(b *testing.B) {
			benchmarkOverhead(b, latency)
		})
	}
}

func benchmarkOverhead(b *testing.B, latency time.Duration) {
	const rows, scale = 500, 10 // CreateUser at 20/s: about 25 s a run
	dir := b.TempDir()
	input := writeAgents(b, dir, agents("bench", rows))
	run := func(sso bool) time.Duration {
		sb := startSandbox(b, sandbox.Options{Identity: "SAML", RateScale: scale, UserQuota: 1000, Latency: latency})
		start := time.Now()
		res, _ := ssoImport(b, sb, input, scale, func(c *Config) {
			if !sso {
				c.IdentityCenter = IdentityCenterConfig{}
			}
		})
		d := time.Since(start)
		if res.Counts[report.Created] != rows {
			b.Fatalf("counts %s", res.Counts)
		}
		return d
	}
	var without, with time.Duration
	for b.Loop() {
		without += run(false)
		with += run(true)
	}
	b.ReportMetric(without.Seconds()/float64(b.N), "s-connect-only")
	b.ReportMetric(with.Seconds()/float64(b.N), "s-with-identity-center")
	b.ReportMetric(with.Seconds()/without.Seconds(), "ratio")
}

// TestIdentityCenterResumeAfterConnectOnly: --resume with Identity Center
// on a results file written without it completes the rows it calls done.
func TestIdentityCenterResumeAfterConnectOnly(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	rows := agents("later", 6)
	input := writeAgents(t, t.TempDir(), rows)
	ssoImport(t, sb, input, 100, func(c *Config) { c.IdentityCenter = IdentityCenterConfig{} })
	res, results := ssoImport(t, sb, input, 100, func(c *Config) { c.Force, c.Resume = false, true })
	if res.Counts[report.Created] != len(rows) {
		t.Errorf("counts %s, want every row created on the Identity Center side", res.Counts)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
}

// TestIdentityCenterExistingUserOtherEmail: an Identity Center user that
// exists with the row's user name but another email is reused, and its
// one-time password goes to that other address: the results file gives the
// address the user really has (the hand-off tells the agent where to look),
// and the administrator is warned, in the dry run as in the real run,
// whether the listing found the user or a lookup did.
func TestIdentityCenterExistingUserOtherEmail(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"listed", "looked up"} {
		t.Run(name, func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
			if name == "looked up" {
				seedStore(t, sb, 800) // beyond the listing budget of 3 fresh rows
			}
			rows := agents("mail", 3)
			reused, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "mail0002", DisplayName: "M T",
				GivenName: "M", FamilyName: "T", Email: "Private.Box@example.org"})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			input := writeAgents(t, dir, rows)
			for _, dry := range []bool{true, false} {
				res, results := ssoImport(t, sb, input, 100, func(c *Config) {
					c.DryRun = dry
					if dry {
						c.Out = filepath.Join(dir, "dry.csv")
					}
				})
				o := results[3]
				if o.Email != "Private.Box@example.org" || o.SSOUserID != reused {
					t.Errorf("dry run %v: line 3 email %q, sso user %s; want the existing user %s and its email Private.Box@example.org", dry, o.Email, o.SSOUserID, reused)
				}
				if o := results[2]; o.Email != "mail0001@example.com" {
					t.Errorf("dry run %v: line 2 email %q, want the row's own", dry, o.Email)
				}
				warned := false
				for _, w := range res.IdentityCenter.Warnings {
					if strings.Contains(w, "line 3") && strings.Contains(w, "Private.Box@example.org") && strings.Contains(w, "mail0002@example.com") {
						warned = true
					}
				}
				if !warned {
					t.Errorf("dry run %v: no warning names line 3 and both emails: %q", dry, res.IdentityCenter.Warnings)
				}
			}
		})
	}
}

// TestIdentityCenterDryRunApplication: the dry run checks the application
// it would assign the group to, so that it does not promise an assignment
// that the real run then only warns about, whether the group exists yet or
// not.
func TestIdentityCenterDryRunApplication(t *testing.T) {
	t.Parallel()
	for _, groupExists := range []bool{false, true} {
		sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
		if groupExists {
			if _, err := sb.AddGroup(DefaultSSOGroup); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		input := writeAgents(t, dir, agents("app", 2))
		wrong := "arn:aws:sso::123456789012:application/ssoins-0000000000000000/apl-0000000000000000"
		res, _ := ssoImport(t, sb, input, 100, func(c *Config) {
			c.DryRun = true
			c.Out = filepath.Join(dir, "dry.csv")
			c.IdentityCenter.ApplicationARN = wrong
		})
		if a := res.IdentityCenter.Assignment; strings.HasPrefix(a, "would assign") && !strings.Contains(a, "ResourceNotFoundException") {
			t.Errorf("group exists %v: dry run says %q of an application that does not exist", groupExists, a)
		}
		res, _ = ssoImport(t, sb, input, 100, func(c *Config) {
			c.DryRun = true
			c.Out = filepath.Join(dir, "dry2.csv")
		})
		if a := res.IdentityCenter.Assignment; !strings.HasPrefix(a, "would assign") {
			t.Errorf("group exists %v: dry run with the real application says %q", groupExists, a)
		}
	}
}

// TestIdentityCenterExistingUserOtherCase: Identity Center matches user
// names without regard to case, so a row reuses a user whose name differs
// from its login in case only; Identity Center then signs the agent in to
// Connect under that spelling, and the administrator is warned that the
// Connect user login must match it, in the dry run as in the real run.
func TestIdentityCenterExistingUserOtherCase(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"listed", "looked up"} {
		t.Run(name, func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
			if name == "looked up" {
				seedStore(t, sb, 800)
			}
			rows := agents("case", 2)
			if _, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: "Case0002", DisplayName: "C T",
				GivenName: "C", FamilyName: "T", Email: "case0002@example.com"}); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			input := writeAgents(t, dir, rows)
			for _, dry := range []bool{true, false} {
				res, _ := ssoImport(t, sb, input, 100, func(c *Config) {
					c.DryRun = dry
					if dry {
						c.Out = filepath.Join(dir, "dry.csv")
					}
				})
				warned := 0
				for _, w := range res.IdentityCenter.Warnings {
					if strings.Contains(w, "line 3") && strings.Contains(w, `"Case0002"`) {
						warned++
					}
					if strings.Contains(w, "line 2") {
						t.Errorf("dry run %v: a warning about line 2: %s", dry, w)
					}
				}
				if warned != 1 {
					t.Errorf("dry run %v: %d warnings name line 3 and the user name Case0002: %q", dry, warned, res.IdentityCenter.Warnings)
				}
			}
		})
	}
}

// TestIdentityCenterRefusedNames: a name the identity store would refuse
// (an invisible format character such as a zero-width space, which a copy
// from a web page can leave) makes the row invalid before its Connect user
// is made, in the dry run as in the real run; the rows around it go on.
func TestIdentityCenterRefusedNames(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	rows := agents("zw", 3)
	rows[1].First = "Ja\u200bne"
	dir := t.TempDir()
	input := writeAgents(t, dir, rows)
	for _, dry := range []bool{true, false} {
		res, results := ssoImport(t, sb, input, 100, func(c *Config) {
			c.DryRun = dry
			if dry {
				c.Out = filepath.Join(dir, "dry.csv")
			}
		})
		o := results[3]
		if o.Status != report.Invalid || o.ConnectUserID != "" || !strings.Contains(o.Error, "first name") || !strings.Contains(o.Error, "U+200B") {
			t.Errorf("dry run %v: line 3 %s %q, want invalid naming the first name column and U+200B", dry, o.Status, o.Error)
		}
		if res.Counts[report.Invalid] != 1 {
			t.Errorf("dry run %v: counts %s, want 1 invalid", dry, res.Counts)
		}
	}
	if _, ok := usersByName(t, sb)["zw0002"]; ok {
		t.Error("the row with a name Identity Center refuses got a Connect user")
	}
	if n := len(sb.IdentityStoreUsers()); n != 2 {
		t.Errorf("%d Identity Center users, want 2", n)
	}
}
