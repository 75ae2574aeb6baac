package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// partInstance seeds a sandbox with n users (through its Go API): one in 50
// on the Sales Routing Profile, the others on the Basic one; a fifth in
// Example Corp|Support, a fifth in Example Corp|Support|Tier 1 (below it),
// a fifth in Example Corp|Sales, the rest in no group.
func partInstance(t *testing.T, n int) (*sandbox.Sandbox, map[string]string) {
	t.Helper()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, UserQuota: n + 10})
	groups := map[string]string{
		"support": sb.AddHierarchyGroup("Example Corp", "Support"),
		"tier1":   sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1"),
		"sales":   sb.AddHierarchyGroup("Example Corp", "Sales"),
	}
	sales := sb.RoutingProfileID("Sales Routing Profile")
	if sales == "" {
		sales = sb.AddRoutingProfile("Sales Routing Profile")
	}
	seed := make([]sandbox.ConnectUser, n)
	for j := range seed {
		login := fmt.Sprintf("agent%05d", j)
		u := sandbox.ConnectUser{Username: login, FirstName: "Agent", LastName: fmt.Sprintf("Number %d", j),
			Email: login + "@example.com", Mobile: fmt.Sprintf("+44770%07d", j), ACWTimeout: 30,
			Tags: map[string]string{"team": fmt.Sprint(j % 4)}}
		if j%50 == 7 {
			u.RoutingProfileID = sales
		}
		switch j % 5 {
		case 0:
			u.HierarchyGroupID = groups["support"]
		case 1:
			u.HierarchyGroupID = groups["tier1"]
		case 2:
			u.HierarchyGroupID = groups["sales"]
		}
		seed[j] = u
	}
	if err := sb.AddConnectUsers(seed...); err != nil {
		t.Fatal(err)
	}
	return sb, groups
}

// exportSummary runs export with --format json and decodes its summary.
func exportSummary(t *testing.T, sb *sandbox.Sandbox, dir string, args ...string) map[string]any {
	t.Helper()
	cmd := importCmd(t, sb, dir, 1000, append([]string{"export", "--no-progress", "--format", "json"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("export %v: %v\n%s", args, err, out)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("export's summary: %v\n%s", err, out)
	}
	return v
}

// fileLogins is the user login column of an export.
func fileLogins(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(recs[0], "user login")
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[col])
	}
	slices.Sort(out)
	return out
}

// cliLogins is what the AWS CLI's search-users finds with criteria.
func cliLogins(t *testing.T, sb *sandbox.Sandbox, criteria string) []string {
	t.Helper()
	v := awsCLI(t, sb)("search-users", "--instance-id", sb.InstanceID(), "--search-criteria", criteria)
	var out []string
	for _, u := range v["Users"].([]any) {
		out = append(out, u.(map[string]any)["Username"].(string))
	}
	slices.Sort(out)
	return out
}

// TestExportWhere is issue 24's second acceptance test: --where 'routing
// profile name=Sales Routing Profile' reads only the matching users' pages
// (at most 2 for 400 users) and writes exactly the users the AWS CLI's
// search-users finds; --where 'agent hierarchy=Example Corp|Support'
// includes the group's subtree (Tier 1) and nothing else. 2,000 users in
// the suite (40 on Sales), 20,000 (400) with BULKAGENTS_FULL=1.
func TestExportWhere(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 2000, 20000)
	sb, groups := partInstance(t, n)
	dir := t.TempDir()

	sb.ResetCalls()
	v := exportSummary(t, sb, dir, "--out", "sales.csv", "--where", "routing profile name=Sales Routing Profile")
	calls := sb.Calls() // before the AWS CLI's own search
	got := fileLogins(t, filepath.Join(dir, "sales.csv"))
	want := cliLogins(t, sb, fmt.Sprintf(`{"StringCondition":{"FieldName":"RoutingProfileId","Value":%q,"ComparisonType":"EXACT"}}`, sb.RoutingProfileID("Sales Routing Profile")))
	if len(got) != n/50 || !slices.Equal(got, want) {
		t.Errorf("--where routing profile: %d users written, the AWS CLI finds %d (want %d)", len(got), len(want), n/50)
	}
	if pages := v["user_pages"].(float64); pages > 2 || pages < 1 {
		t.Errorf("--where routing profile: %v pages of users read, want 1 or 2", pages)
	}
	// The sandbox saw no more SearchUsers than the summary says, and
	// DescribeUser for the matching users only.
	if sent, said := calls["Connect.SearchUsers"].Sent, v["calls"].(map[string]any)["SearchUsers"].(float64); float64(sent) != said {
		t.Errorf("the sandbox counted %d SearchUsers, the summary %v", sent, said)
	}
	if d := calls["Connect.DescribeUser"].Sent; d != n/50 {
		t.Errorf("%d DescribeUser calls for %d matching users", d, n/50)
	}

	exportSummary(t, sb, dir, "--out", "support.csv", "--where", "agent hierarchy=Example Corp|Support", "--columns", "user login,agent hierarchy")
	got = fileLogins(t, filepath.Join(dir, "support.csv"))
	want = nil
	for _, u := range sb.ConnectUsers() {
		if u.HierarchyGroupID == groups["support"] || u.HierarchyGroupID == groups["tier1"] {
			want = append(want, u.Username)
		}
	}
	slices.Sort(want)
	cli := cliLogins(t, sb, fmt.Sprintf(`{"HierarchyGroupCondition":{"Value":%q,"HierarchyGroupMatchType":"WITH_CHILD_GROUPS"}}`, groups["support"]))
	if len(got) != 2*n/5 || !slices.Equal(got, want) || !slices.Equal(got, cli) {
		t.Errorf("--where agent hierarchy: %d users written, %d in the subtree, the AWS CLI finds %d", len(got), len(want), len(cli))
	}
}

