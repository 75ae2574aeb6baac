package report

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/bulkagents/bulkagents/templates"
)

// HandoutPage is the data a handout template gets: one team.
type HandoutPage struct {
	// Team is the team's name: the value of the split key (a hierarchy path
	// such as "Example Corp|Support|Tier 1", a routing profile's name, or a
	// cell of the split column). "" for the agents that have none.
	Team string
	// TeamTitle is Team, or for the agents without one a phrase such as
	// "no hierarchy group".
	TeamTitle string
	// SplitBy is the --split-by key: "hierarchy", "routing-profile" or a
	// column's name.
	SplitBy string
	// Agents are the team's agents, in input order.
	Agents []HandoutAgent
}

// HandoutAgent is one agent of a handout.
type HandoutAgent struct {
	Line                int    // the input line
	Name                string // first and last name
	FirstName, LastName string
	Login               string // the user name to sign in with
	Email               string
	RoutingProfile      string
	Status              string // created, exists or would-create
	Password            string // "" when there is none (Identity Center, an existing user, a dry run)
	SignInURL           string // the instance's access URL, or the AWS access portal
	// SignIn is how the agent signs in: "connect" (a Connect-managed user
	// and password), "identity-center" (the AWS access portal) or "other"
	// (an identity provider outside AWS, or not known).
	SignIn string
	// Steps are the first-sign-in instructions, one sentence each.
	Steps []string
}

// Sign-in kinds of HandoutAgent.SignIn.
const (
	SignInConnect        = "connect"
	SignInIdentityCenter = "identity-center"
	SignInOther          = "other"
)

// HandoutTemplate is a parsed handout template and the extension of the
// files it renders.
type HandoutTemplate struct {
	name string // for messages
	ext  string // ".txt", ".html" ...
	tmpl *template.Template
}

// DefaultHandoutTemplate is templates/handout.tmpl: a plain-text page per
// team, one section per agent.
func DefaultHandoutTemplate() (*HandoutTemplate, error) {
	return newHandoutTemplate("handout.tmpl", templates.Handout(), ".txt")
}

// ParseHandoutTemplate reads a custom handout template (--handout-template)
// and tries it on sample data, so that a mistake such as a misspelt field
// is reported before any import, not after. The handouts it renders take
// their extension from the file's name without .tmpl: handout.html.tmpl
// renders .html files; a name with no other extension renders .txt files.
func ParseHandoutTemplate(ctx context.Context, path string) (*HandoutTemplate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("handout template: %w", err)
	}
	return newHandoutTemplate(filepath.Base(path), string(data), handoutExt(path))
}

// handoutExt is the extension of the files a template renders.
func handoutExt(path string) string {
	base := filepath.Base(path)
	for _, suffix := range []string{".tmpl", ".gotmpl", ".tpl"} {
		if strings.HasSuffix(strings.ToLower(base), suffix) {
			base = base[:len(base)-len(suffix)]
			break
		}
	}
	ext := strings.ToLower(filepath.Ext(base))
	if len(ext) < 2 || len(ext) > 8 {
		return ".txt"
	}
	for _, r := range ext[1:] {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return ".txt"
		}
	}
	return ext
}

func newHandoutTemplate(name, text, ext string) (*HandoutTemplate, error) {
	tmpl, err := template.New(name).Funcs(handoutFuncs).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("handout template %s: %w", name, templateError(err))
	}
	t := &HandoutTemplate{name: name, ext: ext, tmpl: tmpl}
	if _, err := t.render(samplePage); err != nil {
		return nil, err
	}
	return t, nil
}

