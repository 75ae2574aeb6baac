package agentfile

import (
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

// variantC is the console's current Connect-managed header, as it spells it.
var variantC = []string{"first name", "last name", "email address", "secondary email address", "mobile", "password",
	"user login", "agent hierarchy", "routing profile name", "security_profile_name_1|security_profile_name_2",
	"user_hierarchy_1|user_hierarchy_2", "phone type (soft/desk)", "phone number",
	"soft phone auto accept (yes/no)", "ACW timeout (seconds)", "tags"}

var variantCColumns = []Column{ColFirstName, ColLastName, ColEmail, ColSecondaryEmail, ColMobile, ColPassword,
	ColLogin, ColAgentHierarchy, ColRoutingProfile, ColSecurityProfiles, ColHierarchy, ColPhoneType,
	ColPhoneNumber, ColAutoAccept, ColACWTimeout, ColTags}

// validCells is a row that passes every rule for every identity type but
// EXISTING_DIRECTORY (which refuses nothing here either).
func validCells() map[Column]string {
	return map[Column]string{
		ColFirstName: "Jane", ColLastName: "Doe", ColEmail: "jdoe@example.com", ColLogin: "jdoe",
		ColRoutingProfile: "Basic Routing Profile", ColSecurityProfiles: "Agent", ColPhoneType: "soft",
		ColAutoAccept: "yes", ColACWTimeout: "30",
	}
}

// csvOf writes a header and rows (cells by column) as CSV text.
func csvOf(t testing.TB, header []string, columns []Column, rows ...map[Column]string) string {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		rec := make([]string, len(columns))
		for i, c := range columns {
			rec[i] = r[c]
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.String()
}

func readString(t testing.TB, s string) *File {
	t.Helper()
	f, err := Read(context.Background(), strings.NewReader(s), ReadOptions{})
	if err != nil {
		t.Fatalf("Read: %v\ninput:\n%s", err, s)
	}
	return f
}

// checkOne validates a one-row variant-C file.
func checkOne(t *testing.T, opts ValidateOptions, cells map[Column]string) Checked {
	t.Helper()
	f := readString(t, csvOf(t, variantC, variantCColumns, cells))
	checked := Validate(f, opts)
	if len(checked) != 1 {
		t.Fatalf("got %d results, want 1", len(checked))
	}
	return checked[0]
}

func hasMessage(ps []Problem, column, substr string) bool {
	for _, p := range ps {
		if (column == "" || p.Column == column) && strings.Contains(p.Message, substr) {
			return true
		}
	}
	return false
}

func TestValidateRules(t *testing.T) {
	connect := ValidateOptions{Identity: IdentityConnect}
	saml := ValidateOptions{Identity: IdentitySAML}
	directory := ValidateOptions{Identity: IdentityDirectory}
	samlIC := ValidateOptions{Identity: IdentitySAML, IdentityCenter: true}
	tests := []struct {
		name    string
		opts    ValidateOptions
		set     map[Column]string
		column  string // the column the problem names ("" for a whole-row problem)
		problem string // a part of the message; "" means the row is valid
		warning string // a part of a warning's message, when one is expected
	}{
		{name: "valid row", opts: connect},

		{name: "missing first name", opts: connect, set: map[Column]string{ColFirstName: " "}, column: "first name", problem: "missing first name"},
		{name: "missing last name", opts: saml, set: map[Column]string{ColLastName: ""}, column: "last name", problem: "missing last name"},
		{name: "directory needs no names", opts: directory, set: map[Column]string{ColFirstName: "", ColLastName: ""}},
		{name: "directory ignores names", opts: directory, warning: "comes from the directory"},
		{name: "first name 255", opts: connect, set: map[Column]string{ColFirstName: strings.Repeat("é", 255)}},
		{name: "first name 256", opts: connect, set: map[Column]string{ColFirstName: strings.Repeat("é", 256)}, column: "first name", problem: "too long: 256 characters, at most 255"},
		{name: "last name 300", opts: connect, set: map[Column]string{ColLastName: strings.Repeat("x", 300)}},
		{name: "last name 301", opts: connect, set: map[Column]string{ColLastName: strings.Repeat("x", 301)}, column: "last name", problem: "at most 300"},
		{name: "name in NFC", opts: connect, set: map[Column]string{ColFirstName: "Jos\u00e9"}},
		{name: "name not in NFC", opts: connect, set: map[Column]string{ColFirstName: "Jose\u0301"}, column: "first name", problem: "not in Unicode NFC"},
		{name: "name with a line break", opts: connect, set: map[Column]string{ColLastName: "Doe\nSmith"}, column: "last name", problem: "control character"},

		{name: "missing login", opts: connect, set: map[Column]string{ColLogin: ""}, column: "user login", problem: "missing user login"},
		{name: "login characters", opts: connect, set: map[Column]string{ColLogin: "j.doe_1-x"}},
		{name: "login with a space", opts: connect, set: map[Column]string{ColLogin: "j doe"}, column: "user login", problem: "cannot hold"},
		{name: "login with an accent", opts: connect, set: map[Column]string{ColLogin: "josé"}, column: "user login", problem: "cannot hold"},
		{name: "login as an email", opts: connect, set: map[Column]string{ColLogin: "jdoe@example.com"}},
		{name: "login with a stray @", opts: connect, set: map[Column]string{ColLogin: "jdoe@"}, column: "user login", problem: "not an email address"},
		{name: "connect login 20", opts: connect, set: map[Column]string{ColLogin: strings.Repeat("a", 20)}},
		{name: "connect login 21 warns", opts: connect, set: map[Column]string{ColLogin: strings.Repeat("a", 21)}, warning: "at most 20"},
		{name: "connect login 64", opts: connect, set: map[Column]string{ColLogin: strings.Repeat("a", 64)}, warning: "at most 20"},
		{name: "connect login 65", opts: connect, set: map[Column]string{ColLogin: strings.Repeat("a", 65)}, column: "user login", problem: "at most 64"},
		{name: "saml login 64", opts: saml, set: map[Column]string{ColLogin: strings.Repeat("a", 52) + "@example.com"}},
		{name: "saml login 65", opts: saml, set: map[Column]string{ColLogin: strings.Repeat("a", 53) + "@example.com"}, column: "user login", problem: "at most 64"},
		{name: "identity center reserved name", opts: samlIC, set: map[Column]string{ColLogin: "administrator"}, column: "user login", problem: "reserved"},
		{name: "identity center email from login", opts: samlIC, set: map[Column]string{ColEmail: "", ColLogin: "jdoe@example.com"}},
		{name: "identity center needs an email", opts: samlIC, set: map[Column]string{ColEmail: "", ColLogin: "jdoe"}, column: "email address", problem: "needs one"},
		{name: "identity center name with a zero-width space", opts: samlIC, set: map[Column]string{ColFirstName: "Ja\u200bne"}, column: "first name", problem: "U+200B, a character IAM Identity Center does not accept"},
		{name: "connect takes a zero-width space", opts: saml, set: map[Column]string{ColFirstName: "Ja\u200bne"}},
		{name: "identity center accented name", opts: samlIC, set: map[Column]string{ColLastName: "Mart\u00ednez-O'Brien"}},

		{name: "blank password generates", opts: connect, set: map[Column]string{ColPassword: ""}},
		{name: "good password", opts: connect, set: map[Column]string{ColPassword: "Secr3tPass"}},
		{name: "short password", opts: connect, set: map[Column]string{ColPassword: "Ab1"}, column: "password", problem: "fewer than 8"},
		{name: "long password", opts: connect, set: map[Column]string{ColPassword: "Ab1" + strings.Repeat("x", 62)}, column: "password", problem: "more than 64"},
		{name: "password of 64", opts: connect, set: map[Column]string{ColPassword: "Ab1" + strings.Repeat("x", 61)}},
		{name: "password without upper", opts: connect, set: map[Column]string{ColPassword: "secr3tpass"}, column: "password", problem: "no upper-case letter"},
		{name: "password without lower", opts: connect, set: map[Column]string{ColPassword: "SECR3TPASS"}, column: "password", problem: "no lower-case letter"},
		{name: "password without digit", opts: connect, set: map[Column]string{ColPassword: "SecretPass"}, column: "password", problem: "no digit"},
		{name: "password with a space", opts: connect, set: map[Column]string{ColPassword: "Secr3t Pass"}, column: "password", problem: "white space"},
		{name: "saml password", opts: saml, set: map[Column]string{ColPassword: "Secr3tPass"}, column: "password", problem: "cannot be set for a SAML instance"},
		{name: "directory password", opts: directory, set: map[Column]string{ColPassword: "Secr3tPass", ColFirstName: "", ColLastName: ""}, column: "password", problem: "cannot be set"},

		{name: "email", opts: connect, set: map[Column]string{ColEmail: "jane.o_doe+cc%x@mail.example.co.uk"}},
		// The model's pattern for Email and SecondaryEmail (README, "validate").
		{name: "email with an apostrophe", opts: connect, set: map[Column]string{ColEmail: "jane.o'doe@example.com"}, column: "email address", problem: "not an email address Connect accepts"},
		{name: "email with !", opts: connect, set: map[Column]string{ColEmail: "jane!@example.com"}, column: "email address", problem: "not an email address Connect accepts"},
		{name: "secondary email with an apostrophe", opts: connect, set: map[Column]string{ColSecondaryEmail: "o'doe@example.com"}, column: "secondary email address", problem: "not an email address Connect accepts"},
		{name: "email with a numeric top-level domain", opts: connect, set: map[Column]string{ColEmail: "jdoe@example.c0m"}, column: "email address", problem: "not an email address"},
		{name: "email with a one-letter top-level domain", opts: connect, set: map[Column]string{ColEmail: "jdoe@example.c"}, column: "email address", problem: "not an email address"},
		{name: "connect-managed without email", opts: connect, set: map[Column]string{ColEmail: ""}, warning: "no email address"},
		{name: "saml without email", opts: saml, set: map[Column]string{ColEmail: ""}},
		{name: "directory without email", opts: directory, set: map[Column]string{ColEmail: "", ColFirstName: "", ColLastName: ""}},
		{name: "saml first name 255", opts: saml, set: map[Column]string{ColFirstName: strings.Repeat("a", 255)}},
		{name: "saml first name 256", opts: saml, set: map[Column]string{ColFirstName: strings.Repeat("a", 256)}, column: "first name", problem: "at most 255"},
		{name: "saml last name 300", opts: saml, set: map[Column]string{ColLastName: strings.Repeat("a", 300)}},
		{name: "saml last name 301", opts: saml, set: map[Column]string{ColLastName: strings.Repeat("a", 301)}, column: "last name", problem: "at most 300"},
		{name: "connect first name 255", opts: connect, set: map[Column]string{ColFirstName: strings.Repeat("a", 255)}},
		{name: "connect first name 256", opts: connect, set: map[Column]string{ColFirstName: strings.Repeat("a", 256)}, column: "first name", problem: "at most 255"},
		{name: "directory names ignored", opts: directory, set: map[Column]string{ColFirstName: "Jane"}, warning: "for an existing-directory instance the first name comes from the directory"},
		{name: "directory password advice", opts: directory, set: map[Column]string{ColPassword: "Secr3tPass", ColFirstName: "", ColLastName: ""}, column: "password", problem: "cannot be set for an existing-directory instance"},
		// Connect counts UTF-16 code units: 😀 is two.
		{name: "password of 64 code units", opts: connect, set: map[Column]string{ColPassword: "Ab1" + strings.Repeat("😀", 30) + "x"}},
		{name: "password of 65 code units", opts: connect, set: map[Column]string{ColPassword: "Ab1" + strings.Repeat("😀", 31)}, column: "password", problem: "more than 64"},
		{name: "password of 8 code units in 5 characters", opts: connect, set: map[Column]string{ColPassword: "A1" + strings.Repeat("😀", 2) + "b" + "😀"}},
		{name: "bad email", opts: connect, set: map[Column]string{ColEmail: "jdoe.example.com"}, column: "email address", problem: "not an email address"},
		{name: "email with a space", opts: connect, set: map[Column]string{ColEmail: "j doe@example.com"}, column: "email address", problem: "not an email address"},
		{name: "email without a dot in the domain", opts: connect, set: map[Column]string{ColEmail: "jdoe@localhost"}, column: "email address", problem: "not an email address"},
		{name: "secondary email", opts: connect, set: map[Column]string{ColSecondaryEmail: "jane@example.org"}},
		{name: "bad secondary email", opts: connect, set: map[Column]string{ColSecondaryEmail: "jane@@example.org"}, column: "secondary email address", problem: "not an email address"},

		{name: "phone type SOFT_PHONE", opts: connect, set: map[Column]string{ColPhoneType: "SOFT_PHONE"}},
		{name: "phone type Desk", opts: connect, set: map[Column]string{ColPhoneType: "Desk", ColPhoneNumber: "+14255550100"}},
		{name: "phone type DESK_PHONE", opts: connect, set: map[Column]string{ColPhoneType: "desk_phone", ColPhoneNumber: "+14255550100"}},
		{name: "phone type junk", opts: connect, set: map[Column]string{ColPhoneType: "mobile"}, column: "phone type (soft/desk)", problem: "not a phone type"},
		{name: "desk phone without number", opts: connect, set: map[Column]string{ColPhoneType: "desk"}, column: "phone number", problem: "needs a phone number"},
		{name: "desk phone without +", opts: connect, set: map[Column]string{ColPhoneType: "desk", ColPhoneNumber: "4255550100"}, column: "phone number", problem: `"4255550100" is not in E.164 form`},
		{name: "desk phone that lost its +", opts: connect, set: map[Column]string{ColPhoneType: "desk", ColPhoneNumber: "14255550100"}, column: "phone number", problem: `"14255550100" is not in E.164 form`},
		{name: "desk phone with separators", opts: connect, set: map[Column]string{ColPhoneType: "desk", ColPhoneNumber: "+1 (425) 555-0100"}},
		{name: "desk phone too long", opts: connect, set: map[Column]string{ColPhoneType: "desk", ColPhoneNumber: "+1234567890123456"}, column: "phone number", problem: "not in E.164 form"},
		// Typed as +44 7700 900123 in a General cell, Excel takes the + for a
		// formula and the space for its intersection operator.
		{name: "desk phone as an Excel error", opts: connect, set: map[Column]string{ColPhoneType: "desk", ColPhoneNumber: "#NULL!"}, column: "phone number", problem: "Excel took"},
		{name: "mobile as an Excel error", opts: connect, set: map[Column]string{ColMobile: "#NAME?"}, column: "mobile", problem: "Excel took"},
		{name: "desk phone in scientific notation", opts: connect, set: map[Column]string{ColPhoneType: "desk", ColPhoneNumber: "1.42556E+10"}, column: "phone number", problem: "scientific notation"},
		{name: "soft phone number ignored", opts: connect, set: map[Column]string{ColPhoneNumber: "+14255550100"}, warning: "ignored"},
		{name: "mobile", opts: connect, set: map[Column]string{ColMobile: "+447700900123"}},
		{name: "mobile without +", opts: connect, set: map[Column]string{ColMobile: "07700900123"}, column: "mobile", problem: "not in E.164 form"},
		{name: "mobile with letters", opts: connect, set: map[Column]string{ColMobile: "call me"}, column: "mobile", problem: "not a phone number"},

		{name: "auto accept no", opts: connect, set: map[Column]string{ColAutoAccept: "No"}},
		{name: "auto accept true", opts: connect, set: map[Column]string{ColAutoAccept: "TRUE"}},
		{name: "auto accept blank", opts: connect, set: map[Column]string{ColAutoAccept: ""}},
		{name: "auto accept junk", opts: connect, set: map[Column]string{ColAutoAccept: "maybe"}, column: "soft phone auto accept (yes/no)", problem: "neither yes nor no"},

		{name: "acw blank", opts: connect, set: map[Column]string{ColACWTimeout: ""}},
		{name: "acw max", opts: connect, set: map[Column]string{ColACWTimeout: "2000000"}},
		{name: "acw over", opts: connect, set: map[Column]string{ColACWTimeout: "2000001"}, column: "ACW timeout (seconds)", problem: "more than 2000000"},
		{name: "acw huge", opts: connect, set: map[Column]string{ColACWTimeout: "99999999999999999999999"}, column: "ACW timeout (seconds)", problem: "more than 2000000"},
		{name: "acw fraction", opts: connect, set: map[Column]string{ColACWTimeout: "30.5"}, column: "ACW timeout (seconds)", problem: "not a whole number"},
		{name: "acw negative", opts: connect, set: map[Column]string{ColACWTimeout: "-1"}, column: "ACW timeout (seconds)", problem: "not a whole number"},

		{name: "two security profiles", opts: connect, set: map[Column]string{ColSecurityProfiles: "Agent | CallCenterManager"}},
		{name: "ten security profiles", opts: connect, set: map[Column]string{ColSecurityProfiles: "a|b|c|d|e|f|g|h|i|j"}},
		{name: "eleven security profiles", opts: connect, set: map[Column]string{ColSecurityProfiles: "a|b|c|d|e|f|g|h|i|j|k"}, column: "security_profile_name_1|security_profile_name_2", problem: "11 security profiles, at most 10"},
		{name: "no security profile", opts: connect, set: map[Column]string{ColSecurityProfiles: ""}, column: "security_profile_name_1|security_profile_name_2", problem: "missing security profile"},
		{name: "blank security profile", opts: connect, set: map[Column]string{ColSecurityProfiles: "Agent||Admin"}, column: "security_profile_name_1|security_profile_name_2", problem: "empty security profile name"},
		{name: "repeated security profile", opts: connect, set: map[Column]string{ColSecurityProfiles: "Agent|Agent"}, warning: "named twice"},
		{name: "missing routing profile", opts: connect, set: map[Column]string{ColRoutingProfile: ""}, column: "routing profile name", problem: "missing routing profile"},

		{name: "hierarchy of 5", opts: connect, set: map[Column]string{ColHierarchy: "a|b|c|d|e"}},
		{name: "hierarchy of 6", opts: connect, set: map[Column]string{ColHierarchy: "a|b|c|d|e|f"}, column: "user_hierarchy_1|user_hierarchy_2", problem: "6 levels, at most 5"},
		{name: "hierarchy blank level", opts: connect, set: map[Column]string{ColHierarchy: "Example Corp||Tier 1"}, column: "user_hierarchy_1|user_hierarchy_2", problem: "empty level"},
		{name: "agent hierarchy agrees", opts: connect, set: map[Column]string{ColHierarchy: "A|B", ColAgentHierarchy: "A | B"}},
		{name: "agent hierarchy disagrees", opts: connect, set: map[Column]string{ColHierarchy: "A|B", ColAgentHierarchy: "A|C"}, column: "agent hierarchy", problem: "another hierarchy group"},

		{name: "tags", opts: connect, set: map[Column]string{ColTags: "team|blue||site|leeds||empty|"}},
		{name: "tag without value separator", opts: connect, set: map[Column]string{ColTags: "team"}, column: "tags", problem: "not one key|value pair"},
		{name: "tag with two separators", opts: connect, set: map[Column]string{ColTags: "team|blue|green"}, column: "tags", problem: "not one key|value pair"},
		{name: "empty tag", opts: connect, set: map[Column]string{ColTags: "team|blue||"}, column: "tags", problem: "empty tag"},
		{name: "tag key 128", opts: connect, set: map[Column]string{ColTags: strings.Repeat("k", 128) + "|v"}},
		{name: "tag key 129", opts: connect, set: map[Column]string{ColTags: strings.Repeat("k", 129) + "|v"}, column: "tags", problem: "at most 128"},
		{name: "tag key aws:", opts: connect, set: map[Column]string{ColTags: "AWS:team|blue"}, column: "tags", problem: "aws:"},
		{name: "tag key character", opts: connect, set: map[Column]string{ColTags: "team#1|blue"}, column: "tags", problem: "cannot hold"},
		{name: "tag value 256", opts: connect, set: map[Column]string{ColTags: "k|" + strings.Repeat("v", 256)}},
		{name: "tag value 257", opts: connect, set: map[Column]string{ColTags: "k|" + strings.Repeat("v", 257)}, column: "tags", problem: "at most 256"},
		{name: "duplicate tag key", opts: connect, set: map[Column]string{ColTags: "team|blue||team|red"}, column: "tags", problem: "given twice"},
		{name: "50 tags", opts: connect, set: map[Column]string{ColTags: manyTags(50)}},
		{name: "51 tags", opts: connect, set: map[Column]string{ColTags: manyTags(51)}, column: "tags", problem: "51 tags, at most 50"},

		{name: "three dots", opts: connect, set: map[Column]string{ColLastName: "Doe..."}},
		{name: "excel ellipsis", opts: connect, set: map[Column]string{ColLastName: "Doe…"}, column: "last name", problem: "which Excel makes of"},
		{name: "excel ellipsis in a routing profile", opts: connect, set: map[Column]string{ColRoutingProfile: "Basic…"}, column: "routing profile name", problem: "which Excel makes of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells := validCells()
			for c, v := range tt.set {
				cells[c] = v
			}
			c := checkOne(t, tt.opts, cells)
			if tt.problem == "" {
				if len(c.Problems) > 0 || c.Agent == nil {
					t.Fatalf("want a valid row, got problems %+v", c.Problems)
				}
			} else {
				if c.Agent != nil {
					t.Errorf("an invalid row has an Agent")
				}
				if !hasMessage(c.Problems, tt.column, tt.problem) {
					t.Fatalf("want a problem in column %q with %q, got %+v", tt.column, tt.problem, c.Problems)
				}
				for _, p := range c.Problems {
					if p.Line != 2 {
						t.Errorf("problem on line %d, want 2", p.Line)
					}
				}
			}
			if tt.warning != "" && !hasMessage(c.Warnings, "", tt.warning) {
				t.Errorf("want a warning with %q, got %+v", tt.warning, c.Warnings)
			}
			if tt.warning == "" && len(c.Warnings) > 0 {
				t.Errorf("unexpected warnings %+v", c.Warnings)
			}
		})
	}
}

func manyTags(n int) string {
	pairs := make([]string, n)
	for i := range pairs {
		pairs[i] = "k" + strings.Repeat("x", i) + "|v"
	}
	return strings.Join(pairs, "||")
}

// A valid row's Agent holds the normalised values.
func TestValidateAgent(t *testing.T) {
	cells := map[Column]string{
		ColFirstName: " Jane ", ColLastName: "Doe", ColEmail: "jdoe@example.com", ColSecondaryEmail: "jane@example.org",
		ColMobile: "+44 7700 900123", ColPassword: "Secr3tPass", ColLogin: "jdoe", ColRoutingProfile: "Basic Routing Profile",
		ColSecurityProfiles: "Agent|CallCenterManager", ColHierarchy: "Example Corp|Support|Tier 1", ColPhoneType: "DESK_PHONE",
		ColPhoneNumber: "+1-425-555-0100", ColAutoAccept: "yes", ColACWTimeout: "45", ColTags: "team|blue||site|leeds",
	}
	c := checkOne(t, ValidateOptions{Identity: IdentityConnect}, cells)
	if c.Agent == nil {
		t.Fatalf("problems: %+v", c.Problems)
	}
	a := c.Agent
	checks := []struct{ got, want string }{
		{a.FirstName, "Jane"}, {a.LastName, "Doe"}, {a.Email, "jdoe@example.com"}, {a.SecondaryEmail, "jane@example.org"},
		{a.Mobile, "+447700900123"}, {a.Password, "Secr3tPass"}, {a.Login, "jdoe"}, {a.RoutingProfile, "Basic Routing Profile"},
		{strings.Join(a.SecurityProfiles, ","), "Agent,CallCenterManager"}, {strings.Join(a.Hierarchy, ","), "Example Corp,Support,Tier 1"},
		{a.PhoneType, "DESK_PHONE"}, {a.PhoneNumber, "+14255550100"}, {a.Tags["team"], "blue"}, {a.Tags["site"], "leeds"},
	}
	for i, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("check %d: got %q, want %q", i, ch.got, ch.want)
		}
	}
	if !a.AutoAccept || a.ACWTimeout != 45 || a.Line != 2 {
		t.Errorf("AutoAccept %v ACW %d Line %d", a.AutoAccept, a.ACWTimeout, a.Line)
	}
}

