package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestAcceptanceTrafficDistributionGroup is acceptance 2 of Global
// Resiliency, on a replicated sandbox: a group that is not ACTIVE refuses
// import and remove before any change; import with
// --traffic-distribution-group associates every created user (the AWS CLI
// pages through ListTrafficDistributionGroupUsers, 10 a page); the results
// and the handouts give the global sign-in URL; remove disassociates each
// user, then deletes it.
//
//	BULKAGENTS_FULL=1 go test -run TestAcceptanceTrafficDistributionGroup -v .
func TestAcceptanceTrafficDistributionGroup(t *testing.T) {
	t.Parallel()
	rows := fullSize(t, 40, 300)
	sb := e2eSandbox(t, sandbox.Options{RateScale: 50, UserQuota: rows + 10, Replicated: true})
	tdg := sb.TrafficDistributionGroupID()
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("gr", rows))

	// Not ACTIVE: refused before any change.
	if err := sb.SetTrafficDistributionGroupStatus("UPDATE_IN_PROGRESS"); err != nil {
		t.Fatal(err)
	}
	code, out := runCommand(t, sb, dir, 50, "import", "agents.csv", "--traffic-distribution-group", tdg, "--no-progress")
	if code != 2 || !strings.Contains(out, "not ACTIVE") {
		t.Fatalf("an inactive group: exit %d, want 2 saying so\n%s", code, out)
	}
	if n := len(sb.ConnectUsers()); n != 1 {
		t.Fatalf("an inactive group's import made %d users", n-1)
	}
	if _, err := os.Stat(filepath.Join(dir, "agents-results.csv")); err == nil {
		t.Errorf("an inactive group's import wrote a results file")
	}
	if err := sb.SetTrafficDistributionGroupStatus("ACTIVE"); err != nil {
		t.Fatal(err)
	}

	code, out = runCommand(t, sb, dir, 50, "import", "agents.csv", "--traffic-distribution-group", sb.TrafficDistributionGroupARN(),
		"--split-by", "hierarchy", "--no-progress")
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	res := results(t, filepath.Join(dir, "agents-results.csv"))
	users := map[string]string{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u.ID
	}
	if len(res) != rows || len(users) != rows+1 {
		t.Fatalf("%d rows in the results, %d users made; want %d", len(res), len(users)-1, rows)
	}
	for line, o := range res {
		if o.Status != report.Created || users[o.Login] != o.ConnectUserID {
			t.Errorf("line %d: %s %q (user id %q, the sandbox's %q)", line, o.Status, o.Error, o.ConnectUserID, users[o.Login])
		}
	}
	global := sb.GlobalSignInEndpoint()
	for line, o := range res {
		if o.SignInURL != global || !strings.Contains(o.Steps, "traffic distribution group") {
			t.Errorf("line %d: sign-in %q, steps %q; want %q and the association", line, o.SignInURL, o.Steps, global)
		}
	}
	teams, _ := filepath.Glob(filepath.Join(dir, "agents-results-teams", "*.csv"))
	if len(teams) == 0 {
		t.Fatalf("no handouts")
	}
	for _, f := range teams {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), global) {
			t.Errorf("%s does not give the global sign-in URL %s", filepath.Base(f), global)
		}
	}

	// The AWS CLI pages through the group's users, 10 a page.
	cli := awscli.ForTest(t, sb.URL())
	listed, err := cli.JSON("connect", "list-traffic-distribution-group-users", "--traffic-distribution-group-id", tdg, "--page-size", "10")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, s := range listed["TrafficDistributionGroupUserSummaryList"].([]any) {
		ids[s.(map[string]any)["UserId"].(string)] = true
	}
	for line, o := range res {
		if !ids[o.ConnectUserID] {
			t.Errorf("line %d: %s is not in the group", line, o.Login)
		}
	}
	if len(ids) != rows {
		t.Errorf("the group holds %d users, want %d", len(ids), rows)
	}
	if c := sb.Calls()["Connect.ListTrafficDistributionGroupUsers"]; c.Sent < rows/10 {
		t.Errorf("%d pages for %d users: not 10 a page", c.Sent, rows)
	}

	// remove: refused while the group is not ACTIVE, then disassociates
	// each user before deleting it (the sandbox keeps the association of
	// a user deleted without it).
	if err := sb.SetTrafficDistributionGroupStatus("PENDING_DELETION"); err != nil {
		t.Fatal(err)
	}
	code, out = runCommand(t, sb, dir, 50, "remove", "agents.csv", "--traffic-distribution-group", tdg, "--yes", "--no-progress")
	if code != 2 || len(sb.ConnectUsers()) != rows+1 {
		t.Fatalf("remove with an inactive group: exit %d, %d users left\n%s", code, len(sb.ConnectUsers())-1, out)
	}
	if err := sb.SetTrafficDistributionGroupStatus("ACTIVE"); err != nil {
		t.Fatal(err)
	}
	code, out = runCommand(t, sb, dir, 50, "remove", "agents.csv", "--traffic-distribution-group", tdg, "--yes", "--no-progress")
	if code != 0 {
		t.Fatalf("remove: exit %d\n%s", code, out)
	}
	removed := results(t, filepath.Join(dir, "agents-removed.csv"))
	for line, o := range removed {
		if o.Status != report.Deleted {
			t.Errorf("remove, line %d: %s %q", line, o.Status, o.Error)
		}
	}
	if n := len(sb.ConnectUsers()); n != 1 {
		t.Errorf("%d users left", n-1)
	}
	if left := sb.TrafficDistributionGroupUsers(); len(left) != 0 {
		t.Errorf("%d users left in the group (deleted without being disassociated)", len(left))
	}
	calls := sb.Calls()
	if a, d := calls["Connect.AssociateTrafficDistributionGroupUser"], calls["Connect.DisassociateTrafficDistributionGroupUser"]; a.Sent < rows || d.Sent < rows {
		t.Errorf("associate %+v, disassociate %+v, want %d each", a, d, rows)
	}
}