// samplePage is what a template is tried on before it is used: every kind
// of agent, and no real password.
var samplePage = HandoutPage{
	Team: "Example Corp|Support|Tier 1", TeamTitle: "Example Corp|Support|Tier 1", SplitBy: "hierarchy",
	Agents: []HandoutAgent{
		{Line: 2, Name: "Jane Doe", FirstName: "Jane", LastName: "Doe", Login: "jdoe", Email: "jdoe@example.com",
			RoutingProfile: "Basic Routing Profile", Status: string(Created), Password: "sample-password",
			SignInURL: "https://example.my.connect.aws/", SignIn: SignInConnect, Steps: []string{"sample step"}},
		{Line: 3, Name: "Raj Patel", FirstName: "Raj", LastName: "Patel", Login: "rpatel@example.com", Email: "rpatel@example.com",
			RoutingProfile: "Basic Routing Profile", Status: string(Exists),
			SignInURL: "https://d-1234567890.awsapps.com/start", SignIn: SignInIdentityCenter, Steps: []string{"sample step"}},
	},
}

// render executes the template into memory: a failing template leaves no
// half-written file.
func (t *HandoutTemplate) render(page HandoutPage) ([]byte, error) {
	var b bytes.Buffer
	if err := t.tmpl.Execute(&b, page); err != nil {
		return nil, fmt.Errorf("handout template %s: %w", t.name, templateError(err))
	}
	return b.Bytes(), nil
}

// templateError drops text/template's "template: " prefix, which the
// message already says.
func templateError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	return errors.New(msg)
}

// HandoutOptions are the hand-off flags of import and handout.
type HandoutOptions struct {
	SplitBy  string           // the --split-by key, for the templates and the "no team" title
	Template *HandoutTemplate // nil: DefaultHandoutTemplate
	// Protect writes each team's file as a password-protected .xlsx workbook
	// (its agents and its handout), with one generated passphrase per team
	// in a separate file for the administrator; no plain-text handout is
	// written.
	Protect bool
	Force   bool // replace files that exist
	// Carried are the input's columns of the user's own (outside the
	// template, such as "notes"), added at the end of each team's file;
	// CarriedCells gives a row's cells of them by its input line.
	Carried      []string
	CarriedCells func(line int) []string
}

// Handouts says what WriteHandouts wrote. It holds no password.
type Handouts struct {
	Dir   string        // the team folder
	Teams []TeamHandout // by team name
	// HandedOut counts the agents in the team files; NotHandedOut the rows
	// listed in NotHandedOutFile (invalid, failed, not attempted).
	HandedOut, NotHandedOut int
	NotHandedOutFile        string // "" when every row was handed out
	PassphraseFile          string // "" unless protected
}

// TeamHandout is one team's files.
type TeamHandout struct {
	Team   string
	Agents int
	Files  []string // paths
}

// String is a summary for the terminal.
func (h *Handouts) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in %s: %s", Plural(h.HandedOut, "agent"), Plural(len(h.Teams), "team"), h.Dir+string(filepath.Separator))
	if h.PassphraseFile != "" {
		fmt.Fprintf(&b, "\npassphrases for the team workbooks: %s (send them by another channel than the workbooks)", h.PassphraseFile)
	}
	if h.NotHandedOut > 0 {
		fmt.Fprintf(&b, "\n%s not handed out (invalid, failed or not attempted): %s", Plural(h.NotHandedOut, "row"), h.NotHandedOutFile)
	}
	return b.String()
}

// Plural is "1 agent", "2 agents".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// HandoutDir is the default team folder for a results file, beside it:
// agents-results.csv gives agents-results-teams.
func HandoutDir(results string) string {
	stem := results
	if ext := filepath.Ext(results); ext != filepath.Base(results) {
		stem = strings.TrimSuffix(results, ext)
	}
	return stem + "-teams"
}

// The administrator's files, beside the team folder dir (never inside it,
// so that sending the folder never sends them).
func notHandedOutPath(dir string) string { return filepath.Clean(dir) + "-not-handed-out.csv" }
func passphrasePath(dir string) string   { return filepath.Clean(dir) + "-passphrases.csv" }