// Every problem of a row is reported, not only the first.
func TestValidateEveryProblem(t *testing.T) {
	cells := validCells()
	cells[ColFirstName] = ""
	cells[ColLogin] = "j doe"
	cells[ColPhoneType] = "desk"
	cells[ColPhoneNumber] = "4255550100"
	cells[ColACWTimeout] = "soon"
	c := checkOne(t, ValidateOptions{}, cells)
	want := []string{"missing first name", "cannot hold", "not in E.164 form", "not a whole number"}
	for _, w := range want {
		if !hasMessage(c.Problems, "", w) {
			t.Errorf("missing problem %q in %+v", w, c.Problems)
		}
	}
	if len(c.Problems) != len(want) {
		t.Errorf("got %d problems, want %d: %+v", len(c.Problems), len(want), c.Problems)
	}
}

func TestValidateHint(t *testing.T) {
	cells := validCells()
	cells[ColPhoneType] = "desk"
	cells[ColPhoneNumber] = "4255550100"
	c := checkOne(t, ValidateOptions{}, cells)
	if len(c.Problems) != 1 {
		t.Fatalf("problems: %+v", c.Problems)
	}
	got := FormatProblem(c.Problems[0])
	want := `line 2: column "phone number": "4255550100" is not in E.164 form; hint: write it with + and the country code, for example +14255550100`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestValidateDuplicateLogins(t *testing.T) {
	a, b, c, d := validCells(), validCells(), validCells(), validCells()
	b[ColLogin] = "other"
	c[ColLogin] = "JDoe"
	d[ColLogin] = "Other2"
	f := readString(t, csvOf(t, variantC, variantCColumns, a, b, c, d))
	checked := Validate(f, ValidateOptions{})
	if checked[0].Agent != nil || checked[2].Agent != nil {
		t.Errorf("both rows of a repeated login must be invalid")
	}
	if checked[1].Agent == nil || checked[3].Agent == nil {
		t.Errorf("distinct logins must stay valid: %+v %+v", checked[1].Problems, checked[3].Problems)
	}
	if !hasMessage(checked[0].Problems, "user login", "also on line 4") {
		t.Errorf("line 2 must name line 4: %+v", checked[0].Problems)
	}
	if !hasMessage(checked[2].Problems, "user login", "also on line 2") {
		t.Errorf("line 4 must name line 2: %+v", checked[2].Problems)
	}
}

// One login on every row: each row names a few others, not all of them.
func TestValidateManyDuplicateLogins(t *testing.T) {
	rows := make([]map[Column]string, 2000)
	for i := range rows {
		rows[i] = validCells()
	}
	checked := Validate(readString(t, csvOf(t, variantC, variantCColumns, rows...)), ValidateOptions{})
	for _, c := range checked {
		if c.Agent != nil || len(c.Problems) != 1 {
			t.Fatalf("line %d: %+v", c.Row.Line, c.Problems)
		}
	}
	if got := checked[0].Problems[0].Message; !strings.Contains(got, "lines 3, 4, 5, 6, 7, and 1994 more") {
		t.Errorf("message %q", got)
	}
}

func TestValidateFieldCount(t *testing.T) {
	header := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\n"
	tests := []struct {
		name, header, row, problem, warning string
	}{
		{name: "right count", row: "Jane,Doe,jdoe,Basic Routing Profile,Agent"},
		{name: "too few", row: "Jane,Doe,jdoe,Basic Routing Profile", problem: "4 fields but the header has 5"},
		{name: "too many", row: "Jane,Doe,jdoe,Basic Routing Profile,Agent,Admin", problem: "6 fields but the header has 5"},
		{name: "blank extra fields", row: "Jane,Doe,jdoe,Basic Routing Profile,Agent,,", warning: "extra fields are blank"},
		// A spreadsheet saves a header with trailing commas when columns
		// beyond the template were once touched; a row without them lacks
		// nothing.
		{name: "short of unnamed columns", header: strings.TrimSuffix(header, "\n") + ",,\n", row: "Jane,Doe,jdoe,Basic Routing Profile,Agent"},
		{name: "short of unnamed columns and one named", header: strings.TrimSuffix(header, "\n") + ",,\n", row: "Jane,Doe,jdoe,Basic Routing Profile", problem: "4 fields but the header has 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := header
			if tt.header != "" {
				h = tt.header
			}
			f := readString(t, h+tt.row+"\n")
			c := Validate(f, ValidateOptions{})[0]
			if tt.problem == "" && len(c.Problems) > 0 {
				t.Fatalf("problems: %+v", c.Problems)
			}
			if tt.problem != "" && (c.Agent != nil || !hasMessage(c.Problems, "", tt.problem)) {
				t.Fatalf("want %q, got %+v", tt.problem, c.Problems)
			}
			if tt.warning != "" && !hasMessage(c.Warnings, "", tt.warning) {
				t.Fatalf("want warning %q, got %+v", tt.warning, c.Warnings)
			}
		})
	}
}

