package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// ssoAttrHeader is a SAML file with the Identity Center columns.
const ssoAttrHeader = "first name,last name,email address,user login,routing profile name,security_profile_name_1|security_profile_name_2," +
	"title,department,employee number,cost center,organization,division,manager"

// ssoAttrRows: two managers and four reports; a1's manager (boss2) comes
// later in the file than a1, a2's (boss1) earlier.
var ssoAttrRows = []string{
	"Ann,One,a1@example.com,a1,Basic Routing Profile,Agent,Agent,Sales,E-1,CC-1,Example Corp,Retail,boss2",
	"Bea,Boss,boss1@example.com,boss1,Basic Routing Profile,Agent,Team Lead,Sales,E-10,CC-1,Example Corp,Retail,",
	"Cid,Two,a2@example.com,a2,Basic Routing Profile,Agent,Agent,Sales,E-2,CC-1,Example Corp,Retail,boss1",
	"Dan,Three,a3@example.com,a3,Basic Routing Profile,Agent,Agent,Sales,E-3,CC-1,Example Corp,Retail,boss1",
	"Eve,Boss,boss2@example.com,boss2,Basic Routing Profile,Agent,Team Lead,Support,E-20,CC-2,Example Corp,Retail,",
	"Fay,Four,a4@example.com,a4,Basic Routing Profile,Agent,Agent,Support,E-4,CC-2,Example Corp,Retail,boss2",
}

