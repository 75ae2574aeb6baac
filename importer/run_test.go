package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// importInto runs Import against the sandbox.
func importInto(t *testing.T, sb *sandbox.Sandbox, cfg Config) (*Result, error) {
	t.Helper()
	cfg.InstanceID = sb.InstanceID()
	return Import(context.Background(), context.Background(), cfg, sandboxClients(t, sb, 1000))
}

func loadResults(t *testing.T, path string) map[int]report.Outcome {
	t.Helper()
	rows, err := report.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestImportDryRunPredictsTheRun(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	rows := agents("dry", 30)
	rows[4].Login = "bad login!"              // invalid: characters
	rows[9].Routing = "basic routing profile" // invalid: case
	rows[14].Security = "Agent|Nobody"        // invalid: unknown
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: rows[20].Login, FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	input := writeAgents(t, dir, rows)
	sb.ResetCalls()

	dry, err := importInto(t, sb, Config{Input: input, DryRun: true, Out: filepath.Join(dir, "dry.csv")})
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	for op, c := range sb.Calls() {
		if strings.HasSuffix(op, "CreateUser") && c.Sent > 0 {
			t.Fatalf("the dry run sent %d %s", c.Sent, op)
		}
	}
	if dry.Counts[report.WouldCreate] != 26 || dry.Counts[report.Invalid] != 3 || dry.Counts[report.Exists] != 1 {
		t.Errorf("dry run counts %v", dry.Counts)
	}

	real, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	predicted, got := loadResults(t, dry.ResultsPath), loadResults(t, real.ResultsPath)
	if len(predicted) != len(rows) || len(got) != len(rows) {
		t.Fatalf("%d predicted rows, %d outcomes, want %d", len(predicted), len(got), len(rows))
	}
	for line, p := range predicted {
		o := got[line]
		want := p.Status
		if want == report.WouldCreate {
			want = report.Created
		}
		if o.Status != want || o.Login != p.Login || o.Error != p.Error {
			t.Errorf("line %d: predicted %s %q, got %s %q", line, p.Status, p.Error, o.Status, o.Error)
		}
	}
	if !strings.Contains(got[11].Error, `"Basic Routing Profile"`) {
		t.Errorf("case-mismatched routing profile: error %q does not give the exact name", got[11].Error)
	}

	// The retry file: the input's header and the three invalid rows.
	f, err := os.Open(real.RetryPath)
	if err != nil {
		t.Fatalf("retry file: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) > 0 && len(recs[0]) > 0 {
		bom := "\ufeff"
		if !strings.HasPrefix(recs[0][0], bom) {
			t.Errorf("retry file does not start with a UTF-8 byte order mark")
		}
		recs[0][0] = strings.TrimPrefix(recs[0][0], bom)
	}
	if len(recs) != 4 || strings.Join(recs[0], ",") != templateHeader || recs[1][6] != "bad login!" {
		t.Errorf("retry file = %q", recs)
	}

	// A re-run sends no CreateUser: everything exists.
	sb.ResetCalls()
	again, err := importInto(t, sb, Config{Input: input, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts[report.Exists] != 27 || again.Counts[report.Invalid] != 3 {
		t.Errorf("re-run counts %v, want 27 exists and 3 invalid", again.Counts)
	}
	if n := sb.Calls()["Connect.CreateUser"].Sent; n != 0 {
		t.Errorf("re-run sent %d CreateUser", n)
	}
}

func TestImportRefusesToOverwriteResults(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("once", 2))
	if _, err := importInto(t, sb, Config{Input: input}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "agents-results.csv"))
	_, err := importInto(t, sb, Config{Input: input})
	// The command line words the hint from what the file holds
	// (TestImportRefusesToOverwriteResultsHints).
	var rw *ResultsInTheWay
	if !errors.As(err, &rw) || rw.Passwords != 2 || rw.DryRun {
		t.Fatalf("second run without --force: %v, want the results file in the way, with its 2 passwords", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "agents-results.csv"))
	if string(before) != string(after) {
		t.Error("the refused run changed the results file")
	}
	_, err = importInto(t, sb, Config{Input: input, DryRun: true})
	if !errors.As(err, &rw) || rw.Passwords != 2 || !rw.DryRun {
		t.Errorf("a dry run over a results file with passwords: %v, want the file in the way, for a dry run", err)
	}
}

// TestImportAfterADryRun: the README's sequence, a dry run then the run,
// meets the dry run's results file, which holds no outcome and no password:
// the run replaces it without --force and creates the users. A file with a
// row that is not a dry run's still needs --force.
func TestImportAfterADryRun(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("dry.then", 2))
	if _, err := importInto(t, sb, Config{Input: input, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatalf("the run after a dry run: %v; want it to replace the dry run's results", err)
	}
	if res.Counts[report.Created] != 2 || len(sb.ConnectUsers()) < 2 {
		t.Fatalf("the run after a dry run: %v, %d users in the sandbox", res.Counts, len(sb.ConnectUsers()))
	}
	rows, err := report.Load(res.ResultsPath)
	if err != nil {
		t.Fatal(err)
	}
	for line, o := range rows {
		if o.Status != report.Created || o.Password == "" {
			t.Errorf("line %d: %s, password %t; want created with its password", line, o.Status, o.Password != "")
		}
	}
	// Now it holds outcomes: a dry run, or another run, needs --force.
	_, err = importInto(t, sb, Config{Input: input, DryRun: true})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "already exists") {
		t.Fatalf("a dry run over a file with outcomes: %v; want it refused", err)
	}
}

// TestImportResumeSettlesWriteAheads builds the results file a crash leaves:
// rows done, rows whose password was written ahead (one whose user was made,
// one whose call never arrived) and rows never reached.
func TestImportResumeSettlesWriteAheads(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := agents("resume", 5)
	input := writeAgents(t, dir, rows)
	resultsPath := filepath.Join(dir, "agents-results.csv")
	if err := sb.AddConnectUsers(
		sandbox.ConnectUser{Username: rows[0].Login, Password: "DoneDoneDone1", FirstName: "A", LastName: "B"},
		sandbox.ConnectUser{Username: rows[1].Login, Password: "MadeBeforeCrash1", FirstName: "A", LastName: "B"},
	); err != nil {
		t.Fatal(err)
	}
	log, err := report.Create(resultsPath, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []report.Outcome{
		{Line: 2, Login: rows[0].Login, Status: report.Created, Password: "DoneDoneDone1", ConnectUserID: "kept-id"},
		{Line: 3, Login: rows[1].Login, Status: report.NotAttempted, Password: "MadeBeforeCrash1"},
		{Line: 4, Login: rows[2].Login, Status: report.NotAttempted, Password: "NeverSent1234"},
	} {
		if err := log.Append(o); err != nil {
			t.Fatal(err)
		}
	}
	log.Close()

	sb.ResetCalls()
	res, err := importInto(t, sb, Config{Input: input, Resume: true})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	if res.Counts[report.Created] != 5 {
		t.Fatalf("counts after resume %v, want 5 created", res.Counts)
	}
	if n := sb.Calls()["Connect.CreateUser"].Sent; n != 3 {
		t.Errorf("resume sent %d CreateUser, want 3 (lines 4, 5, 6)", n)
	}
	got := loadResults(t, resultsPath)
	users := usersByName(t, sb)
	if got[2].ConnectUserID != "kept-id" || got[2].Password != "DoneDoneDone1" {
		t.Errorf("a done row was redone: %+v", got[2])
	}
	if got[3].Password != "MadeBeforeCrash1" || got[3].ConnectUserID != users[rows[1].Login].ID {
		t.Errorf("the row created before the crash: %+v", got[3])
	}
	if got[4].Password != "NeverSent1234" || users[rows[2].Login].Password != "NeverSent1234" {
		t.Errorf("the row written ahead but never sent was not created with its password: %+v", got[4])
	}
	for line := 5; line <= 6; line++ {
		if got[line].Password == "" || users[got[line].Login].Password != got[line].Password {
			t.Errorf("line %d: password in the results differs from the sandbox's", line)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "agents-retry.csv")); !os.IsNotExist(err) {
		t.Errorf("a retry file exists after a complete run: %v", err)
	}
}

func TestImportResumeRefusesAnotherInput(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("first", 3))
	if _, err := importInto(t, sb, Config{Input: input}); err != nil {
		t.Fatal(err)
	}
	writeAgents(t, dir, agents("second", 3))
	_, err := importInto(t, sb, Config{Input: input, Resume: true})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "does not match") {
		t.Fatalf("resume with another input: %v, want a mismatch", err)
	}
}