// Problems about a password never show it.
func TestValidatePasswordNeverShown(t *testing.T) {
	for _, pw := range []string{"short", "Secr3t Pass…"} { // a password not in UTF-8: TestReadRefusesWindows1252
		for _, id := range []Identity{IdentityConnect, IdentitySAML} {
			cells := validCells()
			cells[ColPassword] = pw
			c := checkOne(t, ValidateOptions{Identity: id}, cells)
			if len(c.Problems) == 0 {
				t.Fatalf("%q: want a problem", pw)
			}
			for _, p := range append(c.Problems, c.Warnings...) {
				line := FormatProblem(p) + p.Value
				for _, part := range []string{pw, "short", "Secr3t", "ller1aA"} {
					if strings.Contains(line, part) {
						t.Errorf("a problem shows the password: %s", line)
					}
				}
			}
		}
	}
}

// Cells are read by their column's index, rows with too many or too few
// fields included.
func TestCellsByIndex(t *testing.T) {
	in := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,notes\n" +
		"Jane,Doe,jdoe,Basic Routing Profile,Agent,x,surplus,more\n" +
		"John,Roe\n" +
		"Ann,Lee,alee,Basic Routing Profile,Agent|Admin,y\n"
	f, err := Read(context.Background(), strings.NewReader(in), ReadOptions{Keep: []string{"notes"}})
	if err != nil {
		t.Fatal(err)
	}
	lay := newLayout(f)
	for _, tt := range []struct {
		row  int
		col  Column
		want string
	}{
		{0, ColLogin, "jdoe"}, {0, ColSecurityProfiles, "Agent"}, {1, ColLastName, "Roe"}, {1, ColLogin, ""},
		{2, ColSecurityProfiles, "Agent|Admin"}, {2, ColFirstName, "Ann"}, {2, ColEmail, ""},
	} {
		if got := lay.value(f.Rows[tt.row].Record, tt.col); got != tt.want {
			t.Errorf("row %d, %v: %q, want %q", tt.row, tt.col, got, tt.want)
		}
	}
	// A hand-built File validates like a read one.
	hand := &File{Header: f.Header, Columns: f.Columns, Rows: f.Rows}
	a, b := Validate(f, ValidateOptions{}), Validate(hand, ValidateOptions{})
	for i := range a {
		if len(a[i].Problems) != len(b[i].Problems) || (a[i].Agent == nil) != (b[i].Agent == nil) {
			t.Errorf("line %d: read %+v, hand-built %+v", a[i].Row.Line, a[i].Problems, b[i].Problems)
		}
	}
}

