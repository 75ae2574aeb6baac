package agentfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzReadValidate reads and validates arbitrary input: it must never panic
// or hang, a file is either usable or a *FileError, every data row yields
// exactly one Checked, validating as the file is read agrees with validating it whole,
// and a password never reaches a problem.
//
//	go test -run '^$' -fuzz FuzzReadValidate -fuzztime 3m ./agentfile/
func FuzzReadValidate(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	f.Add([]byte(csvOf(f, variantC, variantCColumns, validCells())), uint8(1))
	f.Add([]byte("\ufeff\"first name\",last name,user login,routing profile name,security_profile_name_1|security_profile_name_2\r\n\"a\"\"b\",c,d,e,f\r\n"), uint8(2))
	f.Add([]byte("first name,last name,user login,routing profile name,tags,security profiles,userhierarchy\nJ,D,x@y.z,R,a|b||c|d,A|B,x/y/z,extra\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := ValidateOptions{IdentityCenter: mode&4 != 0}
		switch mode % 4 {
		case 0:
			opts.Identity = IdentityConnect
		case 1:
			opts.Identity = IdentitySAML
		case 2:
			opts.Identity = IdentityDirectory
		}
		ropts := ReadOptions{Identity: opts.Identity}
		if mode&8 != 0 {
			ropts.Keep = []string{"team lead", "extra"}
		}
		file, err := Read(context.Background(), bytes.NewReader(data), ropts)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("a read error that is not a *FileError: %v", err)
			}
			if strings.ContainsAny(fe.Error(), "\n") && !strings.Contains(fe.Column, "\n") {
				t.Fatalf("FileError is not one line: %q", fe.Error())
			}
			return
		}
		if len(file.Rows) == 0 || len(file.Columns) != len(file.Header) {
			t.Fatalf("%d rows, %d columns for %d header fields", len(file.Rows), len(file.Columns), len(file.Header))
		}
		checked := Validate(file, opts)
		if len(checked) != len(file.Rows) {
			t.Fatalf("%d results for %d rows", len(checked), len(file.Rows))
		}
		// Validating as the file is read says the same as validating it
		// whole.
		scan, err := NewScanner(bytes.NewReader(data), ropts)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := ValidateRows(context.Background(), scan, opts)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Summary != Summarize(checked) {
			t.Fatalf("streamed %+v, whole %+v", rep.Summary, Summarize(checked))
		}
		var said []Checked
		for _, c := range checked {
			if len(c.Problems)+len(c.Warnings) > 0 {
				said = append(said, Checked{Row: Row{Line: c.Row.Line}, Problems: c.Problems, Warnings: c.Warnings})
			}
		}
		if len(said) != len(rep.Rows) {
			t.Fatalf("streamed %d rows with problems, whole %d", len(rep.Rows), len(said))
		}
		for i := range said {
			if said[i].Row.Line != rep.Rows[i].Row.Line || len(said[i].Problems) != len(rep.Rows[i].Problems) || len(said[i].Warnings) != len(rep.Rows[i].Warnings) {
				t.Fatalf("streamed %+v, whole %+v", rep.Rows[i], said[i])
			}
		}
		prev := 0
		for i, c := range checked {
			if c.Row.Line != file.Rows[i].Line || c.Row.Line <= prev {
				t.Fatalf("row %d: line %d after line %d", i, c.Row.Line, prev)
			}
			prev = c.Row.Line
			if (c.Agent == nil) != (len(c.Problems) > 0) {
				t.Fatalf("line %d: agent %v with %d problems", c.Row.Line, c.Agent != nil, len(c.Problems))
			}
			pw := strings.TrimSpace(file.Value(c.Row, ColPassword))
			// Only a password that fixed message text cannot contain, and
			// that no other cell holds, can be told apart in a message.
			telling := passwordLike(pw) && !otherCellHolds(c.Row.Record, file.Columns, pw)
			for _, p := range append(c.Problems, c.Warnings...) {
				if p.Line != c.Row.Line {
					t.Fatalf("problem on line %d for the row on line %d", p.Line, c.Row.Line)
				}
				if telling && (strings.Contains(p.Message, pw) || strings.Contains(p.Value, pw) || strings.Contains(p.Hint, pw)) {
					t.Fatalf("a problem shows the password: %+v", p)
				}
			}
		}
		var out bytes.Buffer
		if err := WriteReport(&out, "text", checked); err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(out.String(), "\n")
		want := 1
		for _, c := range checked {
			want += len(c.Problems) + len(c.Warnings)
		}
		if lines != want {
			t.Fatalf("text report has %d lines, want %d", lines, want)
		}
		out.Reset()
		if err := WriteReport(&out, "json", checked); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatal("the JSON report is not valid JSON")
		}
	})
}

// passwordLike is a string with a lower-case and an upper-case letter and a
// digit, at least 8 long, without spaces or |: nothing in the fixed text of
// messages looks like it.
func passwordLike(s string) bool {
	var lower, upper, digit bool
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upper = true
		case '0' <= r && r <= '9':
			digit = true
		case r == ' ' || r == '|':
			return false
		}
	}
	return len(s) >= 8 && lower && upper && digit
}

// otherCellHolds says whether a cell other than the password holds s, in
// which case a problem about that cell may rightly show it.
func otherCellHolds(rec []string, columns []Column, s string) bool {
	for i, v := range rec {
		if (i >= len(columns) || columns[i] != ColPassword) && strings.Contains(v, s) {
			return true
		}
	}
	return false
}

// A large input is read and validated in bounded time (no quadratic path):
// cells as large as the bounds of bounds.go let through.
func TestReadValidateLargeCellsBounded(t *testing.T) {
	var names, tags strings.Builder
	for i := range 10_000 {
		fmt.Fprintf(&names, "p%d|", i)
		fmt.Fprintf(&tags, "k%d|v||", i)
	}
	in := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,tags,userhierarchy\n" +
		"Jane,Doe,jdoe," + names.String() + "," + names.String() + "," + tags.String() + "," + strings.Repeat("a/", 50_000) + "\n"
	start := time.Now()
	f, err := Read(context.Background(), strings.NewReader(in), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := Validate(f, ValidateOptions{})
	if len(c) != 1 || c[0].Agent != nil {
		t.Fatalf("want one invalid row, got %+v", c)
	}
	if n := len(c[0].Problems) + len(c[0].Warnings); n > 10 {
		t.Errorf("%d problems for four runaway cells", n)
	}
	if err := WriteReport(io.Discard, "text", c); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