// manifestName lists, inside the team folder, the files WriteHandouts wrote
// there, so that a forced re-run removes exactly those (a split by another
// key leaves no stale team behind) and nothing else.
const manifestName = ".bulkagents-handout"

// TeamHeader is the header of a team's file (and of a protected workbook's
// Agents sheet): teamRow's csv tags.
var TeamHeader = tagHeader[teamRow]()

// teamRow is one agent of a team's file.
type teamRow struct {
	Line           int    `csv:"line"`
	FirstName      string `csv:"first name"`
	LastName       string `csv:"last name"`
	Login          string `csv:"user login"`
	Email          string `csv:"email"`
	RoutingProfile string `csv:"routing profile"`
	Status         string `csv:"status"`
	Password       string `csv:"password"`
	SignInURL      string `csv:"sign-in url"`
	FirstSignIn    string `csv:"first sign-in"`
}

// NotHandedOutHeader is the header of the administrator's list of rows that
// were not handed out.
var NotHandedOutHeader = []string{"line", "user login", "first name", "last name", "team", "status", "error"}

// HandedOut reports whether a row goes to its team: the agent exists (or, in
// a dry run, would).
func HandedOut(s Status) bool { return s == Created || s == Exists || s == WouldCreate }

// team is one team's agents and files, built in memory before anything is
// written.
type team struct {
	name   string
	file   string // safe base name, without extension
	rows   []Outcome
	page   HandoutPage
	output []teamFile
}

type teamFile struct {
	name string // base name in the team folder
	data []byte
}

// WriteHandouts splits the results rows into teams and writes, in dir (mode
// 0700), one file per team holding only that team's agents, and per team a
// handout rendered from the template; with Protect, one password-protected
// workbook per team instead, and the passphrases beside dir. teamOf gives
// each row's team by line (importer.TeamKey computes it). Rows that are
// invalid, failed or not attempted go to a list for the administrator beside
// dir, not to a team.
//
// Everything is rendered before anything is written, so a template that
// fails writes nothing. Existing files are replaced only with Force; without
// it dir must be absent or empty.
func WriteHandouts(ctx context.Context, dir string, rows []Outcome, teamOf map[int]string, opts HandoutOptions) (*Handouts, error) {
	if dir == "" {
		return nil, errors.New("team files: no folder given")
	}
	dir = filepath.Clean(dir)
	tmpl := opts.Template
	if tmpl == nil {
		var err error
		if tmpl, err = DefaultHandoutTemplate(); err != nil {
			return nil, err
		}
	}
	teams, left, err := groupTeams(rows, teamOf)
	if err != nil {
		return nil, err
	}
	passphrases, err := renderTeams(ctx, teams, tmpl, opts)
	if err != nil {
		return nil, err
	}
	leftPath, passPath := notHandedOutPath(dir), passphrasePath(dir)
	if !opts.Force {
		if err := checkAbsent(dir, leftPath, passPath, len(left) > 0, opts.Protect); err != nil {
			return nil, err
		}
	}
	if err := prepareDir(dir, opts.Force); err != nil {
		return nil, err
	}
	out, err := writeTeams(ctx, dir, teams, opts.Force)
	if err != nil {
		return nil, err
	}
	out.NotHandedOut = len(left)
	if out.NotHandedOutFile, err = writeNotHandedOut(leftPath, left, opts.Force); err != nil {
		return nil, err
	}
	if out.PassphraseFile, err = writePassphrases(passPath, passphrases, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// groupTeams sorts the handed-out rows into teams (sorted by name, each
// with its file name) and gives the records of the rows not handed out.
func groupTeams(rows []Outcome, teamOf map[int]string) ([]*team, [][]string, error) {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b Outcome) int { return a.Line - b.Line })

	byName := map[string]*team{}
	var names []string
	var left [][]string
	for _, o := range sorted {
		if err := o.check(); err != nil {
			return nil, nil, fmt.Errorf("team files: %w", err)
		}
		name, ok := teamOf[o.Line]
		if !HandedOut(o.Status) {
			left = append(left, notHandedOutRecord(o, name))
			continue
		}
		if !ok {
			return nil, nil, fmt.Errorf("team files: line %d (%s) has no team: the results file and the input do not match", o.Line, o.Login)
		}
		t := byName[name]
		if t == nil {
			t = &team{name: name}
			byName[name] = t
			names = append(names, name)
		}
		t.rows = append(t.rows, o)
	}
	slices.Sort(names)
	files := safeFileNames(names)
	teams := make([]*team, 0, len(names))
	for _, name := range names {
		t := byName[name]
		t.file = files[name]
		teams = append(teams, t)
	}
	return teams, left, nil
}

