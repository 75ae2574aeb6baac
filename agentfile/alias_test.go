package agentfile

import (
	"strings"
	"testing"
)

// TestValidateAliases: the columns of one field (the hierarchy's three,
// the secondary email's two) may be in one file; a blank cell in one says
// nothing, (none) and a value or two values that differ are the row's
// problem, naming both columns and both values.
func TestValidateAliases(t *testing.T) {
	header := []string{"first name", "last name", "user login", "routing profile name", "security_profile_name_1|security_profile_name_2",
		"agent hierarchy", "user_hierarchy_1|user_hierarchy_2", "UserHierarchy", "secondary email", "secondary email address"}
	cols := []Column{ColFirstName, ColLastName, ColLogin, ColRoutingProfile, ColSecurityProfiles,
		ColAgentHierarchy, ColHierarchy, ColUserHierarchy, ColSecondaryEmailShort, ColSecondaryEmail}
	base := map[Column]string{ColFirstName: "Jane", ColLastName: "Doe", ColLogin: "jdoe", ColRoutingProfile: "Basic Routing Profile", ColSecurityProfiles: "Agent"}
	for _, tt := range []struct {
		name      string
		cells     map[Column]string
		hierarchy string // the agent's, when valid
		second    string
		field     Column // the field whose value the file gives
		value     string // FieldValue's
		problem   string // a message part, "" when valid
	}{
		{"hierarchy in agent hierarchy", map[Column]string{ColAgentHierarchy: "Corp|Support"}, "Corp|Support", "", ColHierarchy, "Corp|Support", ""},
		{"hierarchy in user_hierarchy", map[Column]string{ColHierarchy: "Corp|Sales"}, "Corp|Sales", "", ColHierarchy, "Corp|Sales", ""},
		{"hierarchy in UserHierarchy", map[Column]string{ColUserHierarchy: "Corp/Sales"}, "Corp|Sales", "", ColHierarchy, "Corp/Sales", ""},
		{"hierarchy agreeing", map[Column]string{ColAgentHierarchy: "Corp|Sales", ColUserHierarchy: "Corp/Sales"}, "Corp|Sales", "", ColHierarchy, "Corp|Sales", ""},
		{"hierarchy cleared", map[Column]string{ColHierarchy: ClearCell}, "", "", ColHierarchy, ClearCell, ""},
		{"hierarchy differing", map[Column]string{ColAgentHierarchy: "Corp|Support", ColHierarchy: "Corp|Sales"}, "", "", ColHierarchy, "", "another hierarchy group"},
		{"hierarchy cleared and set", map[Column]string{ColAgentHierarchy: "Corp|Support", ColHierarchy: ClearCell}, "", "", ColHierarchy, "", "another hierarchy group"},
		{"secondary email short", map[Column]string{ColSecondaryEmailShort: "j@example.org"}, "", "j@example.org", ColSecondaryEmail, "j@example.org", ""},
		{"secondary email long", map[Column]string{ColSecondaryEmail: "j@example.org"}, "", "j@example.org", ColSecondaryEmail, "j@example.org", ""},
		{"secondary email agreeing", map[Column]string{ColSecondaryEmail: "j@example.org", ColSecondaryEmailShort: "j@example.org"}, "", "j@example.org", ColSecondaryEmail, "j@example.org", ""},
		{"secondary email differing", map[Column]string{ColSecondaryEmail: "j@example.org", ColSecondaryEmailShort: "k@example.org"}, "", "", ColSecondaryEmail, "", "given two ways"},
		{"secondary email cleared and set", map[Column]string{ColSecondaryEmail: ClearCell, ColSecondaryEmailShort: "k@example.org"}, "", "", ColSecondaryEmail, "", "given two ways"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cells := map[Column]string{}
			for c, v := range base {
				cells[c] = v
			}
			for c, v := range tt.cells {
				cells[c] = v
			}
			f := readString(t, csvOf(t, header, cols, cells))
			checked := Validate(f, ValidateOptions{Identity: IdentitySAML})
			c := checked[0]
			if tt.problem != "" {
				if c.Agent != nil || !hasMessage(c.Problems, "", tt.problem) {
					t.Fatalf("want a problem %q, got agent %v problems %+v", tt.problem, c.Agent, c.Problems)
				}
				p := c.Problems[0]
				if p.Line != 2 || p.Value == "" || p.Hint == "" || strings.Count(p.Message, `"`) < 4 {
					t.Errorf("the problem does not name line, both columns, both values and a fix: %+v", p)
				}
				return
			}
			if c.Agent == nil {
				t.Fatalf("problems: %+v", c.Problems)
			}
			if got := strings.Join(c.Agent.Hierarchy, "|"); got != tt.hierarchy {
				t.Errorf("hierarchy %q, want %q", got, tt.hierarchy)
			}
			if c.Agent.SecondaryEmail != tt.second {
				t.Errorf("secondary email %q, want %q", c.Agent.SecondaryEmail, tt.second)
			}
			if v, _ := f.FieldValue(f.Rows[0], tt.field); v != tt.value {
				t.Errorf("FieldValue %q, want %q", v, tt.value)
			}
		})
	}
}

// TestValidatePhoneClear: (none) in the phone number clears a soft
// phone's number; a desk phone needs one.
func TestValidatePhoneClear(t *testing.T) {
	cells := validCells()
	cells[ColPhoneType], cells[ColPhoneNumber] = "soft", ClearCell
	if c := checkOne(t, ValidateOptions{Identity: IdentityConnect}, cells); c.Agent == nil || len(c.Warnings) != 0 {
		t.Errorf("soft, (none): problems %+v warnings %+v", c.Problems, c.Warnings)
	}
	cells[ColPhoneType] = "desk"
	if c := checkOne(t, ValidateOptions{Identity: IdentityConnect}, cells); c.Agent != nil || !hasMessage(c.Problems, "phone number", "a desk phone needs a phone number") {
		t.Errorf("desk, (none): agent %v problems %+v", c.Agent, c.Problems)
	}
}

// TestCellsWriteEachFieldOnce: the export's header of each template
// writes the secondary email and the hierarchy once, in the column the
// header has (the SAML template's "secondary email"), and never in
// "agent hierarchy" next to user_hierarchy_1|user_hierarchy_2.
func TestCellsWriteEachFieldOnce(t *testing.T) {
	a := &Agent{SecondaryEmail: "j@example.org", Hierarchy: []string{"Corp", "Sales"}, PhoneType: "SOFT_PHONE", PhoneNumber: "+14255550166"}
	for _, tt := range []struct {
		header []string
		want   map[string]string
	}{
		{[]string{"secondary email address", "agent hierarchy", "user_hierarchy_1|user_hierarchy_2", "phone number"},
			map[string]string{"secondary email address": "j@example.org", "agent hierarchy": "", "user_hierarchy_1|user_hierarchy_2": "Corp|Sales", "phone number": ""}},
		{[]string{"secondary email", "user_hierarchy_1|user_hierarchy_2"},
			map[string]string{"secondary email": "j@example.org", "user_hierarchy_1|user_hierarchy_2": "Corp|Sales"}},
		{[]string{"secondary email", "secondary email address", "agent hierarchy"},
			map[string]string{"secondary email": "", "secondary email address": "j@example.org", "agent hierarchy": "Corp|Sales"}},
	} {
		cells := a.Cells(HeaderColumns(tt.header))
		for i, h := range tt.header {
			if cells[i] != tt.want[h] {
				t.Errorf("header %q: %q is %q, want %q", tt.header, h, cells[i], tt.want[h])
			}
		}
	}
}