func TestOutputPaths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ input, out, results, retry string }{
		{"agents.csv", "", "agents-results.csv", "agents-retry.csv"},
		{"dir/agents.csv", "out/run-results.csv", "out/run-results.csv", "out/run-retry.csv"},
		{"agents.csv", "done.csv", "done.csv", "done-retry.csv"},
	} {
		results, retry := OutputPaths(c.input, c.out)
		if results != c.results || retry != c.retry {
			t.Errorf("OutputPaths(%q, %q) = %q, %q, want %q, %q", c.input, c.out, results, retry, c.results, c.retry)
		}
	}
}

// TestImportSAML: a SAML instance's users get no password, and no email is
// sent for them (docs/aws.md §2).
func TestImportSAML(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, Identity: string(agentfile.IdentitySAML)})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("saml", 5))
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Created] != 5 {
		t.Fatalf("counts %v", res.Counts)
	}
	for line, o := range loadResults(t, res.ResultsPath) {
		if o.Password != "" {
			t.Errorf("line %d: a SAML user got a password in the results", line)
		}
	}
	for _, u := range sb.ConnectUsers() {
		if u.Username != "admin" && (u.Password != "" || u.Email != "" || u.FirstName != "Agent") {
			t.Errorf("SAML user as created: %+v", u)
		}
	}
}

