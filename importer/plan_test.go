package importer

import (
	"context"
	"errors"
	"github.com/bulkagents/bulkagents/awsclient"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/sandbox"
)

// planFor reads rows, validates them for the sandbox's instance and plans
// them through the real SDK client.
func planFor(t *testing.T, sb *sandbox.Sandbox, rows []agentRow) *Plan {
	t.Helper()
	ctx := context.Background()
	c := sandboxClients(t, sb, 0)
	inst, err := DescribeInstance(ctx, c.Connect, sb.InstanceID())
	if err != nil {
		t.Fatalf("describe instance: %v", err)
	}
	var b strings.Builder
	b.WriteString(templateHeader + "\n")
	for _, r := range rows {
		b.WriteString(r.csv() + "\n")
	}
	f, err := agentfile.Read(ctx, strings.NewReader(b.String()), agentfile.ReadOptions{Identity: inst.Identity})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	plan, err := MakePlan(ctx, c.Connect, inst, f, agentfile.Validate(f, agentfile.ValidateOptions{Identity: inst.Identity}))
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if len(plan.Rows) != len(rows) {
		t.Fatalf("plan has %d rows, want %d", len(plan.Rows), len(rows))
	}
	return plan
}

func TestDescribeInstance(t *testing.T) {
	t.Parallel()
	for _, identity := range []agentfile.Identity{agentfile.IdentityConnect, agentfile.IdentitySAML} {
		t.Run(string(identity), func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Identity: string(identity), Unlimited: true})
			c := sandboxClients(t, sb, 0)
			inst, err := DescribeInstance(context.Background(), c.Connect, sb.InstanceID())
			if err != nil {
				t.Fatal(err)
			}
			if inst.Identity != identity || inst.ID != sb.InstanceID() || inst.Alias != sb.InstanceAlias() {
				t.Errorf("instance = %+v, want identity %s, id %s, alias %s", inst, identity, sb.InstanceID(), sb.InstanceAlias())
			}
			if !strings.HasPrefix(inst.AccessURL, "https://") || !strings.Contains(inst.AccessURL, sb.InstanceAlias()) {
				t.Errorf("access URL = %q, want one naming the alias %q", inst.AccessURL, sb.InstanceAlias())
			}
		})
	}
	t.Run("unknown instance", func(t *testing.T) {
		sb := startSandbox(t, sandbox.Options{Unlimited: true})
		c := sandboxClients(t, sb, 0)
		_, err := DescribeInstance(context.Background(), c.Connect, "11111111-2222-3333-4444-555555555555")
		if err == nil {
			t.Fatal("no error for an unknown instance")
		}
		// The command line words the hint from the call (its
		// TestDescribeErrorHints): here, that the instance is not found.
		var ce *CallError
		if !errors.As(DescribeError(err, "11111111-2222-3333-4444-555555555555", "us-east-1", ""), &ce) ||
			awsclient.Classify(ce.Err) != awsclient.NotFound || ce.InstanceID != "11111111-2222-3333-4444-555555555555" {
			t.Errorf("describe error %v: want the call, not found, for the instance", err)
		}
	})
}

