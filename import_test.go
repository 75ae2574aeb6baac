package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// bulkagentsCommand is the command as a user runs it: main_test.go's
// TestMain puts it in $PATH (testscript builds it into the test binary).
func bulkagentsCommand(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("bulkagents")
	if err != nil {
		t.Fatalf("bulkagents is not in $PATH: %v", err)
	}
	return path
}

const e2eHeader = "first name,last name,email address,password,user login,routing profile name," +
	"security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk)," +
	"phone number,soft phone auto accept (yes/no),ACW timeout (seconds)"

// e2eRows makes n valid rows of e2eHeader with logins prefix0001...
func e2eRows(prefix string, n int) []string {
	rows := make([]string, n)
	for i := range rows {
		login := fmt.Sprintf("%s%04d", prefix, i+1)
		rows[i] = fmt.Sprintf("Agent,Number%d,%s@example.com,,%s,Basic Routing Profile,Agent,Example Corp|Support|Tier 1,soft,,yes,30",
			i+1, login, login)
	}
	return rows
}

func writeFile(t testing.TB, dir, name string, rows []string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(e2eHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// e2eSandbox starts a sandbox in the test process.
func e2eSandbox(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close(); cancel() })
	return sb
}

// importCmd is bulkagents as a user types it, pointed at the sandbox.
func importCmd(t testing.TB, sb *sandbox.Sandbox, dir string, scale float64, args ...string) *exec.Cmd {
	full := append([]string{}, args...)
	if sb != nil {
		full = append(full, "--instance-id", sb.InstanceID(), "--endpoint-url", sb.URL(), "--region", "us-east-1")
	}
	full = append(full, "--rate-scale", fmt.Sprint(scale))
	cmd := exec.Command(bulkagentsCommand(t), full...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"AWS_ACCESS_KEY_ID=AKIDTEST", "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true")
	return cmd
}

// runCommand runs bulkagents to the end and returns its exit status and
// standard error.
func runCommand(t *testing.T, sb *sandbox.Sandbox, dir string, scale float64, args ...string) (int, string) {
	t.Helper()
	cmd := importCmd(t, sb, dir, scale, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stderr.String()
	}
	t.Fatalf("run bulkagents: %v", err)
	return 0, ""
}

func results(t *testing.T, path string) map[int]report.Outcome {
	t.Helper()
	rows, err := report.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// checkConsistent checks a results file against the sandbox: one row per
// input row, every created row's password is the one the sandbox holds, no
// user twice, and every user the sandbox holds for the file is accounted
// for (created, or written ahead with its password for --resume).
func checkConsistent(t *testing.T, sb *sandbox.Sandbox, path string, rows int, final bool) map[int]report.Outcome {
	t.Helper()
	got := results(t, path)
	if len(got) != rows {
		t.Fatalf("results file has %d rows, want %d", len(got), rows)
	}
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		if _, dup := users[strings.ToLower(u.Username)]; dup {
			t.Errorf("the sandbox holds %q twice", u.Username)
		}
		users[strings.ToLower(u.Username)] = u
	}
	for line, o := range got {
		u, made := users[strings.ToLower(o.Login)]
		switch {
		case o.Status == report.Created && (!made || u.Password != o.Password || o.Password == ""):
			t.Errorf("line %d: created, but the sandbox's password differs (or the user is missing)", line)
		case o.Status != report.Created && made && o.Password != "" && u.Password != o.Password:
			t.Errorf("line %d: %s: the password written ahead differs from the sandbox's", line, o.Status)
		case o.Status != report.Created && o.Status != report.Exists && made && o.Password == "":
			t.Errorf("line %d: %s: the user was made, but the results file lost its password", line, o.Status)
		case final && o.Status != report.Created && o.Status != report.Exists:
			t.Errorf("line %d: %s (%s), want created or exists", line, o.Status, o.Error)
		}
	}
	return got
}

