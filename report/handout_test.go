package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestSafeFileNames(t *testing.T) {
	for _, tc := range []struct{ team, want string }{
		{"Example Corp|Support|Tier 1", "example-corp-support-tier-1"},
		{"../../etc/passwd", "etc-passwd"},
		{`C:\Windows\System32`, "c-windows-system32"},
		{"...", "team"},
		{"", "no-team"},
		{"   ", "no-team"},
		{"CON", "team-con"},
		{"lpt1", "team-lpt1"},
		{"Équipe Nord", "équipe-nord"}, // NFC, lower case, letters of any script
		{"E\u0301quipe Nord", "équipe-nord"},
		{"营销 团队", "营销-团队"},
		{"Ana O'Neil\x00\n", "ana-o-neil"},
		{"=cmd|' /C calc'!A0", "cmd-c-calc-a0"},
		{strings.Repeat("abcdefghij", 10), strings.Repeat("abcdefghij", 6)[:59]},
	} {
		if got := safeFileName(tc.team); got != tc.want {
			t.Errorf("safeFileName(%q) = %q, want %q", tc.team, got, tc.want)
		}
	}
}

var safeName = regexp.MustCompile(`^[\p{L}\p{N}]+(-[\p{L}\p{N}]+)*$`)

// Teams whose names differ only by what was replaced, or by case, still get
// files of their own, on any file system; a team's name does not depend on
// the others unless they clash.
func TestSafeFileNamesClash(t *testing.T) {
	teams := []string{"", "../a", "A", "Tier 1", "Tier-1", "Tier/1", "no team", "tier 1", "tier-1-5f8c4b0a", "x", "X"}
	got := safeFileNames(teams)
	seen := map[string]string{}
	for _, team := range teams {
		name := got[team]
		if !safeName.MatchString(name) {
			t.Errorf("team %q: file name %q is not plain letters, digits and dashes", team, name)
		}
		key := foldKey(name)
		if other, dup := seen[key]; dup {
			t.Errorf("teams %q and %q share the file name %q", other, team, name)
		}
		seen[key] = team
	}
	if got["x"] == "x" || got["X"] == "x" {
		t.Errorf("x and X clash and must both get a suffix: %q, %q", got["x"], got["X"])
	}
	if got["../a"] == "a" || !strings.HasPrefix(got["../a"], "a-") {
		t.Errorf(`"../a" and "A" clash: got %q`, got["../a"])
	}
	// Without the clash a name stays plain.
	if one := safeFileNames([]string{"Tier 1", "Sales"}); one["Tier 1"] != "tier-1" {
		t.Errorf(`alone, "Tier 1" gets %q, want tier-1`, one["Tier 1"])
	}
	// The same team gets the same name every run.
	again := safeFileNames(teams)
	for _, team := range teams {
		if again[team] != got[team] {
			t.Errorf("team %q: %q then %q", team, got[team], again[team])
		}
	}
}

func TestNewPassphrase(t *testing.T) {
	shape := regexp.MustCompile(`^([bdfghjkmnprstvz][aeiou]){4}(-([bdfghjkmnprstvz][aeiou]){4}){3}$`)
	seen := map[string]bool{}
	syllables := map[string]int{}
	for range 2000 {
		p, err := NewPassphrase()
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(p) {
			t.Fatalf("passphrase %q is not 4 words of 4 syllables", p)
		}
		if seen[p] {
			t.Fatalf("passphrase %q came twice", p)
		}
		seen[p] = true
		s := strings.ReplaceAll(p, "-", "")
		for i := 0; i < len(s); i += 2 {
			syllables[s[i:i+2]]++
		}
	}
	// 32,000 syllables of 75: each is expected about 427 times; a biased or
	// truncated draw shows as a missing or rare one.
	if len(syllables) != 75 {
		t.Errorf("%d distinct syllables, want 75", len(syllables))
	}
	for s, n := range syllables {
		if n < 300 || n > 560 {
			t.Errorf("syllable %q drawn %d times of 32000, want about 427", s, n)
		}
	}
}

