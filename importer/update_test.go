package importer

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// updateRow is one row of templateHeader with every cell given.
type updateRow struct {
	First, Last, Email, Secondary, Mobile, Password, Login, Routing, Security, Hierarchy, PhoneType, Number, AutoAccept, ACW, Tags string
}

func (r updateRow) csv() string {
	return strings.Join([]string{r.First, r.Last, r.Email, r.Secondary, r.Mobile, r.Password, r.Login, r.Routing, r.Security,
		r.Hierarchy, r.PhoneType, r.Number, r.AutoAccept, r.ACW, r.Tags}, ",")
}

func writeUpdateRows(t testing.TB, dir, name string, rows []updateRow) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(templateHeader + "\n")
	for _, r := range rows {
		b.WriteString(r.csv() + "\n")
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// profileIDs lists a sandbox's routing and security profiles by name,
// through the API.
func profileIDs(t testing.TB, sb *sandbox.Sandbox) (routing, security map[string]string) {
	t.Helper()
	c := sandboxClients(t, sb, 1000).Connect.(*connect.Client)
	ctx := context.Background()
	r, err := c.ListRoutingProfiles(ctx, &connect.ListRoutingProfilesInput{InstanceId: aws.String(sb.InstanceID()), MaxResults: aws.Int32(1000)})
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.ListSecurityProfiles(ctx, &connect.ListSecurityProfilesInput{InstanceId: aws.String(sb.InstanceID()), MaxResults: aws.Int32(1000)})
	if err != nil {
		t.Fatal(err)
	}
	routing, security = map[string]string{}, map[string]string{}
	for _, p := range r.RoutingProfileSummaryList {
		routing[*p.Name] = *p.Id
	}
	for _, p := range s.SecurityProfileSummaryList {
		security[*p.Name] = *p.Id
	}
	return routing, security
}

// fleet is n existing agents and the file that describes them as they are.
type fleet struct {
	sb       *sandbox.Sandbox
	others   map[string]string // the users the file does not name, as they were
	rows     []updateRow
	routing  map[string]string
	security map[string]string
	tier1    string
	tier2    string
}

func newFleet(t testing.TB, opts sandbox.Options, n int) *fleet {
	t.Helper()
	sb := startSandbox(t, opts)
	fl := &fleet{sb: sb}
	fl.routing, fl.security = profileIDs(t, sb)
	if fl.routing["Sales Routing Profile"] == "" {
		// README.md seeds it; the sandbox of this version may not.
		fl.routing["Sales Routing Profile"] = sb.AddRoutingProfile("Sales Routing Profile")
	}
	fl.tier1 = sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1")
	fl.tier2 = sb.AddHierarchyGroup("Example Corp", "Support", "Tier 2")
	users := make([]sandbox.ConnectUser, n)
	fl.rows = make([]updateRow, n)
	for i := range users {
		login := fmt.Sprintf("agent%04d", i+1)
		users[i] = sandbox.ConnectUser{Username: login, FirstName: "Agent", LastName: fmt.Sprintf("Number%d", i+1),
			Email: login + "@example.com", RoutingProfileID: fl.routing["Basic Routing Profile"],
			SecurityProfileIDs: []string{fl.security["Agent"]}, HierarchyGroupID: fl.tier1,
			PhoneType: "SOFT_PHONE", AutoAccept: true, ACWTimeout: 30, Tags: map[string]string{"team": "blue"}}
		fl.rows[i] = updateRow{First: "Agent", Last: users[i].LastName, Email: users[i].Email, Login: login,
			Routing: "Basic Routing Profile", Security: "Agent", Hierarchy: "Example Corp|Support|Tier 1",
			PhoneType: "soft", AutoAccept: "yes", ACW: "30", Tags: "team|blue"}
	}
	fl.others = stateOf(sb)
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	return fl
}

// changeThree edits the rows of the acceptance run, k of each kind: routing
// profiles, then security profiles, then several fields at once (last name,
// hierarchy, phone settings, tags).
func changeThree(rows []updateRow, k int) {
	for i := 0; i < k; i++ {
		rows[i].Routing = "Sales Routing Profile"
		rows[k+i].Security = "Agent|CallCenterManager"
		r := &rows[2*k+i]
		r.Hierarchy = "Example Corp|Support|Tier 2"
		r.PhoneType, r.Number, r.ACW = "desk", "+14255550100", "60"
		r.Tags = "team|red"
		r.Last = r.Last + "-Smith"
	}
}

// stateOf is every user's fields, by user name, for comparing a sandbox
// before and after.
func stateOf(sb *sandbox.Sandbox) map[string]string {
	out := map[string]string{}
	for _, u := range sb.ConnectUsers() {
		tags := slices.Sorted(maps.Keys(u.Tags))
		var kv []string
		for _, k := range tags {
			kv = append(kv, k+"="+u.Tags[k])
		}
		sp := slices.Clone(u.SecurityProfileIDs)
		slices.Sort(sp)
		out[u.Username] = fmt.Sprintf("%s|%s|%s|%s|%s|rp=%s|sp=%v|h=%s|%s|%s|%v|%d|%v",
			u.FirstName, u.LastName, u.Email, u.SecondaryEmail, u.Mobile, u.RoutingProfileID, sp, u.HierarchyGroupID,
			u.PhoneType, u.DeskPhoneNumber, u.AutoAccept, u.ACWTimeout, kv)
	}
	return out
}

// wantState is what the sandbox must hold once the file is applied.
func (fl *fleet) wantState(t testing.TB) map[string]string {
	t.Helper()
	out := maps.Clone(fl.others)
	for _, r := range fl.rows {
		var sp []string
		for _, n := range strings.Split(r.Security, "|") {
			sp = append(sp, fl.security[n])
		}
		slices.Sort(sp)
		h := fl.tier1
		if strings.HasSuffix(r.Hierarchy, "Tier 2") {
			h = fl.tier2
		}
		pt := "SOFT_PHONE"
		if r.PhoneType == "desk" {
			pt = "DESK_PHONE"
		}
		k, v, _ := strings.Cut(r.Tags, "|")
		out[r.Login] = fmt.Sprintf("%s|%s|%s|%s|%s|rp=%s|sp=%v|h=%s|%s|%s|%v|%s|%v",
			r.First, r.Last, r.Email, r.Secondary, r.Mobile, fl.routing[r.Routing], sp, h, pt, r.Number, r.AutoAccept == "yes", r.ACW, []string{k + "=" + v})
	}
	return out
}

var updateAPIs = []string{"Connect.UpdateUserRoutingProfile", "Connect.UpdateUserSecurityProfiles", "Connect.UpdateUserHierarchy",
	"Connect.UpdateUserPhoneConfig", "Connect.UpdateUserIdentityInfo", "Connect.TagResource", "Connect.UntagResource", "Connect.CreateUser"}

func sentPerAPI(sb *sandbox.Sandbox) map[string]int {
	calls := sb.Calls()
	out := map[string]int{}
	for _, op := range updateAPIs {
		out[op] = calls[op].Sent
	}
	return out
}

// TestUpdateAcceptance: 1,000 existing agents and a file that changes 300
// of them (with BULKAGENTS_FULL=1; 200 and 60 in the suite). The dry run lists exactly those changes, the real run makes
// exactly those calls, the sandbox then holds the file, and a second run
// changes nothing.
func TestUpdateAcceptance(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 200, 1000)
	k := n / 10 // rows of each kind of change
	fl := newFleet(t, sandbox.Options{Unlimited: true}, n)
	changeThree(fl.rows, k)
	dir := t.TempDir()
	input := writeUpdateRows(t, dir, "agents.csv", fl.rows)
	before := stateOf(fl.sb)
	fl.sb.ResetCalls()

	dry, err := importInto(t, fl.sb, Config{Input: input, Update: true, DryRun: true, Out: filepath.Join(dir, "dry.csv")})
	if err != nil {
		t.Fatal(err)
	}
	for op, n := range sentPerAPI(fl.sb) {
		if n != 0 {
			t.Errorf("the dry run sent %d %s", n, op)
		}
	}
	if dry.Counts[report.WouldUpdate] != 3*k || dry.Counts[report.Exists] != n-3*k {
		t.Errorf("dry run counts %v, want %d would-update and %d exists", dry.Counts, 3*k, n-3*k)
	}
	wantFields := map[string]int{"routing profile": k, "security profiles": k, "hierarchy": k, "phone type": k,
		"phone number": k, "ACW timeout": k, "tags": k, "last name": k}
	if dry.Update == nil || dry.Update.Differ != 3*k || !maps.Equal(dry.Update.Fields, wantFields) {
		t.Errorf("dry run update counts %+v, want %d rows and %v", dry.Update, 3*k, wantFields)
	}
	got := loadResults(t, dry.ResultsPath)
	for line, want := range map[int]string{
		2:     "routing profile: Basic Routing Profile -> Sales Routing Profile",
		k + 2: "security profiles: +CallCenterManager",
		2*k + 2: fmt.Sprintf("last name: Number%[1]d -> Number%[1]d-Smith; ", 2*k+1) +
			"hierarchy: Example Corp|Support|Tier 1 -> Example Corp|Support|Tier 2; " +
			"phone type: soft -> desk; phone number: (none) -> +14255550100; ACW timeout: 30 -> 60; tags: team=blue -> red",
		3*k + 2: "",
	} {
		if got[line].Changes != want {
			t.Errorf("dry run line %d: changes %q, want %q", line, got[line].Changes, want)
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
	if res.Counts[report.Updated] != 3*k || res.Counts[report.Exists] != n-3*k {
		t.Errorf("run counts %v, want %d updated and %d exists", res.Counts, 3*k, n-3*k)
	}
	wantCalls := map[string]int{"Connect.UpdateUserRoutingProfile": k, "Connect.UpdateUserSecurityProfiles": k,
		"Connect.UpdateUserHierarchy": k, "Connect.UpdateUserPhoneConfig": k, "Connect.UpdateUserIdentityInfo": k,
		"Connect.TagResource": k, "Connect.UntagResource": 0, "Connect.CreateUser": 0}
	if calls := sentPerAPI(fl.sb); !maps.Equal(calls, wantCalls) {
		t.Errorf("calls %v, want %v", calls, wantCalls)
	}
	if got := fl.sb.Calls()["Connect.DescribeUser"].Sent; got != n {
		t.Errorf("%d DescribeUser calls, want one per existing row (%d)", got, n)
	}
	after := loadResults(t, res.ResultsPath)
	for line := range got {
		if got[line].Changes != after[line].Changes {
			t.Errorf("line %d: the run's changes %q differ from the dry run's %q", line, after[line].Changes, got[line].Changes)
		}
	}
	assertState(t, fl)

	fl.sb.ResetCalls()
	again, err := importInto(t, fl.sb, Config{Input: input, Update: true, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts[report.Exists] != n || again.Update.Differ != 0 {
		t.Errorf("second run counts %v, %d differ; want %d exists and none differing", again.Counts, again.Update.Differ, n)
	}
	for op, n := range sentPerAPI(fl.sb) {
		if n != 0 {
			t.Errorf("the second run sent %d %s", n, op)
		}
	}
}

func assertState(t *testing.T, fl *fleet) {
	t.Helper()
	got, want := stateOf(fl.sb), fl.wantState(t)
	bad := 0
	for login, w := range want {
		if got[login] != w {
			if bad++; bad <= 5 {
				t.Errorf("user %s:\n got %s\nwant %s", login, got[login], w)
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("the sandbox holds %d users, want %d", len(got), len(want))
	}
	if bad > 5 {
		t.Errorf("... %d users differ in all", bad)
	}
}
