package agentfile

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Each bound of the input is a *FileError naming the line, within its own
// message, and a row just inside each bound is read.
func TestReadBounds(t *testing.T) {
	t.Parallel()
	header := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,notes\n"
	row := "Jane,Doe,jdoe,Basic Routing Profile,Agent,"
	for _, tt := range []struct {
		name, in, want string
		line           int
	}{
		{"line too long", header + row + "x\n" + row + strings.Repeat("x", maxRecordBytes+8192) + "\n", "the row is longer than", 3},
		{"quote left open", header + row + "\"x\n" + strings.Repeat("y\n", maxRecordBytes/2+8192), "the row is longer than", -1},
		{"too many fields", header + row + strings.Repeat(",", MaxFields+5) + "\n", "more than 16384 fields", 2},
		{"field too large", header + row + strings.Repeat("x", maxFieldBytes+1) + "\n", "field 6 holds 131073 bytes", 2},
		{"header field too large", strings.TrimSuffix(header, "\n") + strings.Repeat("x", maxFieldBytes+1) + "\n" + row + "\n", "field 6 holds", 1},
		{"commas inside a quoted cell", header + row + `"` + strings.Repeat(",", MaxFields+5) + `"` + "\n" + row + `"a ""quoted"" ,word"` + "\n", "", 0},
		{"commas after a quoted cell", header + row + `"a,""b"",c"` + strings.Repeat(",", MaxFields+5) + "\n", "more than 16384 fields", 2},
		{"just inside", header + row + strings.Repeat("x", maxFieldBytes) + "\n" + row + strings.Repeat(",", MaxFields-8) + "\n", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Read(context.Background(), strings.NewReader(tt.in), ReadOptions{Keep: []string{"notes"}})
			if tt.want == "" {
				if err != nil || len(f.Rows) != 2 {
					t.Fatalf("within the bounds: %v", err)
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Message, tt.want) {
				t.Fatalf("got %T %v, want a FileError saying %q", err, err, tt.want)
			}
			if tt.line > 0 && fe.Line != tt.line || fe.Line <= 0 {
				t.Errorf("line %d, want %d", fe.Line, tt.line)
			}
			if len(fe.Error())+len(fe.Hint) > 1000 {
				t.Errorf("a message of %d bytes", len(fe.Error()))
			}
		})
	}
}

// A long value or column name is cut with "…" in messages.
func TestMessagesCutLongValues(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 5000)
	f := readString(t, "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\n"+
		"Jane,"+long+",jdoe,Basic Routing Profile,Agent\n")
	c := Validate(f, ValidateOptions{})
	if len(c[0].Problems) == 0 {
		t.Fatal("a 5000-character last name passed")
	}
	for _, p := range c[0].Problems {
		msg := FormatProblem(p)
		if len(msg) > 600 || !strings.Contains(msg, "…") {
			t.Errorf("%d bytes: %.200s", len(msg), msg)
		}
	}
	_, err := Read(context.Background(), strings.NewReader("first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,"+
		strings.Repeat("z", 50_000)+"\nJane,Doe,jdoe,R,A,\n"), ReadOptions{})
	var fe *FileError
	if !errors.As(err, &fe) || len(fe.Error()) > 600 || !strings.Contains(fe.Error(), "…") {
		t.Errorf("unknown long column: %.300v", err)
	}
}

// A leading ' before a formula character is the mark of the results file
// and the export (report.Neutralise): validation reads the value behind it.
// A ' before anything else is the value's own.
func TestFormulaMarkRead(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ cell, want string }{
		{"'=Smith", "=Smith"}, {"'+Smith", "+Smith"}, {"'-Smith", "-Smith"}, {"'@Smith", "@Smith"},
		{"'\tSmith", "\tSmith"}, {"''Smith", "'Smith"}, {"'Smith", "'Smith"}, {"O'Brien", "O'Brien"},
		{"'", "'"}, {"Smith", "Smith"},
	} {
		if got := unmark(tt.cell); got != tt.want {
			t.Errorf("unmark(%q) = %q, want %q", tt.cell, got, tt.want)
		}
	}
	// Through validation: the names, the tags and a kept column come back
	// as written; the record itself (the retry file's copy) is unchanged.
	f, err := Read(context.Background(), strings.NewReader(
		"first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,tags,mobile,team\n"+
			"'-Ann,''Lee,alee,'=Basic,Agent,'@k|v,'+447700900123,'=lead\n"), ReadOptions{Keep: []string{"team"}})
	if err != nil {
		t.Fatal(err)
	}
	c := Validate(f, ValidateOptions{})
	a := c[0].Agent
	if a == nil {
		t.Fatalf("problems: %+v", c[0].Problems)
	}
	if a.FirstName != "-Ann" || a.LastName != "'Lee" || a.RoutingProfile != "=Basic" || a.Tags["@k"] != "v" ||
		a.Mobile != "+447700900123" || a.Extra["team"] != "=lead" {
		t.Errorf("read back %+v", a)
	}
	if f.Rows[0].Record[0] != "'-Ann" {
		t.Errorf("the record was changed: %q", f.Rows[0].Record[0])
	}
	if got := f.Value(f.Rows[0], ColFirstName); got != "-Ann" {
		t.Errorf("File.Value %q", got)
	}
}