func TestSignInSteps(t *testing.T) {
	for _, tc := range []struct {
		name     string
		o        Outcome
		kind     string
		want     []string // in the steps
		wantNone []string
	}{
		{"connect", Outcome{Status: Created, Login: "jdoe", Password: "Pw1secretXY", Email: "j@example.com", SignInURL: "https://acme.my.connect.aws/"},
			SignInConnect, []string{"Open https://acme.my.connect.aws/ and sign in as jdoe with the password you were given", "does not ask you to change", "Forgot password?", "j@example.com"}, []string{"Pw1secretXY"}},
		{"connect without email", Outcome{Status: Created, Login: "jdoe", Password: "Pw1secretXY", SignInURL: "https://acme.my.connect.aws/"},
			SignInConnect, []string{"the password you were given", "ask your team lead"}, []string{"Forgot"}},
		{"identity center", Outcome{Status: Created, SSOUserID: "u-1", Login: "rpatel@example.com", Email: "r@example.com", SignInURL: "https://d-1234567890.awsapps.com/start"},
			SignInIdentityCenter, []string{"AWS access portal at https://d-1234567890.awsapps.com/start and enter your user name, rpatel@example.com.", "one-time password to r@example.com", "choose your own password", "Amazon Connect"}, nil},
		{"identity center exists", Outcome{Status: Exists, SSOUserID: "u-1", SignInURL: "https://d-1234567890.awsapps.com/start/"},
			SignInIdentityCenter, []string{"usual password"}, []string{"one-time"}},
		{"existing connect user", Outcome{Status: Exists, SignInURL: "https://acme.my.connect.aws/"},
			SignInOther, []string{"did not change"}, nil},
		{"other idp", Outcome{Status: Created, ConnectUserID: "c-1"},
			SignInOther, []string{"single sign-on", "the sign-in address your team lead gives you"}, nil},
		{"dry run", Outcome{Status: WouldCreate, Password: "Pw1secretXY"},
			SignInConnect, []string{"dry run"}, []string{"Pw1secretXY"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, steps := signInSteps(tc.o)
			if kind != tc.kind {
				t.Errorf("kind %q, want %q", kind, tc.kind)
			}
			all := strings.Join(steps, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("steps %q lack %q", all, w)
				}
			}
			for _, w := range tc.wantNone {
				if strings.Contains(all, w) {
					t.Errorf("steps %q hold %q", all, w)
				}
			}
		})
	}
}

func TestHandoutExt(t *testing.T) {
	for path, want := range map[string]string{
		"handout.tmpl":           ".txt",
		"page.html.tmpl":         ".html",
		"x/page.MD.gotmpl":       ".md",
		"page.html":              ".html",
		"page":                   ".txt",
		"weird.h t m l.tmpl":     ".txt",
		"toolongextension1.tmpl": ".txt",
	} {
		if got := handoutExt(path); got != want {
			t.Errorf("handoutExt(%q) = %q, want %q", path, got, want)
		}
	}
}

// A broken custom template is a clear error at parse time, naming the file
// and the place, and never a crash.
func TestParseHandoutTemplateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ text, want string }{
		{"{{range .Agents}}{{.Name}}", `handout template bad.tmpl: bad.tmpl:1: unexpected EOF`},
		{"{{range .Agents}}{{.Pasword}}{{end}}", `can't evaluate field Pasword`},
		{"{{.Team.Name}}", `can't evaluate field Name in type string`},
		{"{{index .Agents 7}}", `index out of range`},
		{"{{template \"nope\"}}", `template "nope" not defined`},
		{"{{upper .Team}}", `function "upper" not defined`},
	} {
		path := filepath.Join(dir, "bad.tmpl")
		if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := ParseHandoutTemplate(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "handout template bad.tmpl: ") {
			t.Errorf("template %q: error %v, want one starting \"handout template bad.tmpl: \" and saying %q", tc.text, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "sample-password") {
			t.Errorf("template %q: the error shows the sample password: %v", tc.text, err)
		}
	}
	if _, err := ParseHandoutTemplate(context.Background(), filepath.Join(dir, "missing.tmpl")); err == nil || !strings.Contains(err.Error(), "missing.tmpl") {
		t.Errorf("a missing template: error %v", err)
	}
}

