package importer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// removeFile runs a remove of the logins, with the backoff, and gives its
// outcomes by login.
func removeFile(t *testing.T, sb *sandbox.Sandbox, logins string, backoff []time.Duration) map[string]report.Outcome {
	t.Helper()
	input := filepath.Join(t.TempDir(), "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\n"+logins), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(), LagBackoff: backoff},
		sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]report.Outcome{}
	for _, o := range res.Outcomes {
		out[o.Login] = o
	}
	return out
}

// TestRemoveListsAgainOnlyWhenMissing: a file whose every login is listed
// costs one listing; a login the instance lacks costs one more listing per
// backoff round, all missing logins together, before it is absent.
func TestRemoveListsAgainOnlyWhenMissing(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "a"}, sandbox.ConnectUser{Username: "b"}, sandbox.ConnectUser{Username: "c"}); err != nil {
		t.Fatal(err)
	}
	backoff := []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	got := removeFile(t, sb, "a\n", backoff)
	if got["a"].Status != report.Deleted || sb.Calls()["Connect.SearchUsers"].Sent != 1 {
		t.Errorf("a: %s, %d SearchUsers; want deleted and one listing", got["a"].Status, sb.Calls()["Connect.SearchUsers"].Sent)
	}
	sb.ResetCalls()
	got = removeFile(t, sb, "b\nnobody\nnoone\n", backoff)
	if got["b"].Status != report.Deleted || got["nobody"].Status != report.Absent || got["noone"].Status != report.Absent {
		t.Errorf("outcomes %v", got)
	}
	if n := sb.Calls()["Connect.SearchUsers"].Sent; n != 1+len(backoff) {
		t.Errorf("%d SearchUsers, want %d: one listing, then one per round for both missing logins", n, 1+len(backoff))
	}
}

// TestRemoveWaitsForTheListing: a user made just before the remove, which
// the listing shows only 300 ms later, is found in a later round and
// deleted, not called absent.
func TestRemoveWaitsForTheListing(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, ListingLag: 300 * time.Millisecond})
	clients := sandboxClients(t, sb, 1000)
	routing := sb.RoutingProfileID("Basic Routing Profile")
	var agent string
	out, err := clients.Connect.ListSecurityProfiles(context.Background(), &connect.ListSecurityProfilesInput{InstanceId: aws.String(sb.InstanceID())})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range out.SecurityProfileSummaryList {
		if aws.ToString(p.Name) == "Agent" {
			agent = aws.ToString(p.Id)
		}
	}
	_, err = clients.Connect.CreateUser(context.Background(), &connect.CreateUserInput{InstanceId: aws.String(sb.InstanceID()),
		Username: aws.String("fresh"), Password: aws.String("Sandbox1pass"), RoutingProfileId: aws.String(routing),
		SecurityProfileIds: []string{agent}, PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone},
		IdentityInfo: &types.UserIdentityInfo{FirstName: aws.String("Fresh"), LastName: aws.String("User")}})
	if err != nil {
		t.Fatal(err)
	}
	got := removeFile(t, sb, "fresh\n", []time.Duration{200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond})
	if got["fresh"].Status != report.Deleted || len(sb.ConnectUsers()) != 1 {
		t.Errorf("fresh: %s %q; the sandbox holds %d users; want deleted, and only admin left", got["fresh"].Status, got["fresh"].Error, len(sb.ConnectUsers()))
	}
}
