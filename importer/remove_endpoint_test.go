package importer

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestRemoveEndpointRefused: the endpoint stops listening after a few
// deletes. remove stops sending as import does (the breaker): the rows it
// never sent are not-attempted, not failed, the result says it stopped
// sending and names the endpoint, and --resume finishes.
func TestRemoveEndpointRefused(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	const n, answered = 60, 8
	users := make([]sandbox.ConnectUser, n)
	var rows []string
	for i := range users {
		users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("leaver%02d", i+1)}
		rows = append(rows, users[i].Username)
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	var deletes atomic.Int32
	cut := make(chan struct{})
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "DeleteUser" && deletes.Add(1) == answered {
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
	input := filepath.Join(dir, "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(), Concurrency: 4}, clients)
	if err != nil {
		t.Fatal(err)
	}
	if at := cutAt.Load(); at != nil {
		t.Logf("the run ended %v after the cut, with a quiet of %v", time.Since(*at).Round(time.Millisecond), clients.Limits.Breaker.Quiet)
	}
	if !strings.Contains(res.Halted, "stopped answering") || !strings.Contains(res.Halted, srv.URL) {
		t.Errorf("halted %q, want the endpoint named", res.Halted)
	}
	// The summary says it stopped sending, with res.Halted, which sends
	// the user to --resume (TestRemoveSummarySaysItStoppedSending, in the
	// command line).
	if !strings.Contains(res.Halted, "--resume") {
		t.Errorf("halted %q does not say to --resume", res.Halted)
	}
	notSent := 0
	for _, o := range res.Outcomes {
		switch {
		case o.Status == report.NotAttempted && !strings.Contains(o.Error, "DeleteUser sent"):
			notSent++
		case o.Status == report.Failed && !strings.Contains(o.Error, "DeleteUser sent"):
			t.Errorf("line %d: failed %q, though its DeleteUser was never sent: want not-attempted", o.Line, o.Error)
		}
	}
	if notSent < n/2 {
		t.Errorf("%d rows not sent and not-attempted, want the rest after the cut: %v", notSent, res.Counts)
	}

	sb.SetHang(nil)
	res, err = Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(), Resume: true}, sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Deleted]+res.Counts[report.Absent] != n || len(sb.ConnectUsers()) != 1 {
		t.Errorf("--resume: %v, %d users left (want only the admin)", res.Counts, len(sb.ConnectUsers()))
	}
}

// TestRemoveEndpointSilent: the endpoint stops answering (the calls hang).
// remove stops sending once the breaker hears nothing for its silence: the
// rows never sent are not-attempted, the rows in flight say to --resume,
// and --resume finishes.
func TestRemoveEndpointSilent(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	const n, answered = 40, 8
	users := make([]sandbox.ConnectUser, n)
	var rows []string
	for i := range users {
		users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("quiet%02d", i+1)}
		rows = append(rows, users[i].Username)
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	var deletes atomic.Int32
	var silent atomic.Bool
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "DeleteUser" && deletes.Add(1) > answered {
			silent.Store(true)
		}
		return silent.Load()
	})
	clients := sandboxClients(t, sb, 1000)
	clients.Limits.Breaker.Silence = 300 * time.Millisecond
	dir := t.TempDir()
	input := filepath.Join(dir, "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(), Concurrency: 4}, clients)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the run ended %v after it started, with a silence of %v", time.Since(start).Round(time.Millisecond), clients.Limits.Breaker.Silence)
	if !strings.Contains(res.Halted, "stopped answering") {
		t.Errorf("halted %q, want the endpoint named silent", res.Halted)
	}
	notSent := 0
	for _, o := range res.Outcomes {
		switch {
		case o.Status == report.NotAttempted && !strings.Contains(o.Error, "DeleteUser sent"):
			notSent++
		case o.Status != report.Deleted && !strings.Contains(o.Error, "--resume"):
			t.Errorf("line %d: %s %q, want it pointed at --resume", o.Line, o.Status, o.Error)
		}
	}
	if notSent < n/2 {
		t.Errorf("%d rows not sent and not-attempted, want the rest: %v", notSent, res.Counts)
	}
	sb.SetHang(nil)
	res, err = Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(), Resume: true}, sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Deleted]+res.Counts[report.Absent] != n || len(sb.ConnectUsers()) != 1 {
		t.Errorf("--resume: %v, %d users left (want only the admin)", res.Counts, len(sb.ConnectUsers()))
	}
}
