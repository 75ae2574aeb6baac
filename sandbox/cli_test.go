package sandbox

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestStartServesUntilContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sb, err := Start(ctx, "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if !strings.HasPrefix(sb.URL(), "http://127.0.0.1:") {
		t.Errorf("URL = %q", sb.URL())
	}
	resp, err := http.Get(sb.URL() + "/instance/" + sb.InstanceID())
	if err != nil {
		t.Fatalf("GET DescribeInstance: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("DescribeInstance status %d", resp.StatusCode)
	}
	cancel()
	select {
	case <-sb.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox did not begin to stop after its context was cancelled")
	}
	// Close waits for the stop under way to finish.
	if err := sb.Close(); err != nil {
		t.Errorf("Close after the context ended: %v", err)
	}
	if resp, err := http.Get(sb.URL() + "/instance"); err == nil {
		resp.Body.Close()
		t.Fatalf("still serving after the context was cancelled")
	}
	if _, err := Start(context.Background(), "256.0.0.1:1", Options{}); err == nil {
		t.Errorf("Start on a bad address succeeded")
	}
}

// TestAWSCLI runs the AWS CLI against a started sandbox, as a user would.
func TestAWSCLI(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := Start(ctx, "127.0.0.1:0", Options{})
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
	list := must("connect", "list-users", "--instance-id", instance)
	users, _ := list["UserSummaryList"].([]any)
	if len(users) != 1 || users[0].(map[string]any)["Username"] != "admin" {
		t.Errorf("list-users = %v, want admin", list)
	}

	var routing, agent string
	for _, p := range sb.routing {
		routing = p.id
	}
	for _, p := range sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	create := []string{"connect", "create-user", "--instance-id", instance, "--username", "jdoe",
		"--password", "Sandbox1pass", "--identity-info", "FirstName=Jane,LastName=Doe,Email=jane@example.com",
		"--phone-config", "PhoneType=SOFT_PHONE,AutoAccept=true,AfterContactWorkTimeLimit=30",
		"--security-profile-ids", agent, "--routing-profile-id", routing, "--tags", "team=blue"}
	created := must(create...)
	userID, _ := created["UserId"].(string)
	if !uuidPattern.MatchString(userID) {
		t.Fatalf("create-user = %v", created)
	}
	described := must("connect", "describe-user", "--instance-id", instance, "--user-id", userID)
	user, _ := described["User"].(map[string]any)
	phone, _ := user["PhoneConfig"].(map[string]any)
	if user["Username"] != "jdoe" || phone["AfterContactWorkTimeLimit"] != float64(30) || phone["AutoAccept"] != true {
		t.Errorf("describe-user = %v", described)
	}
	if _, stderr, err := aws(create...); err == nil || !strings.Contains(stderr, "DuplicateResourceException") {
		t.Errorf("create-user twice: %v, %q; want DuplicateResourceException", err, stderr)
	}

	store := sb.IdentityStoreID()
	isUser := must("identitystore", "create-user", "--identity-store-id", store, "--user-name", "jane@example.com",
		"--display-name", "Jane Doe", "--name", "GivenName=Jane,FamilyName=Doe",
		"--emails", "Value=jane@example.com,Type=work,Primary=true")
	isID, _ := isUser["UserId"].(string)
	if !storeUserIDPattern.MatchString(isID) {
		t.Fatalf("identitystore create-user = %v", isUser)
	}
	got := must("identitystore", "get-user-id", "--identity-store-id", store,
		"--alternate-identifier", `{"UniqueAttribute":{"AttributePath":"userName","AttributeValue":"jane@example.com"}}`)
	if got["UserId"] != isID {
		t.Errorf("get-user-id = %v, want %s", got, isID)
	}
	if _, stderr, err := aws("identitystore", "get-user-id", "--identity-store-id", store,
		"--alternate-identifier", `{"UniqueAttribute":{"AttributePath":"userName","AttributeValue":"nobody"}}`); err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Errorf("get-user-id of nobody: %v, %q", err, stderr)
	}
	instances := must("sso-admin", "list-instances")
	if list, _ := instances["Instances"].([]any); len(list) != 1 || list[0].(map[string]any)["IdentityStoreId"] != store {
		t.Errorf("sso-admin list-instances = %v", instances)
	}
}