func TestValidateBlankColumn(t *testing.T) {
	header := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,\n"
	f := readString(t, header+"Jane,Doe,jdoe,Basic Routing Profile,Agent,\nJohn,Roe,jroe,Basic Routing Profile,Agent,oops\n")
	checked := Validate(f, ValidateOptions{})
	if checked[0].Agent == nil {
		t.Errorf("blank cell under a blank header: %+v", checked[0].Problems)
	}
	if checked[1].Agent != nil || !hasMessage(checked[1].Problems, "column 6", "without a name") {
		t.Errorf("value under a blank header: %+v", checked[1].Problems)
	}
}

func TestValidateExtraColumns(t *testing.T) {
	in := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,Team  Lead\n" +
		"Jane,Doe,jdoe,Basic Routing Profile,Agent, Sam \n"
	f, err := Read(context.Background(), strings.NewReader(in), ReadOptions{Keep: []string{"team lead"}})
	if err != nil {
		t.Fatal(err)
	}
	c := Validate(f, ValidateOptions{})[0]
	if c.Agent == nil || c.Agent.Extra["team lead"] != "Sam" {
		t.Fatalf("extra: %+v %+v", c.Agent, c.Problems)
	}
	// Not kept, it is carried all the same: far from every known name.
	f, err = Read(context.Background(), strings.NewReader(in), ReadOptions{})
	if err != nil {
		t.Fatalf("a column of the user's own: %v", err)
	}
	if c := Validate(f, ValidateOptions{})[0]; c.Agent == nil || c.Agent.Extra["team lead"] != "Sam" || len(c.Problems) != 0 {
		t.Fatalf("carried column: %+v %+v", c.Agent, c.Problems)
	}
	// One close to a known name is a typo: refused, with the name.
	typo := strings.Replace(in, "Team  Lead", "routing profle name", 1)
	var fe *FileError
	if _, err := Read(context.Background(), strings.NewReader(typo), ReadOptions{}); !errors.As(err, &fe) || !strings.Contains(fe.Message, `closest known name is "routing profile name"`) {
		t.Errorf("a near miss of a known name: %v; want it refused with the suggestion", err)
	}
}

