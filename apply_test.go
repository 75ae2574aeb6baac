package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// byLogin indexes a results file's rows by login.
func byLogin(rows map[int]report.Outcome) map[string]report.Outcome {
	m := map[string]report.Outcome{}
	for _, o := range rows {
		m[o.Login] = o
	}
	return m
}

// TestSyncApply: sync --dry-run, then, with the AWS CLI, a user the plan
// updates is edited, one it updates is deleted, one it deletes is deleted
// and created again, and one it creates is created; sync --apply PLAN
// makes exactly the other planned changes and leaves those four stale and
// untouched (exit 1).
func TestSyncApply(t *testing.T) {
	t.Parallel()
	fx := newSyncFixture(t, 20, 3) // drops 1-3, moves 4-6 to Sales, adds 21-23
	aws := awscli.ForTest(t, fx.sb.URL()).Connect(t)
	code, out := runCommand(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--dry-run", "--no-progress", "--max-deletes", "3", "--out", "plan-results.csv")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	before := fx.users(t)
	inst := fx.sb.InstanceID()
	support := fx.sb.RoutingProfileID("Support Routing Profile")
	aws("update-user-routing-profile", "--instance-id", inst, "--user-id", before["agent0004"].ID, "--routing-profile-id", support)
	aws("delete-user", "--instance-id", inst, "--user-id", before["agent0005"].ID)
	aws("delete-user", "--instance-id", inst, "--user-id", before["agent0001"].ID)
	agent := fx.sb.SecurityProfileID("Agent")
	create := func(login string) string {
		v := aws("create-user", "--instance-id", inst, "--username", login, "--password", "Sandbox1pass",
			"--identity-info", "FirstName=Someone,LastName=Else", "--phone-config", "PhoneType=SOFT_PHONE",
			"--security-profile-ids", agent, "--routing-profile-id", fx.sb.RoutingProfileID("Basic Routing Profile"))
		return fmt.Sprint(v["UserId"])
	}
	again, other := create("agent0001"), create("agent0021")

	code, out = runCommand(t, fx.sb, fx.dir, 200, "sync", "roster.csv", "--apply", "plan-results.csv", "--yes", "--no-progress", "--max-deletes", "3")
	if code != 1 {
		t.Fatalf("apply: exit %d, want 1 (stale rows)\n%s", code, out)
	}
	got := byLogin(results(t, filepath.Join(fx.dir, "roster-results.csv")))
	for login, o := range byLogin(results(t, filepath.Join(fx.dir, "roster-removed.csv"))) {
		got[login] = o
	}
	want := map[string]report.Status{"agent0004": report.Stale, "agent0005": report.Stale, "agent0006": report.Updated,
		"agent0001": report.Stale, "agent0002": report.Deleted, "agent0003": report.Deleted,
		"agent0021": report.Stale, "agent0022": report.Created, "agent0023": report.Created, "agent0010": report.Exists}
	for login, s := range want {
		if got[login].Status != s {
			t.Errorf("%s: %s (%s %s), want %s", login, got[login].Status, got[login].Changes, got[login].Error, s)
		}
		if s == report.Stale && !strings.Contains(got[login].Changes, "changed since the plan") {
			t.Errorf("%s: stale without saying what changed: %q", login, got[login].Changes)
		}
	}
	after := fx.users(t)
	sales := fx.sb.RoutingProfileID("Sales Routing Profile")
	switch {
	case after["agent0004"].RoutingProfileID != support:
		t.Errorf("agent0004, edited since the plan, was changed")
	case after["agent0006"].RoutingProfileID != sales:
		t.Errorf("agent0006 was not updated")
	case after["agent0001"].ID != again:
		t.Errorf("agent0001, created again since the plan, was deleted")
	case after["agent0021"].ID != other || after["agent0021"].FirstName != "Someone":
		t.Errorf("agent0021, created by someone else, was touched: %+v", after["agent0021"])
	}
	if _, ok := after["agent0005"]; ok {
		t.Errorf("agent0005, deleted since the plan, was created again")
	}
	for _, l := range []string{"agent0002", "agent0003"} {
		if _, ok := after[l]; ok {
			t.Errorf("%s was not deleted", l)
		}
	}
	for _, l := range []string{"agent0022", "agent0023"} {
		if _, ok := after[l]; !ok {
			t.Errorf("%s was not created", l)
		}
	}
}

// TestImportAndRemoveApply: import --update --apply and remove --apply
// leave a user edited, deleted or created since the plan stale.
func TestImportAndRemoveApply(t *testing.T) {
	t.Parallel()
	fx := newSyncFixture(t, 12, 3)
	aws := awscli.ForTest(t, fx.sb.URL()).Connect(t)
	inst := fx.sb.InstanceID()
	code, out := runCommand(t, fx.sb, fx.dir, 200, "import", "roster.csv", "--update", "--dry-run", "--no-progress", "--out", "plan-results.csv")
	if code != 0 {
		t.Fatalf("import dry run: exit %d\n%s", code, out)
	}
	writeRoster(t, filepath.Join(fx.dir, "leavers.csv"), rosterOf(7, 9, ""))
	code, out = runCommand(t, fx.sb, fx.dir, 200, "remove", "leavers.csv", "--dry-run", "--no-progress", "--out", "plan-removed.csv")
	if code != 0 {
		t.Fatalf("remove dry run: exit %d\n%s", code, out)
	}
	before := fx.users(t)
	support := fx.sb.RoutingProfileID("Support Routing Profile")
	aws("update-user-routing-profile", "--instance-id", inst, "--user-id", before["agent0004"].ID, "--routing-profile-id", support)
	aws("update-user-routing-profile", "--instance-id", inst, "--user-id", before["agent0007"].ID, "--routing-profile-id", support)
	aws("delete-user", "--instance-id", inst, "--user-id", before["agent0008"].ID)

	code, out = runCommand(t, fx.sb, fx.dir, 200, "import", "roster.csv", "--update", "--apply", "plan-results.csv", "--no-progress")
	if code != 1 {
		t.Fatalf("import --apply: exit %d\n%s", code, out)
	}
	imp := byLogin(results(t, filepath.Join(fx.dir, "roster-results.csv")))
	if imp["agent0004"].Status != report.Stale || imp["agent0005"].Status != report.Updated || imp["agent0013"].Status != report.Created {
		t.Errorf("import --apply: agent0004 %s, agent0005 %s, agent0013 %s", imp["agent0004"].Status, imp["agent0005"].Status, imp["agent0013"].Status)
	}
	code, out = runCommand(t, fx.sb, fx.dir, 200, "remove", "leavers.csv", "--apply", "plan-removed.csv", "--yes", "--no-progress")
	if code != 1 {
		t.Fatalf("remove --apply: exit %d\n%s", code, out)
	}
	rm := byLogin(results(t, filepath.Join(fx.dir, "leavers-removed.csv")))
	if rm["agent0007"].Status != report.Stale || rm["agent0008"].Status != report.Stale || rm["agent0009"].Status != report.Deleted {
		t.Errorf("remove --apply: agent0007 %s, agent0008 %s, agent0009 %s", rm["agent0007"].Status, rm["agent0008"].Status, rm["agent0009"].Status)
	}
	after := fx.users(t)
	if after["agent0004"].RoutingProfileID != support {
		t.Errorf("agent0004, edited since the plan, was updated")
	}
	if _, ok := after["agent0007"]; !ok {
		t.Errorf("agent0007, edited since the plan, was deleted")
	}
	if _, ok := after["agent0009"]; ok {
		t.Errorf("agent0009 was not deleted")
	}
	_ = sandbox.Options{}
}