func TestUsersQuotaNote(t *testing.T) {
	t.Parallel()
	wouldCreate := func(n int) []report.Outcome {
		out := make([]report.Outcome, n)
		for i := range out {
			out[i].Status = report.WouldCreate
		}
		return out
	}
	rates := &Rates{UsersQuota: 500, UsersQuotaSource: SourceServiceQuotas}
	note := usersQuotaNote(&Plan{ExistingUsers: 450}, wouldCreate(100), nil, rates, true, false)
	for _, want := range []string{"dry run:", "holds 450 users", "would create 100", "550 in all", "quota of 500", UsersQuotaCode} {
		if !strings.Contains(note, want) {
			t.Errorf("a dry run past the users quota says %q, want %q in it", note, want)
		}
	}
	if note := usersQuotaNote(&Plan{ExistingUsers: 400}, wouldCreate(100), nil, rates, true, false); note != "" {
		t.Errorf("a dry run that just fits warns: %q", note)
	}
	if note := usersQuotaNote(&Plan{ExistingUsers: -1}, wouldCreate(1000), nil, rates, true, false); note != "" {
		t.Errorf("an unknown count warns: %q", note)
	}
	jobs := make([]Job, 30)
	for i := range jobs {
		jobs[i].Planned = &PlannedRow{Action: ActionCreate}
	}
	note = usersQuotaNote(&Plan{ExistingUsers: 480}, nil, jobs, &Rates{UsersQuota: 500, UsersQuotaSource: SourceDefault}, false, true)
	if !strings.Contains(note, "import:") || !strings.Contains(note, "510 in all") || !strings.Contains(note, "sandbox") || strings.Contains(note, "Service Quotas") {
		t.Errorf("a sandbox import past its quota says %q", note)
	}
}

// syncBuffer is a strings.Builder safe for the progress goroutine.
type syncBuffer struct {
	mu    sync.Mutex
	b     strings.Builder
	wrote chan struct{} // signalled after each write (waitFor)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote == nil {
		s.wrote = make(chan struct{}, 1)
	}
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