func TestImportCommand(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeFile(t, dir, "agents.csv", e2eRows("clean", 50))

	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "50 rows: 50 created") || !strings.Contains(stderr, "agents-results.csv") {
		t.Errorf("summary:\n%s", stderr)
	}
	resultsPath := filepath.Join(dir, "agents-results.csv")
	info, err := os.Stat(resultsPath)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("results file mode %v, want 0600", info.Mode().Perm())
	}
	data, _ := os.ReadFile(resultsPath)
	if first, _, _ := strings.Cut(string(data), "\n"); first != "\ufeff"+strings.Join(report.Header, ",") {
		t.Errorf("results header %q: want a UTF-8 byte order mark and the header", first)
	}
	got := checkConsistent(t, sb, resultsPath, 50, true)
	for _, o := range got {
		if strings.Contains(stderr, o.Password) {
			t.Fatal("a password reached the terminal")
		}
	}

	t.Run("a second run refuses to overwrite the results", func(t *testing.T) {
		code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
		if code != 2 || !strings.Contains(stderr, "--resume") {
			t.Errorf("exit %d, want 2 and a hint at --resume:\n%s", code, stderr)
		}
	})
	t.Run("a re-run finds every user and creates none", func(t *testing.T) {
		sb.ResetCalls()
		code, stderr := runCommand(t, sb, dir, 1000, "import", "--force", "agents.csv", "--no-progress")
		if code != 0 || !strings.Contains(stderr, "50 rows: 50 exists") {
			t.Errorf("exit %d:\n%s", code, stderr)
		}
		if n := sb.Calls()["Connect.CreateUser"].Sent; n != 0 {
			t.Errorf("the re-run sent %d CreateUser", n)
		}
	})
	_ = input
}

func TestImportCommandDryRunThenRun(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := e2eRows("predict", 40)
	rows[3] = strings.Replace(rows[3], "Basic Routing Profile", "Basic routing profile", 1) // case
	rows[7] = strings.Replace(rows[7], "Basic Routing Profile", "Premium Routing", 1)       // unknown
	rows[11] = strings.Replace(rows[11], ",Agent,", ",agent,", 1)                           // case
	rows[15] = strings.Replace(rows[15], "predict0016@example.com,,predict0016", "predict0016@example.com,,predict 0016", 1)
	writeFile(t, dir, "agents.csv", rows)
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "predict0020", FirstName: "P", LastName: "Q"}); err != nil {
		t.Fatal(err)
	}
	sb.ResetCalls()
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--dry-run", "--out", "predicted.csv", "--no-progress")
	if code != 1 {
		t.Fatalf("dry run with invalid rows: exit %d, want 1\n%s", code, stderr)
	}
	for op, c := range sb.Calls() {
		if strings.HasSuffix(op, "CreateUser") && c.Sent > 0 {
			t.Errorf("the dry run sent %d %s", c.Sent, op)
		}
	}
	if !strings.Contains(stderr, `"Basic Routing Profile"`) {
		t.Errorf("the summary does not give the exact routing profile name:\n%s", stderr)
	}
	code, stderr = runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if code != 1 {
		t.Fatalf("import with invalid rows: exit %d, want 1\n%s", code, stderr)
	}
	predicted := results(t, filepath.Join(dir, "predicted.csv"))
	got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), 40, false)
	counts := map[report.Status]int{}
	for line, p := range predicted {
		o := got[line]
		counts[p.Status]++
		if (p.Status == report.WouldCreate) != (o.Status == report.Created) || (p.Status != report.WouldCreate && p.Status != o.Status) {
			t.Errorf("line %d: predicted %s, got %s", line, p.Status, o.Status)
		}
		if p.Error != o.Error {
			t.Errorf("line %d: predicted error %q, got %q", line, p.Error, o.Error)
		}
	}
	if counts[report.Invalid] != 4 || counts[report.Exists] != 1 || counts[report.WouldCreate] != 35 {
		t.Errorf("predicted %v, want 4 invalid, 1 exists, 35 would-create", counts)
	}
	retry, err := os.ReadFile(filepath.Join(dir, "agents-retry.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(retry)), "\n")
	if len(lines) != 5 || lines[0] != "\ufeff"+e2eHeader {
		t.Errorf("retry file:\n%s", retry)
	}
}

func TestImportCommandQuota(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, UserQuota: 21}) // admin + 20
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("quota", 40))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if code != 1 || !strings.Contains(stderr, "20 created, 20 failed") {
		t.Fatalf("exit %d, want 1 with 20 created and 20 failed:\n%s", code, stderr)
	}
	// The terminal says why, once, without the results file.
	if !strings.Contains(stderr, "and 18 more: failed: create connect user: the instance's users-per-instance quota is reached") ||
		strings.Count(stderr, "quota is reached") != 1 {
		t.Errorf("the summary does not say, once, that the users quota stopped the run:\n%s", stderr)
	}
	// And before the first create, with the numbers the sandbox's Service
	// Quotas gave.
	if !strings.Contains(stderr, "holds 1 user and this run would create 40: 41 in all, over its users-per-instance quota of 21") {
		t.Errorf("no warning before the creates:\n%s", stderr)
	}
	got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), 40, false)
	for line, o := range got {
		if o.Status == report.Failed && !strings.Contains(o.Error, "Service Quotas") {
			t.Errorf("line %d: %q, want a message to raise the quota", line, o.Error)
		}
	}
}

