package sandbox

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestAWSCLIHierarchyGroups drives the hierarchy structure and the
// creation of groups with the AWS CLI: five seeded levels, a group under a
// parent, the name rules, a duplicate under one parent and the same name
// under another, a level the structure lacks, and the groups quota.
func TestAWSCLIHierarchyGroups(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := Start(ctx, "127.0.0.1:0", Options{Unlimited: true, HierarchyGroupQuota: 9})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer sb.Close()
	aws := startCLI(t, sb, "connect")
	must := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := aws(args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return v
	}
	refused := func(code string, args ...string) {
		t.Helper()
		if _, stderr, err := aws(args...); err == nil || !strings.Contains(stderr, code) {
			t.Errorf("aws %s: want %s, got %v %q", strings.Join(args, " "), code, err, stderr)
		}
	}
	inst := sb.InstanceID()
	st := mustJSON(must("describe-user-hierarchy-structure", "--instance-id", inst))
	for _, l := range levelKeys {
		if !strings.Contains(st, `"`+l+`"`) {
			t.Errorf("the seeded structure lacks %s: %s", l, st)
		}
	}
	// The seeded groups hang in the structure: Example Corp|Sales is a
	// level-two group.
	var sales HierarchyGroup
	for _, g := range sb.HierarchyGroups() {
		if g.Path == "Example Corp|Sales" {
			sales = g
		}
	}
	if sales.Level != 2 {
		t.Fatalf("the seeded Example Corp|Sales: %+v", sales)
	}
	// Support has a Tier 2 of its own: the same name under another parent.
	made := must("create-user-hierarchy-group", "--instance-id", inst, "--name", "Tier 2", "--parent-group-id", sales.ID)
	tier2, _ := made["HierarchyGroupId"].(string)
	if arn, _ := made["HierarchyGroupArn"].(string); tier2 == "" || !strings.HasSuffix(arn, "/agent-group/"+tier2) {
		t.Fatalf("create-user-hierarchy-group: %v", made)
	}
	d := mustJSON(must("describe-user-hierarchy-group", "--instance-id", inst, "--hierarchy-group-id", tier2))
	if !strings.Contains(d, `"LevelThree"`) || !strings.Contains(d, `"Name": "Sales"`) {
		t.Errorf("describe-user-hierarchy-group of the new group: %s", d)
	}
	refused("DuplicateResourceException", "create-user-hierarchy-group", "--instance-id", inst, "--name", "Tier 2", "--parent-group-id", sales.ID)
	refused("InvalidParameterException", "create-user-hierarchy-group", "--instance-id", inst, "--name", strings.Repeat("n", 101))
	refused("InvalidParameterException", "create-user-hierarchy-group", "--instance-id", inst, "--name", "   ")
	refused("ResourceNotFoundException", "create-user-hierarchy-group", "--instance-id", inst, "--name", "X", "--parent-group-id", newUUID())
	top := must("create-user-hierarchy-group", "--instance-id", inst, "--name", "Other Corp")["HierarchyGroupId"].(string)
	if g := sb.HierarchyGroups(); g[len(g)-1].Level != 1 || g[len(g)-1].ParentID != "" {
		t.Errorf("a group without a parent is of level one: %+v", g[len(g)-1])
	}

	// A structure of three levels: a fourth-level group is refused, naming
	// the levels there are; a level holding groups cannot be removed.
	refused("ResourceInUseException", "update-user-hierarchy-structure", "--instance-id", inst, "--hierarchy-structure", "LevelOne={Name=Org},LevelTwo={Name=Dept}")
	refused("InvalidRequestException", "update-user-hierarchy-structure", "--instance-id", inst, "--hierarchy-structure", "LevelOne={Name=Org},LevelThree={Name=Team}")
	must("update-user-hierarchy-structure", "--instance-id", inst, "--hierarchy-structure", "LevelOne={Name=Org},LevelTwo={Name=Dept},LevelThree={Name=Team}")
	if got := strings.Join(sb.HierarchyLevels(), ","); got != "Org,Dept,Team" {
		t.Errorf("levels after the update: %s", got)
	}
	_, stderr, err := aws("create-user-hierarchy-group", "--instance-id", inst, "--name", "Pod", "--parent-group-id", tier2)
	if err == nil || !strings.Contains(stderr, "InvalidRequestException") || !strings.Contains(stderr, "1 (Org), 2 (Dept), 3 (Team)") {
		t.Errorf("a group below level three: %v %q", err, stderr)
	}
	// The quota (9 here): 5 seeded groups and 2 new ones, so 2 more fit.
	must("create-user-hierarchy-group", "--instance-id", inst, "--name", "A", "--parent-group-id", top)
	must("create-user-hierarchy-group", "--instance-id", inst, "--name", "B", "--parent-group-id", top)
	refused("LimitExceededException", "create-user-hierarchy-group", "--instance-id", inst, "--name", "C", "--parent-group-id", top)
	q := mustJSON(startCLIMust(t, sb, "service-quotas", "list-service-quotas", "--service-code", "connect"))
	for _, name := range []string{"User hierarchy groups per instance", "Rate of CreateUserHierarchyGroup API requests", "Rate of DescribeUserHierarchyStructure API requests"} {
		if !strings.Contains(q, name) {
			t.Errorf("Service Quotas lacks %q", name)
		}
	}
}

