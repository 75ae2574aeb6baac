package agentfile

import (
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadQuotedFieldsAndLines(t *testing.T) {
	in := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\n" +
		"\n" + // blank lines are not rows
		"\"Jane, Jr.\",\"O\"\"Doe\",jdoe,Basic Routing Profile,Agent\n" +
		"\"Multi\nLine\",Roe,jroe,\"Basic\r\nRouting\",Agent\n" +
		",,,,\n" + // a spreadsheet's empty row
		"\n" +
		"Ann,Lee,alee,Basic Routing Profile,Agent\n"
	f := readString(t, in)
	if len(f.Rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(f.Rows))
	}
	wantLines := []int{3, 4, 9}
	for i, r := range f.Rows {
		if r.Line != wantLines[i] {
			t.Errorf("row %d: line %d, want %d", i, r.Line, wantLines[i])
		}
	}
	if got := f.Value(f.Rows[0], ColFirstName); got != "Jane, Jr." {
		t.Errorf("first name %q", got)
	}
	if got := f.Value(f.Rows[0], ColLastName); got != `O"Doe` {
		t.Errorf("last name %q", got)
	}
	if got := f.Value(f.Rows[1], ColFirstName); got != "Multi\nLine" {
		t.Errorf("multi-line first name %q", got)
	}
	if got := f.Value(f.Rows[0], ColEmail); got != "" {
		t.Errorf("absent column gives %q", got)
	}
	checked := Validate(f, ValidateOptions{})
	if checked[2].Agent == nil || checked[2].Agent.Line != 9 {
		t.Errorf("row after a multi-line field: %+v", checked[2])
	}
}

