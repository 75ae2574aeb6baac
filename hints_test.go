package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestDescribeErrorHints: an unknown instance is pointed at --instance-id
// and --region; a refused listing at the permissions it needs.
func TestDescribeErrorHints(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	c := engineClients(t, sb)
	_, err := importer.DescribeInstance(context.Background(), c.Connect, "11111111-2222-3333-4444-555555555555")
	if err == nil {
		t.Fatal("no error for an unknown instance")
	}
	se := importer.DescribeError(err, "11111111-2222-3333-4444-555555555555", "us-east-1", "").(*importer.SetupError)
	if !strings.Contains(setupHint(se), "--instance-id") {
		t.Errorf("hint %q does not mention --instance-id", setupHint(se))
	}
	denied := &importer.SetupError{Message: "cannot plan the import", Err: &importer.CallError{
		Err: fmt.Errorf("list users: %w", &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not allowed"})}}
	if !strings.Contains(setupHint(denied), "connect:") {
		t.Errorf("hint %q does not name the permissions", setupHint(denied))
	}
}

// TestDescribeErrorOfAnExpiredSSOSession: a profile whose SSO session has
// expired (or was never started) says so, and how to sign in with it.
func TestDescribeErrorOfAnExpiredSSOSession(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("operation error Connect: DescribeInstance, get identity: get credentials: %w",
		&awsclient.CredentialsError{Err: fmt.Errorf("failed to refresh cached credentials, %w",
			&ssocreds.InvalidTokenError{Err: errors.New("open /home/ana/.aws/sso/cache/0a1b.json: no such file or directory")})})
	se := importer.DescribeError(err, "11111111-2222-3333-4444-555555555555", "eu-west-2", "contact-centre").(*importer.SetupError)
	if !strings.Contains(se.Message, "SSO session has expired") || !strings.Contains(setupHint(se), "aws sso login --profile contact-centre") {
		t.Errorf("message %q, hint %q: want the SSO session named, and the sign-in command for the profile", se.Message, setupHint(se))
	}
}

// TestIdentityStoreHints: each way --sso can fail to find the identity
// store names the flag that settles it; "none" and "several" are said as
// --sso's.
func TestIdentityStoreHints(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		problem       importer.StoreProblem
		msg, hint     string
		engineHint    string
		wantMsgPrefix string
	}{
		{importer.NotSAMLInstance, "instance i is CONNECT_MANAGED", "leave out --sso and --identity-store-id", "", ""},
		{importer.StoresUnlisted, "find the IAM Identity Center instance", "sso:ListInstances; or give the identity store with --identity-store-id d-XXXXXXXXXX", "the credentials need sso:ListInstances", ""},
		{importer.NoStore, "this account and region have no IAM Identity Center instance", "pick the region it is in with --region), or give --identity-store-id", "", "--sso: "},
		{importer.SeveralStores, "this account has several IAM Identity Center instances", "choose one with --identity-store-id", "", "--sso: "},
	} {
		se := &importer.SetupError{Message: c.msg, Hint: c.engineHint, Err: &importer.IdentityStoreError{Problem: c.problem}}
		msg, hint := setupErrorWords(se)
		if msg != c.wantMsgPrefix+c.msg || !strings.Contains(hint, c.hint) {
			t.Errorf("problem %d: %q, hint %q; want %q, a hint with %q", c.problem, msg, hint, c.wantMsgPrefix+c.msg, c.hint)
		}
	}
}