func TestDefaultHandoutTemplate(t *testing.T) {
	tmpl, err := DefaultHandoutTemplate()
	if err != nil {
		t.Fatal(err)
	}
	rows := []Outcome{
		{Line: 2, FirstName: "Jane", LastName: "Doe", Login: "jdoe", Email: "jdoe@example.com", Status: Created, Password: "K7mP2xQ9rT4wZ8nB", SignInURL: "https://acme.my.connect.aws/"},
		{Line: 3, FirstName: "Raj", LastName: "Patel", Login: "rpatel@example.com", Email: "rpatel@example.com", Status: Created, SSOUserID: "u-1", SignInURL: "https://d-1234567890.awsapps.com/start"},
	}
	out, err := tmpl.render(handoutPage("", "team lead", rows))
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{
		"Name:        Jane Doe\nTeam:        no team lead\nUser name:   jdoe\nPassword:    K7mP2xQ9rT4wZ8nB\nSign in at:  https://acme.my.connect.aws/\n",
		"\n" + PageBreak + "AMAZON CONNECT: HOW TO SIGN IN\n",
		"User name:   rpatel@example.com\nSign in at:  https://d-1234567890.awsapps.com/start\n",
		"one-time password to rpatel@example.com",
		"Keep this page to yourself",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("handout lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, PageBreak); n != 1 {
		t.Errorf("%d page breaks for 2 agents, want 1", n)
	}
	if n := strings.Count(text, "Password:"); n != 1 {
		t.Errorf("%d password lines, want 1 (the Identity Center agent has none)", n)
	}
}

func sampleRows() ([]Outcome, map[int]string) {
	rows := []Outcome{
		{Line: 2, FirstName: "Jane", LastName: "Doe", Login: "jdoe", Status: Created, Password: "Pw-Jane-1x", SignInURL: "https://acme.my.connect.aws/"},
		{Line: 3, FirstName: "Raj", LastName: "Patel", Login: "rpatel", Status: Created, Password: "=Pw-Raj-2x", SignInURL: "https://acme.my.connect.aws/"},
		{Line: 4, FirstName: "Li", LastName: "Wei", Login: "lwei", Status: Failed, Password: "Pw-Li-3xx", Error: "create Connect user: throttled"},
		{Line: 5, FirstName: "Ann", LastName: "Lee", Login: "alee", Status: Exists, SignInURL: "https://acme.my.connect.aws/"},
	}
	teams := map[int]string{2: "Sales", 3: "Support", 4: "Sales", 5: "Sales"}
	return rows, teams
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Every CSV a team lead opens starts with a UTF-8 byte order mark, so
	// that Excel shows accented names right.
	if !bytes.HasPrefix(data, []byte(utf8BOM)) {
		t.Errorf("%s does not start with a UTF-8 byte order mark: %q", path, data[:min(len(data), 20)])
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(utf8BOM)))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Mode().Perm()
}

