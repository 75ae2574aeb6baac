package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// awsCLI runs the AWS CLI's connect commands against sb, as an
// administrator would (one CLI process for the test, internal/awscli), and
// decodes what it prints. The test is skipped without the AWS CLI.
func awsCLI(t *testing.T, sb *sandbox.Sandbox) func(args ...string) map[string]any {
	t.Helper()
	return awscli.ForTest(t, sb.URL()).Connect(t)
}

// TestExportRoundTrip is issue 11's first acceptance test: agents made by
// import with every column in use (the extension columns too), then changed
// with the AWS CLI; the export shows each change and nothing else, and
// importing the export with --update --dry-run finds every row there with
// nothing to change. 50 agents in the suite, 500 with BULKAGENTS_FULL=1.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 50, 500)
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, UserQuota: n + 10})
	aws := awsCLI(t, sb)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(fullRows("CONNECT_MANAGED", "agent", n)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	before := export(t, sb, dir, "before.csv")
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
	}
	id := func(login string) string { return users[login].ID }
	inst := sb.InstanceID()
	// Each change, and the cells it turns from -> to in the user's row.
	changes := []struct {
		login    string
		args     []string
		from, to string
	}{
		{"agent001", []string{"update-user-routing-profile", "--routing-profile-id", sb.RoutingProfileID("Sales Routing Profile")},
			",Basic Routing Profile,", ",Sales Routing Profile,"},
		{"agent002", []string{"update-user-identity-info", "--identity-info",
			`{"FirstName":"Renamed","LastName":"Number 2","Email":"agent002@example.com","SecondaryEmail":"new@example.org","Mobile":"+14255550199"}`},
			"Agent,Number 2,agent002@example.com,second2@example.org,'+447700900002,", "Renamed,Number 2,agent002@example.com,new@example.org,'+14255550199,"},
		{"agent003", []string{"tag-resource", "--tags", "site=york"}, "site|leeds||team|t3", "site|york||team|t3"},
		{"agent004", []string{"update-user-config", "--auto-accept-configs", "Channel=CHAT,AutoAccept=true"},
			",Language|English|4||Skill|Billing|2,no,yes,", ",Language|English|4||Skill|Billing|2,yes,yes,"},
		{"agent005", []string{"update-user-proficiencies", "--user-proficiencies", "AttributeName=Language,AttributeValue=Spanish,Level=2"},
			",Language|Spanish|5,", ",Language|Spanish|2,"},
		{"agent006", []string{"associate-user-proficiencies", "--user-proficiencies", "AttributeName=Skill,AttributeValue=Sales,Level=3"},
			"site|leeds||team|t2,,", "site|leeds||team|t2,Skill|Sales|3,"},
	}
	want := before
	for _, c := range changes {
		args := append(c.args, "--resource-arn", users[c.login].ARN)
		if c.args[0] != "tag-resource" {
			args = append(c.args, "--instance-id", inst, "--user-id", id(c.login))
		}
		aws(args...)
		want = replaceInRow(t, want, c.login, c.from, c.to)
	}
	after := export(t, sb, dir, "after.csv")
	if after != want {
		t.Errorf("export after the AWS CLI's changes differs from the one before with exactly those changes:\n%s", lineDiff(want, after))
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "after.csv", "--update", "--dry-run", "--no-progress", "--out", "again.csv")
	if code != 0 {
		t.Fatalf("import --update --dry-run of the export: exit %d\n%s", code, stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "again.csv")) {
		if o.Status != report.Exists || o.Changes != "" {
			t.Errorf("line %d (%s): %s %q, want exists with no change", line, o.Login, o.Status, o.Changes)
		}
	}
}

// replaceInRow replaces from with to in the row of login, which must hold it.
func replaceInRow(t *testing.T, export, login, from, to string) string {
	t.Helper()
	lines := strings.Split(export, "\n")
	for i, l := range lines {
		if strings.Contains(l, ","+login+",") {
			if !strings.Contains(l, from) {
				t.Fatalf("%s's row %q lacks %q", login, l, from)
			}
			lines[i] = strings.Replace(l, from, to, 1)
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no row for %s", login)
	return ""
}

// lineDiff lists the lines of two files that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, c string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a != c {
			fmt.Fprintf(&b, "line %d:\n want %s\n  got %s\n", i+1, a, c)
		}
	}
	return b.String()
}