// Rows repeating a list cell share its parsed form, and a repeated cell that
// has a problem or a warning reports it on every row.
func TestValidateRepeatedCells(t *testing.T) {
	rows := make([]map[Column]string, 4)
	for i := range rows {
		rows[i] = validCells()
		rows[i][ColLogin] = "agent" + strings.Repeat("x", i)
		rows[i][ColTags] = "team|blue||site|leeds"
		rows[i][ColHierarchy] = "Example Corp|Support"
	}
	rows[2][ColSecurityProfiles] = "Agent|Agent"
	rows[3][ColSecurityProfiles] = "Agent|Agent"
	rows[3][ColTags] = "team|blue||team|red"
	checked := Validate(readString(t, csvOf(t, variantC, variantCColumns, rows...)), ValidateOptions{})
	a, b := checked[0].Agent, checked[1].Agent
	if a == nil || b == nil {
		t.Fatalf("problems %+v %+v", checked[0].Problems, checked[1].Problems)
	}
	if &a.SecurityProfiles[0] != &b.SecurityProfiles[0] || &a.Hierarchy[0] != &b.Hierarchy[0] || a.Tags["site"] != "leeds" {
		t.Errorf("repeated cells are not shared")
	}
	if len(checked[2].Warnings) != 1 || len(checked[3].Warnings) != 1 {
		t.Errorf("a repeated warning must be given on every row: %+v %+v", checked[2].Warnings, checked[3].Warnings)
	}
	if checked[3].Agent != nil || !hasMessage(checked[3].Problems, "tags", "given twice") {
		t.Errorf("line 5: %+v", checked[3].Problems)
	}
}

