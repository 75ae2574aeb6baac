package importer

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// pagedHeader is the template without the columns no SearchUsers page
// holds (email address, secondary email address, mobile).
const pagedHeader = "first name,last name,password,user login," +
	"routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2," +
	"phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags"

func writePagedRows(t testing.TB, dir, name string, rows []updateRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(pagedHeader + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join([]string{r.First, r.Last, r.Password, r.Login, r.Routing, r.Security,
			r.Hierarchy, r.PhoneType, r.Number, r.AutoAccept, r.ACW, r.Tags}, ",") + "\n")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// describes is how many DescribeUser calls the sandbox answered.
func describes(sb *sandbox.Sandbox) int { return sb.Calls()["Connect.DescribeUser"].Sent }

// TestUpdateFromPages: import --update of a file without email, secondary
// email or mobile columns (1,000 rows with BULKAGENTS_FULL=1; 60 in the
// suite) plans every change from the SearchUsers pages: the dry run and
// the run make 0 DescribeUser calls, the dry run's changes are the run's,
// and the sandbox then holds the file with every user's email as it was.
// A row that changes a name is then described, that row alone: the
// identity's call replaces the email and mobile too.
func TestUpdateFromPages(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 60, 1000)
	fl := newFleet(t, sandbox.Options{Unlimited: true}, n)
	k := n / 6
	for i := 0; i < k; i++ {
		fl.rows[i].Routing = "Sales Routing Profile"
		fl.rows[k+i].Security = "Agent|CallCenterManager"
		r := &fl.rows[2*k+i]
		r.Hierarchy, r.PhoneType, r.Number, r.ACW, r.Tags = "Example Corp|Support|Tier 2", "desk", "+14255550100", "60", "team|red"
	}
	dir := t.TempDir()
	input := writePagedRows(t, dir, "agents.csv", fl.rows)
	before := stateOf(fl.sb)
	fl.sb.ResetCalls()

	// Without --update: every row exists, its changes cell says what
	// differs, nothing is changed.
	plain, err := importInto(t, fl.sb, Config{Input: input, Out: filepath.Join(dir, "plain.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if got := describes(fl.sb); got != 0 {
		t.Errorf("the run without --update made %d DescribeUser calls, want 0", got)
	}
	if plain.Counts[report.Exists] != n {
		t.Errorf("run without --update: counts %v, want %d exists", plain.Counts, n)
	}
	if o := loadResults(t, plain.ResultsPath)[2]; o.Changes != "routing profile: Basic Routing Profile -> Sales Routing Profile" {
		t.Errorf("run without --update, line 2: changes %q", o.Changes)
	}
	if !maps.Equal(stateOf(fl.sb), before) {
		t.Fatal("the run without --update changed the sandbox")
	}

	dry, err := importInto(t, fl.sb, Config{Input: input, Update: true, DryRun: true, Out: filepath.Join(dir, "dry.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if got := describes(fl.sb); got != 0 {
		t.Errorf("the dry run made %d DescribeUser calls, want 0", got)
	}
	if dry.Counts[report.WouldUpdate] != 3*k || dry.Counts[report.Exists] != n-3*k {
		t.Errorf("dry run counts %v, want %d would-update and %d exists", dry.Counts, 3*k, n-3*k)
	}
	planned := loadResults(t, dry.ResultsPath)
	for line, want := range map[int]string{
		2:     "routing profile: Basic Routing Profile -> Sales Routing Profile",
		k + 2: "security profiles: +CallCenterManager",
		2*k + 2: "hierarchy: Example Corp|Support|Tier 1 -> Example Corp|Support|Tier 2; " +
			"phone type: soft -> desk; phone number: (none) -> +14255550100; ACW timeout: 30 -> 60; tags: team=blue -> red",
		3*k + 2: "",
	} {
		if planned[line].Changes != want {
			t.Errorf("dry run line %d: changes %q, want %q", line, planned[line].Changes, want)
		}
	}
	if !maps.Equal(stateOf(fl.sb), before) {
		t.Fatal("the dry run changed the sandbox")
	}

	fl.sb.ResetCalls()
	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := describes(fl.sb); got != 0 {
		t.Errorf("the run made %d DescribeUser calls, want 0", got)
	}
	if res.Counts[report.Updated] != 3*k || res.Counts[report.Exists] != n-3*k {
		t.Errorf("run counts %v, want %d updated and %d exists", res.Counts, 3*k, n-3*k)
	}
	for line, o := range loadResults(t, res.ResultsPath) {
		if o.Changes != planned[line].Changes {
			t.Errorf("line %d: the run's changes %q differ from the dry run's %q", line, o.Changes, planned[line].Changes)
		}
	}
	assertState(t, fl)

	// A name changed: that row is described, its email kept.
	fl.rows[n-1].Last += "-Smith"
	input = writePagedRows(t, dir, "renamed.csv", fl.rows)
	fl.sb.ResetCalls()
	res, err = importInto(t, fl.sb, Config{Input: input, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := describes(fl.sb); got != 1 {
		t.Errorf("a file with one name changed made %d DescribeUser calls, want 1", got)
	}
	if res.Counts[report.Updated] != 1 {
		t.Errorf("counts %v, want 1 updated", res.Counts)
	}
	assertState(t, fl)
}

// TestUpdateFromPagesUserGone: a user deleted a moment ago is still on
// the pages (the listing lags), so the plan from the pages says update
// (the dry run's would-update); the update call answers
// ResourceNotFoundException, and the row is created, not called updated
// or exists.
func TestUpdateFromPagesUserGone(t *testing.T) {
	t.Parallel()
	fl := newFleet(t, sandbox.Options{Unlimited: true, ListingLag: 10 * 60e9}, 3)
	users := map[string]string{}
	for _, u := range fl.sb.ConnectUsers() {
		users[u.Username] = u.ID
	}
	c := sandboxClients(t, fl.sb, 1000).Connect.(*connect.Client)
	if _, err := c.DeleteUser(context.Background(), &connect.DeleteUserInput{InstanceId: aws.String(fl.sb.InstanceID()), UserId: aws.String(users["agent0002"])}); err != nil {
		t.Fatal(err)
	}
	for i := range fl.rows {
		fl.rows[i].Routing = "Sales Routing Profile"
	}
	dir := t.TempDir()
	input := writePagedRows(t, dir, "agents.csv", fl.rows)
	// The dry run's plan is what the listing shows: the deleted user is
	// on the pages, and nothing is read that would say it is gone.
	fl.sb.ResetCalls()
	dry, err := importInto(t, fl.sb, Config{Input: input, Update: true, DryRun: true, Out: filepath.Join(dir, "dry.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if o := loadResults(t, dry.ResultsPath)[3]; o.Status != report.WouldUpdate || describes(fl.sb) != 0 {
		t.Errorf("dry run, the deleted user's row: %s after %d DescribeUser; want would-update (the listing's) after 0", o.Status, describes(fl.sb))
	}
	fl.sb.ResetCalls()
	res, err := importInto(t, fl.sb, Config{Input: input, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := describes(fl.sb); got != 1 {
		t.Errorf("%d DescribeUser calls, want 1 (the update call's ResourceNotFoundException confirmed)", got)
	}
	got := loadResults(t, res.ResultsPath)
	if o := got[3]; o.Status != report.Created || o.ConnectUserID == "" || o.ConnectUserID == users["agent0002"] {
		t.Errorf("the deleted user's row: %s %q id %q; want created with a new id", o.Status, o.Error, o.ConnectUserID)
	}
	for _, line := range []int{2, 4} {
		if o := got[line]; o.Status != report.Updated {
			t.Errorf("line %d: %s %q, want updated", line, o.Status, o.Error)
		}
	}
	now := map[string]sandbox.ConnectUser{}
	for _, u := range fl.sb.ConnectUsers() {
		now[u.Username] = u
	}
	for _, login := range []string{"agent0001", "agent0002", "agent0003"} {
		if now[login].RoutingProfileID != fl.routing["Sales Routing Profile"] {
			t.Errorf("%s: routing profile %q, want the file's", login, now[login].RoutingProfileID)
		}
	}
}
