package sandbox

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestAWSCLIRemoveOps drives the operations remove uses with the AWS CLI:
// quick connects made, listed, described and deleted; DeleteUser leaving the
// user's quick connect behind; an Identity Store membership listed per
// member and deleted.
func TestAWSCLIRemoveOps(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := Start(ctx, "127.0.0.1:0", Options{Identity: "SAML"})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer sb.Close()
	aws := startCLI(t, sb)
	must := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := aws(args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return v
	}

	instance := sb.InstanceID()
	if err := sb.AddConnectUsers(ConnectUser{Username: "jdoe", FirstName: "Jane", LastName: "Doe"}); err != nil {
		t.Fatal(err)
	}
	var userID string
	for _, u := range sb.ConnectUsers() {
		if u.Username == "jdoe" {
			userID = u.ID
		}
	}
	created := must("connect", "create-quick-connect", "--instance-id", instance, "--name", "Transfer to Jane",
		"--quick-connect-config", "QuickConnectType=USER,UserConfig={UserId="+userID+",ContactFlowId=flow-1}")
	qcID, _ := created["QuickConnectId"].(string)
	if !uuidPattern.MatchString(qcID) || !strings.Contains(created["QuickConnectARN"].(string), "/transfer-destination/"+qcID) {
		t.Fatalf("create-quick-connect = %v", created)
	}
	must("connect", "create-quick-connect", "--instance-id", instance, "--name", "Helpdesk",
		"--quick-connect-config", "QuickConnectType=PHONE_NUMBER,PhoneConfig={PhoneNumber=+442071234567}")
	if _, stderr, err := aws("connect", "create-quick-connect", "--instance-id", instance, "--name", "Helpdesk",
		"--quick-connect-config", "QuickConnectType=PHONE_NUMBER,PhoneConfig={PhoneNumber=+442071234567}"); err == nil || !strings.Contains(stderr, "DuplicateResourceException") {
		t.Errorf("create-quick-connect twice: %v %q", err, stderr)
	}
	if _, stderr, err := aws("connect", "create-quick-connect", "--instance-id", instance, "--name", "Nobody",
		"--quick-connect-config", "QuickConnectType=USER,UserConfig={UserId=00000000-0000-0000-0000-000000000000,ContactFlowId=f}"); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("create-quick-connect for no user: %v %q", err, stderr)
	}

	list := must("connect", "list-quick-connects", "--instance-id", instance, "--quick-connect-types", "USER")
	if l, _ := list["QuickConnectSummaryList"].([]any); len(l) != 1 || l[0].(map[string]any)["Id"] != qcID {
		t.Errorf("list-quick-connects USER = %v", list)
	}
	all := must("connect", "list-quick-connects", "--instance-id", instance)
	if l, _ := all["QuickConnectSummaryList"].([]any); len(l) != 2 {
		t.Errorf("list-quick-connects = %v, want 2", all)
	}

	// DeleteUser orphans the quick connect: it still names the user.
	must("connect", "delete-user", "--instance-id", instance, "--user-id", userID)
	described := must("connect", "describe-quick-connect", "--instance-id", instance, "--quick-connect-id", qcID)
	qc, _ := described["QuickConnect"].(map[string]any)
	cfg, _ := qc["QuickConnectConfig"].(map[string]any)
	uc, _ := cfg["UserConfig"].(map[string]any)
	if qc["Name"] != "Transfer to Jane" || uc["UserId"] != userID {
		t.Errorf("describe-quick-connect after delete-user = %v", described)
	}
	must("connect", "delete-quick-connect", "--instance-id", instance, "--quick-connect-id", qcID)
	if _, stderr, err := aws("connect", "describe-quick-connect", "--instance-id", instance, "--quick-connect-id", qcID); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("describe-quick-connect after delete: %v %q", err, stderr)
	}
	if _, stderr, err := aws("connect", "delete-quick-connect", "--instance-id", instance, "--quick-connect-id", qcID); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("delete-quick-connect twice: %v %q", err, stderr)
	}

	store := sb.IdentityStoreID()
	isID, err := sb.AddIdentityStoreUser(IdentityStoreUser{UserName: "jdoe", DisplayName: "Jane Doe", GivenName: "Jane", FamilyName: "Doe"})
	if err != nil {
		t.Fatal(err)
	}
	group, err := sb.AddGroup("ConnectAgents")
	if err != nil {
		t.Fatal(err)
	}
	m := must("identitystore", "create-group-membership", "--identity-store-id", store, "--group-id", group, "--member-id", "UserId="+isID)
	membership, _ := m["MembershipId"].(string)
	forMember := must("identitystore", "list-group-memberships-for-member", "--identity-store-id", store, "--member-id", "UserId="+isID)
	if l, _ := forMember["GroupMemberships"].([]any); len(l) != 1 || l[0].(map[string]any)["GroupId"] != group {
		t.Errorf("list-group-memberships-for-member = %v", forMember)
	}
	must("sso-admin", "create-application-assignment", "--application-arn", sb.ConnectApplicationARN(), "--principal-id", isID, "--principal-type", "USER")
	forPrincipal := must("sso-admin", "list-application-assignments-for-principal", "--instance-arn", sb.SSOInstanceARN(), "--principal-id", isID, "--principal-type", "USER")
	if l, _ := forPrincipal["ApplicationAssignments"].([]any); len(l) != 1 || l[0].(map[string]any)["ApplicationArn"] != sb.ConnectApplicationARN() {
		t.Errorf("list-application-assignments-for-principal = %v", forPrincipal)
	}
	must("identitystore", "delete-group-membership", "--identity-store-id", store, "--membership-id", membership)
	if _, stderr, err := aws("identitystore", "delete-group-membership", "--identity-store-id", store, "--membership-id", membership); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("delete-group-membership twice: %v %q", err, stderr)
	}
	must("identitystore", "delete-user", "--identity-store-id", store, "--user-id", isID)
	if len(sb.IdentityStoreUsers()) != 0 || len(sb.Memberships()) != 0 {
		t.Errorf("after delete-user: users %v memberships %v", sb.IdentityStoreUsers(), sb.Memberships())
	}
}
