package agentfile

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readSample(t *testing.T, name string) *File {
	t.Helper()
	in, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	f, err := Read(context.Background(), in, ReadOptions{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func TestSampleFiles(t *testing.T) {
	tests := []struct {
		file            string
		identity        Identity
		valid, invalid  int
		firstLine, last int
	}{
		{"excel-variant-c.csv", IdentityConnect, 3, 0, 2, 4},
		{"variant-a.csv", IdentityConnect, 2, 0, 2, 3},
		{"variant-b.csv", IdentityConnect, 1, 0, 2, 2},
		{"saml-2024.csv", IdentitySAML, 2, 0, 2, 3},
		{"home-made.csv", IdentityConnect, 2, 0, 2, 3},
		{"problems.csv", IdentityConnect, 0, 5, 2, 7},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := readSample(t, tt.file)
			checked := Validate(f, ValidateOptions{Identity: tt.identity})
			s := Summarize(checked)
			if s.Valid != tt.valid || s.Invalid != tt.invalid {
				var b bytes.Buffer
				_ = WriteReport(&b, "text", checked)
				t.Fatalf("got %v, want %d valid, %d invalid\n%s", s, tt.valid, tt.invalid, b.String())
			}
			if checked[0].Row.Line != tt.firstLine || checked[len(checked)-1].Row.Line != tt.last {
				t.Errorf("lines %d..%d, want %d..%d", checked[0].Row.Line, checked[len(checked)-1].Row.Line, tt.firstLine, tt.last)
			}
		})
	}
}

func TestWriteReportText(t *testing.T) {
	checked := Validate(readSample(t, "problems.csv"), ValidateOptions{})
	var b bytes.Buffer
	if err := WriteReport(&b, "text", checked); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if got := lines[len(lines)-1]; got != "5 rows: 0 valid, 5 invalid" {
		t.Errorf("last line %q", got)
	}
	for _, want := range []string{
		`line 3: column "first name": missing first name; hint: every agent needs a first name`,
		`line 3: column "phone number": "4255550100" is not in E.164 form; hint: write it with + and the country code, for example +14255550100`,
		`line 2: column "user login": user login "jdoe" is also on line 4`,
		`line 4: column "user login": user login "JDOE" is also on line 2`,
		`line 6: the row has 10 fields but the header has 11`,
		`line 7: column "phone type (soft/desk)": "mobile" is not a phone type; hint: write soft or desk`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "short") {
		t.Errorf("the report shows a password:\n%s", out)
	}
	// A line per problem, then the summary.
	n := 0
	for _, c := range checked {
		n += len(c.Problems) + len(c.Warnings)
	}
	if len(lines) != n+1 {
		t.Errorf("%d lines for %d problems", len(lines), n)
	}
}

func TestWriteReportWarnings(t *testing.T) {
	cells := validCells()
	cells[ColLogin] = strings.Repeat("a", 25)
	f := readString(t, csvOf(t, variantC, variantCColumns, cells))
	var b bytes.Buffer
	if err := WriteReport(&b, "text", Validate(f, ValidateOptions{})); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), `line 2: warning: column "user login": `) || !strings.HasSuffix(b.String(), "1 rows: 1 valid, 0 invalid\n") {
		t.Errorf("report:\n%s", b.String())
	}
}

func TestWriteReportJSON(t *testing.T) {
	checked := Validate(readSample(t, "problems.csv"), ValidateOptions{})
	var b bytes.Buffer
	if err := WriteReport(&b, "json", checked); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Rows, Valid, Invalid int
		Problems             []Problem
		Warnings             []Problem
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if got.Rows != 5 || got.Valid != 0 || got.Invalid != 5 || got.Warnings == nil {
		t.Errorf("counts %+v", got)
	}
	found := false
	for _, p := range got.Problems {
		if p.Line == 3 && p.Column == "phone number" && p.Value == "4255550100" && strings.Contains(p.Hint, "+14255550100") {
			found = true
		}
		if p.Column == "password" && p.Value != "" {
			t.Errorf("a password problem carries its value: %+v", p)
		}
	}
	if !found {
		t.Errorf("the phone number problem is missing: %s", b.String())
	}
	if strings.Contains(b.String(), "short") {
		t.Errorf("the report shows a password")
	}
}

func TestWriteReportUnknownFormat(t *testing.T) {
	if err := WriteReport(&bytes.Buffer{}, "xml", nil); err == nil {
		t.Error("want an error for an unknown format")
	}
}