func TestWriteHandouts(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "agents-results-teams")
	rows, teams := sampleRows()
	got, err := WriteHandouts(ctx, dir, rows, teams, HandoutOptions{SplitBy: "team lead"})
	if err != nil {
		t.Fatal(err)
	}
	if m := mode(t, dir); m != 0o700 {
		t.Errorf("folder mode %o, want 700", m)
	}
	if got.HandedOut != 3 || got.NotHandedOut != 1 || len(got.Teams) != 2 {
		t.Fatalf("handouts %+v: want 3 agents in 2 teams, 1 not handed out", got)
	}
	sales := readCSV(t, filepath.Join(dir, "sales.csv"))
	if len(sales) != 3 || sales[1][3] != "jdoe" || sales[1][7] != "Pw-Jane-1x" || sales[2][3] != "alee" || sales[2][7] != "" {
		t.Errorf("sales.csv = %q", sales)
	}
	if strings.Join(sales[0], ",") != strings.Join(TeamHeader, ",") {
		t.Errorf("header %q", sales[0])
	}
	support := readCSV(t, filepath.Join(dir, "support.csv"))
	if len(support) != 2 || support[1][7] != "'=Pw-Raj-2x" {
		t.Errorf("support.csv = %q: want Raj's password neutralised", support)
	}
	for _, name := range []string{"sales.csv", "sales-handout.txt", "support.csv", "support-handout.txt"} {
		if m := mode(t, filepath.Join(dir, name)); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", name, m)
		}
	}
	handout, _ := os.ReadFile(filepath.Join(dir, "sales-handout.txt"))
	if !strings.Contains(string(handout), "Pw-Jane-1x") || strings.Contains(string(handout), "Raj") || strings.Contains(string(handout), "Pw-Li") {
		t.Errorf("sales handout:\n%s", handout)
	}
	left := readCSV(t, dir+"-not-handed-out.csv")
	if len(left) != 2 || left[1][0] != "4" || left[1][4] != "Sales" || left[1][5] != "failed" || !strings.Contains(left[1][6], "throttled") {
		t.Errorf("not handed out = %q", left)
	}
	if strings.Contains(strings.Join(left[1], ","), "Pw-Li") {
		t.Error("the administrator's list holds a password")
	}
	if s := got.String(); strings.Contains(s, "Pw-") {
		t.Errorf("summary shows a password: %s", s)
	}

	// Again without force: refused, nothing changed.
	_, err = WriteHandouts(ctx, dir, rows, teams, HandoutOptions{SplitBy: "team lead"})
	if !errors.Is(err, ErrExists) {
		t.Errorf("second run without force: %v, want ErrExists", err)
	}
	// A file the user put in the folder survives a forced re-split by another
	// key; the stale team files of the first split go.
	keep := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := map[int]string{2: "Tier 1", 3: "Tier 1", 4: "Tier 1", 5: "Tier 1"}
	if _, err := WriteHandouts(ctx, dir, rows, other, HandoutOptions{SplitBy: "hierarchy", Force: true}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := ".bulkagents-handout,notes.txt,tier-1-handout.txt,tier-1.csv"; strings.Join(names, ",") != want {
		t.Errorf("folder after a forced re-split: %s, want %s", strings.Join(names, ","), want)
	}
}