// A row with a field too few or too many has its values under the wrong
// columns: a password shifted into another column must not be shown, and the
// shifted values are not judged by the rules of columns they do not belong to.
func TestValidateMisalignedRowHidesPassword(t *testing.T) {
	header := "first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds)\n"
	tests := []struct{ name, row, secret, next string }{
		{"a field missing before the password", "Jane,Doe,S3cret-Passw0rd,jdoe,Basic Routing Profile,Agent,soft,,yes,30", "S3cret-Passw0rd", "alee"},
		{"an unquoted comma before the password", "John,Smith, Jr.,js@example.com,An0ther-Secret,js@x,Basic Routing Profile,Agent,soft,,yes,30", "An0ther-Secret", "alee"},
		{"a password shifted into the login", "John,Smith, Jr.,js@example.com,Th1rd-Secret-Long-Enough-To-Warn,js,Basic Routing Profile,Agent,soft,,yes,30", "Th1rd-Secret", "alee"},
		{"a shifted value equal to the next login", "Jane,Doe,S3cret-Passw0rd,alee,Basic_Routing,Agent,soft,,yes,30", "S3cret-Passw0rd", "Basic_Routing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readString(t, header+tt.row+"\n"+"Ann,Lee,alee@example.com,,"+tt.next+",Basic Routing Profile,Agent,soft,,yes,30\n")
			checked := Validate(f, ValidateOptions{})
			c := checked[0]
			if c.Agent != nil || !hasMessage(c.Problems, "", "fields but the header has 11") {
				t.Fatalf("want the field count problem, got %+v", c.Problems)
			}
			var b strings.Builder
			if err := WriteReport(&b, "json", checked); err != nil {
				t.Fatal(err)
			}
			_ = WriteReport(&b, "text", checked)
			if strings.Contains(b.String(), tt.secret) {
				t.Errorf("the report shows the password:\n%s", b.String())
			}
			if len(c.Problems) != 1 {
				t.Errorf("want only the field count problem, got %+v", c.Problems)
			}
			// A shifted value is no user login: the next row is not its duplicate.
			if checked[1].Agent == nil {
				t.Errorf("line 3 made invalid by a misaligned row: %+v", checked[1].Problems)
			}
		})
	}
}