// TestIdentityCenterColumnsRoundTrip is the Identity Center columns' round
// trip: import with --sso (each user's Title and enterprise extension, the
// manager as its user id, checked with aws identitystore describe-user),
// export --sso writes them back (the manager as its login), a department
// and a manager changed in the export, import --update --sso changes
// exactly those, and the next export is a fixed point. Without --sso the
// columns are a problem naming the flag; --split-by manager writes one
// team file per manager.
func TestIdentityCenterColumnsRoundTrip(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(ssoAttrHeader+"\n"+strings.Join(ssoAttrRows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// Without --sso: a problem of each filled cell, naming the flag.
	out, code, _ := runBulkagents(t, "validate", filepath.Join(dir, "agents.csv"), "--identity", "saml")
	if stderr := string(out); code == 0 || !strings.Contains(stderr, "Connect has no such field") || !strings.Contains(stderr, "--sso") {
		t.Errorf("validate without --sso: exit %d\n%s", code, stderr)
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--dry-run", "--no-progress", "--out", "nosso.csv")
	if code == 0 {
		t.Errorf("import without --sso: exit 0\n%s", stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "nosso.csv")) {
		if o.Status != report.Invalid || !strings.Contains(o.Error, "Connect has no such field") || !strings.Contains(o.Error, "--sso") {
			t.Errorf("import without --sso, line %d: %s %q", line, o.Status, o.Error)
		}
	}

	// Import with --sso, split by manager.
	code, stderr = runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--split-by", "manager", "--no-progress")
	if code != 0 {
		t.Fatalf("import --sso: exit %d\n%s", code, stderr)
	}
	ids := map[string]string{} // login → identity store user id
	for _, o := range results(t, filepath.Join(dir, "agents-results.csv")) {
		if o.Status != report.Created || o.SSOUserID == "" {
			t.Fatalf("import --sso: %s %s %q", o.Login, o.Status, o.Error)
		}
		ids[o.Login] = o.SSOUserID
	}
	cli := awscli.ForTest(t, sb.URL())
	describe := func(login string) map[string]any {
		t.Helper()
		v, err := cli.JSON("identitystore", "describe-user", "--identity-store-id", sb.IdentityStoreID(), "--user-id", ids[login],
			"--extensions", "aws:identitystore:enterprise")
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	enterprise := func(login string) map[string]any {
		t.Helper()
		v := describe(login)
		ext, _ := v["Extensions"].(map[string]any)
		doc, _ := ext["aws:identitystore:enterprise"].(map[string]any)
		if doc == nil {
			t.Fatalf("%s has no enterprise extension: %v", login, v)
		}
		return doc
	}
	manager := func(doc map[string]any) string {
		m, _ := doc["manager"].(map[string]any)
		s, _ := m["value"].(string)
		return s
	}
	if v := describe("boss1"); v["Title"] != "Team Lead" {
		t.Errorf("boss1's title: %v", v["Title"])
	}
	for login, want := range map[string]string{"a1": "boss2", "a2": "boss1", "a3": "boss1", "a4": "boss2"} {
		doc := enterprise(login)
		if got := manager(doc); got != ids[want] {
			t.Errorf("%s's manager is %q, want %s's id %q", login, got, want, ids[want])
		}
		if doc["employeeNumber"] != "E-"+login[1:] || doc["organization"] != "Example Corp" || doc["division"] != "Retail" {
			t.Errorf("%s's enterprise extension: %v", login, doc)
		}
	}
	if doc := enterprise("boss2"); doc["department"] != "Support" || doc["costCenter"] != "CC-2" || manager(doc) != "" {
		t.Errorf("boss2's enterprise extension: %v", doc)
	}

	// One team file per manager, and one for the rows with none.
	teams, _ := filepath.Glob(filepath.Join(dir, "agents-results-teams", "*.csv"))
	var names []string
	for _, f := range teams {
		names = append(names, filepath.Base(f))
	}
	if len(teams) != 3 || !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "boss1") }) ||
		!slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "boss2") }) {
		t.Errorf("team files %q, want one per manager (boss1, boss2) and one for the managers themselves", names)
	}

	// handout --split-by department: one team file per department.
	if out, code, _ := runBulkagents(t, "handout", filepath.Join(dir, "agents.csv"), "--split-by", "department", "--force"); code != 0 {
		t.Fatalf("handout --split-by department: exit %d\n%s", code, out)
	}
	var depts []string
	for _, f := range mustGlob(t, filepath.Join(dir, "agents-results-teams", "*.csv")) {
		depts = append(depts, filepath.Base(f))
		for _, r := range parseCSV(t, readText(t, f))[1:] {
			if d := map[string]string{"a1": "Sales", "boss1": "Sales", "a2": "Sales", "a3": "Sales", "boss2": "Support", "a4": "Support"}[r[1]]; !strings.Contains(filepath.Base(f), strings.ToLower(d)) {
				t.Errorf("%s is in %s, not its department's (%s)", r[1], filepath.Base(f), d)
			}
		}
	}
	if len(depts) != 2 {
		t.Errorf("team files %q, want one per department (Sales, Support)", depts)
	}

	// export --sso writes the columns back.
	exportSSO := func(name string) [][]string {
		t.Helper()
		if code, stderr := runCommand(t, sb, dir, 1000, "export", "--sso", "--out", name, "--no-progress"); code != 0 {
			t.Fatalf("export --sso: exit %d\n%s", code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return parseCSV(t, string(data))
	}
	before := exportSSO("before.csv")
	col := func(h string) int {
		i := slices.Index(before[0], h)
		if i < 0 {
			t.Fatalf("export --sso has no column %q: %q", h, before[0])
		}
		return i
	}
	dept, mgr, title := col("department"), col("manager"), col("title")
	if r := rowOf(t, before, "a1"); r[mgr] != "boss2" || r[dept] != "Sales" || r[title] != "Agent" || r[col("employee number")] != "E-1" {
		t.Errorf("export --sso: a1's row %q", r)
	}

	// A department and a manager changed.
	edited := [][]string{before[0]}
	for _, r := range before[1:] {
		r = slices.Clone(r)
		switch r[col("user login")] {
		case "a2":
			r[dept] = "Support"
		case "a3":
			r[mgr] = "boss2"
		}
		edited = append(edited, r)
	}
	writeCSV(t, filepath.Join(dir, "edited.csv"), edited)
	want := map[string]string{"a2": "department: Sales -> Support", "a3": "manager: boss1 -> boss2"}
	code, stderr = runCommand(t, sb, dir, 1000, "import", "edited.csv", "--update", "--sso", "--no-progress", "--out", "update.csv")
	if code != 0 {
		t.Fatalf("import --update --sso: exit %d\n%s", code, stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "update.csv")) {
		switch w, ok := want[o.Login]; {
		case ok && (o.Status != report.Updated || o.Changes != w):
			t.Errorf("import --update --sso, %s: %s %q (%s), want updated %q", o.Login, o.Status, o.Changes, o.Error, w)
		case !ok && o.Changes != "":
			t.Errorf("import --update --sso, line %d (%s): %s %q, want no change", line, o.Login, o.Status, o.Changes)
		}
	}
	if doc := enterprise("a2"); doc["department"] != "Support" || manager(doc) != ids["boss1"] || doc["employeeNumber"] != "E-2" {
		t.Errorf("a2 after the update: %v", doc)
	}
	if doc := enterprise("a3"); manager(doc) != ids["boss2"] || doc["department"] != "Sales" {
		t.Errorf("a3 after the update: %v", doc)
	}
	for _, login := range []string{"a1", "a4", "boss1", "boss2"} {
		if doc := enterprise(login); doc["department"] != rowOf(t, before, login)[dept] {
			t.Errorf("%s changed: %v", login, doc)
		}
	}

	// The next export is the edited file: a fixed point.
	after := exportSSO("after.csv")
	if !slices.EqualFunc(after, edited, slices.Equal[[]string]) {
		t.Errorf("the export after the update:\n%q\nwant the edited file:\n%q", after, edited)
	}
	code, stderr = runCommand(t, sb, dir, 1000, "import", "after.csv", "--update", "--sso", "--dry-run", "--no-progress", "--out", "again.csv")
	if code != 0 {
		t.Errorf("dry run of the export after: exit %d\n%s", code, stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "again.csv")) {
		if o.Changes != "" {
			t.Errorf("the export after, line %d (%s): %s %q, want no change", line, o.Login, o.Status, o.Changes)
		}
	}
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A manager login that is neither a row of the file nor an Identity
// Center user is a problem of the row, found before anything is made; a
// manager that Identity Center has already (not in the file) is sent as
// that user's id on CreateUser.
func TestIdentityCenterManagerFound(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	dir := t.TempDir()
	cli := awscli.ForTest(t, sb.URL())
	boss, err := cli.JSON("identitystore", "create-user", "--identity-store-id", sb.IdentityStoreID(), "--user-name", "chief",
		"--display-name", "The Chief", "--name", "GivenName=The,FamilyName=Chief")
	if err != nil {
		t.Fatal(err)
	}
	rows := []string{
		"Ann,One,a1@example.com,a1,Basic Routing Profile,Agent,,,,,,,ghost",
		"Bea,Two,a2@example.com,a2,Basic Routing Profile,Agent,,,,,,,Chief",
	}
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(ssoAttrHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--no-progress")
	if code == 0 {
		t.Errorf("import: exit 0, want the invalid row's\n%s", stderr)
	}
	res := results(t, filepath.Join(dir, "agents-results.csv"))
	if o := res[2]; o.Status != report.Invalid || !strings.Contains(o.Error, `manager "ghost" is neither a user login of this file nor an IAM Identity Center user`) {
		t.Errorf("line 2: %s %q", o.Status, o.Error)
	}
	o := res[3]
	if o.Status != report.Created {
		t.Fatalf("line 3: %s %q", o.Status, o.Error)
	}
	for _, u := range sb.IdentityStoreUsers() {
		switch u.UserName {
		case "a1":
			t.Errorf("line 2's Identity Center user was made: %+v", u)
		case "a2":
			if u.Enterprise.Manager != boss["UserId"] {
				t.Errorf("a2's manager is %q, want chief's id %v", u.Enterprise.Manager, boss["UserId"])
			}
		}
	}
}

// A manager whose row makes no Identity Center user (the store is full)
// leaves the user made before it without a manager: the summary warns,
// naming the line and the command that sets it later.
func TestIdentityCenterManagerLeftUnset(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, IdentityStoreUsersQuota: 1})
	dir := t.TempDir()
	rows := []string{
		"Ann,One,a1@example.com,a1,Basic Routing Profile,Agent,,,,,,,boss",
		"Bea,Boss,boss@example.com,boss,Basic Routing Profile,Agent,,,,,,,",
	}
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(ssoAttrHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// One row at a time, in the file's order: a1 is made first.
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--concurrency", "1", "--no-progress")
	if code == 0 {
		t.Errorf("import: exit 0, want boss's row failed\n%s", stderr)
	}
	res := results(t, filepath.Join(dir, "agents-results.csv"))
	if res[2].Status != report.Created || res[3].Status != report.Failed {
		t.Fatalf("statuses %s %s (%s), want created, failed", res[2].Status, res[3].Status, res[3].Error)
	}
	if !strings.Contains(stderr, "warning: line 2: a1: its manager boss was not set in IAM Identity Center") ||
		!strings.Contains(stderr, "run import --update --sso") {
		t.Errorf("the summary does not warn of a1's manager:\n%s", stderr)
	}
}