// TestImportCommandFaults: with the sandbox at --error-rate 0.1, an import
// of 500 rows (150 in the suite; 500 with BULKAGENTS_FULL=1) creates every
// row once.
func TestImportCommandFaults(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, ErrorRate: 0.1, Seed: 42, UserQuota: 1000})
	dir := t.TempDir()
	rows := fullSize(t, 150, 500)
	writeFile(t, dir, "agents.csv", e2eRows("fault", rows))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), rows, true)
	created := 0
	for _, o := range got {
		if o.Status == report.Created {
			created++
		}
	}
	if created != rows {
		t.Errorf("%d created, want %d", created, rows)
	}
	if c := sb.Calls()["Connect.CreateUser"]; c.Failed < rows/25 { // rows/10 expected
		t.Errorf("only %d CreateUser faults were injected", c.Failed)
	}
}

// TestImportCommandInterrupt: Ctrl-C mid-run stops starting rows, exits
// 130 with a consistent results file; --resume finishes the job.
func TestImportCommandInterrupt(t *testing.T) {
	t.Parallel()
	for _, twice := range []bool{false, true} {
		name := "once"
		if twice {
			name = "twice"
		}
		t.Run(name, func(t *testing.T) {
			opts := sandbox.Options{RateScale: 50, UserQuota: 1000} // CreateUser 100/s
			sb := e2eSandbox(t, opts)
			dir := t.TempDir()
			writeFile(t, dir, "agents.csv", e2eRows("sigint", 80))
			started := arrived(t, sb, "CreateUser", 10, twice)
			cmd := importCmd(t, sb, dir, 50, "import", "agents.csv", "--no-progress")
			stderr := newWatchWriter("interrupted: finishing")
			cmd.Stderr = stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Interrupt once the users are being created; twice, the
			// second Ctrl-C once the first is taken, while the calls after
			// the 10th are held in flight, to abandon.
			await(t, started, "the 10th CreateUser")
			cmd.Process.Signal(os.Interrupt)
			if twice {
				await(t, stderr.seen, "the first Ctrl-C taken")
				cmd.Process.Signal(os.Interrupt)
			}
			start := time.Now()
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 130 {
				t.Fatalf("after Ctrl-C: %v, want exit 130\n%s", err, stderr.String())
			}
			if wait := time.Since(start); wait > 3*time.Second {
				t.Errorf("took %v to stop after Ctrl-C", wait)
			}
			got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), 80, false)
			notAttempted := 0
			for _, o := range got {
				if o.Status == report.NotAttempted {
					notAttempted++
				}
			}
			if notAttempted == 0 {
				t.Fatalf("nothing was left: the interrupt came too late to test anything\n%s", stderr.String())
			}
			if _, err := os.Stat(filepath.Join(dir, "agents-retry.csv")); err != nil {
				t.Errorf("no retry file after an interrupted run: %v", err)
			}
			sb.SetHold(nil)
			code, out := runCommand(t, sb, dir, 50, "import", "agents.csv", "--resume", "--no-progress")
			if code != 0 {
				t.Fatalf("--resume: exit %d\n%s", code, out)
			}
			checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), 80, true)
		})
	}
}