func TestReadFileErrors(t *testing.T) {
	const ok = "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\n"
	const row = "Jane,Doe,jdoe,Basic Routing Profile,Agent\n"
	tests := []struct {
		name    string
		in      string
		opts    ReadOptions
		line    int
		column  string
		message string // part of Message
		hint    string // part of Hint
	}{
		{name: "usable", in: ok + row},
		{name: "unknown column", in: "frist name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\n" + row,
			line: 1, column: "frist name", message: `closest known name is "first name"`, hint: "user login"},
		{name: "several unknown columns", in: "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,frist name,emial\n" + row,
			line: 1, column: "frist name", message: `also unknown: "emial"`},
		{name: "columns of the user's own are carried", in: "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,notes,start date\n" + strings.TrimSuffix(row, "\n") + ",x,y\n"},
		{name: "missing login column", in: "first name,last name,routing profile name,security_profile_name_1|security_profile_name_2\nJane,Doe,Basic Routing Profile,Agent\n",
			line: 1, column: "user login", message: "missing required column"},
		{name: "missing first name column", in: "last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\nDoe,jdoe,Basic Routing Profile,Agent\n",
			line: 1, column: "first name", message: "missing required column"},
		{name: "directory needs no names", in: "user login,routing profile name,security_profile_name_1|security_profile_name_2\njdoe,Basic Routing Profile,Agent\n",
			opts: ReadOptions{Identity: IdentityDirectory}},
		{name: "duplicate column", in: strings.TrimSuffix(ok, "\n") + ",User Login\n" + strings.TrimSuffix(row, "\n") + ",x\n",
			line: 1, column: "User Login", message: "duplicate column"},
		{name: "secondary email twice", in: strings.TrimSuffix(ok, "\n") + ",secondary email,Secondary Email\n" + strings.TrimSuffix(row, "\n") + ",,\n",
			line: 1, column: "Secondary Email", message: "duplicate column"},
		{name: "no data rows", in: ok, line: 1, message: "no data rows"},
		{name: "only blank rows", in: ok + "\n,,,,\n\n", line: 1, message: "no data rows"},
		{name: "empty file", in: "", message: "empty"},
		{name: "bare quote", in: ok + row + "Jane,O\"Doe,jroe,Basic Routing Profile,Agent\n", line: 3, message: "not valid CSV", hint: `"O""Brien"`},
		{name: "unterminated quote", in: ok + "\"Jane,Doe,jdoe,Basic Routing Profile,Agent\n", line: 2, message: "not valid CSV"},
		// An unmatched quote runs on to the end of the file: the row where
		// it opens is the one to fix.
		{name: "unterminated quote, rows below", in: ok + row + "\"Jo,Doe,jdo,Basic Routing Profile,Agent\n" + row + row + row, line: 3, message: "still open on line 6", hint: "unmatched"},
		{name: "stray quote after a line break", in: ok + row + "\"Jo\nX\"x,Doe,jdo,Basic Routing Profile,Agent\n", line: 3, message: "line 4"},
		{name: "carriage returns only", in: strings.ReplaceAll(ok+row, "\n", "\r"), line: 1, message: "carriage returns", hint: "CSV UTF-8"},
		{name: "a doubled carriage return", in: strings.ReplaceAll(ok+row, "\n", "\r\r\n")},
		{name: "UTF-16", in: "\xff\xfef\x00i\x00", line: 1, message: "UTF-16"},
		{name: "no header", in: row + row, line: 1, message: "not the template's header"},
		{name: "header after blank lines", in: "\n\n" + ok + row},
		{name: "excel sep line", in: "sep=,\n" + ok + row},
		// European locales write semicolons; Excel's "Text" and "Unicode
		// text" write tabs: say so rather than "no column name is known".
		{name: "semicolons", in: strings.ReplaceAll(ok+row, ",", ";"), line: 1, message: "separated by semicolons", hint: "commas"},
		{name: "semicolons, quoted header", in: `"first name";"last name";"user login";"routing profile name";"security_profile_name_1|security_profile_name_2"` + "\r\n" + strings.ReplaceAll(row, ",", ";"),
			line: 1, message: "separated by semicolons"},
		{name: "excel sep=; line", in: "sep=;\n" + strings.ReplaceAll(ok+row, ",", ";"), line: 1, message: "separated by semicolons"},
		{name: "semicolons after a BOM and blank lines", in: "\xef\xbb\xbf\r\n" + strings.ReplaceAll(ok+row, ",", ";"), line: 2, message: "separated by semicolons"},
		{name: "tabs", in: strings.ReplaceAll(ok+row, ",", "\t"), line: 1, message: "separated by tabs", hint: "CSV UTF-8"},
		{name: "UTF-16 without a byte order mark", in: "f\x00i\x00r\x00s\x00t\x00", line: 1, message: "UTF-16"},
		{name: "workbook", in: "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", message: "workbook", hint: "CSV UTF-8"},
		{name: "old Excel workbook", in: "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", message: "workbook", hint: "CSV UTF-8"},
		// A comma-separated header whose names hold a semicolon is no
		// semicolon file.
		{name: "commas win", in: "first name,last name;x,user login,routing profile name,security_profile_name_1|security_profile_name_2\n" + row,
			line: 1, column: "last name;x", message: "unknown column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(context.Background(), strings.NewReader(tt.in), tt.opts)
			if tt.message == "" {
				if err != nil {
					t.Fatalf("want a usable file, got %v", err)
				}
				if len(f.Rows) != 1 {
					t.Fatalf("got %d rows", len(f.Rows))
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FileError, got %v", err)
			}
			if fe.Line != tt.line || fe.Column != tt.column || !strings.Contains(fe.Message, tt.message) || !strings.Contains(fe.Hint, tt.hint) {
				t.Errorf("got %+v\nwant line %d column %q message ~%q hint ~%q", fe, tt.line, tt.column, tt.message, tt.hint)
			}
			if strings.Contains(fe.Error(), "\n") {
				t.Errorf("Error() is not one line: %q", fe.Error())
			}
		})
	}
}

