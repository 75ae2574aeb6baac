package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// The 12 hierarchy groups of the acceptance file that the sandbox lacks,
// three levels deep, parents before children; the file's rows name their
// eight leaves.
var missingGroups = []string{
	"Example Corp|Retail", "Example Corp|Retail|Team A", "Example Corp|Retail|Team B", "Example Corp|Retail|Team C",
	"Example Corp|Wholesale", "Example Corp|Wholesale|Team A", "Example Corp|Wholesale|Team B", "Example Corp|Wholesale|Team C",
	"North Corp", "North Corp|Field", "North Corp|Field|Crew 1", "North Corp|Field|Crew 2",
}

func hierarchyLeaves() []string {
	var leaves []string
	for _, g := range missingGroups {
		if strings.Count(g, "|") == 2 {
			leaves = append(leaves, g)
		}
	}
	return leaves
}

// hierarchyRows are n rows spread over the leaves of missingGroups.
func hierarchyRows(n int) []string {
	leaves := hierarchyLeaves()
	rows := make([]string, n)
	for i := range rows {
		login := fmt.Sprintf("org%04d", i+1)
		rows[i] = fmt.Sprintf("Agent,Number%d,%s@example.com,,%s,Basic Routing Profile,Agent,%s,soft,,yes,30", i+1, login, login, leaves[i%len(leaves)])
	}
	return rows
}

// TestAcceptanceCreateHierarchy is acceptance 1 of the hierarchy groups on
// demand: without --create-hierarchy the rows are invalid, naming the
// flag; its dry run lists exactly the 12 groups; the run, killed during
// the groups' creation and during the users', then --resume'd, creates each
// group once, parents first, and every agent in its group (checked with
// the AWS CLI).
//
//	BULKAGENTS_FULL=1 go test -run TestAcceptanceCreateHierarchy -v .
func TestAcceptanceCreateHierarchy(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("kills the import several times")
	}
	rows, kills := fullSize(t, 40, 300), fullSize(t, 4, 10)
	// Faults after the change too: a group made whose answer is an error,
	// which the SDK's retry meets as DuplicateResourceException.
	// CreateUser at 20/s: a run takes a couple of seconds, long enough to
	// be killed in the middle however slow the machine is.
	sb := e2eSandbox(t, sandbox.Options{RateScale: 10, UserQuota: rows + 10, ErrorRate: 0.05, Seed: 23})
	watch := watchCalls(t, sb)
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", hierarchyRows(rows))
	before := len(sb.HierarchyGroups())

	// Without the flag: every row invalid, the message naming it.
	code, out := runCommand(t, sb, dir, 10, "import", "agents.csv", "--dry-run", "--no-progress", "--out", "without.csv")
	if code != 1 {
		t.Fatalf("without --create-hierarchy: exit %d, want 1\n%s", code, out)
	}
	for line, o := range results(t, filepath.Join(dir, "without.csv")) {
		if o.Status != report.Invalid || !strings.Contains(o.Error, "--create-hierarchy") {
			t.Fatalf("line %d without the flag: %s %q, want invalid naming --create-hierarchy", line, o.Status, o.Error)
		}
	}

	// The dry run lists exactly the 12, creating nothing.
	code, out = runCommand(t, sb, dir, 10, "import", "agents.csv", "--dry-run", "--create-hierarchy", "--no-progress", "--out", "plan.csv")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	var planned []string
	for _, l := range strings.Split(out, "\n") {
		if g, ok := strings.CutPrefix(l, "would-create group "); ok {
			planned = append(planned, g)
		}
	}
	if !slices.Equal(planned, missingGroups) {
		t.Errorf("the dry run plans %q\nwant %q", planned, missingGroups)
	}
	if n := len(sb.HierarchyGroups()); n != before {
		t.Fatalf("the dry run made %d groups", n-before)
	}
	for line, o := range results(t, filepath.Join(dir, "plan.csv")) {
		if o.Status != report.WouldCreate || !strings.HasPrefix(o.Changes, "would-create group ") {
			t.Errorf("dry run, line %d: %s, changes %q", line, o.Status, o.Changes)
		}
	}

	// The run, killed while it creates the groups and while it creates the
	// users, then resumed.
	results := filepath.Join(dir, "agents-results.csv")
	done, duringGroups := 0, 0
	for k := 0; done < kills; k++ {
		if k > 4*kills {
			t.Fatalf("only %d kills in %d runs", done, k)
		}
		args := []string{"import", "agents.csv", "--create-hierarchy", "--no-progress"}
		if _, err := os.Stat(results); err == nil {
			args = append(args, "--resume")
		}
		if len(sb.ConnectUsers()) == rows+1 {
			break // every agent made: nothing left to kill
		}
		r := startKillRun(t, importCmd(t, sb, dir, 10, args...))
		// Kill during the groups' creation while some are left, and
		// during the users', in turn.
		event, groups := watch.after(1+k%2, "Connect.CreateUserHierarchyGroup"), true
		if made := len(sb.HierarchyGroups()) - before; made >= len(missingGroups)-1 || done%2 == 1 {
			groups = false
			remaining := rows + 1 - len(sb.ConnectUsers())
			event = watch.after(1+(k*7)%max(2, remaining/2), "Connect.CreateUser")
		}
		if !r.wait(event) || !r.kill() {
			continue // it ended on its own
		}
		done++
		if groups {
			duringGroups++
		}
	}
	code, out = runCommand(t, sb, dir, 10, "import", "agents.csv", "--create-hierarchy", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("final --resume: exit %d\n%s", code, out)
	}
	checkConsistent(t, sb, results, rows, true)

	// Each group once: the sandbox refuses a child before its parent, so
	// made at all is made parents first.
	seen := map[string]int{}
	byID := map[string]string{}
	for _, g := range sb.HierarchyGroups() {
		seen[g.Path]++
		byID[g.ID] = g.Path
	}
	for _, g := range missingGroups {
		if seen[g] != 1 {
			t.Errorf("group %s made %d times", g, seen[g])
		}
	}
	if n := len(sb.HierarchyGroups()); n != before+len(missingGroups) {
		t.Errorf("%d groups made, want %d", n-before, len(missingGroups))
	}

	// The AWS CLI sees the groups, and each agent in the group of its row.
	cli := awscli.ForTest(t, sb.URL())
	listed, err := cli.JSON("connect", "list-user-hierarchy-groups", "--instance-id", sb.InstanceID())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(listed["UserHierarchyGroupSummaryList"].([]any)); n != before+len(missingGroups) {
		t.Errorf("list-user-hierarchy-groups: %d groups, want %d", n, before+len(missingGroups))
	}
	want := map[string]string{}
	for i, row := range hierarchyRows(rows) {
		want[fmt.Sprintf("org%04d", i+1)] = strings.Split(row, ",")[7]
	}
	agents := 0
	for _, u := range sb.ConnectUsers() {
		if w, ok := want[u.Username]; ok {
			agents++
			if byID[u.HierarchyGroupID] != w {
				t.Errorf("%s is in %q, want %q", u.Username, byID[u.HierarchyGroupID], w)
			}
		}
	}
	if agents != rows {
		t.Errorf("%d agents made, want %d", agents, rows)
	}
	one, err := cli.JSON("connect", "describe-user-hierarchy-group", "--instance-id", sb.InstanceID(), "--hierarchy-group-id", groupID(sb, "North Corp|Field|Crew 2"))
	if err != nil {
		t.Fatal(err)
	}
	if js := fmt.Sprint(one); !strings.Contains(js, "North Corp") || !strings.Contains(js, "Field") {
		t.Errorf("describe-user-hierarchy-group of Crew 2: %v", one)
	}
	calls := sb.Calls()["Connect.CreateUserHierarchyGroup"]
	t.Logf("%d rows, %d kills (%d while creating groups); CreateUserHierarchyGroup: %d sent, %d failed", rows, done, duringGroups, calls.Sent, calls.Failed)
	if duringGroups == 0 || duringGroups == done || done < kills/2 {
		t.Errorf("%d of %d kills while creating groups: the test proves too little", duringGroups, done)
	}
}

