package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestRemoveResumeSettlesInFlight: a row whose DeleteUser an earlier run
// sent (written ahead) and that went through is deleted, and its quick
// connect, left behind by the kill, goes too; the row whose DeleteUser did
// not go through is deleted now. No user is deleted twice, none not named.
func TestRemoveResumeSettlesInFlight(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "gone"}, sandbox.ConnectUser{Username: "stays"},
		sandbox.ConnectUser{Username: "sent"}, sandbox.ConnectUser{Username: "bystander"}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, u := range sb.ConnectUsers() {
		ids[u.Username] = u.ID
	}
	qc, err := sb.AddUserQuickConnect("Transfer to gone", ids["gone"])
	if err != nil {
		t.Fatal(err)
	}
	other, err := sb.AddUserQuickConnect("Transfer to bystander", ids["bystander"])
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\ngone\nsent\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clients := sandboxClients(t, sb, 1)
	// The killed run: both rows written ahead; only gone's DeleteUser went through.
	log, err := report.Create(filepath.Join(dir, "leavers-removed.csv"), false)
	if err != nil {
		t.Fatal(err)
	}
	for i, login := range []string{"gone", "sent"} {
		if err := log.Append(report.Outcome{Line: i + 2, Login: login, Status: report.NotAttempted, ConnectUserID: ids[login],
			Error: sentMarker + ": interrupted", Instance: sb.InstanceID()}); err != nil {
			t.Fatal(err)
		}
	}
	log.Close()
	if _, err := clients.Connect.(ConnectRemoveAPI).DeleteUser(context.Background(), &connect.DeleteUserInput{
		InstanceId: aws.String(sb.InstanceID()), UserId: aws.String(ids["gone"])}); err != nil {
		t.Fatal(err)
	}
	sb.ResetCalls()

	res, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(), Resume: true}, clients)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Deleted] != 2 || res.Counts.Total() != 2 {
		t.Fatalf("counts %v", res.Counts)
	}
	if n := sb.Calls()["Connect.DeleteUser"].Sent; n != 1 {
		t.Errorf("%d DeleteUser calls, want 1 (sent's only)", n)
	}
	left := map[string]bool{}
	for _, u := range sb.ConnectUsers() {
		left[u.Username] = true
	}
	if left["gone"] || left["sent"] || !left["stays"] || !left["bystander"] {
		t.Errorf("users left: %v", left)
	}
	qcs := sb.QuickConnects()
	if len(qcs) != 1 || qcs[0].ID != other || qc == other {
		t.Errorf("quick connects left: %+v", qcs)
	}
	for _, o := range res.Outcomes {
		if o.Login == "gone" && !strings.Contains(o.Changes, "quick connects deleted: Transfer to gone") {
			t.Errorf("gone: changes %q", o.Changes)
		}
	}
}

// TestRemoveConfirm: a refused confirmation changes nothing and writes no
// results file; the question carries the number of users to delete.
func TestRemoveConfirm(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "a"}, sandbox.ConnectUser{Username: "b"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\na\nb\nB\nnobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	asked := 0
	_, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(),
		Confirm: func(_ context.Context, n int) error { asked = n; return ErrNotConfirmed }}, sandboxClients(t, sb, 1))
	if err != ErrNotConfirmed || asked != 2 {
		t.Fatalf("err %v, asked for %d, want ErrNotConfirmed for 2", err, asked)
	}
	if len(sb.ConnectUsers()) != 3 || sb.Calls()["Connect.DeleteUser"].Sent != 0 {
		t.Errorf("something was deleted")
	}
	if _, err := os.Stat(filepath.Join(dir, "leavers-removed.csv")); err == nil {
		t.Errorf("a results file was written")
	}
}

// TestRemoveLockedResults: a second remove on a results file that another
// run holds refuses before any call; once the lock is let go it runs, and
// leaves no lock file behind.
func TestRemoveLockedResults(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "a"}, sandbox.ConnectUser{Username: "b"}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\na\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	results, _ := RemovePaths(input, "")
	held, err := report.AcquireLock(results)
	if err != nil {
		t.Fatal(err)
	}
	clients := sandboxClients(t, sb, 1)
	sb.ResetCalls()
	cfg := RemoveConfig{Input: input, InstanceID: sb.InstanceID(), Resume: true,
		Confirm: func(context.Context, int) error { return nil }}
	_, err = Remove(context.Background(), context.Background(), cfg, clients)
	var se *SetupError
	if !errors.As(err, &se) || !errors.Is(err, report.ErrLocked) || !strings.Contains(se.Message, results) {
		t.Fatalf("second run: %v, want a set-up error naming %s", err, results)
	}
	if n := len(sb.Calls()); n != 0 {
		t.Errorf("the refused run made %d kinds of call", n)
	}
	held.Release()
	res, err := Remove(context.Background(), context.Background(), cfg, clients)
	if err != nil || res.Counts[report.Deleted] != 1 {
		t.Fatalf("after the lock was let go: %v %v", err, res)
	}
	left := map[string]bool{}
	for _, u := range sb.ConnectUsers() {
		left[u.Username] = true
	}
	if left["a"] || !left["b"] {
		t.Errorf("users left: %v, want b and not a", left)
	}
	if _, err := os.Stat(report.LockPath(results)); !os.IsNotExist(err) {
		t.Errorf("the lock file is left behind: %v", err)
	}
}

// TestRemoveRecordsItsSteps: a deleted row's steps column names the delete
// steps of the step table it went through, as a created row's names its
// create steps; the results file holds them, and the instance lacks the
// user and its quick connect.
func TestRemoveRecordsItsSteps(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "leaver"}, sandbox.ConnectUser{Username: "stays"}, sandbox.ConnectUser{Username: "plain"}); err != nil {
		t.Fatal(err)
	}
	var id string
	for _, u := range sb.ConnectUsers() {
		if u.Username == "leaver" {
			id = u.ID
		}
	}
	if _, err := sb.AddUserQuickConnect("Transfer to leaver", id); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	input := filepath.Join(dir, "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\nleaver\nplain\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID()}, sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	want := StepUserDeleted + "; " + StepQuickConnects
	if o := res.Outcomes[0]; o.Status != report.Deleted || o.Steps != want {
		t.Fatalf("outcome %s, steps %q; want deleted, %q", o.Status, o.Steps, want)
	}
	saved, err := report.Load(res.ResultsPath)
	if err != nil {
		t.Fatal(err)
	}
	if o := saved[2]; o.Steps != want {
		t.Errorf("the results file's steps %q, want %q", o.Steps, want)
	}
	// A user no quick connect points at: that step did nothing.
	if o := res.Outcomes[1]; o.Status != report.Deleted || o.Steps != StepUserDeleted {
		t.Errorf("plain: outcome %s, steps %q; want deleted, %q", o.Status, o.Steps, StepUserDeleted)
	}
	for _, u := range sb.ConnectUsers() {
		if u.Username == "leaver" || u.Username == "plain" {
			t.Errorf("%s is still in the instance", u.Username)
		}
	}
	if n := len(sb.QuickConnects()); n != 0 {
		t.Errorf("%d quick connects left, want 0", n)
	}
}