func TestMakePlanResolvesNamesExactly(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	sb.AddRoutingProfile("Sales Inbound")
	sb.AddHierarchyGroup("Other Corp", "Support", "Tier 1") // same leaf name, another path
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "taken.user", FirstName: "T", LastName: "U",
		RoutingProfileID: "", SecurityProfileIDs: nil}); err != nil {
		t.Fatalf("seed user: %v", err)
	}
	base := agentRow{First: "Ann", Last: "Lee", Email: "ann@example.com", Login: "ann.lee",
		Routing: "Basic Routing Profile", Security: "Agent|Admin", Hierarchy: "Example Corp|Support|Tier 1"}
	row := func(login string, edit func(*agentRow)) agentRow {
		r := base
		r.Login = login
		edit(&r)
		return r
	}
	rows := []agentRow{
		row("exact", func(*agentRow) {}),
		row("routing.case", func(r *agentRow) { r.Routing = "basic routing profile" }),
		row("routing.space", func(r *agentRow) { r.Routing = "Sales  Inbound" }),
		row("routing.unknown", func(r *agentRow) { r.Routing = "Nowhere" }),
		row("security.case", func(r *agentRow) { r.Security = "Agent|callcentermanager" }),
		row("hierarchy.case", func(r *agentRow) { r.Hierarchy = "example corp|Support|tier 1" }),
		row("hierarchy.unknown", func(r *agentRow) { r.Hierarchy = "Example Corp|Support|Tier 9" }),
		row("hierarchy.other", func(r *agentRow) { r.Hierarchy = "Other Corp|Support|Tier 1" }),
		row("no.hierarchy", func(r *agentRow) { r.Hierarchy = "" }),
		row("taken.user", func(*agentRow) {}),
		row("", func(*agentRow) {}), // invalid before planning
		row("hierarchy.leaf", func(r *agentRow) { r.Hierarchy = "Tier 1" }),
	}
	plan := planFor(t, sb, rows)

	want := []struct {
		action   Action
		column   string // of the first problem
		contains string // in its message or hint
	}{
		{ActionCreate, "", ""},
		{ActionInvalid, "routing profile name", `"Basic Routing Profile"`},
		{ActionInvalid, "routing profile name", `"Sales Inbound"`},
		{ActionInvalid, "routing profile name", `"Basic Routing Profile"`}, // lists existing names
		{ActionInvalid, "security_profile_name_1|security_profile_name_2", `"CallCenterManager"`},
		{ActionInvalid, "user_hierarchy_1|user_hierarchy_2", `"Example Corp|Support|Tier 1"`},
		{ActionInvalid, "user_hierarchy_1|user_hierarchy_2", "does not exist"},
		{ActionCreate, "", ""},
		{ActionCreate, "", ""},
		{ActionExists, "", ""},
		{ActionInvalid, "", ""},
		// Both groups named Tier 1, by their whole paths.
		{ActionInvalid, "user_hierarchy_1|user_hierarchy_2", `"Example Corp|Support|Tier 1", "Other Corp|Support|Tier 1"`},
	}
	for i, w := range want {
		pr := plan.Rows[i]
		if pr.Action != w.action {
			t.Errorf("row %d (%s): action %s, want %s (problems %+v)", i, rows[i].Login, pr.Action, w.action, pr.Problems)
			continue
		}
		if w.column == "" {
			continue
		}
		if len(pr.Problems) == 0 {
			t.Errorf("row %d (%s): no problem", i, rows[i].Login)
			continue
		}
		p := pr.Problems[0]
		if !strings.EqualFold(p.Column, w.column) {
			t.Errorf("row %d (%s): problem column %q, want %q", i, rows[i].Login, p.Column, w.column)
		}
		if !strings.Contains(p.Message+" "+p.Hint, w.contains) {
			t.Errorf("row %d (%s): problem %q / hint %q does not contain %s", i, rows[i].Login, p.Message, p.Hint, w.contains)
		}
		if p.Line != pr.Row.Line {
			t.Errorf("row %d: problem line %d, want %d", i, p.Line, pr.Row.Line)
		}
	}
	exact, other := plan.Rows[0], plan.Rows[7]
	if exact.HierarchyGroupID == "" || other.HierarchyGroupID == "" || exact.HierarchyGroupID == other.HierarchyGroupID {
		t.Errorf("hierarchy ids %q and %q: want two different groups", exact.HierarchyGroupID, other.HierarchyGroupID)
	}
	if len(exact.SecurityProfileIDs) != 2 || exact.RoutingProfileID == "" {
		t.Errorf("row 0 resolved to routing %q, security %v", exact.RoutingProfileID, exact.SecurityProfileIDs)
	}
	if plan.Rows[8].HierarchyGroupID != "" {
		t.Errorf("a row without a hierarchy got group %q", plan.Rows[8].HierarchyGroupID)
	}
	if plan.Rows[9].ExistingUserID == "" {
		t.Error("an existing user has no id")
	}
}

// TestMakePlanCostsPages checks that finding who exists costs a page per
// thousand users, not a call per row.
func TestMakePlanCostsPages(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	seed := make([]sandbox.ConnectUser, 2500)
	for i, a := range agents("existing", 2500) {
		seed[i] = sandbox.ConnectUser{Username: a.Login, FirstName: "E", LastName: "X"}
	}
	if err := sb.AddConnectUsers(seed...); err != nil {
		t.Fatal(err)
	}
	rows := append(agents("existing", 300), agents("fresh", 300)...)
	sb.ResetCalls()
	plan := planFor(t, sb, rows)
	if got := plan.Count(ActionExists); got != 300 {
		t.Errorf("%d rows exist, want 300", got)
	}
	if got := plan.Count(ActionCreate); got != 300 {
		t.Errorf("%d rows to create, want 300", got)
	}
	calls := sb.Calls()
	if n := calls["Connect.ListUsers"].Sent; n != 3 {
		t.Errorf("ListUsers calls = %d, want 3 pages for 2,501 users", n)
	}
	total := 0
	for op, c := range calls {
		total += c.Sent
		if strings.HasSuffix(op, "CreateUser") && c.Sent > 0 {
			t.Errorf("planning sent %d %s", c.Sent, op)
		}
	}
	if total > 12 {
		t.Errorf("planning made %d calls (%v), want at most 12", total, calls)
	}
}

// searchIgnoringCase is a Connect client whose SearchUsers also answers
// with the user whose name differs only in case, as a search that ignores
// case would.
type searchIgnoringCase struct {
	ConnectAPI
	other string
}

func (s searchIgnoringCase) SearchUsers(ctx context.Context, in *connect.SearchUsersInput, opts ...func(*connect.Options)) (*connect.SearchUsersOutput, error) {
	out, err := s.ConnectAPI.SearchUsers(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	out.Users = append([]types.UserSearchSummary{{Username: aws.String(s.other), Id: aws.String("other-id")}}, out.Users...)
	return out, nil
}

// TestFindUserMatchesExactly: settling a CreateUser never takes a user
// whose name differs only in case for the row's.
func TestFindUserMatchesExactly(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "exact.name", FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	c := sandboxClients(t, sb, 1000)
	api := searchIgnoringCase{ConnectAPI: c.Connect, other: "Exact.Name"}
	ctx := context.Background()
	if id, found, err := findUser(ctx, api, sb.InstanceID(), "exact.name"); err != nil || !found || id == "other-id" {
		t.Errorf("findUser(exact.name) = %q, %v, %v; want the sandbox's user", id, found, err)
	}
	api.other = "Missing.Name"
	if id, found, err := findUser(ctx, api, sb.InstanceID(), "missing.name"); err != nil || found {
		t.Errorf("findUser(missing.name) = %q, %v, %v; want not found", id, found, err)
	}
}