// waitFor waits until text has been written.
func (s *syncBuffer) waitFor(t *testing.T, text string) {
	t.Helper()
	s.mu.Lock()
	if s.wrote == nil {
		s.wrote = make(chan struct{}, 1)
	}
	wrote := s.wrote
	s.mu.Unlock()
	timeout := time.After(30 * time.Second)
	for !strings.Contains(s.String(), text) {
		select {
		case <-wrote:
		case <-timeout:
			t.Fatalf("%q was never written; got:\n%s", text, s.String())
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestImportDirectory: on an EXISTING_DIRECTORY instance names come from
// the directory: none is sent, and no password.
func TestImportDirectory(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, Identity: string(agentfile.IdentityDirectory)})
	dir := t.TempDir()
	path := filepath.Join(dir, "agents.csv")
	data := "user login,routing profile name,security_profile_name_1|security_profile_name_2\n" +
		"dir.one,Basic Routing Profile,Agent\ndir.two,Basic Routing Profile,Agent|QualityAnalyst\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := importInto(t, sb, Config{Input: path})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Created] != 2 {
		t.Fatalf("counts %v: %+v", res.Counts, res.Problems)
	}
	for line, o := range loadResults(t, res.ResultsPath) {
		if o.Password != "" || o.SignInURL == "" {
			t.Errorf("line %d: %+v, want no password and the access URL", line, o)
		}
	}
}

// deniedListUsers is a Connect client whose ListUsers is refused, as for
// credentials without connect:ListUsers.
type deniedListUsers struct{ ConnectAPI }

func (deniedListUsers) ListUsers(context.Context, *connect.ListUsersInput, ...func(*connect.Options)) (*connect.ListUsersOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not allowed"}
}

func TestImportPlanErrorIsOneLine(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("denied", 2))
	clients := sandboxClients(t, sb, 1000)
	clients.Connect = deniedListUsers{clients.Connect}
	_, err := Import(context.Background(), context.Background(),
		Config{Input: input, InstanceID: sb.InstanceID()}, clients)
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("error %v, want a setup error", err)
	}
	var ce *CallError // the command line's hint names the permissions from it
	if se.Message != "cannot plan the import: list users: AccessDeniedException: not allowed" || !errors.As(err, &ce) || awsclient.Classify(ce.Err) != awsclient.AccessDenied {
		t.Errorf("message %q, error %v", se.Message, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "agents-results.csv")); err == nil {
		t.Error("a failed plan wrote a results file")
	}
}

