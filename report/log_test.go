package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const headerLine = "line,user login,first name,last name,email,routing profile,status,connect user id,sso user id,password,sign-in url,error,changes,instance,steps,creation token\n"

// fileHeader is how a results file this version writes begins: a UTF-8
// byte order mark (for Excel), then the header.
const fileHeader = utf8BOM + headerLine

// outcome returns a plausible row for line.
func outcome(line int, status Status) Outcome {
	o := Outcome{
		Line:           line,
		Login:          fmt.Sprintf("agent%d", line),
		FirstName:      "Ana",
		LastName:       "Lima",
		Email:          fmt.Sprintf("agent%d@example.com", line),
		RoutingProfile: "Basic Routing Profile",
		Status:         status,
	}
	switch status {
	case Created:
		o.ConnectUserID = fmt.Sprintf("00000000-0000-0000-0000-%012d", line)
		o.Password = fmt.Sprintf("Pw%dxYz7Abcdefgh", line)
		o.SignInURL = "https://example.my.connect.aws/"
	case Failed:
		o.Error = "create user: ThrottlingException: rate exceeded"
	}
	return o
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func checkMode(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", filepath.Base(path), fi.Mode().Perm())
	}
}

// checkNoTemp fails if a temporary file was left in dir.
func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) > 0 {
		t.Errorf("temporary files left behind: %v", names)
	}
}

func TestHeader(t *testing.T) {
	if got := strings.Join(Header, ",") + "\n"; got != headerLine {
		t.Errorf("Header = %q, want %q", got, headerLine)
	}
	path := filepath.Join(t.TempDir(), "agents-results.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != fileHeader {
		t.Errorf("new results file holds %q, want just the header", got)
	}
	checkMode(t, path)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	checkNoTemp(t, filepath.Dir(path))
}

func TestCreateRefusesExistingFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agents-results.csv")
	old := "results of an earlier run\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Create(path, false)
	if !errors.Is(err, ErrExists) {
		t.Fatalf("Create without force over an existing file: %v, want ErrExists", err)
	}
	if l != nil {
		t.Error("Create returned a log with its error")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if got := readFile(t, path); got != old {
		t.Errorf("the existing file was changed to %q", got)
	}
	checkNoTemp(t, dir)

	l, err = Create(path, true)
	if err != nil {
		t.Fatalf("Create with force: %v", err)
	}
	defer l.Close()
	if got := readFile(t, path); got != fileHeader {
		t.Errorf("forced results file holds %q, want just the header", got)
	}
	checkMode(t, path) // not the old file's 0644
	checkNoTemp(t, dir)
}

func TestNeutralisedRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	o := Outcome{
		Line:           7,
		Login:          "=HYPERLINK(\"http://evil\",\"click\")",
		FirstName:      "+Ana",
		LastName:       "-Lima",
		Email:          "@example.com",
		RoutingProfile: "\tBasic, \"quoted\"",
		Status:         Created,
		ConnectUserID:  "'already quoted",
		SSOUserID:      "\r=1",
		Password:       "-Supplied1",
		SignInURL:      "https://example.my.connect.aws/",
		Error:          "two\nlines",
	}
	if err := l.Append(o); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	raw := readFile(t, path)
	for _, want := range []string{"\n7,", `"'=HYPERLINK(""http://evil"",""click"")"`, ",'+Ana,'-Lima,'@example.com,", `"'` + "\tBasic", `''already quoted`, ",'-Supplied1,"} {
		if !strings.Contains(raw, want) {
			t.Errorf("results file lacks %q:\n%s", want, raw)
		}
	}
	rows, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, map[int]Outcome{7: o}) {
		t.Errorf("Load gave %+v, want %+v", rows[7], o)
	}
}

func TestAppendRejectsBadOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, o := range []Outcome{{Line: 0, Status: Created}, {Line: 2, Status: "done"}} {
		if err := l.Append(o); err == nil {
			t.Errorf("Append(%+v) gave no error", o)
		}
	}
	if got := readFile(t, path); got != fileHeader {
		t.Errorf("rejected rows were written: %q", got)
	}
}