func TestReadHeaderSpelling(t *testing.T) {
	in := "  First   Name ,LAST NAME,User_Login,Routing Profile,\"Security Profiles\",UserHierarchy,Secondary Email\n" +
		"Jane,Doe,jdoe,Basic Routing Profile,Agent,technical support/IT/Eastern,jane@example.org\n"
	f := readString(t, in)
	want := []Column{ColFirstName, ColLastName, ColLogin, ColRoutingProfile, ColSecurityProfiles, ColUserHierarchy, ColSecondaryEmailShort}
	if !reflect.DeepEqual(f.Columns, want) {
		t.Fatalf("columns %v, want %v", f.Columns, want)
	}
	if f.Header[0] != "  First   Name " {
		t.Errorf("Header keeps the file's spelling, got %q", f.Header[0])
	}
	c := Validate(f, ValidateOptions{})[0]
	if c.Agent == nil {
		t.Fatalf("problems %+v", c.Problems)
	}
	if got := strings.Join(c.Agent.Hierarchy, "|"); got != "technical support|IT|Eastern" {
		t.Errorf("hierarchy %q", got)
	}
	if c.Agent.SecondaryEmail != "jane@example.org" {
		t.Errorf("secondary email %q", c.Agent.SecondaryEmail)
	}
}

// Invisible characters in a header name (a byte order mark written twice by
// a tool that re-saved the file, a zero-width space pasted with the name
// from a web page) do not make it unknown.
func TestReadHeaderInvisibleCharacters(t *testing.T) {
	in := "\ufeff\ufefffirst name,last\u200bname,user\u2060login,routing profile name,security_profile_name_1|security_profile_name_2\n" +
		"Jane,Doe,jdoe,Basic Routing Profile,Agent\n"
	f := readString(t, in)
	want := []Column{ColFirstName, ColLastName, ColLogin, ColRoutingProfile, ColSecurityProfiles}
	if !reflect.DeepEqual(f.Columns, want) {
		t.Errorf("columns %v, want %v", f.Columns, want)
	}
}