// renderTeams makes each team's files in memory (its page, its handout,
// its CSV or protected workbook) before anything is written, and gives the
// passphrases' records (with opts.Protect).
func renderTeams(ctx context.Context, teams []*team, tmpl *HandoutTemplate, opts HandoutOptions) ([][]string, error) {
	var passphrases [][]string
	for _, t := range teams {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := t.name
		t.page = handoutPage(name, opts.SplitBy, t.rows)
		handout, err := tmpl.render(t.page)
		if err != nil {
			return nil, fmt.Errorf("team %q: %w", name, err)
		}
		records := withCarried(teamRecords(t.page), t.page, opts)
		if opts.Protect {
			pass, err := NewPassphrase()
			if err != nil {
				return nil, err
			}
			book, err := protectedWorkbook(records, handout, pass)
			if err != nil {
				return nil, fmt.Errorf("team %q: %w", name, err)
			}
			t.output = []teamFile{{name: t.file + ".xlsx", data: book}}
			passphrases = append(passphrases, []string{Neutralise(name), t.file + ".xlsx", pass})
		} else {
			data, err := csvBytes(neutraliseRecords(records))
			if err != nil {
				return nil, fmt.Errorf("team %q: %w", name, err)
			}
			t.output = []teamFile{{name: t.file + ".csv", data: data}, {name: t.file + "-handout" + tmpl.ext, data: handout}}
		}
	}
	return passphrases, nil
}

// writeTeams writes every team's files into dir, then the manifest of what
// it wrote.
func writeTeams(ctx context.Context, dir string, teams []*team, force bool) (*Handouts, error) {
	out := &Handouts{Dir: dir}
	var written []string
	for _, t := range teams {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		th := TeamHandout{Team: t.name, Agents: len(t.rows)}
		for _, f := range t.output {
			path := filepath.Join(dir, f.name)
			if err := writeFileAtomic(path, f.data, force); err != nil {
				return nil, fmt.Errorf("team files: %w", err)
			}
			written = append(written, f.name)
			th.Files = append(th.Files, path)
		}
		out.HandedOut += len(t.rows)
		out.Teams = append(out.Teams, th)
	}
	if err := writeFileAtomic(filepath.Join(dir, manifestName), []byte(strings.Join(written, "\n")+"\n"), true); err != nil {
		return nil, fmt.Errorf("team files: %w", err)
	}
	return out, nil
}

// writeNotHandedOut writes the list of rows not handed out and gives its
// path, or ("", nil) when every row was; with force, it removes a list an
// earlier run left, which would name rows that are now done.
func writeNotHandedOut(leftPath string, left [][]string, force bool) (string, error) {
	if len(left) == 0 {
		if force {
			if err := os.Remove(leftPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("rows not handed out: %w", err)
			}
		}
		return "", nil
	}
	data, err := csvBytes(append([][]string{NotHandedOutHeader}, left...))
	if err != nil {
		return "", fmt.Errorf("rows not handed out: %w", err)
	}
	if err := writeFileAtomic(leftPath, data, force); err != nil {
		return "", fmt.Errorf("rows not handed out: %w", err)
	}
	return leftPath, nil
}