func TestConcurrentAppends(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	const workers, perWorker = 8, 200
	want := map[int]Outcome{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		var mine []Outcome
		for i := range perWorker {
			line := 2 + w*perWorker + i
			status := []Status{Created, Exists, Failed, NotAttempted}[i%4]
			mine = append(mine, outcome(line, status))
			want[line] = mine[len(mine)-1]
		}
		wg.Go(func() {
			for _, o := range mine {
				if err := l.Append(o); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load gave %d rows, want %d; contents differ", len(got), len(want))
	}
	if n := strings.Count(readFile(t, path), "\n"); n != 1+workers*perWorker {
		t.Errorf("file has %d lines, want %d", n, 1+workers*perWorker)
	}
}

func TestLaterRowSupersedes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	created := outcome(2, Created)
	ahead := created
	ahead.Status, ahead.ConnectUserID = NotAttempted, "" // the write-ahead row
	for _, o := range []Outcome{ahead, outcome(3, Exists), created} {
		if err := l.Append(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if rows[2] != created || rows[3] != outcome(3, Exists) || len(rows) != 2 {
		t.Errorf("Load gave %+v; want line 2 created and line 3 exists", rows)
	}

	// Resume gives the same rows and appends after them.
	l, resumed, err := Resume(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resumed, rows) {
		t.Errorf("Resume gave %+v, Load %+v", resumed, rows)
	}
	if err := l.Append(outcome(3, Failed)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if rows, err = Load(path); err != nil || rows[3].Status != Failed || rows[2] != created {
		t.Errorf("after resume and append: %+v, %v", rows, err)
	}
	if err := l.Append(outcome(4, Exists)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}

// TestTornLastRow cuts the last row at every byte, as a power cut could,
// and checks that Load ignores it and Resume cuts it off before appending.
func TestTornLastRow(t *testing.T) {
	dir := t.TempDir()
	first := outcome(2, Created)
	last := outcome(3, Failed)
	last.Error = "create user: \"quoted\",\nmultiline\nmessage"
	whole := headerLine + string(encode(first.record(Header)))
	lastRow := string(encode(last.record(Header)))
	for cut := range len(lastRow) { // every proper prefix of the last row, even empty
		path := filepath.Join(dir, fmt.Sprintf("torn%d.csv", cut))
		if err := os.WriteFile(path, []byte(whole+lastRow[:cut]), 0o600); err != nil {
			t.Fatal(err)
		}
		rows, err := Load(path)
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if len(rows) != 1 || rows[2] != first {
			t.Fatalf("cut at %d: Load gave %+v, want line 2 only", cut, rows)
		}
		l, rows, err := Resume(path)
		if err != nil {
			t.Fatalf("cut at %d: Resume: %v", cut, err)
		}
		if len(rows) != 1 || rows[2] != first {
			t.Fatalf("cut at %d: Resume gave %+v, want line 2 only", cut, rows)
		}
		if err := l.Append(last); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, path); got != whole+lastRow {
			t.Fatalf("cut at %d: after Resume and Append the file is %q, want %q", cut, got, whole+lastRow)
		}
	}
}

func TestTornHeader(t *testing.T) {
	dir := t.TempDir()
	// A file of an older version has no byte order mark; one of this
	// version's starts with it, and the tear may fall inside it too.
	var torn []string
	for _, h := range []string{headerLine, fileHeader} {
		for _, cut := range []int{0, 1, 2, 3, 4, len(h) / 2, len(h) - 1} {
			torn = append(torn, h[:cut])
		}
	}
	for cut, data := range torn {
		path := filepath.Join(dir, fmt.Sprintf("torn%d.csv", cut))
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		l, rows, err := Resume(path)
		if err != nil {
			t.Fatalf("header cut at %d: %v", cut, err)
		}
		if len(rows) != 0 {
			t.Errorf("header cut at %d: %d rows", cut, len(rows))
		}
		if err := l.Append(outcome(2, Exists)); err != nil {
			t.Fatal(err)
		}
		l.Close()
		if got, want := readFile(t, path), fileHeader+string(encode(outcome(2, Exists).record(Header))); got != want {
			t.Errorf("header cut at %d: file is %q, want %q", cut, got, want)
		}
	}
}

func TestLoadRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	row := string(encode(outcome(2, Exists).record(Header)))
	tests := map[string]string{
		"agents input":      "first name,last name,user login\nAna,Lima,ana\n",
		"header misspelt":   strings.Replace(headerLine, "sso user id", "sso usr id", 1) + row,
		"bad row in middle": headerLine + "2,ana\n" + row,
		"bad line number":   headerLine + strings.Replace(row, "2,", "two,", 1) + row,
		"unknown status":    headerLine + strings.Replace(row, "exists", "Exists", 1) + row,
	}
	for name, content := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); err == nil {
			t.Errorf("%s: Load gave no error", name)
		}
		if _, _, err := Resume(path); err == nil {
			t.Errorf("%s: Resume gave no error", name)
		}
		if got := readFile(t, path); got != content {
			t.Errorf("%s: Resume changed the file to %q", name, got)
		}
	}
}

func TestLoadExcelSavedFile(t *testing.T) {
	// The same rows after a spreadsheet saved them: a BOM and CRLF line ends.
	rows := headerLine + string(encode(outcome(2, Created).record(Header))) + string(encode(outcome(3, Exists).record(Header)))
	path := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(path, []byte("\ufeff"+strings.ReplaceAll(rows, "\n", "\r\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[2] != outcome(2, Created) || got[3] != outcome(3, Exists) {
		t.Errorf("Load gave %+v", got)
	}
}

func TestFinish(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	// Outcomes arrive out of order, some twice.
	for _, o := range []Outcome{outcome(4, NotAttempted), outcome(3, Exists), outcome(2, Failed), outcome(4, Created)} {
		if err := l.Append(o); err != nil {
			t.Fatal(err)
		}
	}
	final := []Outcome{outcome(2, Failed), outcome(3, Exists), outcome(4, Created), outcome(5, Invalid)}
	if err := l.Finish(final); err != nil {
		t.Fatal(err)
	}
	want := fileHeader
	for _, o := range final {
		want += string(encode(o.record(Header)))
	}
	if got := readFile(t, path); got != want {
		t.Errorf("finished file:\n%s\nwant:\n%s", got, want)
	}
	checkMode(t, path)
	checkNoTemp(t, dir)
	if err := l.Append(outcome(6, Exists)); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Finish: %v, want ErrClosed", err)
	}
	if err := l.Finish(final); !errors.Is(err, ErrClosed) {
		t.Errorf("Finish twice: %v, want ErrClosed", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close after Finish: %v", err)
	}
}

// TestFinishFailureKeepsFile makes the final rename fail and checks that the
// results file is still the appended one, whole, and the log still usable.
func TestFinishFailureKeepsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(outcome(2, Created)); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, path)

	renameFile = func(string, string) error { return errors.New("disk full") }
	err = l.Finish([]Outcome{outcome(2, Created), outcome(3, Exists)})
	renameFile = os.Rename
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Finish with a failing rename: %v", err)
	}
	if got := readFile(t, path); got != before {
		t.Errorf("after a failed Finish the file is %q, want %q", got, before)
	}
	checkNoTemp(t, dir)

	if err := l.Append(outcome(3, Exists)); err != nil {
		t.Fatalf("Append after a failed Finish: %v", err)
	}
	if err := l.Finish([]Outcome{outcome(2, Created), outcome(3, Exists)}); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, path), fileHeader+string(encode(outcome(2, Created).record(Header)))+string(encode(outcome(3, Exists).record(Header))); got != want {
		t.Errorf("file %q, want %q", got, want)
	}
}