func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := csvOf(t, variantC, variantCColumns, validCells())
	if _, err := Read(ctx, strings.NewReader(in), ReadOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// The header variants of docs/aws.md §1, each as written plainly and as Excel
// saves it (BOM, CRLF, quoted header), must give the same verdicts.
var (
	variantA = []string{"first name", "last name", "email address", "password", "user login", "routing profile name",
		"security_profile_name_1|security_profile_name_2", "phone type (soft/desk)", "phone number",
		"soft phone auto accept (yes/no)", "ACW timeout (seconds)"}
	variantAColumns = []Column{ColFirstName, ColLastName, ColEmail, ColPassword, ColLogin, ColRoutingProfile,
		ColSecurityProfiles, ColPhoneType, ColPhoneNumber, ColAutoAccept, ColACWTimeout}
	variantASAML = []string{"first name", "last name", "user login", "routing profile name",
		"security_profile_name_1|security_profile_name_2", "phone type (soft/desk)", "phone number",
		"soft phone auto accept (yes/no)", "ACW timeout (seconds)"}
	variantASAMLColumns = []Column{ColFirstName, ColLastName, ColLogin, ColRoutingProfile,
		ColSecurityProfiles, ColPhoneType, ColPhoneNumber, ColAutoAccept, ColACWTimeout}
	variantB = []string{"first name", "last name", "email address", "secondary email address", "mobile", "password",
		"user login", "routing profile name", "security_profile_name_1|security_profile_name_2", "phone type (soft/desk)",
		"phone number", "soft phone auto accept (yes/no)", "ACW timeout (seconds)"}
	variantBColumns = []Column{ColFirstName, ColLastName, ColEmail, ColSecondaryEmail, ColMobile, ColPassword,
		ColLogin, ColRoutingProfile, ColSecurityProfiles, ColPhoneType, ColPhoneNumber, ColAutoAccept, ColACWTimeout}
	variantCSAML = []string{"first name", "last name", "secondary email", "mobile", "user login", "routing profile name",
		"security_profile_name_1|security_profile_name_2", "user_hierarchy_1|user_hierarchy_2", "phone type (soft/desk)",
		"phone number", "soft phone auto accept (yes/no)", "ACW timeout (seconds)", "tags"}
	variantCSAMLColumns = []Column{ColFirstName, ColLastName, ColSecondaryEmail, ColMobile, ColLogin, ColRoutingProfile,
		ColSecurityProfiles, ColHierarchy, ColPhoneType, ColPhoneNumber, ColAutoAccept, ColACWTimeout, ColTags}
	// A home-made file: shuffled, odd spacing and case, a slash-path hierarchy.
	variantHome = []string{"USER LOGIN", "Security_Profile_Name_1|Security_Profile_Name_2", "  first name", "Last  Name",
		"Routing Profile Name", "Email Address", "Password", "Phone Type (soft/desk)", "Phone Number",
		"Soft Phone Auto Accept (yes/no)", "acw timeout (seconds)", "UserHierarchy"}
	variantHomeColumns = []Column{ColLogin, ColSecurityProfiles, ColFirstName, ColLastName, ColRoutingProfile, ColEmail,
		ColPassword, ColPhoneType, ColPhoneNumber, ColAutoAccept, ColACWTimeout, ColUserHierarchy}
)

// sameRows are rows using only the columns every variant has, some valid
// and some not, with values that need quoting.
func sameRows(saml bool) []map[Column]string {
	login := func(s string) string {
		if saml {
			return s + "@example.com"
		}
		return s
	}
	rows := []map[Column]string{
		{ColFirstName: "Jane", ColLastName: "Doe, Jr.", ColLogin: login("jdoe"), ColRoutingProfile: "Basic Routing Profile",
			ColSecurityProfiles: "Agent|CallCenterManager", ColPhoneType: "soft", ColAutoAccept: "yes", ColACWTimeout: "30"},
		{ColFirstName: "Carlos", ColLastName: "Martínez", ColLogin: login("cmartinez"), ColRoutingProfile: "Basic Routing Profile",
			ColSecurityProfiles: "Agent", ColPhoneType: "desk", ColPhoneNumber: "4255550100", ColAutoAccept: "no", ColACWTimeout: ""},
		{ColFirstName: "", ColLastName: "O\"Brien", ColLogin: login("JRoe"), ColRoutingProfile: "Basic…",
			ColSecurityProfiles: "Agent||Admin", ColPhoneType: "DESK_PHONE", ColPhoneNumber: "+14255550102", ColAutoAccept: "maybe", ColACWTimeout: "2000001"},
		{ColFirstName: "Ann\nMarie", ColLastName: "Lee", ColLogin: login("alee"), ColRoutingProfile: "Basic Routing Profile",
			ColSecurityProfiles: "Admin", ColPhoneType: "SOFT_PHONE", ColAutoAccept: "TRUE", ColACWTimeout: "0"},
	}
	if !saml {
		rows[0][ColEmail] = "jdoe@example.com"
		rows[1][ColPassword] = "Secr3tPass"
		rows[2][ColPassword] = "short"
		rows[3][ColEmail] = "not-an-address"
	}
	return rows
}

// excel writes a file as Excel's "CSV UTF-8" does: a BOM, CRLF line ends and,
// here, every header field quoted.
func excel(t *testing.T, header []string, columns []Column, rows []map[Column]string) string {
	var b strings.Builder
	b.WriteString("\ufeff")
	quoted := make([]string, len(header))
	for i, h := range header {
		quoted[i] = `"` + strings.ReplaceAll(h, `"`, `""`) + `"`
	}
	b.WriteString(strings.Join(quoted, ",") + "\r\n")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
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

// verdict is what must not depend on the header variant or on Excel.
type verdict struct {
	Line     int
	Agent    *Agent
	Problems []string
	Warnings []string
}

func verdicts(checked []Checked) []verdict {
	out := make([]verdict, len(checked))
	for i, c := range checked {
		v := verdict{Line: c.Row.Line, Agent: c.Agent}
		for _, p := range c.Problems {
			v.Problems = append(v.Problems, CanonicalName(p.Column)+": "+p.Message)
		}
		for _, p := range c.Warnings {
			v.Warnings = append(v.Warnings, CanonicalName(p.Column)+": "+p.Message)
		}
		out[i] = v
	}
	return out
}

func TestReadVariantsValidateIdentically(t *testing.T) {
	groups := []struct {
		name     string
		identity Identity
		variants []struct {
			name    string
			header  []string
			columns []Column
		}
	}{
		{name: "connect", identity: IdentityConnect, variants: []struct {
			name    string
			header  []string
			columns []Column
		}{{"A", variantA, variantAColumns}, {"B", variantB, variantBColumns}, {"C", variantC, variantCColumns}, {"home-made", variantHome, variantHomeColumns}}},
		{name: "saml", identity: IdentitySAML, variants: []struct {
			name    string
			header  []string
			columns []Column
		}{{"A-SAML", variantASAML, variantASAMLColumns}, {"C-SAML", variantCSAML, variantCSAMLColumns}, {"C", variantC, variantCColumns}}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			rows := sameRows(g.identity == IdentitySAML)
			var want []verdict
			var wantFrom string
			for _, v := range g.variants {
				for _, form := range []string{"plain", "excel"} {
					in := csvOf(t, v.header, v.columns, rows...)
					if form == "excel" {
						in = excel(t, v.header, v.columns, rows)
					}
					f, err := Read(context.Background(), strings.NewReader(in), ReadOptions{})
					if err != nil {
						t.Fatalf("%s %s: %v", v.name, form, err)
					}
					got := verdicts(Validate(f, ValidateOptions{Identity: g.identity}))
					if want == nil {
						want, wantFrom = got, v.name+" "+form
						if got[0].Agent == nil || got[2].Agent != nil || len(got[2].Problems) < 5 {
							t.Fatalf("the sample rows are not what the test needs: %+v", got)
						}
						continue
					}
					if !reflect.DeepEqual(got, want) {
						for i := range got {
							if !reflect.DeepEqual(got[i], want[i]) {
								t.Errorf("%s %s, row %d:\n got  %+v %+v\n want %+v %+v (from %s)", v.name, form, i,
									got[i], got[i].Agent, want[i], want[i].Agent, wantFrom)
							}
						}
					}
				}
			}
		})
	}
}

// The home-made UserHierarchy column takes a slash path, with the same rules.
func TestUserHierarchyColumn(t *testing.T) {
	const header = "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,UserHierarchy\n"
	tests := []struct {
		cell, want, problem string
	}{
		{cell: "technical support/IT/Eastern", want: "technical support|IT|Eastern"},
		{cell: "Example Corp|Support", want: "Example Corp|Support"}, // written like the template's column
		{cell: "a/b/c/d/e/f", problem: "6 levels, at most 5"},
		{cell: "a//b", problem: "empty level"},
	}
	for _, tt := range tests {
		f := readString(t, header+"Jane,Doe,jdoe,Basic Routing Profile,Agent,"+tt.cell+"\n")
		c := Validate(f, ValidateOptions{})[0]
		if tt.problem != "" {
			if c.Agent != nil || !hasMessage(c.Problems, "UserHierarchy", tt.problem) {
				t.Errorf("%q: want %q, got %+v", tt.cell, tt.problem, c.Problems)
			}
			continue
		}
		if c.Agent == nil || strings.Join(c.Agent.Hierarchy, "|") != tt.want {
			t.Errorf("%q: got %+v %+v", tt.cell, c.Agent, c.Problems)
		}
	}
}

// A header past what sniffFormat looks at, or longer than it, is left to
// the CSV reader.
func TestReadLongHeaderNotSniffed(t *testing.T) {
	long := strings.Repeat("\n", sniffSize-10) + "first name;last name\n"
	_, err := Read(context.Background(), strings.NewReader(long), ReadOptions{})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "not the template's header") {
		t.Errorf("got %v", err)
	}
	wide := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2" + strings.Repeat(" ", sniffSize) + "\nJane,Doe,jdoe,Basic Routing Profile,Agent\n"
	if _, err := Read(context.Background(), strings.NewReader(wide), ReadOptions{}); err != nil {
		t.Errorf("a wide header: %v", err)
	}
}