// A template that fails on the real data writes nothing at all.
func TestWriteHandoutsTemplateFailure(t *testing.T) {
	src := filepath.Join(t.TempDir(), "page.tmpl")
	if err := os.WriteFile(src, []byte(`{{if eq .Team "Support"}}{{index .Agents 3}}{{end}}ok`), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl, err := ParseHandoutTemplate(context.Background(), src)
	if err != nil {
		t.Fatalf("the template passes its trial: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "teams")
	rows, teams := sampleRows()
	_, err = WriteHandouts(context.Background(), dir, rows, teams, HandoutOptions{Template: tmpl})
	if err == nil || !strings.Contains(err.Error(), `team "Support": handout template page.tmpl: page.tmpl:1:`) {
		t.Errorf("error %v: want the team, the template and the place", err)
	}
	if err != nil && strings.Contains(err.Error(), "Pw-") {
		t.Errorf("the error shows a password: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the folder was made after a failing template: %v", err)
	}
	if _, err := os.Stat(dir + "-not-handed-out.csv"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the list of rows not handed out was written after a failing template: %v", err)
	}
}

func TestWriteHandoutsNoTeam(t *testing.T) {
	rows, teams := sampleRows()
	delete(teams, 3)
	_, err := WriteHandouts(context.Background(), filepath.Join(t.TempDir(), "t"), rows, teams, HandoutOptions{})
	if err == nil || !strings.Contains(err.Error(), "line 3 (rpatel) has no team") {
		t.Errorf("error %v", err)
	}
}

// A protected workbook opens with its passphrase, and neither without it
// nor with a wrong one.
func TestWriteHandoutsProtected(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "agents-results-teams")
	rows, teams := sampleRows()
	got, err := WriteHandouts(ctx, dir, rows, teams, HandoutOptions{SplitBy: "team lead", Protect: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.PassphraseFile != dir+"-passphrases.csv" {
		t.Errorf("passphrase file %q", got.PassphraseFile)
	}
	if m := mode(t, got.PassphraseFile); m != 0o600 {
		t.Errorf("passphrase file mode %o, want 600", m)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := ".bulkagents-handout,sales.xlsx,support.xlsx"; strings.Join(names, ",") != want {
		t.Errorf("folder: %s, want %s (no plain-text handout beside a protected workbook)", strings.Join(names, ","), want)
	}
	pass := readCSV(t, got.PassphraseFile)
	if len(pass) != 3 || strings.Join(pass[0], ",") != "team,file,passphrase" {
		t.Fatalf("passphrases = %d rows", len(pass))
	}
	if pass[1][2] == pass[2][2] {
		t.Error("two teams share a passphrase")
	}
	for _, p := range pass[1:] {
		path := filepath.Join(dir, p[1])
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte("Pw-")) || bytes.Contains(data, []byte("jdoe")) {
			t.Errorf("%s holds plain text", p[1])
		}
		if _, err := excelize.OpenReader(bytes.NewReader(data)); err == nil {
			t.Errorf("%s opens without a passphrase", p[1])
		}
		if _, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{Password: "bakotimu-dasefino-rupavega-hozumike"}); err == nil {
			t.Errorf("%s opens with a wrong passphrase", p[1])
		}
		wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{Password: p[2]})
		if err != nil {
			t.Fatalf("%s with its passphrase: %v", p[1], err)
		}
		agents, err := wb.GetRows(AgentsSheet)
		if err != nil {
			t.Fatal(err)
		}
		handout, err := wb.GetRows(HandoutSheet)
		if err != nil {
			t.Fatal(err)
		}
		wb.Close()
		var logins, passwords []string
		for _, r := range agents[1:] {
			logins = append(logins, r[3])
			passwords = append(passwords, cell(r, 7))
		}
		text := fmt.Sprint(handout)
		switch p[0] {
		case "Sales":
			if strings.Join(logins, ",") != "jdoe,alee" || strings.Join(passwords, ",") != "Pw-Jane-1x," {
				t.Errorf("sales workbook: logins %q passwords %q", logins, passwords)
			}
			if !strings.Contains(text, "Pw-Jane-1x") {
				t.Errorf("sales handout sheet lacks Jane's password: %s", text)
			}
		case "Support":
			// A workbook keeps the password exactly: no apostrophe.
			if strings.Join(logins, ",") != "rpatel" || strings.Join(passwords, ",") != "=Pw-Raj-2x" {
				t.Errorf("support workbook: logins %q passwords %q", logins, passwords)
			}
		default:
			t.Errorf("unexpected team %q", p[0])
		}
	}
}

func cell(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}

// FuzzSafeFileNames: whatever two team names the input holds, each gets a
// plain name of its own.
func FuzzSafeFileNames(f *testing.F) {
	f.Add("Tier 1", "tier-1")
	f.Add("../a", "A")
	f.Add("", "no team")
	f.Add("CON", "team-con")
	f.Add("x-5f8c4b0a", "X")
	f.Fuzz(func(t *testing.T, a, b string) {
		names := safeFileNames([]string{a, b})
		for _, team := range []string{a, b} {
			if !safeName.MatchString(names[team]) || len(names[team]) > maxFileName+20 {
				t.Fatalf("team %q: file name %q", team, names[team])
			}
		}
		if a != b && strings.EqualFold(names[a], names[b]) {
			t.Fatalf("teams %q and %q share the file name %q", a, b, names[a])
		}
	})
}

func ExampleHandoutDir() {
	dir := HandoutDir("agents-results.csv")
	fmt.Println(dir)
	fmt.Println(notHandedOutPath(dir))
	fmt.Println(passphrasePath(dir))
	// Output:
	// agents-results-teams
	// agents-results-teams-not-handed-out.csv
	// agents-results-teams-passphrases.csv
}
