package importer

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// semanticsFleet is three users holding every optional field.
func semanticsFleet(t *testing.T) *fleet {
	t.Helper()
	fl := newFleet(t, sandbox.Options{Unlimited: true}, 0)
	users := make([]sandbox.ConnectUser, 3)
	for i := range users {
		users[i] = sandbox.ConnectUser{Username: []string{"blank", "cleared", "withpassword"}[i], FirstName: "Ann", LastName: "Lee",
			Email: "ann@example.com", SecondaryEmail: "ann.lee@example.org", Mobile: "+447700900123", Password: "Original-Pw1",
			RoutingProfileID: fl.routing["Basic Routing Profile"], SecurityProfileIDs: []string{fl.security["Agent"]},
			HierarchyGroupID: fl.tier1, PhoneType: "DESK_PHONE", DeskPhoneNumber: "+14255550100", AutoAccept: true, ACWTimeout: 45,
			Tags: map[string]string{"team": "blue", "site": "leeds"}}
	}
	if err := fl.sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	return fl
}

func userNamed(t *testing.T, sb *sandbox.Sandbox, name string) sandbox.ConnectUser {
	t.Helper()
	for _, u := range sb.ConnectUsers() {
		if u.Username == name {
			return u
		}
	}
	t.Fatalf("no user %s", name)
	return sandbox.ConnectUser{}
}

// TestUpdateBlankNoneAndPassword: blank cells change nothing, (none)
// clears, and a password on an existing user is ignored with a warning.
func TestUpdateBlankNoneAndPassword(t *testing.T) {
	t.Parallel()
	fl := semanticsFleet(t)
	base := updateRow{First: "Ann", Last: "Lee", Routing: "Basic Routing Profile", Security: "Agent"}
	blank := base
	blank.Login = "blank"
	cleared := base
	cleared.Login = "cleared"
	cleared.Secondary, cleared.Mobile, cleared.Hierarchy, cleared.Tags = agentfile.ClearCell, agentfile.ClearCell, agentfile.ClearCell, agentfile.ClearCell
	withPassword := base
	withPassword.Login, withPassword.Password = "withpassword", "Another-Pw2"
	dir := t.TempDir()
	input := writeUpdateRows(t, dir, "agents.csv", []updateRow{blank, cleared, withPassword})
	before := stateOf(fl.sb)

	// Without --update: nothing changes, the changes cell says what differs.
	fl.sb.ResetCalls()
	plain, err := importInto(t, fl.sb, Config{Input: input, Out: filepath.Join(dir, "plain.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Counts[report.Exists] != 3 || plain.Update == nil || plain.Update.Differ != 1 {
		t.Errorf("without --update: counts %v, update %+v; want 3 exists, 1 differing", plain.Counts, plain.Update)
	}
	wantCleared := "secondary email: ann.lee@example.org -> (none); mobile: +447700900123 -> (none); " +
		"hierarchy: Example Corp|Support|Tier 1 -> (none); tags: -site=leeds, -team=blue"
	got := loadResults(t, plain.ResultsPath)
	if got[2].Changes != "" || got[3].Changes != wantCleared || got[4].Changes != "" {
		t.Errorf("without --update: changes %q, %q, %q; want \"\", %q, \"\"", got[2].Changes, got[3].Changes, got[4].Changes, wantCleared)
	}
	if after := stateOf(fl.sb); len(after) != len(before) || after["cleared"] != before["cleared"] {
		t.Error("a run without --update changed a user")
	}
	for op, n := range sentPerAPI(fl.sb) {
		if n != 0 {
			t.Errorf("a run without --update sent %d %s", n, op)
		}
	}
	warned := false
	for _, w := range plain.Warnings {
		if w.Line == 4 && strings.Contains(w.Message, "password") && w.Value == "" {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning that the password of line 4 is ignored: %+v", plain.Warnings)
	}

	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != 1 || res.Counts[report.Exists] != 2 {
		t.Errorf("--update counts %v, want 1 updated and 2 exists", res.Counts)
	}
	after := stateOf(fl.sb)
	if after["blank"] != before["blank"] {
		t.Errorf("blank cells changed a user:\n was %s\n now %s", before["blank"], after["blank"])
	}
	if after["withpassword"] != before["withpassword"] {
		t.Errorf("the password row changed a user:\n was %s\n now %s", before["withpassword"], after["withpassword"])
	}
	if pw := userNamed(t, fl.sb, "withpassword").Password; pw != "Original-Pw1" {
		t.Errorf("the existing user's password was changed")
	}
	c := userNamed(t, fl.sb, "cleared")
	if c.SecondaryEmail != "" || c.Mobile != "" || c.HierarchyGroupID != "" || len(c.Tags) != 0 {
		t.Errorf("(none) did not clear: %+v", c)
	}
	if c.FirstName != "Ann" || c.Email != "ann@example.com" || c.PhoneType != "DESK_PHONE" || c.DeskPhoneNumber != "+14255550100" || !c.AutoAccept || c.ACWTimeout != 45 {
		t.Errorf("clearing touched other fields: %+v", c)
	}
	o := loadResults(t, res.ResultsPath)
	if o[3].Status != report.Updated || o[3].Changes != wantCleared || o[4].Password != "" {
		t.Errorf("results: %+v / %+v", o[3], o[4])
	}
}

// TestUpdateRefusedSaysWhichField: an update Connect refuses fails the row
// with the field and the reason; the other aspects still go through. The
// refusal: 49 new tags, added (TagResource) before the user's two others
// are removed, would give it 51, past the 50 a resource may hold.
func TestUpdateRefusedSaysWhichField(t *testing.T) {
	t.Parallel()
	fl := semanticsFleet(t)
	tags := make([]string, 49)
	for i := range tags {
		tags[i] = fmt.Sprintf("k%d|v", i)
	}
	row := updateRow{First: "Ann", Last: "Lee", Login: "blank", Routing: "Sales Routing Profile", Security: "Agent",
		Tags: strings.Join(tags, "||")}
	dir := t.TempDir()
	input := writeUpdateRows(t, dir, "agents.csv", []updateRow{row})
	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	o := loadResults(t, res.ResultsPath)[2]
	if o.Status == report.Invalid {
		t.Fatalf("the validator refused the row: %s", o.Error)
	}
	if o.Status != report.Failed || !strings.Contains(o.Error, "update tags") {
		t.Errorf("outcome %s %q, want failed naming tags", o.Status, o.Error)
	}
	if u := userNamed(t, fl.sb, "blank"); u.RoutingProfileID != fl.routing["Sales Routing Profile"] {
		t.Error("the routing profile was not updated beside the refused tags")
	}
}