// writePassphrases writes the passphrases of the protected workbooks (with
// opts.Protect) and gives the file's path. Without it, a forced run removes
// an earlier --protect run's passphrases: they open workbooks that are gone
// now, and left there they would be sent for nothing.
func writePassphrases(passPath string, passphrases [][]string, opts HandoutOptions) (string, error) {
	if !opts.Protect {
		if opts.Force {
			if err := os.Remove(passPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("passphrases: %w", err)
			}
		}
		return "", nil
	}
	data, err := csvBytes(append([][]string{{"team", "file", "passphrase"}}, passphrases...))
	if err != nil {
		return "", fmt.Errorf("passphrases: %w", err)
	}
	if err := writeFileAtomic(passPath, data, opts.Force); err != nil {
		return "", fmt.Errorf("passphrases: %w", err)
	}
	return passPath, nil
}

// handoutPage is a team's template data.
func handoutPage(name, splitBy string, rows []Outcome) HandoutPage {
	page := HandoutPage{Team: name, TeamTitle: name, SplitBy: splitBy}
	if name == "" {
		page.TeamTitle = noTeamTitle(splitBy)
	}
	page.Agents = make([]HandoutAgent, len(rows))
	for i, o := range rows {
		kind, steps := signInSteps(o)
		page.Agents[i] = HandoutAgent{
			Line:           o.Line,
			Name:           strings.TrimSpace(o.FirstName + " " + o.LastName),
			FirstName:      o.FirstName,
			LastName:       o.LastName,
			Login:          o.Login,
			Email:          o.Email,
			RoutingProfile: o.RoutingProfile,
			Status:         string(o.Status),
			Password:       o.Password,
			SignInURL:      o.SignInURL,
			SignIn:         kind,
			Steps:          steps,
		}
		if page.Agents[i].Name == "" {
			page.Agents[i].Name = o.Login
		}
	}
	return page
}

// noTeamTitle names the team of the agents without a value for the key.
func noTeamTitle(splitBy string) string {
	switch splitBy {
	case "hierarchy":
		return "no hierarchy group"
	case "routing-profile":
		return "no routing profile"
	case "":
		return "no team"
	}
	return "no " + splitBy
}

// signInSteps says how an agent signs in for the first time.
//
// A Connect-managed user signs in at the instance's access URL with the
// user name and password; Amazon Connect does not make them change it, and
// an agent changes it themselves through "Forgot password?" on the sign-in
// page, which mails a reset link (so only when the user has an email
// address). An IAM Identity Center user has no password until their first
// sign-in on the AWS access portal, where, with "Send email OTP" turned on,
// AWS mails them a one-time password and they then choose their own.
func signInSteps(o Outcome) (string, []string) {
	where := o.SignInURL
	if where == "" {
		where = "the sign-in address your team lead gives you"
	}
	if o.Status == WouldCreate {
		kind := SignInOther
		switch {
		case o.SSOUserID != "" || isAccessPortal(o.SignInURL):
			kind = SignInIdentityCenter
		case o.Password != "":
			kind = SignInConnect
		}
		return kind, []string{"This account does not exist yet: this page was made by a dry run."}
	}
	switch {
	case o.SSOUserID != "" || isAccessPortal(o.SignInURL):
		if o.Status == Exists {
			return SignInIdentityCenter, []string{
				"Open the AWS access portal at " + where + " and sign in as " + o.Login + " with your usual password.",
				"Choose Amazon Connect in the portal.",
			}
		}
		otp := "AWS emails you a one-time password"
		if o.Email != "" {
			otp = "AWS emails a one-time password to " + o.Email
		}
		return SignInIdentityCenter, []string{
			"Open the AWS access portal at " + where + " and enter your user name, " + o.Login + ".",
			"The first time, " + otp + ": enter it, then choose your own password. No email after a few minutes? Ask your team lead.",
			"Choose Amazon Connect in the portal.",
		}
	case o.Password != "":
		steps := []string{
			"Open " + where + " and sign in as " + o.Login + " with the password you were given.",
		}
		if o.Email != "" {
			steps = append(steps, "Amazon Connect does not ask you to change this password. To choose your own, sign out, choose \"Forgot password?\" on the sign-in page, and follow the link sent to "+o.Email+".")
		} else {
			steps = append(steps, "Amazon Connect does not ask you to change this password; to have it changed, ask your team lead.")
		}
		return SignInConnect, steps
	case o.Status == Exists:
		return SignInOther, []string{"Your account already existed and this import did not change it: sign in at " + where + " as " + o.Login + ", as you do today."}
	default:
		return SignInOther, []string{"Open " + where + " and sign in as " + o.Login + " through your organisation's single sign-on."}
	}
}