// The kill test (SIGKILL at moments chosen by events, --resume after
// each) is TestAcceptanceKills in trust_kills_test.go.

// rowsIn is the number of rows the results file holds so far.
func rowsIn(t *testing.T, dir string) int {
	return len(results(t, filepath.Join(dir, "agents-results.csv")))
}

func TestImportCommandUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("usage", 1))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "agents.csv"}, "--instance-id"},
		{[]string{"import", "agents.csv", "--sandbox", "--resume", "--force"}, "do not go together"},
		{[]string{"import", "agents.csv", "--instance-id", "arn:aws:connect:eu-west-2:1:instance/x", "--region", "us-east-1"}, "does not match"},
		{[]string{"import", "missing.csv", "--sandbox"}, "missing.csv"},
	} {
		code, stderr := runCommand(t, nil, dir, 1, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, want 2 and %q in:\n%s", c.args, code, c.want, stderr)
		}
	}
}

func TestImportCommandSandbox(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("try", 3))
	code, stderr := runCommand(t, nil, dir, 1, "import", "agents.csv", "--sandbox", "--no-progress")
	if code != 0 || !strings.Contains(stderr, "3 rows: 3 created") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "agents-results.csv")) {
		if o.Password == "" || !strings.HasPrefix(o.SignInURL, "https://") {
			t.Errorf("line %d: %+v, want a password and a sign-in URL", line, o)
		}
	}
}

// TestImportCommandEndpointFromEnvironment: AWS_ENDPOINT_URL_CONNECT points
// the Connect client elsewhere, as the AWS conventions say, and an instance
// ARN gives the region.
func TestImportCommandEndpointFromEnvironment(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("env", 3))
	cmd := importCmd(t, nil, dir, 1000, "import", "agents.csv", "--no-progress", "--instance-id", sb.InstanceARN())
	cmd.Env = append(cmd.Env, "AWS_ENDPOINT_URL_CONNECT="+sb.URL(), "AWS_REGION=")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "3 rows: 3 created") {
		t.Fatalf("import: %v\n%s", err, out)
	}
}

// TestImportCommandSetupErrors: missing credentials or region stop the
// import with one line and a hint, before anything is written.
func TestImportCommandSetupErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("setup", 1))
	base := []string{"AWS_CONFIG_FILE=" + os.DevNull, "AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true", "PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	for _, c := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no credentials", nil, []string{"--region", "us-east-1"}, "aws sso login"},
		{"no region", []string{"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y"}, nil, "--region"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"import", "agents.csv", "--no-progress", "--instance-id", "11111111-2222-3333-4444-555555555555"}, c.args...)
			cmd := exec.Command(bulkagentsCommand(t), args...)
			cmd.Dir, cmd.Env = dir, append(append([]string{}, base...), c.env...)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), c.want) {
				t.Errorf("%v, want exit 2 and %q in:\n%s", err, c.want, out)
			}
			if _, err := os.Stat(filepath.Join(dir, "agents-results.csv")); err == nil {
				t.Error("a results file was written")
			}
		})
	}
}