// Excel's plain "CSV" is Windows-1252 (or another code page): the file is
// refused whole, at its first cell that is not UTF-8, shown as the
// spreadsheet shows it when it reads as Windows-1252, a password never.
func TestReadRefusesWindows1252(t *testing.T) {
	for _, tt := range []struct {
		name      string
		col       Column
		cell      string
		shown     string // "" for not shown
		mentioned string
	}{
		{"last name", ColLastName, "O\x92Brien", "O’Brien", "Windows-1252"},
		{"first name", ColFirstName, "Ren\xe9e\x85", "Renée…", "Windows-1252"},
		{"password", ColPassword, "M\xfcller1aA", "", "Windows-1252"},
		{"not 1252 either", ColLastName, "M\x81ller", "", "not UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cells := validCells()
			cells[tt.col] = tt.cell
			in := csvOf(t, variantC, variantCColumns, validCells()) // line 2 is fine
			in += strings.SplitN(csvOf(t, variantC, variantCColumns, cells), "\n", 2)[1]
			_, err := Read(context.Background(), strings.NewReader(in), ReadOptions{})
			var fe *FileError
			if !errors.As(err, &fe) || fe.Line != 3 || !strings.Contains(fe.Message, tt.mentioned) || !strings.Contains(fe.Hint, "CSV UTF-8") {
				t.Fatalf("got %v, want a FileError on line 3 naming %s", err, tt.mentioned)
			}
			if tt.shown != "" && !strings.Contains(fe.Message, Quote(tt.shown)) {
				t.Errorf("%q not shown: %s", tt.shown, fe.Message)
			}
			if tt.col == ColPassword && (strings.Contains(fe.Error(), "ller1aA") || strings.Contains(fe.Hint, "ller1aA")) {
				t.Errorf("the password is shown: %s", fe.Error())
			}
		})
	}
	// A File made otherwise still gets the row-level problem.
	f := &File{Header: variantC, Columns: variantCColumns, Rows: []Row{{Line: 2, Record: recordOf(validCells(), map[Column]string{ColLastName: "O\x92Brien"})}}}
	c := Validate(f, ValidateOptions{})[0]
	if c.Agent != nil || !hasMessage(c.Problems, "last name", "Windows-1252") {
		t.Errorf("hand-built file: %+v", c.Problems)
	}
}