// isAccessPortal says whether a sign-in URL is an AWS access portal
// (https://d-xxxxxxxxxx.awsapps.com/start, or a custom one ending in /start).
func isAccessPortal(url string) bool {
	u := strings.TrimRight(strings.ToLower(url), "/")
	return strings.HasSuffix(u, ".awsapps.com/start") || strings.HasSuffix(u, "/start")
}

// teamRecords is a team's agents as rows of TeamHeader, cells as they are
// (the CSV writer neutralises them; a workbook stores them as text), made
// by gocsv from teamRow's tags.
func teamRecords(page HandoutPage) [][]string {
	rows := make([]teamRow, len(page.Agents))
	for i, a := range page.Agents {
		rows[i] = teamRow{
			Line: a.Line, FirstName: a.FirstName, LastName: a.LastName, Login: a.Login, Email: a.Email,
			RoutingProfile: a.RoutingProfile, Status: a.Status, Password: a.Password, SignInURL: a.SignInURL,
			FirstSignIn: strings.Join(a.Steps, " "),
		}
	}
	return structRecords(rows)
}

// withCarried adds the carried columns of opts to a team's records.
func withCarried(records [][]string, page HandoutPage, opts HandoutOptions) [][]string {
	if len(opts.Carried) == 0 || opts.CarriedCells == nil {
		return records
	}
	records[0] = append(slices.Clone(records[0]), opts.Carried...)
	for i, a := range page.Agents {
		cells := make([]string, len(opts.Carried))
		copy(cells, opts.CarriedCells(a.Line))
		records[i+1] = append(records[i+1], cells...)
	}
	return records
}

// neutraliseRecords neutralises every cell below the header but the line
// number (see Neutralise).
func neutraliseRecords(records [][]string) [][]string {
	out := make([][]string, len(records))
	out[0] = records[0]
	for i, rec := range records[1:] {
		n := make([]string, len(rec))
		n[0] = rec[0]
		for j := 1; j < len(rec); j++ {
			n[j] = Neutralise(rec[j])
		}
		out[i+1] = n
	}
	return out
}

func notHandedOutRecord(o Outcome, team string) []string {
	return []string{
		strconv.Itoa(o.Line), Neutralise(o.Login), Neutralise(o.FirstName), Neutralise(o.LastName),
		Neutralise(team), string(o.Status), Neutralise(o.Error),
	}
}

