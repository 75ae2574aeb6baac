package agentfile

import (
	"context"
	"strings"
	"testing"
)

const icHeader = "first name,last name,email address,user login,routing profile name,security_profile_name_1|security_profile_name_2," +
	"title,department,employee number,cost centre,organisation,division,manager"

func icFile(t *testing.T, rows ...string) *File {
	t.Helper()
	f, err := Read(context.Background(), strings.NewReader(icHeader+"\n"+strings.Join(rows, "\n")+"\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range f.Columns {
		if c == ColExtra || c == 0 {
			t.Fatalf("header field %q is no column", f.Header[i])
		}
	}
	return f
}

// The Identity Center columns: read into Agent.SSO with IdentityCenter;
// without it one problem for the row, naming its filled columns and
// giving the command's hint; the manager a login other than the row's.
func TestIdentityCenterColumns(t *testing.T) {
	t.Parallel()
	f := icFile(t,
		"Ann,Lee,ann@example.com,ann,Basic,Agent,Agent,Sales,E-1,CC-1,Example Corp,Retail,bob",
		"Bob,Lee,bob@example.com,bob,Basic,Agent,,,,,,,",
		"Cid,Lee,cid@example.com,cid,Basic,Agent,,,,,,,Cid",
		"Dan,Lee,dan@example.com,dan,Basic,Agent,,,,,,,a boss",
		"Eve,Lee,eve@example.com,eve,Basic,Agent,,Support,,,,,")
	on := Validate(f, ValidateOptions{Identity: IdentitySAML, IdentityCenter: true})
	if a := on[0].Agent; a == nil || *a.SSO != (SSOAttributes{Title: "Agent", Department: "Sales", EmployeeNumber: "E-1", CostCenter: "CC-1",
		Organization: "Example Corp", Division: "Retail", Manager: "bob"}) {
		t.Errorf("line 2: %+v %v", on[0].Agent, on[0].Problems)
	}
	if a := on[1].Agent; a == nil || a.SSO != nil {
		t.Errorf("line 3, no Identity Center cell: %+v %v", a, on[1].Problems)
	}
	if !hasMessage(on[2].Problems, "manager", "their own manager") {
		t.Errorf("line 4, own manager: %v", on[2].Problems)
	}
	if !hasMessage(on[3].Problems, "manager", "not a user login") {
		t.Errorf("line 5, a manager with a space: %v", on[3].Problems)
	}

	off := Validate(f, ValidateOptions{Identity: IdentitySAML, SSOHint: "run with --sso"})
	p := off[0].Problems
	if len(p) != 1 || p[0].Column != "title" || p[0].Hint != "run with --sso" ||
		!strings.Contains(p[0].Message, "title, department, employee number, cost centre, organisation, division, manager are attributes") ||
		!strings.Contains(p[0].Message, "Connect has no such field") {
		t.Errorf("line 2 without Identity Center: %+v", p)
	}
	if off[1].Agent == nil {
		t.Errorf("line 3 without Identity Center: %v", off[1].Problems)
	}
	if p := off[4].Problems; len(p) != 1 || p[0].Column != "department" || !strings.HasPrefix(p[0].Message, "department is an attribute") {
		t.Errorf("line 6 without Identity Center: %+v", p)
	}
	// A reader of a file imported already (handout) keeps them.
	if kept := Validate(f, ValidateOptions{KeepSSOColumns: true}); kept[0].Agent == nil || kept[0].Agent.SSO.Manager != "bob" {
		t.Errorf("KeepSSOColumns: %+v %v", kept[0].Agent, kept[0].Problems)
	}
}

// Compare with IdentityStore compares the names, the email and the
// Identity Center columns; with a Connect identity it never compares the
// Identity Center columns, which Connect does not hold.
func TestCompareIdentityCenter(t *testing.T) {
	t.Parallel()
	f := icFile(t, "Ann,Lee,ann@example.com,ann,Sales,Agent,Lead,Support,,CC-2,,,bob")
	v := Validate(f, ValidateOptions{Identity: IdentitySAML, IdentityCenter: true})[0]
	if v.Agent == nil {
		t.Fatal(v.Problems)
	}
	have := &Agent{FirstName: "Ann", LastName: "Lee", Email: "ann@example.com", RoutingProfile: "Basic", SecurityProfiles: []string{"Agent"},
		SSO: &SSOAttributes{Title: "Agent", Department: "Support", EmployeeNumber: "E-1", CostCenter: "CC-1", Manager: "cid"}}
	got, changes, err := f.Compare(v.Row, IdentityStore, v.Agent, have)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, c := range changes {
		parts = append(parts, c.Field+": "+c.Old+" -> "+c.New)
	}
	if s, want := strings.Join(parts, "; "), "title: Agent -> Lead; cost center: CC-1 -> CC-2; manager: cid -> bob"; s != want {
		t.Errorf("IdentityStore changes\n%s\nwant\n%s", s, want)
	}
	if got.SSO.EmployeeNumber != "E-1" || have.SSO.Title != "Agent" {
		t.Errorf("a blank cell changed the wanted user (%+v), or have was changed (%+v)", got.SSO, have.SSO)
	}
	_, changes, err = f.Compare(v.Row, IdentitySAML, v.Agent, have)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Column.IsIdentityCenter() || c.Group == GroupIdentityCenter {
			t.Errorf("a Connect compare has %+v", c)
		}
	}
	if len(changes) != 1 || changes[0].Field != "routing profile" {
		t.Errorf("SAML changes %+v, want the routing profile alone", changes)
	}
}