func groupID(sb *sandbox.Sandbox, path string) string {
	for _, g := range sb.HierarchyGroups() {
		if g.Path == path {
			return g.ID
		}
	}
	return ""
}

// TestCreateHierarchyDeeperThanStructure: a path deeper than the
// instance's structure is a problem of its row naming the levels there are.
func TestCreateHierarchyDeeperThanStructure(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{RateScale: 50})
	if err := sb.SetHierarchyLevels("Organisation", "Department", "Team"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", []string{
		"Agent,One,one@example.com,,deep1,Basic Routing Profile,Agent,Example Corp|Support|Tier 1|Pod 4,soft,,yes,30",
		"Agent,Two,two@example.com,,fine2,Basic Routing Profile,Agent,Example Corp|Support|Tier 3,soft,,yes,30",
	})
	code, out := runCommand(t, sb, dir, 50, "import", "agents.csv", "--create-hierarchy", "--no-progress")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	got := results(t, filepath.Join(dir, "agents-results.csv"))
	lines := make([]int, 0, len(got))
	for l := range got {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	deep, fine := got[lines[0]], got[lines[1]]
	if deep.Status != report.Invalid || !strings.Contains(deep.Error, "1 Organisation, 2 Department, 3 Team") || !strings.Contains(deep.Error, "4 levels") {
		t.Errorf("the deep row: %s %q", deep.Status, deep.Error)
	}
	if fine.Status != report.Created || groupID(sb, "Example Corp|Support|Tier 3") == "" {
		t.Errorf("the row within the structure: %s %q", fine.Status, fine.Error)
	}
	if groupID(sb, "Example Corp|Support|Tier 1|Pod 4") != "" {
		t.Errorf("a group deeper than the structure was made")
	}
}
