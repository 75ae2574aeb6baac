package importer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestWrittenAheadPasswordOutlivesTheListingLag: an interrupted run wrote
// a row's password ahead and its CreateUser went through, then the row was
// edited into an invalid one. Resumed while the listing does not show the
// user yet, the row is settled by asking again (created, with that
// password), not called invalid and its password dropped; a user that is
// still not listed after the backoff was never made.
func TestWrittenAheadPasswordOutlivesTheListingLag(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	routing, security := profileIDs(t, sb)
	const made, never = "Xk3pQ9rTz7Lm", "Wq8vN2sYb5Jd"
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "late", Password: made, FirstName: "Late", LastName: "Comer",
		RoutingProfileID: routing["Basic Routing Profile"], SecurityProfileIDs: []string{security["Agent"]}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Both rows are invalid now: their routing profile was renamed.
	input := writeUpdateRows(t, dir, "agents.csv", []updateRow{
		{First: "Late", Last: "Comer", Login: "late", Routing: "Renamed Profile", Security: "Agent", PhoneType: "soft"},
		{First: "Never", Last: "Made", Login: "never", Routing: "Renamed Profile", Security: "Agent", PhoneType: "soft"},
	})
	results := filepath.Join(dir, "agents-results.csv")
	log, err := report.Create(results, false)
	if err != nil {
		t.Fatal(err)
	}
	interrupted := "interrupted while creating the user; run again with --resume to settle it"
	for _, o := range []report.Outcome{
		{Line: 2, Login: "late", Status: report.NotAttempted, Password: made, Error: interrupted, Instance: sb.InstanceID()},
		{Line: 3, Login: "never", Status: report.NotAttempted, Password: never, Error: interrupted, Instance: sb.InstanceID()},
	} {
		if err := log.Append(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	proxy := behindListing(t, sb, 2, 0) // the first two searches show nobody
	clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: proxy.URL, RateScale: 1000,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(clients.CloseIdleConnections)
	res, err := Import(context.Background(), context.Background(), Config{Input: input, InstanceID: sb.InstanceID(), Resume: true, LagBackoff: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}}, clients)
	if err != nil {
		t.Fatal(err)
	}
	late, lost := res.Outcomes[0], res.Outcomes[1]
	if u := usersByName(t, sb)["late"]; late.Status != report.Created || late.Password != made || late.ConnectUserID != u.ID {
		t.Errorf("late: %s, password kept %v, id %q (the user's is %q): want created with its password and id: %s",
			late.Status, late.Password == made, late.ConnectUserID, u.ID, late.Error)
	}
	if lost.Status != report.Invalid || lost.Password != "" || !strings.Contains(lost.Error, "Renamed Profile") {
		t.Errorf("never: %s, password kept %v: want invalid without it: %s", lost.Status, lost.Password == never, lost.Error)
	}
	if n := len(sb.ConnectUsers()); n != 2 { // admin and late
		t.Errorf("the sandbox holds %d users, want 2", n)
	}
}

// TestSettledOnlyWithTheRunsToken: a row in doubt (or written ahead and
// invalid now) whose CreateUser carried a creation token is this run's only
// when the user found carries that token; a user another run made at the
// same moment is not handed out with this run's password.
func TestSettledOnlyWithTheRunsToken(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	routing, security := profileIDs(t, sb)
	for login, token := range map[string]string{"ours": "tok-ours", "theirs": "tok-theirs"} {
		if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: login, Password: "Xk3pQ9rTz7Lm", FirstName: "A", LastName: "B",
			RoutingProfileID: routing["Basic Routing Profile"], SecurityProfileIDs: []string{security["Agent"]},
			Tags: map[string]string{CreationTagKey: token}}); err != nil {
			t.Fatal(err)
		}
	}
	clients := sandboxClients(t, sb, 1000)
	p := &Provisioner{Connect: clients.Connect, Instance: Instance{ID: sb.InstanceID(), AccessURL: "https://x.my.connect.aws/"}, Log: &memoryLog{}}
	ctx := context.Background()
	for _, tc := range []struct {
		login string
		want  report.Status
	}{{"ours", report.Created}, {"theirs", report.Exists}} {
		prev := report.Outcome{Line: 2, Login: tc.login, Status: report.NotAttempted, Password: "Xk3pQ9rTz7Lm", CreationToken: "tok-ours"}
		w := settleWrittenAhead(ctx, clients.Connect, p.Instance, report.Outcome{Line: 2, Login: tc.login, Status: report.Invalid, Error: "edited"}, prev, nil)
		wantW := report.Invalid
		if tc.want == report.Created {
			wantW = report.Created
		}
		if w.Status != wantW || (w.Password != "") != (wantW == report.Created) {
			t.Errorf("written ahead, %s: %s, password given %v: want %s: %s", tc.login, w.Status, w.Password != "", wantW, w.Error)
		}
		u, found, err := lookUpCreated(ctx, clients.Connect, sb.InstanceID(), tc.login)
		if err != nil || !found {
			t.Fatalf("%s: %v %v", tc.login, found, err)
		}
		o := p.settleFound(ctx, report.Outcome{Line: 2, Login: tc.login, Status: report.Failed, Password: "Xk3pQ9rTz7Lm", CreationToken: "tok-ours"}, u)
		if o.Status != tc.want || (o.Password != "") != (tc.want == report.Created) || o.ConnectUserID != u.id {
			t.Errorf("in doubt, %s: %s, password given %v, id %q: want %s", tc.login, o.Status, o.Password != "", o.ConnectUserID, tc.want)
		}
	}
	if tags := usersByName(t, sb)["ours"].Tags; tags[CreationTagKey] != "" {
		t.Errorf("the user settled in doubt still carries the creation token: %v", tags)
	}
}
