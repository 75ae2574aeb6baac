package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
	"github.com/bulkagents/bulkagents/templates"
)

// fullRows makes n rows of the identity's current template with every
// column in use: hierarchy, tags, desk phones, two security profiles,
// secondary email, mobile (and email for a Connect-managed instance), and
// the extension columns: proficiencies and per-channel settings.
func fullRows(identity string, prefix string, n int) string {
	var b strings.Builder
	b.Write(templates.Extended(templates.Header(identity), agentfile.ExtensionHeader()))
	hier := []string{"Example Corp|Support|Tier 1", "Example Corp|Support|Tier 2", "Example Corp|Sales", ""}
	for i := 1; i <= n; i++ {
		login := fmt.Sprintf("%s%03d", prefix, i)
		if identity == "SAML" {
			login += "@example.com"
		}
		phone, number := "soft", ""
		if i%3 == 0 {
			phone, number = "desk", fmt.Sprintf("+1425555%04d", i)
		}
		sps := "Agent|QualityAnalyst"
		if i%2 == 0 {
			sps = "Agent"
		}
		tags := fmt.Sprintf("team|t%d||site|leeds", i%4)
		mobile := fmt.Sprintf("+4477009%05d", i)
		second := fmt.Sprintf("second%d@example.org", i)
		acw := fmt.Sprint(i % 120)
		auto := []string{"yes", "no"}[i%2]
		h := hier[i%len(hier)]
		ext := extensionCells(i)
		if identity == "SAML" {
			// first,last,secondary email,mobile,login,routing,security,hierarchy,phone type,number,auto,acw,tags
			fmt.Fprintf(&b, "Agent,Number %d,%s,%s,%s,Basic Routing Profile,%s,%s,%s,%s,%s,%s,%s,%s\n",
				i, second, mobile, login, sps, h, phone, number, auto, acw, tags, ext)
			continue
		}
		// first,last,email,secondary,mobile,password,login,agent hierarchy,routing,security,hierarchy,phone type,number,auto,acw,tags
		fmt.Fprintf(&b, "Agent,Number %d,%s@example.com,%s,%s,,%s,,Basic Routing Profile,%s,%s,%s,%s,%s,%s,%s,%s\n",
			i, login, second, mobile, login, sps, h, phone, number, auto, acw, tags, ext)
	}
	return b.String()
}

// extensionCells are row i's cells of the extension columns, in the order
// of agentfile.ExtensionHeader, varied so that every column is used, blank
// and not: proficiencies, chat/task/email auto accept, chat/task/email ACW,
// callback auto accept and ACW, persistent connection, voice enhancement.
func extensionCells(i int) string {
	profs := []string{"Language|English|4||Skill|Billing|2", "Language|Spanish|5", "", "Skill|Technical|1||Language|French|3||Skill|Sales|5"}[i%4]
	chat := []string{"yes", "no", ""}[i%3]
	task, email := "", ""
	if i%2 == 0 {
		task = "yes"
	}
	if i%4 == 1 {
		email = "no"
	}
	chatACW, taskACW, emailACW := "", fmt.Sprint(i%7*10), ""
	if i%3 == 0 {
		chatACW, emailACW = "45", "600"
	}
	cbAuto, cbACW := "", ""
	if i%5 == 0 {
		cbAuto, cbACW = "no", "15"
	}
	persistent := []string{"yes", "no"}[i%2]
	enhancement := []string{"isolation", "suppression", "none", ""}[i%4]
	return strings.Join([]string{profs, chat, task, email, chatACW, taskACW, emailACW, cbAuto, cbACW, persistent, enhancement}, ",")
}

