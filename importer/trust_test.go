package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// checkCreatedOnce checks that every row of a run is created, with the
// password the sandbox holds, and no user twice.
func checkCreatedOnce(t *testing.T, sb *sandbox.Sandbox, rows []agentRow, results map[int]report.Outcome) {
	t.Helper()
	users := usersByName(t, sb)
	for i, r := range rows {
		o := results[i+2]
		u, ok := users[strings.ToLower(r.Login)]
		switch {
		case o.Status != report.Created:
			t.Errorf("line %d: %s %s", i+2, o.Status, o.Error)
		case !ok:
			t.Errorf("line %d: %s is not in the sandbox", i+2, r.Login)
		case o.Password == "" || o.Password != u.Password:
			t.Errorf("line %d: the results file's password is not the sandbox's", i+2)
		case o.ConnectUserID != u.ID:
			t.Errorf("line %d: connect user id %s, sandbox has %s", i+2, o.ConnectUserID, u.ID)
		}
	}
}

// TestImportLostAnswers: the sandbox applies a third of the CreateUser calls
// and closes their connection with no answer. The retry then meets the
// user it made: every row must still be created with its password, none
// exists, no user twice.
func TestImportLostAnswers(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, DropRate: 0.3, Seed: 9})
	dir := t.TempDir()
	rows := agents("lost", 90)
	res, err := importInto(t, sb, Config{Input: writeAgents(t, dir, rows)})
	if err != nil {
		t.Fatal(err)
	}
	dropped := sb.Calls()["Connect.CreateUser"].Dropped
	if dropped < 10 {
		t.Fatalf("the sandbox dropped %d CreateUser answers: the test tests nothing", dropped)
	}
	if res.Counts[report.Created] != len(rows) || !res.Counts.Success() {
		t.Errorf("counts %v with %d answers lost", res.Counts, dropped)
	}
	checkCreatedOnce(t, sb, rows, loadResults(t, res.ResultsPath))
	if res.RetryPath != "" {
		t.Errorf("a retry file after a complete run")
	}
}

// TestImportLostAnswersSSO: lost answers on both sides (Connect and the
// Identity Store) of a SAML import with Identity Center.
func TestImportLostAnswersSSO(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, DropRate: 0.25, Seed: 3})
	dir := t.TempDir()
	rows := agents("lostsso", 60)
	res, results := ssoImport(t, sb, writeAgents(t, dir, rows), 1000, nil)
	calls := sb.Calls()
	if calls["Connect.CreateUser"].Dropped == 0 || calls["IdentityStore.CreateUser"].Dropped == 0 {
		t.Fatalf("no answer lost on one side: %+v", calls)
	}
	if !res.Counts.Success() {
		t.Errorf("counts %v", res.Counts)
	}
	checkComplete(t, sb, rows, results, DefaultSSOGroup)
}

// TestImportHangingCreateUser: a CreateUser applied whose answer never
// comes, until the client's timeout gives up on it, is settled as created.
func TestImportHangingCreateUser(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	hung := false
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "CreateUser" && !hung {
			hung = true // the sandbox holds its lock while asking
			return true
		}
		return false
	})
	clients, err := NewClients(context.Background(), AWSConfig{
		Region: "us-east-1", EndpointURL: sb.URL(), RateScale: 1000,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, HTTPTimeout: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(clients.CloseIdleConnections)
	dir := t.TempDir()
	rows := agents("hang", 3)
	res, err := Import(context.Background(), context.Background(),
		Config{Input: writeAgents(t, dir, rows), InstanceID: sb.InstanceID()}, clients)
	if err != nil {
		t.Fatal(err)
	}
	if sb.Dropped() != 1 {
		t.Fatalf("%d calls held, want 1", sb.Dropped())
	}
	if res.Counts[report.Created] != 3 {
		t.Errorf("counts %v", res.Counts)
	}
	checkCreatedOnce(t, sb, rows, loadResults(t, res.ResultsPath))
}

// TestImportLockedResults: a run holding the results file makes a second
// refuse at once, naming the file, before any call; once the holder is
// gone (as a killed process's lock is), the next run goes ahead.
func TestImportLockedResults(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("locked", 3))
	results, _ := OutputPaths(input, "")
	held, err := report.AcquireLock(results)
	if err != nil {
		t.Fatal(err)
	}
	sb.ResetCalls()
	_, err = importInto(t, sb, Config{Input: input, Resume: true})
	var se *SetupError
	if !errors.As(err, &se) || !errors.Is(err, report.ErrLocked) || !strings.Contains(se.Message, results) {
		t.Fatalf("second run: %v, want a set-up error naming %s", err, results)
	}
	if n := len(sb.Calls()); n != 0 {
		t.Errorf("the refused run made %d kinds of call", n)
	}
	held.Release()
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil || res.Counts[report.Created] != 3 {
		t.Fatalf("after the lock was let go: %v %v", err, res)
	}
	if _, err := os.Stat(report.LockPath(results)); !os.IsNotExist(err) {
		t.Errorf("the lock file is left behind: %v", err)
	}
}

