package importer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestUpdateIdentityCenter: with --sso, the dry run lists what differs on
// the Identity Center user too (names, display name, email), and the run
// changes exactly that with UpdateUser; a user missing from the group is
// added; a second run changes nothing.
func TestUpdateIdentityCenter(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	dir := t.TempDir()
	rows := agents("sso", 4)
	ssoImport(t, sb, writeAgents(t, dir, rows), 100, nil)
	store := sandboxClients(t, sb, 1000).IdentityStore.(*identitystore.Client)
	for _, u := range sb.IdentityStoreUsers() {
		if u.UserName != "sso0004" {
			continue
		}
		for _, m := range sb.Memberships() {
			if m.UserID == u.ID {
				// Taken out of the group since.
				if _, err := store.DeleteGroupMembership(context.Background(), &identitystore.DeleteGroupMembershipInput{
					IdentityStoreId: aws.String(sb.IdentityStoreID()), MembershipId: aws.String(m.ID)}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	rows[0].Last = "Renamed"                  // Connect and Identity Center names
	rows[1].Email = "new.sso0002@example.com" // SAML: Connect holds no email; Identity Center does
	input := writeAgents(t, dir, rows)
	sb.ResetCalls()
	_, dry := ssoImport(t, sb, input, 100, func(c *Config) { c.Update, c.DryRun, c.Out = true, true, filepath.Join(dir, "dry.csv") })
	want := map[int]struct {
		status  report.Status
		changes string
	}{
		2: {report.WouldUpdate, "last name: Number1 -> Renamed; sso last name: Number1 -> Renamed; sso display name: Agent Number1 -> Agent Renamed"},
		3: {report.WouldUpdate, "sso email: sso0002@example.com -> new.sso0002@example.com"},
		4: {report.Exists, ""},
		5: {report.WouldCreate, ""}, // its membership would be added
	}
	for line, w := range want {
		if o := dry[line]; o.Status != w.status || o.Changes != w.changes {
			t.Errorf("dry run line %d: %s %q, want %s %q", line, o.Status, o.Changes, w.status, w.changes)
		}
	}
	if n := sb.Calls()["IdentityStore.UpdateUser"].Sent; n != 0 {
		t.Errorf("the dry run sent %d UpdateUser", n)
	}

	_, got := ssoImport(t, sb, input, 100, func(c *Config) { c.Update = true })
	for line, w := range map[int]report.Status{2: report.Updated, 3: report.Updated, 4: report.Exists, 5: report.Created} {
		if got[line].Status != w {
			t.Errorf("line %d: %s %q (%s), want %s", line, got[line].Status, got[line].Changes, got[line].Error, w)
		}
	}
	if n := sb.Calls()["IdentityStore.UpdateUser"].Sent; n != 2 {
		t.Errorf("%d UpdateUser calls, want 2", n)
	}
	byName := map[string]sandbox.IdentityStoreUser{}
	for _, u := range sb.IdentityStoreUsers() {
		byName[u.UserName] = u
	}
	if u := byName["sso0001"]; u.FamilyName != "Renamed" || u.DisplayName != "Agent Renamed" {
		t.Errorf("sso0001: %+v", u)
	}
	if u := byName["sso0002"]; u.Email != "new.sso0002@example.com" {
		t.Errorf("sso0002: %+v", u)
	}
	if u := byName["sso0003"]; u.Email != "sso0003@example.com" || u.DisplayName != "Agent Number3" {
		t.Errorf("sso0003 changed: %+v", u)
	}
	if store := identityStore(t, sb, DefaultSSOGroup); !store.members[byName["sso0004"].ID] {
		t.Error("sso0004 was not put back in the group")
	}
	_, again := ssoImport(t, sb, input, 100, func(c *Config) { c.Update, c.DryRun, c.Out = true, true, filepath.Join(dir, "again.csv") })
	for line, o := range again {
		if o.Status != report.Exists {
			t.Errorf("after the run, line %d: %s %q", line, o.Status, o.Changes)
		}
	}
}