// writeResults writes the results file an interrupted run left.
func writeResults(t *testing.T, path string, rows ...report.Outcome) {
	t.Helper()
	log, err := report.Create(path, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range rows {
		if err := log.Append(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestImportResumeWithChangedRows: the input was edited (or a name it uses
// renamed) between the interrupted run and --resume. A row whose password
// was written ahead and whose user was made keeps that password even though
// the row is invalid now; one whose user was never made is just invalid; a
// row on which nothing was done may have a new login.
func TestImportResumeWithChangedRows(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := agents("changed", 4)
	rows[0].Routing = "Renamed Routing Profile" // renamed in the instance since
	rows[3].Routing = "Renamed Routing Profile"
	input := writeAgents(t, dir, rows)
	resultsPath := filepath.Join(dir, "agents-results.csv")
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: rows[0].Login, Password: "MadeBeforeCrash1", FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	writeResults(t, resultsPath,
		report.Outcome{Line: 2, Login: rows[0].Login, Status: report.NotAttempted, Password: "MadeBeforeCrash1"},
		report.Outcome{Line: 3, Login: rows[1].Login, Status: report.NotAttempted, Password: "NeverSent1234"},
		report.Outcome{Line: 4, Login: "changed 3", Status: report.Invalid, Error: "user login: fix it"},
		report.Outcome{Line: 5, Login: rows[3].Login, Status: report.NotAttempted, Password: "NeverSentEither1"},
	)

	res, err := importInto(t, sb, Config{Input: input, Resume: true})
	if err != nil {
		t.Fatalf("resume: %v", err)
	}
	got := loadResults(t, resultsPath)
	users := usersByName(t, sb)
	if o := got[2]; o.Status != report.Created || o.Password != "MadeBeforeCrash1" || o.ConnectUserID != users[rows[0].Login].ID {
		t.Errorf("line 2, made before the crash, invalid now: %s %q, password kept: %v; want created with its password and id",
			o.Status, o.Error, o.Password == "MadeBeforeCrash1")
	}
	if o := got[3]; o.Status != report.Created || o.Password != "NeverSent1234" || users[rows[1].Login].Password != "NeverSent1234" {
		t.Errorf("line 3: %s %q", o.Status, o.Error)
	}
	if o := got[4]; o.Status != report.Created || o.Login != rows[2].Login {
		t.Errorf("line 4, its login fixed: %s %q %q", o.Status, o.Login, o.Error)
	}
	if o := got[5]; o.Status != report.Invalid || o.Password != "" {
		t.Errorf("line 5, never made, invalid now: %s, password kept: %v; want invalid without it", o.Status, o.Password != "")
	}
	if _, ok := users[rows[3].Login]; ok {
		t.Errorf("line 5's user was made")
	}
	if res.Counts[report.Created] != 3 || res.Counts[report.Invalid] != 1 {
		t.Errorf("counts %v, want 3 created and 1 invalid", res.Counts)
	}
}

// TestImportResumeRefusesALoginChangedInCase: Connect's user names are
// case-sensitive, so a login whose case changed names another user than the
// one the interrupted run wrote a password ahead for.
func TestImportResumeRefusesALoginChangedInCase(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := agents("cased", 2)
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: rows[0].Login, Password: "MadeBeforeCrash1", FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	resultsPath := filepath.Join(dir, "agents-results.csv")
	writeResults(t, resultsPath, report.Outcome{Line: 2, Login: rows[0].Login, Status: report.NotAttempted, Password: "MadeBeforeCrash1"})
	rows[0].Login = strings.ToUpper(rows[0].Login)
	input := writeAgents(t, dir, rows)
	sb.ResetCalls()
	_, err := importInto(t, sb, Config{Input: input, Resume: true})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "does not match") {
		t.Fatalf("resume with a login changed in case: %v, want a mismatch", err)
	}
	if n := sb.Calls()["Connect.CreateUser"].Sent; n != 0 {
		t.Errorf("%d CreateUser sent", n)
	}
}

// TestImportSummaryShowsWarnings: what validation warns of (a value
// ignored) and the plan refuses (a user whose name differs only in case)
// reaches the summary, as validate shows it.
func TestImportSummaryShowsWarnings(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := agents("warned", 2)
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "WARNED0002", FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	input := writeAgents(t, dir, rows)
	data, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	// A soft phone with a phone number: the number is ignored.
	data = []byte(strings.Replace(string(data), "soft,,yes", "soft,+14255550100,yes", 1))
	if err := os.WriteFile(input, data, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	// The summary prints each problem and warning as agentfile words them.
	var b strings.Builder
	for _, p := range res.Problems {
		b.WriteString(agentfile.FormatProblem(p) + "\n")
	}
	for _, w := range res.Warnings {
		b.WriteString(agentfile.FormatWarning(w) + "\n")
	}
	for _, want := range []string{`line 2: warning: column "phone number": ignored`, `line 3: column "user login": no user "warned0002", but the instance has "WARNED0002", which differs only in case`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}

// TestImportKeepsTheInput: neither the results file nor the retry file may
// be the input (importing agents-retry.csv with --out agents-results.csv
// would otherwise delete it once every row is done).
func TestImportKeepsTheInput(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	written := writeAgents(t, dir, agents("kept", 2))
	input := filepath.Join(dir, "agents-retry.csv")
	if err := os.Rename(written, input); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(input)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{
		{Input: input, Out: filepath.Join(dir, "agents-results.csv")},
		{Input: input, Out: input, Force: true},
	} {
		sb.ResetCalls()
		_, err := importInto(t, sb, c)
		var se *SetupError
		if !errors.As(err, &se) || !strings.Contains(se.Message, "the input file") {
			t.Errorf("--out %s: %v, want a setup error naming the input file", filepath.Base(c.Out), err)
		}
		after, err := os.ReadFile(input)
		if err != nil || string(after) != string(before) {
			t.Fatalf("--out %s: the input was changed or removed (%v)", filepath.Base(c.Out), err)
		}
		if n := sb.Calls()["Connect.CreateUser"].Sent; n != 0 {
			t.Errorf("--out %s: %d CreateUser sent", filepath.Base(c.Out), n)
		}
	}
}

// TestImportRefusesAFolder: a folder given for the file cannot be imported
// at all: a setup error (exit status 2), before any call.
func TestImportRefusesAFolder(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	sb.ResetCalls()
	_, err := importInto(t, sb, Config{Input: dir, Out: filepath.Join(t.TempDir(), "results.csv")})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "folder") {
		t.Fatalf("import of a folder: %v, want a setup error saying it is a folder", err)
	}
	if len(sb.Calls()) != 0 {
		t.Errorf("calls were made: %v", sb.Calls())
	}
	// A results file in a folder that does not exist, or that is a folder:
	// said before any call too, not after the plan.
	input := writeAgents(t, dir, agents("nowhere", 1))
	_, err = importInto(t, sb, Config{Input: input, Out: dir, Force: true})
	if !errors.As(err, &se) || !strings.Contains(se.Message, "is a folder") || !strings.Contains(se.Hint, "agents-results.csv") {
		t.Fatalf("--out a folder: %v, want a setup error with a file name in the hint", err)
	}
	_, err = importInto(t, sb, Config{Input: input, Out: filepath.Join(dir, "no such folder", "results.csv")})
	if !errors.As(err, &se) || !strings.Contains(se.Message, "does not exist") || !strings.Contains(se.Hint, "no such folder") {
		t.Fatalf("--out in a missing folder: %v, want a setup error naming the folder", err)
	}
	if len(sb.Calls()) != 0 {
		t.Errorf("calls were made: %v", sb.Calls())
	}
}

// TestImportResumeFromASpreadsheetsSave: a results file a spreadsheet saved
// with semicolons cannot be resumed from; the hint keeps its passwords.
func TestImportResumeFromASpreadsheetsSave(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("saved", 2))
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(res.ResultsPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(res.ResultsPath, []byte(strings.ReplaceAll(string(data), ",", ";")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = importInto(t, sb, Config{Input: input, Resume: true})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Hint, "--out") || strings.Contains(se.Hint, "--force") {
		t.Fatalf("resume from a semicolon-separated results file: %v, want a hint to --out a new file, not to --force", err)
	}
}

// TestImportResumeBindsAnAbandonedSAMLRow: a SAML user's CreateUser that a
// second Ctrl-C abandoned leaves no password, but its user may exist: the
// row's login may not change on --resume.
func TestImportResumeBindsAnAbandonedSAMLRow(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, Identity: string(agentfile.IdentitySAML)})
	dir := t.TempDir()
	rows := agents("abandoned", 2)
	resultsPath := filepath.Join(dir, "agents-results.csv")
	writeResults(t, resultsPath,
		report.Outcome{Line: 2, Login: rows[0].Login, Status: report.NotAttempted, Error: "interrupted while creating the user: run again with --resume to settle it"},
		report.Outcome{Line: 3, Login: rows[1].Login, Status: report.NotAttempted, Error: NotStarted})
	rows[0].Login += "x"
	rows[1].Login += "y" // never sent: may change
	input := writeAgents(t, dir, rows)
	_, err := importInto(t, sb, Config{Input: input, Resume: true})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, "line 2") {
		t.Fatalf("resume with the login of an abandoned row changed: %v, want a mismatch on line 2", err)
	}
}

// TestImportResumeSettlesAnAbandonedSAMLRow: a SAML user's CreateUser that a
// second Ctrl-C abandoned, and that went through, is created by the run
// that --resume continues, though no password tells it: not an agent who
// already existed.
func TestImportResumeSettlesAnAbandonedSAMLRow(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, Identity: string(agentfile.IdentitySAML)})
	dir := t.TempDir()
	rows := agents("abandoned", 3)
	input := writeAgents(t, dir, rows)
	// An agent made long before, and the one whose call was abandoned.
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: rows[0].Login, FirstName: "A", LastName: "B"},
		sandbox.ConnectUser{Username: rows[1].Login, FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	resultsPath := filepath.Join(dir, "agents-results.csv")
	writeResults(t, resultsPath,
		report.Outcome{Line: 2, Login: rows[0].Login, Status: report.Exists},
		report.Outcome{Line: 3, Login: rows[1].Login, Status: report.NotAttempted, Error: interruptedCreating})
	if _, err := importInto(t, sb, Config{Input: input, Resume: true}); err != nil {
		t.Fatal(err)
	}
	got := loadResults(t, resultsPath)
	if got[2].Status != report.Exists || got[3].Status != report.Created || got[4].Status != report.Created {
		t.Errorf("statuses %s, %s, %s; want exists, then created for the abandoned row and the new one", got[2].Status, got[3].Status, got[4].Status)
	}
}