// TestImportResumeRefusesAnotherInstance: a results file written for one
// instance is not resumed into another; nothing is created there.
func TestImportResumeRefusesAnotherInstance(t *testing.T) {
	t.Parallel()
	first := startSandbox(t, sandbox.Options{Unlimited: true})
	second := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeAgents(t, dir, agents("other", 4))
	res, err := importInto(t, first, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	for line, o := range loadResults(t, res.ResultsPath) {
		if o.Instance != first.InstanceID() {
			t.Errorf("line %d: instance %q, want %s", line, o.Instance, first.InstanceID())
		}
	}
	_, err = importInto(t, second, Config{Input: input, Resume: true})
	var se *SetupError
	if !errors.As(err, &se) || !strings.Contains(se.Message, first.InstanceID()) || !strings.Contains(se.Message, second.InstanceID()) {
		t.Fatalf("resume into another instance: %v", err)
	}
	if n := second.Calls()["Connect.CreateUser"].Sent; n != 0 {
		t.Errorf("%d CreateUser sent to the other instance", n)
	}
}

// TestImportResumeOlderFileWithoutInstance: a results file without the
// instance column is resumed, with a warning that it cannot be checked.
func TestImportResumeOlderFileWithoutInstance(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := agents("older", 2)
	input := writeAgents(t, dir, rows)
	results, _ := OutputPaths(input, "")
	old := strings.Join(report.ContractHeader, ",") + "\n" +
		"2," + rows[0].Login + ",Agent,Number1,,Basic Routing Profile,not-attempted,,,,,not started: the run was interrupted; run again with --resume\n"
	if err := os.WriteFile(results, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	var progress syncBuffer
	res, err := importInto(t, sb, Config{Input: input, Resume: true, Events: NotesTo(&progress)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Created] != 2 {
		t.Errorf("counts %v", res.Counts)
	}
	if !strings.Contains(progress.String(), "does not say which instance") {
		t.Errorf("no warning that the instance cannot be checked: %q", progress.String())
	}
}

// TestImportRemovesStaleTemps: the temporary files a killed rewrite left
// (and a second name left between link and unlink) are removed at start,
// and a loosened mode is tightened before appending.
func TestImportRemovesStaleTemps(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	rows := agents("stale", 2)
	input := writeAgents(t, dir, rows)
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	stale := []string{res.ResultsPath + ".123456.tmp", filepath.Join(dir, "agents-retry.csv.99.tmp")}
	for _, p := range stale {
		if err := os.WriteFile(p, []byte("secret"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	second := res.ResultsPath + ".777.tmp"
	if err := os.Link(res.ResultsPath, second); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "agents-results.csv.notes.tmp") // not a name of ours
	os.WriteFile(keep, nil, 0o600)
	if err := os.Chmod(res.ResultsPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := importInto(t, sb, Config{Input: input, Resume: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(stale, second) {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s left behind", filepath.Base(p))
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file that is not ours was removed: %v", err)
	}
	st, err := os.Stat(res.ResultsPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("results file mode %v, want 0600 (%v)", st.Mode().Perm(), err)
	}
}