func TestFinishRejectsBadOutcome(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Finish([]Outcome{outcome(2, Created), {Line: 3}}); err == nil {
		t.Error("Finish with a row without status gave no error")
	}
	if got := readFile(t, path); got != fileHeader {
		t.Errorf("file %q, want the header only", got)
	}
}

func TestWriteRetry(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agents-retry.csv")
	header := []string{"First Name", "Last Name", "Email Address", "Password", "User Login", "Routing Profile Name"}
	records := [][]string{
		{"Ana", "Lima", "ana@example.com", "", "ana", "Basic Routing Profile"},
		{"Bo", "Chen, Jr.", "bo@example", "-Secret1x", "bo", "Sales \"East\""},
	}
	if err := WriteRetry(path, header, records, false); err != nil {
		t.Fatal(err)
	}
	want := utf8BOM + "First Name,Last Name,Email Address,Password,User Login,Routing Profile Name\n" +
		"Ana,Lima,ana@example.com,,ana,Basic Routing Profile\n" +
		"Bo,\"Chen, Jr.\",bo@example,'-Secret1x,bo,\"Sales \"\"East\"\"\"\n"
	if got := readFile(t, path); got != want {
		t.Errorf("retry file:\n%s\nwant:\n%s", got, want)
	}
	checkMode(t, path)

	err := WriteRetry(path, header, records[:1], false)
	if !errors.Is(err, ErrExists) {
		t.Errorf("WriteRetry over an existing file without force: %v, want ErrExists", err)
	}
	if got := readFile(t, path); got != want {
		t.Errorf("the refused write changed the file to %q", got)
	}
	if err := WriteRetry(path, header, records[:1], true); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, path), want[:strings.Index(want, "Bo,")]; got != want {
		t.Errorf("forced retry file %q, want %q", got, want)
	}
	checkNoTemp(t, dir)
}

func TestCreateInMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "r.csv")
	if _, err := Create(path, false); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("Create in a missing folder: %v", err)
	}
	if err := WriteRetry(path, []string{"a"}, nil, false); err == nil {
		t.Error("WriteRetry in a missing folder gave no error")
	}
}

func BenchmarkAppend(b *testing.B) {
	for _, bench := range []struct {
		name   string
		status Status
	}{{"exists", Exists}, {"password", Created}} {
		b.Run(bench.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "r.csv")
			l, err := Create(path, false)
			if err != nil {
				b.Fatal(err)
			}
			o := outcome(2, bench.status)
			for b.Loop() {
				o.Line++
				if err := l.Append(o); err != nil {
					b.Fatal(err)
				}
			}
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
	// Workers appending password rows at once share fsyncs (group commit).
	b.Run("password-parallel", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "r.csv")
		l, err := Create(path, false)
		if err != nil {
			b.Fatal(err)
		}
		var line atomic.Int64
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := l.Append(outcome(int(line.Add(1))+1, Created)); err != nil {
					b.Error(err)
					return
				}
			}
		})
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	})
}

// TestWriteFailureIsSticky checks that after a failed write, which may have
// left part of a row in the file, nothing more is appended after it.
func TestWriteFailureIsSticky(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(outcome(2, Exists)); err != nil {
		t.Fatal(err)
	}
	l.f.Close() // every later write fails
	first := l.Append(outcome(3, Exists))
	if first == nil {
		t.Fatal("Append to a closed descriptor gave no error")
	}
	if err := l.Append(outcome(4, Created)); err != first {
		t.Errorf("second Append: %v, want the first failure %v", err, first)
	}
	if err := l.Sync(); err == nil {
		t.Error("Sync after a failed write gave no error")
	}
	if err := l.Close(); err == nil {
		t.Error("Close after a failed write gave no error")
	}
	// Finish writes a new file, so it can still save the run.
	l2, err := Create(path, true)
	if err != nil {
		t.Fatal(err)
	}
	l2.f.Close()
	if err := l2.Append(outcome(2, Exists)); err == nil {
		t.Fatal("Append to a closed descriptor gave no error")
	}
	if err := l2.Finish([]Outcome{outcome(2, Exists)}); err != nil {
		t.Fatalf("Finish after a failed append: %v", err)
	}
	if got, want := readFile(t, path), fileHeader+string(encode(outcome(2, Exists).record(Header))); got != want {
		t.Errorf("file %q, want %q", got, want)
	}
}