func startCLIMust(t *testing.T, sb *Sandbox, args ...string) map[string]any {
	t.Helper()
	v, stderr, err := startCLI(t, sb)(args...)
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return v
}

// TestAWSCLITrafficDistributionGroup drives Global Resiliency with the AWS
// CLI on a replicated instance: DescribeInstance's replication, the
// seeded ACTIVE group, associating users (by id and ARN), pages of 10,
// disassociating, and a group that is not ACTIVE.
func TestAWSCLITrafficDistributionGroup(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := (Options{Replicated: true, Identity: "CONNECT_MANAGED"}).Check(); err == nil {
		t.Errorf("a replicated Connect-managed instance was accepted")
	}
	sb, err := Start(ctx, "127.0.0.1:0", Options{Unlimited: true, Replicated: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer sb.Close()
	if sb.Identity() != "SAML" {
		t.Errorf("a replicated instance is %s, want SAML", sb.Identity())
	}
	aws := startCLI(t, sb, "connect")
	must := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := aws(args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return v
	}
	inst := sb.InstanceID()
	rc, _ := must("describe-instance", "--instance-id", inst)["ReplicationConfiguration"].(map[string]any)
	if rc["GlobalSignInEndpoint"] != sb.GlobalSignInEndpoint() || rc["SourceRegion"] != "us-east-1" || !strings.Contains(mustJSON(rc), "us-west-2") {
		t.Errorf("ReplicationConfiguration: %v", rc)
	}
	tdg := sb.TrafficDistributionGroupID()
	g, _ := must("describe-traffic-distribution-group", "--traffic-distribution-group-id", sb.TrafficDistributionGroupARN())["TrafficDistributionGroup"].(map[string]any)
	if g["Status"] != "ACTIVE" || g["Id"] != tdg || g["InstanceArn"] != sb.InstanceARN() {
		t.Errorf("describe-traffic-distribution-group: %v", g)
	}
	if _, stderr, err := aws("describe-traffic-distribution-group", "--traffic-distribution-group-id", "not-an-id"); err == nil || !strings.Contains(stderr, "InvalidRequestException") {
		t.Errorf("a malformed id: %v %q", err, stderr)
	}
	var users []ConnectUser
	for i := range 12 {
		users = append(users, ConnectUser{Username: fmt.Sprintf("agent%02d", i), FirstName: "A", LastName: "B"})
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	all := sb.ConnectUsers()
	want := map[string]bool{}
	for i, u := range all {
		if u.Username == "admin" {
			continue
		}
		id := u.ID
		if i%2 == 0 {
			id = u.ARN
		}
		must("associate-traffic-distribution-group-user", "--traffic-distribution-group-id", tdg, "--user-id", id, "--instance-id", inst)
		want[u.ID] = true
	}
	// Again: nothing changes.
	must("associate-traffic-distribution-group-user", "--traffic-distribution-group-id", tdg, "--user-id", all[1].ID, "--instance-id", inst)
	if _, stderr, err := aws("associate-traffic-distribution-group-user", "--traffic-distribution-group-id", tdg, "--user-id", newUUID(), "--instance-id", inst); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("an unknown user: %v %q", err, stderr)
	}
	// One page by hand: at most 10, and 11 refused.
	p := must("list-traffic-distribution-group-users", "--traffic-distribution-group-id", tdg, "--no-paginate")
	if n := len(p["TrafficDistributionGroupUserSummaryList"].([]any)); n != 10 || p["NextToken"] == nil {
		t.Errorf("a first page: %d users, token %v", n, p["NextToken"])
	}
	if _, stderr, err := aws("list-traffic-distribution-group-users", "--traffic-distribution-group-id", tdg, "--max-results", "11", "--no-paginate"); err == nil || !strings.Contains(stderr, "InvalidRequestException") {
		t.Errorf("--max-results 11: %v %q", err, stderr)
	}
	// The CLI pages through every one.
	listed := map[string]bool{}
	for _, s := range must("list-traffic-distribution-group-users", "--traffic-distribution-group-id", tdg)["TrafficDistributionGroupUserSummaryList"].([]any) {
		listed[s.(map[string]any)["UserId"].(string)] = true
	}
	if len(listed) != len(want) || len(listed) != 12 {
		t.Errorf("listed %d users, want %d", len(listed), len(want))
	}
	must("disassociate-traffic-distribution-group-user", "--traffic-distribution-group-id", tdg, "--user-id", all[1].ID, "--instance-id", inst)
	if _, stderr, err := aws("disassociate-traffic-distribution-group-user", "--traffic-distribution-group-id", tdg, "--user-id", all[1].ID, "--instance-id", inst); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("disassociating twice: %v %q", err, stderr)
	}
	if n := len(sb.TrafficDistributionGroupUsers()); n != 11 {
		t.Errorf("%d users associated after one left, want 11", n)
	}
	if err := sb.SetTrafficDistributionGroupStatus("UPDATE_IN_PROGRESS"); err != nil {
		t.Fatal(err)
	}
	if g, _ := must("describe-traffic-distribution-group", "--traffic-distribution-group-id", tdg)["TrafficDistributionGroup"].(map[string]any); g["Status"] != "UPDATE_IN_PROGRESS" {
		t.Errorf("the status after SetTrafficDistributionGroupStatus: %v", g["Status"])
	}
	if _, stderr, err := aws("associate-traffic-distribution-group-user", "--traffic-distribution-group-id", tdg, "--user-id", all[1].ID, "--instance-id", inst); err == nil || !strings.Contains(stderr, "ResourceConflictException") {
		t.Errorf("associating with a group not ACTIVE: %v %q", err, stderr)
	}
	if err := sb.SetTrafficDistributionGroupStatus("BROKEN"); err == nil {
		t.Errorf("an unknown status was accepted")
	}
	q := mustJSON(startCLIMust(t, sb, "service-quotas", "list-service-quotas", "--service-code", "connect"))
	for _, op := range []string{"DescribeTrafficDistributionGroup", "AssociateTrafficDistributionGroupUser", "DisassociateTrafficDistributionGroupUser", "ListTrafficDistributionGroupUsers"} {
		if !strings.Contains(q, "Rate of "+op+" API requests") {
			t.Errorf("Service Quotas lacks the rate of %s", op)
		}
		if r, b := sb.Rate("Connect", op); r != 2 || b != 5 {
			t.Errorf("the bucket of %s: %v/s burst %d, want 2/s burst 5", op, r, b)
		}
	}

	// An instance that is not replicated has no group and no replication.
	plain := New(Options{})
	if plain.Replicated() || plain.GlobalSignInEndpoint() != "" || plain.replicationJSON() != nil {
		t.Errorf("a plain instance reports replication")
	}
}

// TestAWSCLIIdentityStoreEnterprise drives Title, UserStatus and the
// enterprise extension with the AWS CLI: CreateUser with them,
// DescribeUser and ListUsers returning the extension only when asked,
// UpdateUser on each path, and the document's shape.
func TestAWSCLIIdentityStoreEnterprise(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := Start(ctx, "127.0.0.1:0", Options{Unlimited: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer sb.Close()
	aws := startCLI(t, sb, "identitystore")
	store := sb.IdentityStoreID()
	must := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := aws(append(args, "--identity-store-id", store)...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return v
	}
	refused := func(want string, args ...string) {
		t.Helper()
		if _, stderr, err := aws(append(args, "--identity-store-id", store)...); err == nil || !strings.Contains(stderr, want) {
			t.Errorf("aws %s: want %s, got %v %q", strings.Join(args, " "), want, err, stderr)
		}
	}
	user := func(name string, extra ...string) []string {
		return append([]string{"create-user", "--user-name", name, "--display-name", name, "--name", "GivenName=A,FamilyName=B"}, extra...)
	}
	boss := must(user("boss")...)["UserId"].(string)
	ext := fmt.Sprintf(`{"aws:identitystore:enterprise":{"employeeNumber":"E-17","costCenter":"CC-4","organization":"Example Corp","division":"Retail","department":"Sales","manager":{"value":"%s"}}}`, boss)
	jane := must(user("jane", "--title", "Team Lead", "--extensions", ext)...)["UserId"].(string)

	plain := must("describe-user", "--user-id", jane)
	if plain["Title"] != "Team Lead" || plain["UserStatus"] != "ENABLED" || plain["Extensions"] != nil {
		t.Errorf("describe-user without --extensions: %v", plain)
	}
	asked := mustJSON(must("describe-user", "--user-id", jane, "--extensions", "aws:identitystore:enterprise"))
	for _, w := range []string{`"employeeNumber": "E-17"`, `"costCenter": "CC-4"`, `"division": "Retail"`, `"department": "Sales"`, `"value": "` + boss + `"`} {
		if !strings.Contains(asked, w) {
			t.Errorf("describe-user --extensions lacks %s: %s", w, asked)
		}
	}
	refused("ValidationException", "describe-user", "--user-id", jane, "--extensions", "aws:identitystore:other")
	refused("ValidationException", "describe-user", "--user-id", jane, "--extensions", "enterprise")
	if l := mustJSON(must("list-users")); strings.Contains(l, "E-17") || !strings.Contains(l, "Team Lead") {
		t.Errorf("list-users without --extensions: %s", l)
	}
	if l := mustJSON(must("list-users", "--extensions", "aws:identitystore:enterprise")); !strings.Contains(l, "E-17") {
		t.Errorf("list-users --extensions: %s", l)
	}
	// The document's shape.
	refused("ValidationException", user("x1", "--extensions", `{"aws:identitystore:enterprise":{"badge":"7"}}`)...)
	refused("ValidationException", user("x2", "--extensions", `{"aws:identitystore:enterprise":{"manager":"`+boss+`"}}`)...)
	refused("ValidationException", user("x3", "--extensions", `{"aws:identitystore:enterprise":{"department":7}}`)...)
	refused("ValidationException", user("x4", "--extensions", `{"aws:identitystore:custom":{"department":"Sales"}}`)...)
	refused("ValidationException", user("x5", "--title", strings.Repeat("t", 1025))...)

	// UpdateUser on each path.
	op := func(path, value string) string {
		if value == "" {
			return fmt.Sprintf(`[{"AttributePath":%q}]`, path)
		}
		return fmt.Sprintf(`[{"AttributePath":%q,"AttributeValue":%s}]`, path, value)
	}
	must("update-user", "--user-id", jane, "--operations", op("aws:identitystore:enterprise.department", `"Support"`))
	must("update-user", "--user-id", jane, "--operations", op("aws:identitystore:enterprise.manager.value", `"`+jane+`"`))
	must("update-user", "--user-id", jane, "--operations", op("aws:identitystore:enterprise.costCenter", ""))
	must("update-user", "--user-id", jane, "--operations", op("title", `"Manager"`))
	must("update-user", "--user-id", jane, "--operations", op("userStatus", `"DISABLED"`))
	refused("ValidationException", "update-user", "--user-id", jane, "--operations", op("userStatus", `"GONE"`))
	refused("ValidationException", "update-user", "--user-id", jane, "--operations", op("aws:identitystore:enterprise.badge", `"7"`))
	got := mustJSON(must("describe-user", "--user-id", jane, "--extensions", "aws:identitystore:enterprise"))
	for _, w := range []string{`"department": "Support"`, `"value": "` + jane + `"`, `"Title": "Manager"`, `"UserStatus": "DISABLED"`, `"employeeNumber": "E-17"`} {
		if !strings.Contains(got, w) {
			t.Errorf("after update-user, describe-user lacks %s: %s", w, got)
		}
	}
	if strings.Contains(got, "CC-4") {
		t.Errorf("the removed costCenter is still there: %s", got)
	}
	must("update-user", "--user-id", jane, "--operations", op("aws:identitystore:enterprise", `{"department":"Billing"}`))
	got = mustJSON(must("describe-user", "--user-id", jane, "--extensions", "aws:identitystore:enterprise"))
	if !strings.Contains(got, `"department": "Billing"`) || strings.Contains(got, "E-17") {
		t.Errorf("the whole document replaced: %s", got)
	}
	must("update-user", "--user-id", jane, "--operations", op("aws:identitystore:enterprise", ""))
	if got := must("describe-user", "--user-id", jane, "--extensions", "aws:identitystore:enterprise"); got["Extensions"] != nil {
		t.Errorf("the removed extension is still there: %v", got["Extensions"])
	}
}