// TestExportColumns: --columns writes the chosen columns in the template's
// order whatever the order given (a name holding | is one name), reads no
// DescribeUser, no proficiency and no hierarchy group when none of them is
// chosen, and refuses a name that is no column or a --where the API cannot
// filter on (exit 2, with what it can).
func TestExportColumns(t *testing.T) {
	t.Parallel()
	sb, _ := partInstance(t, 60)
	dir := t.TempDir()
	sb.ResetCalls()
	v := exportSummary(t, sb, dir, "--out", "few.csv", "--columns", "security_profile_name_1|security_profile_name_2, user login,routing profile name")
	data, err := os.ReadFile(filepath.Join(dir, "few.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimPrefix(string(data), "\ufeff"), "\n")
	if lines[0] != "user login,routing profile name,security_profile_name_1|security_profile_name_2" || !slices.Contains(lines, "agent00007,Sales Routing Profile,Agent") {
		t.Errorf("export --columns wrote\n%s", strings.Join(lines[:min(4, len(lines))], "\n"))
	}
	calls := sb.Calls()
	for _, api := range []string{"DescribeUser", "ListUserProficiencies", "ListPredefinedAttributes", "DescribeUserHierarchyGroup"} {
		if n := calls["Connect."+api].Sent; n != 0 {
			t.Errorf("%d %s calls for columns that need none", n, api)
		}
	}
	if v["users"].(float64) != 61 {
		t.Errorf("summary: %v users, want 61", v["users"])
	}
	for _, tc := range []struct{ args []string }{
		{[]string{"--columns", "user login,routng profile"}},
		{[]string{"--columns", "user login,password"}},
		{[]string{"--where", "mobile=+447700000001"}},
		{[]string{"--where", "routing profile name=No Such Profile"}},
	} {
		code, stderr := runCommand(t, sb, dir, 1000, append([]string{"export", "--out", "x.csv", "--no-progress"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, "hint:") {
			t.Errorf("export %v: exit %d, want 2 with a hint\n%s", tc.args, code, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "x.csv")); err == nil {
			t.Errorf("export %v wrote a file", tc.args)
		}
	}
}

// TestExportTeamUpdate is issue 24's third acceptance test: one team's
// filtered export, imported unchanged with --update --dry-run, plans no
// change; edited (a routing profile, a last name) and imported with
// --update, it changes exactly the edited users' edited fields and nothing
// of anyone else.
func TestExportTeamUpdate(t *testing.T) {
	t.Parallel()
	sb, _ := partInstance(t, 50)
	dir := t.TempDir()
	exportSummary(t, sb, dir, "--out", "team.csv", "--where", "agent hierarchy=Example Corp|Support|Tier 1")
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "team.csv", "--update", "--dry-run", "--no-progress", "--out", "plan.csv"); code != 0 {
		t.Fatalf("dry run of the unchanged team: exit %d\n%s", code, stderr)
	}
	for _, o := range results(t, filepath.Join(dir, "plan.csv")) {
		if o.Status != report.Exists || o.Changes != "" {
			t.Errorf("unchanged team export: %s is %s with changes %q", o.Login, o.Status, o.Changes)
		}
	}
	before := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		before[u.Username] = u
	}
	data, err := os.ReadFile(filepath.Join(dir, "team.csv"))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "Agent,Number 1,", "Agent,Renamed,", 1)
	edited = strings.Replace(edited, ",agent00006,,Basic Routing Profile,", ",agent00006,,Sales Routing Profile,", 1)
	if edited == string(data) || strings.Count(edited, "Renamed") != 1 || !strings.Contains(edited, "agent00006,,Sales") {
		t.Fatalf("the edits did not apply to\n%s", data)
	}
	if err := os.WriteFile(filepath.Join(dir, "team.csv"), []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "team.csv", "--update", "--no-progress", "--out", "done.csv"); code != 0 {
		t.Fatalf("import --update of the edited team: exit %d\n%s", code, stderr)
	}
	sales := sb.RoutingProfileID("Sales Routing Profile")
	for _, u := range sb.ConnectUsers() {
		want := before[u.Username]
		switch u.Username {
		case "agent00001":
			want.LastName = "Renamed"
		case "agent00006":
			want.RoutingProfileID = sales
		}
		if !reflect.DeepEqual(u, want) {
			t.Errorf("%s after the import:\n%+v\nwant\n%+v", u.Username, u, want)
		}
	}
}