// TestCreateWithoutHardLinks checks the way taken on file systems that have
// no hard links.
func TestCreateWithoutHardLinks(t *testing.T) {
	linkFile = func(string, string) error { return &os.LinkError{Op: "link", Err: errors.ErrUnsupported} }
	defer func() { linkFile = os.Link }()
	dir := t.TempDir()
	path := filepath.Join(dir, "r.csv")
	l, err := Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(outcome(2, Created)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := readFile(t, path), fileHeader+string(encode(outcome(2, Created).record(Header))); got != want {
		t.Errorf("file %q, want %q", got, want)
	}
	checkMode(t, path)
	if _, err := Create(path, false); !errors.Is(err, ErrExists) {
		t.Errorf("Create over an existing file: %v, want ErrExists", err)
	}
	if err := WriteRetry(path, []string{"a"}, nil, false); !errors.Is(err, ErrExists) {
		t.Errorf("WriteRetry over an existing file: %v, want ErrExists", err)
	}
	checkNoTemp(t, dir)
}

// Excel reads a CSV file without a byte order mark in the Windows code page:
// a retry file holding "José" would open as "JosÃ©", and be saved back so.
// A retry file starts with the UTF-8 byte order mark Excel writes itself;
// one that is not UTF-8 at all (a file saved in Windows-1252 is written back
// in it) gets none.
func TestWriteRetryByteOrderMark(t *testing.T) {
	header := []string{"first name", "last name", "user login"}
	tests := []struct {
		name   string
		record []string
		bom    bool
	}{
		{"ASCII", []string{"Ana", "Lima", "ana"}, true},
		{"accents", []string{"José", "O’Brien", "jose"}, true},
		{"Windows-1252", []string{"Jos\xe9", "O\x92Brien", "jose"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "agents-retry.csv")
			if err := WriteRetry(path, header, [][]string{tt.record}, false); err != nil {
				t.Fatal(err)
			}
			got := readFile(t, path)
			if strings.HasPrefix(got, utf8BOM) != tt.bom {
				t.Fatalf("byte order mark %v, want %v: %q", !tt.bom, tt.bom, got)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(got, utf8BOM))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 || !slices.Equal(recs[0], header) || !slices.Equal(recs[1], tt.record) {
				t.Errorf("read back %q", recs)
			}
		})
	}
}

// A results file written before the changes and instance columns existed
// (twelve columns) still loads and resumes; rows appended to it follow its
// own header, and Finish rewrites it with today's.
func TestResumeTwelveColumnFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old-results.csv")
	old := strings.Join(ContractHeader, ",") + "\n" +
		"2,agent2,Ana,Lima,agent2@example.com,Basic Routing Profile,created,id-2,,Pw2xYz7Abcdefgh,https://example.my.connect.aws/,\n"
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	l, rows, err := Resume(path)
	if err != nil {
		t.Fatal(err)
	}
	if o := rows[2]; o.Status != Created || o.Password != "Pw2xYz7Abcdefgh" || o.ConnectUserID != "id-2" {
		t.Fatalf("row 2 = %+v", o)
	}
	next := outcome(3, Exists)
	next.Changes = "routing profile: A -> B"
	if err := l.Append(next); err != nil {
		t.Fatal(err)
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	// The appended row has twelve fields, like the file's header.
	if got, want := readFile(t, path), old+string(encode(next.record(ContractHeader))); got != want {
		t.Fatalf("file %q, want %q", got, want)
	}
	if err := l.Finish([]Outcome{rows[2], next}); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if back[3].Changes != next.Changes || back[2].Password != "Pw2xYz7Abcdefgh" {
		t.Fatalf("after Finish: %+v", back)
	}
	if first, _, _ := strings.Cut(readFile(t, path), "\n"); first != utf8BOM+strings.Join(Header, ",") {
		t.Fatalf("header after Finish %q", first)
	}
}

// Columns are found by name: reordered, with a column unknown to this
// version, in another case, the file reads right.
func TestLoadReorderedUnknownColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.csv")
	content := "Status,password,extra column,line,user login,first name,last name,email,routing profile,connect user id,sso user id,sign-in url,error,instance\n" +
		"created,Pw2xYz7Abcdefgh,whatever,2,agent2,Ana,Lima,a@example.com,Basic,id-2,,https://x/,,inst-1\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	rows, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Outcome{Line: 2, Login: "agent2", FirstName: "Ana", LastName: "Lima", Email: "a@example.com",
		RoutingProfile: "Basic", Status: Created, ConnectUserID: "id-2", Password: "Pw2xYz7Abcdefgh",
		SignInURL: "https://x/", Instance: "inst-1"}
	if rows[2] != want {
		t.Fatalf("row 2 = %+v, want %+v", rows[2], want)
	}
}