func csvBytes(records [][]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(utf8BOM) // for Excel: see utf8BOM
	w := csv.NewWriter(&b)
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// safeFileNames gives each team a file name that is safe on every system
// and unique even where file names ignore case: lower-case letters and
// digits of any script, runs of anything else (path separators, dots,
// spaces) made one "-", at most 60 bytes. Teams whose names become the same
// (Tier 1, tier-1, Tier/1) all get a suffix from a hash of their own name,
// so that a team's file name does not depend on which other teams exist.
func safeFileNames(teams []string) map[string]string {
	base := make(map[string]string, len(teams))
	count := map[string]int{}
	for _, t := range teams {
		b := safeFileName(t)
		base[t] = b
		count[foldKey(b)]++
	}
	out := make(map[string]string, len(teams))
	used := map[string]bool{} // by foldKey
	for _, t := range teams {
		if count[foldKey(base[t])] == 1 {
			out[t] = base[t]
			used[foldKey(base[t])] = true
		}
	}
	for _, t := range teams { // teams is sorted: the result is the same every run
		if _, ok := out[t]; ok {
			continue
		}
		sum := sha256.Sum256([]byte(t))
		name := base[t] + "-" + hex.EncodeToString(sum[:4])
		for n := 2; used[foldKey(name)]; n++ {
			name = base[t] + "-" + hex.EncodeToString(sum[:4]) + "-" + strconv.Itoa(n)
		}
		out[t] = name
		used[foldKey(name)] = true
	}
	return out
}

// foldKey is the same for names that a case-insensitive file system may take
// for one: each rune replaced by the smallest of its case-folding orbit (a
// few letters, such as ϔ, have no lower case for ToLower to give).
func foldKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// maxFileName bounds the readable part of a team's file name, in bytes.
const maxFileName = 60

func safeFileName(team string) string {
	if strings.TrimSpace(team) == "" {
		return "no-team"
	}
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(norm.NFC.String(team)) {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			gap = true
			continue
		}
		if b.Len()+len(string(r))+1 > maxFileName {
			break
		}
		if gap && b.Len() > 0 {
			b.WriteByte('-')
		}
		gap = false
		b.WriteRune(r)
	}
	name := b.String()
	if name == "" {
		return "team"
	}
	if windowsReserved(name) {
		return "team-" + name
	}
	return name
}

// windowsReserved are the device names Windows refuses as a file name,
// whatever the extension.
func windowsReserved(name string) bool {
	switch name {
	case "con", "prn", "aux", "nul":
		return true
	}
	if len(name) == 4 && (strings.HasPrefix(name, "com") || strings.HasPrefix(name, "lpt")) && name[3] >= '0' && name[3] <= '9' {
		return true
	}
	return false
}

// checkAbsent refuses to go on when a file it would write is there already.
func checkAbsent(dir, leftPath, passPath string, left, protect bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("team files: %w", err)
	case len(entries) > 0:
		return &folderExistsError{dir}
	}
	for _, p := range []struct {
		path string
		used bool
	}{{leftPath, left}, {passPath, protect}} {
		if !p.used {
			continue
		}
		if _, err := os.Lstat(p.path); err == nil {
			return fmt.Errorf("%s: %w", p.path, ErrExists)
		}
	}
	return nil
}

// folderExistsError is ErrExists for a team folder that holds files.
type folderExistsError struct{ dir string }

func (e *folderExistsError) Error() string {
	return fmt.Sprintf("%s: folder already exists, with files in it", e.dir)
}
func (e *folderExistsError) Is(target error) bool { return target == ErrExists }

// prepareDir makes the team folder, mode 0700. With force an existing
// folder is kept (and made 0700), and the files an earlier run wrote there,
// as its manifest lists them, are removed.
func prepareDir(dir string, force bool) error {
	err := os.Mkdir(dir, 0o700)
	if err == nil {
		return syncDir(filepath.Dir(dir))
	}
	if !errors.Is(err, fs.ErrExist) || !force {
		return fmt.Errorf("team files: %w", err)
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("team files: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("team files: %s is not a folder", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("team files: %w", err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, manifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("team files: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(manifest))
	for sc.Scan() {
		name := sc.Text()
		// Only plain names of this folder: a tampered manifest cannot reach
		// anywhere else.
		if name == "" || name != filepath.Base(name) || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("team files: %w", err)
		}
	}
	return nil
}

// writeFileAtomic writes data to path through a synced temporary file, mode
// 0600 from the start, and puts it in place (publish): without force an
// existing path is left alone and ErrExists returned.
func writeFileAtomic(path string, data []byte, force bool) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	fail := func(err error) error {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return publish(f.Name(), path, force)
}