// recordOf is a variant-C record of cells, with changes.
func recordOf(cells, changes map[Column]string) []string {
	rec := make([]string, len(variantCColumns))
	for i, c := range variantCColumns {
		rec[i] = cells[c]
		if v, ok := changes[c]; ok {
			rec[i] = v
		}
	}
	return rec
}

// Value gives nothing of a row whose fields do not fit the header: its
// cells sit under the wrong columns, and what the login column holds may be
// the password (the results file's invalid rows are made from Value).
func TestFileValueMisaligned(t *testing.T) {
	header := "first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,,\n"
	f := readString(t, header+
		"John,Smith, Jr.,js@example.com,An0ther-Secret,js,Basic Routing Profile,Agent,,\n"+ // a comma too many
		"Jane,Doe,jdoe@example.com,,jdoe,Basic Routing Profile,Agent\n"+ // short of the unnamed columns only
		"Ann,Lee,alee@example.com,,alee,Basic Routing Profile,Agent,,,,\n") // blank fields past the header
	for i, want := range []string{"", "jdoe", "alee"} {
		if got := f.Value(f.Rows[i], ColLogin); got != want {
			t.Errorf("line %d: login %q, want %q", f.Rows[i].Line, got, want)
		}
	}
	for _, c := range []Column{ColFirstName, ColLastName, ColEmail, ColLogin, ColRoutingProfile} {
		if v := f.Value(f.Rows[0], c); v != "" {
			t.Errorf("misaligned row: %v is %q", c, v)
		}
	}
}

// A comma too many in a file whose header ends in unnamed columns pushes the
// row's last values under them: the count fits, the cells do not.
func TestValidateShiftIntoUnnamedColumn(t *testing.T) {
	header := "first name,last name,email address,user login,routing profile name,security_profile_name_1|security_profile_name_2,password,,\n"
	f := readString(t, header+"John,Smith, Jr.,js@example.com,js,Basic Routing Profile,Agent,An0ther-Secret,\n")
	var b strings.Builder
	checked := Validate(f, ValidateOptions{})
	_ = WriteReport(&b, "text", checked)
	_ = WriteReport(&b, "json", checked)
	if checked[0].Agent != nil || !hasMessage(checked[0].Problems, "column 8", "column without a name") {
		t.Errorf("problems %+v", checked[0].Problems)
	}
	if len(checked[0].Problems) != 1 || strings.Contains(b.String(), "An0ther-Secret") {
		t.Errorf("want only the unnamed column's problem, without the password:\n%s", b.String())
	}
	if v := f.Value(f.Rows[0], ColPassword); v != "" {
		t.Errorf("Value of a misplaced row's password: %q", v)
	}
}
