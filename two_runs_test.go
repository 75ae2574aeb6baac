package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestAcceptanceTwoRunsLostAnswers: two imports of the same rows at once on
// one instance, each with its own results file, while the sandbox drops 20%
// of the mutating calls' answers after applying them. Only the run whose
// CreateUser made a user may call it created and hand out a password: no
// login is created in both files, every created row's password is the one
// the sandbox holds, the other run's row is exists and says why, and no
// user keeps the run's creation tag. 60 rows in the suite, 200 with
// BULKAGENTS_FULL=1.
func TestAcceptanceTwoRunsLostAnswers(t *testing.T) {
	t.Parallel()
	rows := fullSize(t, 60, 200)
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, DropRate: 0.2, Seed: 26, UserQuota: rows + 10})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("twice", rows))

	var wg sync.WaitGroup
	codes, stderrs := make([]int, 2), make([]string, 2)
	for i, out := range []string{"resA.csv", "resB.csv"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], stderrs[i] = runCommand(t, sb, dir, 1000, "import", "agents.csv", "--out", out, "--no-progress")
		}()
	}
	wg.Wait()
	for i := range codes {
		if codes[i] != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, codes[i], stderrs[i])
		}
	}
	calls := sb.Calls()
	t.Logf("%d rows twice: CreateUser %d sent, %d answers dropped; UntagResource %d sent",
		rows, calls["Connect.CreateUser"].Sent, calls["Connect.CreateUser"].Dropped, calls["Connect.UntagResource"].Sent)

	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
		for k := range u.Tags {
			if strings.HasPrefix(k, "bulkagents:") {
				t.Errorf("user %s keeps the tag %s", u.Username, k)
			}
		}
	}
	if len(users) != rows+1 {
		t.Errorf("the sandbox holds %d users, want %d and its admin", len(users), rows)
	}
	createdBy := map[string]string{}
	others := 0
	for _, name := range []string{"resA.csv", "resB.csv"} {
		got := results(t, filepath.Join(dir, name))
		if len(got) != rows {
			t.Fatalf("%s has %d rows, want %d", name, len(got), rows)
		}
		for line, o := range got {
			u, ok := users[o.Login]
			switch o.Status {
			case report.Created:
				if prev, twice := createdBy[o.Login]; twice {
					t.Errorf("%s is created in both %s and %s", o.Login, prev, name)
				}
				createdBy[o.Login] = name
				if !ok || o.Password == "" || u.Password != o.Password {
					t.Errorf("%s line %d: %s created, but its password is not the one the user was created with", name, line, o.Login)
				}
			case report.Exists:
				if o.Password != "" {
					t.Errorf("%s line %d: exists with a password", name, line)
				}
				if strings.Contains(o.Error, "another") {
					others++
				}
			default:
				t.Errorf("%s line %d: %s (%s), want created or exists", name, line, o.Status, o.Error)
			}
		}
	}
	for i := 1; i <= rows; i++ {
		login := fmt.Sprintf("twice%04d", i)
		if createdBy[login] == "" {
			t.Errorf("%s is created in neither file", login)
		}
	}
	t.Logf("%d rows found made by the other run after a duplicate", others)
}

// TestResumeTellsAnotherRunsUser: an interrupted run wrote ahead the
// passwords and creation token of three rows and was killed with their
// CreateUser in flight. Meanwhile its CreateUser made one user (it carries
// the token), another run made the second (another password, no token),
// and the third was never made. --resume calls the first created with its
// password (and takes the tag off), the second exists with no password
// and says another run or person created it, and creates the third.
func TestResumeTellsAnotherRunsUser(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("resumed", 3))
	const token = "0123456789abcdef01234567"
	profile := sb.RoutingProfileID("Basic Routing Profile")
	agent := sb.SecurityProfileID("Agent")
	if err := sb.AddConnectUsers(
		sandbox.ConnectUser{Username: "resumed0001", Password: "Ours1234abcd", FirstName: "Agent", LastName: "Number1",
			RoutingProfileID: profile, SecurityProfileIDs: []string{agent}, Tags: map[string]string{"bulkagents:run": token}},
		sandbox.ConnectUser{Username: "resumed0002", Password: "Theirs1234ab", FirstName: "Agent", LastName: "Number2",
			RoutingProfileID: profile, SecurityProfileIDs: []string{agent}},
	); err != nil {
		t.Fatal(err)
	}
	log, err := report.Create(filepath.Join(dir, "agents-results.csv"), false)
	if err != nil {
		t.Fatal(err)
	}
	for i, pw := range []string{"Ours1234abcd", "Mine1234abcd", "Third1234abc"} {
		login := fmt.Sprintf("resumed%04d", i+1)
		if err := log.Append(report.Outcome{Line: i + 2, Login: login, Status: report.NotAttempted, Password: pw, Instance: sb.InstanceID(),
			CreationToken: token, Error: "interrupted while creating the user: run again with --resume to settle it"}); err != nil {
			t.Fatal(err)
		}
	}
	log.Close()

	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, stderr)
	}
	got := results(t, filepath.Join(dir, "agents-results.csv"))
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
	}
	if o := got[2]; o.Status != report.Created || o.Password != "Ours1234abcd" {
		t.Errorf("line 2 (made by the interrupted run): %s %q, want created with its password", o.Status, o.Error)
	}
	if _, tagged := users["resumed0001"].Tags["bulkagents:run"]; tagged {
		t.Errorf("resumed0001 keeps the creation tag")
	}
	if o := got[3]; o.Status != report.Exists || o.Password != "" || !strings.Contains(o.Error, "another run or person") {
		t.Errorf("line 3 (made by another run): %s, password given %v, %q; want exists, none, and why", o.Status, o.Password != "", o.Error)
	}
	if o := got[4]; o.Status != report.Created || o.Password != "Third1234abc" || users["resumed0003"].Password != "Third1234abc" {
		t.Errorf("line 4 (never made): %s %q, want created with the password written ahead", o.Status, o.Error)
	}
}
