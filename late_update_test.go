package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestResumeAfterLateUpdate: an update run's UpdateUserRoutingProfile got
// no answer (the endpoint stopped), so its row is failed with the change it
// sent; the call landed later. --resume finds nothing left to change and
// records the row as updated, with the change, not as exists.
func TestResumeAfterLateUpdate(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	sales := sb.AddRoutingProfile("Sales Routing Profile")
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "late0001", FirstName: "Agent", LastName: "Number1",
		RoutingProfileID: sales, SecurityProfileIDs: []string{sb.SecurityProfileID("Agent")}}); err != nil {
		t.Fatal(err)
	}
	id := sb.ConnectUsers()[0].ID
	if sb.ConnectUsers()[0].Username != "late0001" {
		id = sb.ConnectUsers()[1].ID
	}
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte("first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\nAgent,Number1,late0001,Sales Routing Profile,Agent\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const change = "routing profile: Basic Routing Profile -> Sales Routing Profile"
	log, err := report.Create(filepath.Join(dir, "agents-results.csv"), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Append(report.Outcome{Line: 2, Login: "late0001", Status: report.Failed, ConnectUserID: id, Instance: sb.InstanceID(),
		Changes: change, Error: "update routing profile: no answer from the endpoint"}); err != nil {
		t.Fatal(err)
	}
	log.Close()
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--update", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, stderr)
	}
	o := results(t, filepath.Join(dir, "agents-results.csv"))[2]
	if o.Status != report.Updated || !strings.Contains(o.Changes, change) {
		t.Errorf("row: %s, changes %q; want updated with %q", o.Status, o.Changes, change)
	}
	if n := sb.Calls()["Connect.UpdateUserRoutingProfile"].Sent; n != 0 {
		t.Errorf("%d UpdateUserRoutingProfile sent: nothing was left to change", n)
	}
}
