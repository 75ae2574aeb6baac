package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The input's own columns go into the results file after the tool's, by
// name: written, appended, read back by --resume (wherever the file has
// them), kept through the final rewrite; a file without them still resumes.
func TestCarriedColumns(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	cells := map[int][]string{2: {"likes tea", "=1+1"}, 3: {"prefers mornings", ""}}
	carry := CarriedColumns{Names: []string{"Notes", "start date"}, Cells: func(line int) []string { return cells[line] }}
	l, err := CreateCarrying(path, false, carry)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(outcome(2, Created)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	raw := readFile(t, path)
	if want := fileHeader[:len(fileHeader)-1] + ",Notes,start date\n"; !strings.HasPrefix(raw, want) {
		t.Fatalf("file begins %q, want %q", raw[:min(len(raw), len(want))], want)
	}
	if !strings.HasSuffix(raw, ",likes tea,'=1+1\n") {
		t.Fatalf("row 2 does not end with its carried cells, neutralised: %q", raw)
	}

	// The file with its columns reordered (a spreadsheet): Resume reads the
	// carried cells by name, and without the run carrying them, keeps them.
	lines := strings.Split(strings.TrimPrefix(raw, utf8BOM), "\n")
	reorder := func(line string) string {
		f := strings.Split(line, ",")
		n := len(f)
		return strings.Join(append([]string{f[n-1], f[n-2]}, f[:n-2]...), ",")
	}
	moved := reorder(lines[0]) + "\n" + reorder(lines[1]) + "\n"
	if err := os.WriteFile(path, []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	l, rows, err := ResumeCarrying(path, CarriedColumns{})
	if err != nil {
		t.Fatal(err)
	}
	if rows[2] != outcome(2, Created) {
		t.Fatalf("row 2 read back as %+v", rows[2])
	}
	if err := l.Append(outcome(3, Exists)); err != nil {
		t.Fatal(err)
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); !strings.HasPrefix(got, moved) || !strings.HasPrefix(got[len(moved):], ",,3,") {
		t.Fatalf("appended row does not follow the file's header: %q", got)
	}
	if err := l.Finish([]Outcome{rows[2], outcome(3, Exists)}); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimPrefix(readFile(t, path), utf8BOM), "\n")
	if got[0] != headerLine[:len(headerLine)-1]+",start date,Notes" || !strings.HasSuffix(got[1], ",'=1+1,likes tea") || !strings.HasSuffix(got[2], ",,") {
		t.Fatalf("after Finish:\n%s", strings.Join(got, "\n"))
	}

	// A results file without them resumes; the run's cells go in at Finish.
	old := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(old, []byte(headerLine+string(encode(outcome(2, Created).record(Header)))), 0o600); err != nil {
		t.Fatal(err)
	}
	l, rows, err = ResumeCarrying(old, carry)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(outcome(3, Failed)); err != nil {
		t.Fatal(err)
	}
	if err := l.Finish([]Outcome{rows[2], outcome(3, Failed)}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(old)
	if err != nil || back[2] != outcome(2, Created) || back[3] != outcome(3, Failed) {
		t.Fatalf("Load after Finish: %+v, %v", back, err)
	}
	if got := readFile(t, old); !strings.Contains(got, ","+Header[len(Header)-1]+",Notes,start date\n") || !strings.Contains(got, ",prefers mornings,\n") {
		t.Fatalf("old file after Finish: %q", got)
	}
}

// A carried column named as one of the results file's own is not carried:
// the file would have two columns of that name, and could not be read.
func TestCarriedColumnNamedAsOwn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := CreateCarrying(path, false, CarriedColumns{Names: []string{"Status", "notes"}, Cells: func(int) []string { return []string{"mine", "n"} }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Finish([]Outcome{outcome(2, Exists)}); err != nil {
		t.Fatal(err)
	}
	rows, err := Load(path)
	if err != nil || rows[2] != outcome(2, Exists) {
		t.Fatalf("Load: %+v, %v", rows, err)
	}
	if got := readFile(t, path); !strings.Contains(got, ","+Header[len(Header)-1]+",notes\n") || !strings.HasSuffix(got, ",n\n") {
		t.Fatalf("file %q", got)
	}
}

// What gocsv gets wrong on its own (csvrows.go): a byte order mark before
// a quoted first header, header names in another case, and the line of a
// bad row after a cell that spans lines.
func TestResultsReaderAroundGocsv(t *testing.T) {
	dir := t.TempDir()
	multi := outcome(2, Failed)
	multi.Error = "first\nsecond\nthird"
	row2 := string(encode(multi.record(Header)))
	quoted := utf8BOM + `"Line"` + strings.ToUpper(headerLine[len("line"):]) + row2
	path := filepath.Join(dir, "quoted.csv")
	if err := os.WriteFile(path, []byte(quoted), 0o600); err != nil {
		t.Fatal(err)
	}
	rows, err := Load(path)
	if err != nil || rows[2] != multi {
		t.Fatalf("Load: %+v, %v", rows, err)
	}
	bad := filepath.Join(dir, "bad.csv")
	row3 := string(encode(outcome(3, Exists).record(Header)))
	content := headerLine + row2 + strings.Replace(row3, "exists", "done", 1) + row3
	if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "row on line 5:") {
		t.Fatalf("Load of a bad row on line 5: %v", err)
	}
}
