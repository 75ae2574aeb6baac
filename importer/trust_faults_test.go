package importer

import (
	"context"
	"encoding/csv"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// retryLogins reads the user logins of a retry file.
func retryLogins(t *testing.T, path string) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	if err != nil || len(records) == 0 {
		t.Fatalf("retry file %s: %v", path, err)
	}
	col := -1
	for i, h := range records[0] {
		if strings.EqualFold(h, "user login") {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("retry file %s has no user login column: %v", path, records[0])
	}
	logins := map[string]bool{}
	for _, r := range records[1:] {
		logins[r[col]] = true
	}
	return logins
}

// TestImportDoubleInterruptInFlight: after a second Ctrl-C abandons the
// CreateUser calls in flight (applied by the sandbox, their answers held),
// those rows keep the password written ahead and are kept out of the retry
// file (importing them again would call them exists, their passwords only
// in the first results file); the summary points at --resume, which then
// settles them as created with those passwords.
func TestImportDoubleInterruptInFlight(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	const workers, answered = 4, 5
	var creates atomic.Int32
	held := make(chan struct{}, 64)
	sb.SetHang(func(service, op string) bool {
		if service != "Connect" || op != "CreateUser" || creates.Add(1) <= answered {
			return false
		}
		held <- struct{}{}
		return true
	})
	dir := t.TempDir()
	rows := agents("twice", 30)
	input := writeAgents(t, dir, rows)
	stop, firstCtrlC := context.WithCancel(context.Background())
	calls, secondCtrlC := context.WithCancel(context.Background())
	go func() {
		for range workers {
			<-held // every worker's CreateUser is applied and its answer held
		}
		firstCtrlC()
		secondCtrlC()
	}()
	res, err := Import(stop, calls, Config{Input: input, InstanceID: sb.InstanceID(), Concurrency: workers},
		sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	users := usersByName(t, sb)
	inFlight := map[string]bool{}
	for line, o := range loadResults(t, res.ResultsPath) {
		u, made := users[strings.ToLower(o.Login)]
		switch {
		case o.Status == report.Created:
		case made && (o.Password == "" || o.Password != u.Password):
			t.Errorf("line %d: %s, its user made, but the password written ahead is not the sandbox's", line, o.Status)
		case made:
			inFlight[o.Login] = true
		}
	}
	if len(inFlight) != workers || res.InDoubt != workers {
		t.Fatalf("%d rows in flight by the sandbox, %d in doubt by the run; want %d", len(inFlight), res.InDoubt, workers)
	}
	if res.RetryPath == "" {
		t.Fatal("no retry file for the rows not started")
	}
	retry := retryLogins(t, res.RetryPath)
	for login := range inFlight {
		if retry[login] {
			t.Errorf("%s, whose CreateUser was in flight, is in the retry file", login)
		}
	}
	if want := len(rows) - answered - workers; len(retry) != want {
		t.Errorf("retry file holds %d rows, want the %d not started", len(retry), want)
	}
	// The summary sends res.InDoubt rows to --resume
	// (TestSummaryPointsRowsInDoubtAtResume, in the command line).
	if res.InDoubt == 0 {
		t.Error("no row in doubt for the summary to point at --resume")
	}

	sb.SetHang(nil)
	res, err = importInto(t, sb, Config{Input: input, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCreatedOnce(t, sb, rows, loadResults(t, res.ResultsPath))
}

// TestImportInstanceVanishes: the instance deleted mid-run halts the run:
// the rows not yet sent are not-attempted (in the retry file), not failed
// one by one with "Instance not found", and the summary says why.
func TestImportInstanceVanishes(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	const before = 6
	var creates atomic.Int32
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "CreateUser" && creates.Add(1) == before {
			sb.DeleteInstance() // after this one was applied: the next calls meet no instance
		}
		return false
	})
	dir := t.TempDir()
	rows := agents("vanish", 40)
	res, err := Import(context.Background(), context.Background(),
		Config{Input: writeAgents(t, dir, rows), InstanceID: sb.InstanceID(), Concurrency: 2},
		sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Halted, "no longer exists") {
		t.Errorf("halted %q, want the instance named gone", res.Halted)
	}
	if res.Counts[report.Failed] != 0 || res.Counts[report.Created] < before-2 || res.Counts[report.NotAttempted] < len(rows)-before-2 {
		t.Errorf("counts %v: want the rows before created, the rest not-attempted", res.Counts)
	}
	// Each of the 2 workers may send a row or two while the first "not
	// found" is being confirmed with DescribeInstance (a loaded machine
	// makes that slow); not one per remaining row.
	if sent := sb.Calls()["Connect.CreateUser"].Sent; int(sent) > before+4 {
		t.Errorf("%d CreateUser sent: the run went on after the instance was gone", sent)
	}
	for line, o := range loadResults(t, res.ResultsPath) {
		if o.Status == report.NotAttempted && !strings.Contains(o.Error, "no longer exists") {
			t.Errorf("line %d: not-attempted %q, want the instance named gone", line, o.Error)
		}
	}
	if res.RetryRows != res.Counts[report.NotAttempted] {
		t.Errorf("retry file holds %d rows, want the %d not attempted", res.RetryRows, res.Counts[report.NotAttempted])
	}
}

// TestImportEndpointSilent: the endpoint stops answering without closing
// anything (every call from the Nth CreateUser on is applied, then held with
// no answer): once calls have been in flight for the breaker's silence with
// no answer at all, the run abandons them and stops. The rows in flight
// keep their passwords and are pointed at --resume, the rest are
// not-attempted, and --resume, once the endpoint answers, finishes them.
func TestImportEndpointSilent(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	const answered = 8
	var creates atomic.Int32
	var silent atomic.Bool
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "CreateUser" && creates.Add(1) > answered {
			silent.Store(true)
		}
		return silent.Load()
	})
	clients := sandboxClients(t, sb, 1000)
	clients.Limits.Breaker.Silence = 300 * time.Millisecond
	dir := t.TempDir()
	rows := agents("silent", 40)
	input := writeAgents(t, dir, rows)
	start := time.Now()
	res, err := Import(context.Background(), context.Background(),
		Config{Input: input, InstanceID: sb.InstanceID(), Concurrency: 4}, clients)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the run ended %v after it started, with a silence of %v", time.Since(start).Round(time.Millisecond), clients.Limits.Breaker.Silence)
	if !strings.Contains(res.Halted, "stopped answering") {
		t.Errorf("halted %q, want the endpoint named silent", res.Halted)
	}
	if res.InDoubt == 0 || res.Counts[report.NotAttempted] < len(rows)/2 {
		t.Errorf("counts %v, %d in doubt: want the rows in flight in doubt, the rest not-attempted", res.Counts, res.InDoubt)
	}
	users := usersByName(t, sb)
	for line, o := range loadResults(t, res.ResultsPath) {
		if u, made := users[strings.ToLower(o.Login)]; made && (o.Password == "" || o.Password != u.Password) {
			t.Errorf("line %d: %s, its user made, without the sandbox's password", line, o.Status)
		}
	}
	sb.SetHang(nil)
	res, err = importInto(t, sb, Config{Input: input, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCreatedOnce(t, sb, rows, loadResults(t, res.ResultsPath))
}

// TestImportEndpointRefused: the endpoint goes away mid-run (its listener
// and connections closed): the run stops sending once the breaker opens,
// the rest is not-attempted and in the retry file, the rows in flight keep
// their passwords out of it; --resume against the endpoint back finishes.
func TestImportEndpointRefused(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	const answered = 8
	var creates atomic.Int32
	cut := make(chan struct{})
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "CreateUser" && creates.Add(1) == answered {
			close(cut)
		}
		return false
	})
	var cutAt atomic.Pointer[time.Time]
	go func() {
		<-cut
		srv.Listener.Close()
		srv.CloseClientConnections()
		now := time.Now()
		cutAt.Store(&now)
	}()
	clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: srv.URL, RateScale: 1000,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(clients.CloseIdleConnections)
	clients.Limits.Breaker.Quiet = 200 * time.Millisecond
	dir := t.TempDir()
	rows := agents("refused", 60)
	input := writeAgents(t, dir, rows)
	res, err := Import(context.Background(), context.Background(),
		Config{Input: input, InstanceID: sb.InstanceID(), Concurrency: 4}, clients)
	if err != nil {
		t.Fatal(err)
	}
	if at := cutAt.Load(); at != nil {
		t.Logf("the run ended %v after the cut, with a quiet of %v", time.Since(*at).Round(time.Millisecond), clients.Limits.Breaker.Quiet)
	}
	if !strings.Contains(res.Halted, "stopped answering") || !strings.Contains(res.Halted, srv.URL) {
		t.Errorf("halted %q, want the endpoint named", res.Halted)
	}
	if res.Counts[report.NotAttempted] < len(rows)/2 || res.RetryRows != res.Counts[report.NotAttempted]+res.Counts[report.Failed]-res.InDoubt {
		t.Errorf("counts %v, %d in doubt, %d in the retry file", res.Counts, res.InDoubt, res.RetryRows)
	}
	sb.SetHang(nil)
	res, err = importInto(t, sb, Config{Input: input, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	checkCreatedOnce(t, sb, rows, loadResults(t, res.ResultsPath))
}