// export runs bulkagents export against sb into dir/name and returns the
// file's content.
func export(t *testing.T, sb *sandbox.Sandbox, dir, name string) string {
	t.Helper()
	code, stderr := runCommand(t, sb, dir, 1000, "export", "--out", name, "--no-progress")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	if strings.Contains(stderr, "warning") {
		t.Errorf("export warned:\n%s", stderr)
	}
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// statuses counts the statuses of a results file.
func statuses(t *testing.T, path string) map[report.Status]int {
	t.Helper()
	n := map[report.Status]int{}
	for _, o := range results(t, path) {
		n[o.Status]++
	}
	return n
}

// TestExportCopy is the copy that the README promises: agents imported with every
// column into instance A, exported, imported into a fresh instance B (every
// row created but the instance's own admin, which exists), and B's export
// equals A's cell for cell; importing A's export into A finds every row
// there.
func TestExportCopy(t *testing.T) {
	t.Parallel()
	for _, identity := range []string{"CONNECT_MANAGED", "SAML"} {
		t.Run(identity, func(t *testing.T) {
			t.Parallel()
			n := fullSize(t, 30, 60) // each extension cell takes all its values within 7 rows
			dir := t.TempDir()
			a := e2eSandbox(t, sandbox.Options{Unlimited: true, Identity: identity})
			if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(fullRows(identity, "agent", n)), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, stderr := runCommand(t, a, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
				t.Fatalf("import into A: exit %d\n%s", code, stderr)
			}
			fromA := export(t, a, dir, "a.csv")
			if got := strings.Count(fromA, "\n"); got != n+2 {
				t.Fatalf("A's export has %d lines, want %d (header, admin, %d agents)", got, n+2, n)
			}
			if strings.Contains(fromA, a.RoutingProfileID("Basic Routing Profile")) {
				t.Errorf("A's export holds a routing profile id")
			}
			checkExtensionCells(t, fromA, identity, n)
			if !strings.Contains(fromA, ",second1@example.org,") {
				t.Errorf("A's export lacks the secondary email of agent001:\n%s", fromA)
			}

			// The export imported into A again: every row exists.
			if code, stderr := runCommand(t, a, dir, 1000, "import", "a.csv", "--dry-run", "--no-progress", "--out", "a-again.csv"); code != 0 {
				t.Fatalf("dry run of A's export on A: exit %d\n%s", code, stderr)
			}
			if got := statuses(t, filepath.Join(dir, "a-again.csv")); got[report.Exists] != n+1 || len(got) != 1 {
				t.Errorf("dry run of A's export on A: %v, want %d exists", got, n+1)
			}

			b := e2eSandbox(t, sandbox.Options{Unlimited: true, Identity: identity})
			if code, stderr := runCommand(t, b, dir, 1000, "import", "a.csv", "--no-progress", "--out", "b-results.csv"); code != 0 {
				t.Fatalf("import into B: exit %d\n%s", code, stderr)
			}
			if got := statuses(t, filepath.Join(dir, "b-results.csv")); got[report.Created] != n || got[report.Exists] != 1 || len(got) != 2 {
				t.Errorf("import of A's export into B: %v, want %d created and the admin exists", got, n)
			}
			fromB := export(t, b, dir, "b.csv")
			if fromA != fromB {
				t.Errorf("B's export differs from A's:\nA:\n%s\nB:\n%s", fromA, fromB)
			}
		})
	}
}

// TestExportShowsChanges changes users behind the tool's back (routing
// profile, secondary email and mobile, tags) and checks that the export
// shows each change, and only those.
func TestExportShowsChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(fullRows("CONNECT_MANAGED", "agent", 12)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	before := export(t, sb, dir, "before.csv")
	sales := sb.AddRoutingProfile("Sales Routing Profile")
	changes := []struct {
		login string
		apply func(*sandbox.ConnectUser)
		from  string
		to    string
	}{
		{"agent001", func(u *sandbox.ConnectUser) { u.RoutingProfileID = sales }, ",Basic Routing Profile,", ",Sales Routing Profile,"},
		{"agent002", func(u *sandbox.ConnectUser) { u.SecondaryEmail, u.Mobile = "new@example.org", "+14255550199" }, ",second2@example.org,'+447700900002,", ",new@example.org,'+14255550199,"},
		{"agent003", func(u *sandbox.ConnectUser) { u.Tags["site"] = "york" }, "site|leeds||team|t3", "site|york||team|t3"},
	}
	want := before
	for _, c := range changes {
		if !sb.ChangeConnectUser(c.login, c.apply) {
			t.Fatalf("no user %s", c.login)
		}
		lines := strings.Split(want, "\n")
		found := false
		for i, l := range lines {
			if strings.Contains(l, ","+c.login+",") {
				if !strings.Contains(l, c.from) {
					t.Fatalf("%s's row %q lacks %q", c.login, l, c.from)
				}
				lines[i], found = strings.Replace(l, c.from, c.to, 1), true
			}
		}
		if !found {
			t.Fatalf("no row for %s in\n%s", c.login, want)
		}
		want = strings.Join(lines, "\n")
	}
	after := export(t, sb, dir, "after.csv")
	if after != want {
		t.Errorf("export after the changes:\n%s\nwant:\n%s", after, want)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "after.csv", "--dry-run", "--no-progress", "--out", "again.csv"); code != 0 {
		t.Fatalf("dry run of the export: exit %d\n%s", code, stderr)
	}
	if got := statuses(t, filepath.Join(dir, "again.csv")); got[report.Exists] != 13 || len(got) != 1 {
		t.Errorf("dry run of the export: %v, want 13 exists", got)
	}
}

// TestExportKeepsNoHalfFile checks that a failed export leaves no file and
// no temporary file behind.
func TestExportKeepsNoHalfFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	cmd := importCmd(t, nil, dir, 1000, "export", "--out", "x.csv", "--no-progress",
		"--endpoint-url", sb.URL(), "--region", "us-east-1", "--instance-id", "00000000-0000-0000-0000-000000000000")
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	err := cmd.Run()
	stderr := errBuf.String()
	if err == nil || cmd.ProcessState.ExitCode() != 2 {
		t.Fatalf("export from an unknown instance: %v, want exit 2\n%s", err, stderr)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "x.csv") || strings.HasPrefix(e.Name(), ".x.csv") {
			t.Errorf("%s left behind", e.Name())
		}
	}
	if !bytes.Contains([]byte(stderr), []byte("bulkagents:")) {
		t.Errorf("no error message:\n%s", stderr)
	}
}

// checkExtensionCells wants each agent's row of an export to end with the
// extension cells fullRows gave it (the proficiencies sorted, as export
// writes them).
func checkExtensionCells(t *testing.T, export, identity string, n int) {
	t.Helper()
	rows := map[string]string{}
	for _, l := range strings.Split(export, "\n") {
		if f := strings.Split(l, ","); len(f) > 7 {
			rows[f[4]], rows[f[6]] = l, l // the login's column: SAML 5th, Connect-managed 7th
		}
	}
	for i := 1; i <= n; i++ {
		login := fmt.Sprintf("agent%03d", i)
		if identity == "SAML" {
			login += "@example.com"
		}
		want := strings.Split(extensionCells(i), ",")
		profs := strings.Split(want[0], "||")
		slices.Sort(profs)
		want[0] = strings.Join(profs, "||")
		if row := rows[login]; !strings.HasSuffix(row, ","+strings.Join(want, ",")) {
			t.Errorf("%s's row %q does not end with its extension cells %q", login, row, strings.Join(want, ","))
		}
	}
}
