package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// The Identity Center columns' part of the column round trip: they live
// on the IAM Identity Center user, so their cases run on a SAML sandbox
// with --sso (TestColumnRoundTripSSO), and TestColumnRoundTrip counts them
// towards its every-column check (ssoCoverage).

// rtSSOBase is every round-trip user's Identity Center cells as imported.
var rtSSOBase = map[string]string{
	"title": "Agent", "department": "Sales", "employee number": "E-1", "cost center": "CC-1",
	"organization": "Example Corp", "division": "Retail", "manager": "rtboss1@example.com",
}

// rtSSOCase is one edit of one Identity Center cell (by the header as the
// edited file spells it): the change planned and made, what the identity
// store holds after, and the export's cell after.
type rtSSOCase struct {
	name    string
	variant string // "" the export's header; "british": cost centre, organisation
	column  string
	value   string
	change  string
	state   func(u sandbox.IdentityStoreUser, ids map[string]string) string
	want    func(ids map[string]string) string
	after   string // the export's cell of the column's own header after the update
}

func rtSSOCases() []rtSSOCase {
	fixed := func(s string) func(map[string]string) string { return func(map[string]string) string { return s } }
	return []rtSSOCase{
		{name: "title", column: "title", value: "Senior Agent", change: "title: Agent -> Senior Agent",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Title }, want: fixed("Senior Agent"), after: "Senior Agent"},
		{name: "department", column: "department", value: "Support", change: "department: Sales -> Support",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.Department }, want: fixed("Support"), after: "Support"},
		{name: "employee number", column: "employee number", value: "E-99", change: "employee number: E-1 -> E-99",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.EmployeeNumber }, want: fixed("E-99"), after: "E-99"},
		{name: "cost center", column: "cost center", value: "CC-7", change: "cost center: CC-1 -> CC-7",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.CostCenter }, want: fixed("CC-7"), after: "CC-7"},
		{name: "cost centre", variant: "british", column: "cost centre", value: "CC-8", change: "cost center: CC-1 -> CC-8",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.CostCenter }, want: fixed("CC-8"), after: "CC-8"},
		{name: "organization", column: "organization", value: "Other Corp", change: "organization: Example Corp -> Other Corp",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.Organization }, want: fixed("Other Corp"), after: "Other Corp"},
		{name: "organisation", variant: "british", column: "organisation", value: "Third Corp", change: "organization: Example Corp -> Third Corp",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.Organization }, want: fixed("Third Corp"), after: "Third Corp"},
		{name: "division", column: "division", value: "Wholesale", change: "division: Retail -> Wholesale",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.Division }, want: fixed("Wholesale"), after: "Wholesale"},
		{name: "manager", column: "manager", value: "rtboss2@example.com", change: "manager: rtboss1@example.com -> rtboss2@example.com",
			state: func(u sandbox.IdentityStoreUser, _ map[string]string) string { return u.Enterprise.Manager },
			want:  func(ids map[string]string) string { return ids["rtboss2@example.com"] }, after: "rtboss2@example.com"},
	}
}

// rtSSOVariants respell the export's header for a variant.
var rtSSOVariants = map[string]map[string]string{
	"":        nil,
	"british": {"cost center": "cost centre", "organization": "organisation"},
}

// ssoCoverage is TestColumnRoundTripSSO's cases as TestColumnRoundTrip's
// coverage check counts them.
func ssoCoverage() []rtCase {
	var out []rtCase
	for _, c := range rtSSOCases() {
		out = append(out, rtCase{name: "sso " + c.name, cells: map[string]string{c.column: c.value}})
	}
	return out
}

// TestColumnRoundTripSSO: SAML agents imported with --sso and every
// Identity Center column in use, exported with --sso; each case changes
// one cell of its own user's row (each spelling of the column); import
// --update --sso --dry-run plans exactly that change, import --update
// --sso makes it (the identity store holds it), the export after shows it
// and nothing else, and is a fixed point.
func TestColumnRoundTripSSO(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	cases := rtSSOCases()
	dir := t.TempDir()
	login := func(i int) string { return fmt.Sprintf("rt%02d@example.com", i) }
	header := append(strings.Split(ssoAttrHeaderSAML, ","), "title", "department", "employee number", "cost center", "organization", "division", "manager")
	recs := [][]string{header}
	row := func(login, manager string) []string {
		r := make([]string, len(header))
		for j, h := range header {
			r[j] = rtSSOBase[h]
		}
		r[slices.Index(header, "first name")], r[slices.Index(header, "last name")] = "Agent", "Base"
		r[slices.Index(header, "user login")] = login
		r[slices.Index(header, "routing profile name")] = "Basic Routing Profile"
		r[slices.Index(header, "security_profile_name_1|security_profile_name_2")] = "Agent"
		r[slices.Index(header, "manager")] = manager
		return r
	}
	for i := range cases {
		recs = append(recs, row(login(i), "rtboss1@example.com"))
	}
	// The managers after their reports: made second, they link them.
	recs = append(recs, row("rtboss1@example.com", ""), row("rtboss2@example.com", ""))
	writeCSV(t, filepath.Join(dir, "agents.csv"), recs)
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--no-progress"); code != 0 {
		t.Fatalf("import --sso: exit %d\n%s", code, stderr)
	}
	storeUsers := func() map[string]sandbox.IdentityStoreUser {
		m := map[string]sandbox.IdentityStoreUser{}
		for _, u := range sb.IdentityStoreUsers() {
			m[u.UserName] = u
		}
		return m
	}
	ids := map[string]string{}
	for name, u := range storeUsers() {
		ids[name] = u.ID
	}
	for i := range cases {
		if got := storeUsers()[login(i)].Enterprise.Manager; got != ids["rtboss1@example.com"] {
			t.Fatalf("%s's manager after the import is %q, want rtboss1's id", login(i), got)
		}
	}
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

	byVariant := map[string][]int{}
	for i, c := range cases {
		byVariant[c.variant] = append(byVariant[c.variant], i)
	}
	for variant, idx := range byVariant {
		head := slices.Clone(before[0])
		for j, h := range head {
			if r, ok := rtSSOVariants[variant][h]; ok {
				head[j] = r
			}
		}
		edit := [][]string{head}
		for _, i := range idx {
			rec := slices.Clone(rowOf(t, before, login(i)))
			k := slices.Index(head, cases[i].column)
			if k < 0 {
				t.Fatalf("%s: the edited file has no column %q", cases[i].name, cases[i].column)
			}
			rec[k] = cases[i].value
			edit = append(edit, rec)
		}
		name := "edit-" + variant + ".csv"
		writeCSV(t, filepath.Join(dir, name), edit)
		if code, stderr := runCommand(t, sb, dir, 1000, "import", name, "--update", "--sso", "--dry-run", "--no-progress", "--out", "plan-"+name); code != 0 {
			t.Errorf("dry run of %s: exit %d\n%s", name, code, stderr)
		}
		if code, stderr := runCommand(t, sb, dir, 1000, "import", name, "--update", "--sso", "--no-progress", "--out", "update-"+name); code != 0 {
			t.Errorf("import --update --sso of %s: exit %d\n%s", name, code, stderr)
		}
		planned, updated := results(t, filepath.Join(dir, "plan-"+name)), results(t, filepath.Join(dir, "update-"+name))
		for n, i := range idx {
			c := cases[i]
			if p := planned[n+2]; p.Status != report.WouldUpdate || p.Changes != c.change {
				t.Errorf("%s: the dry run plans %s %q (%s), want would update %q", c.name, p.Status, p.Changes, p.Error, c.change)
			}
			if u := updated[n+2]; u.Status != report.Updated || u.Changes != c.change {
				t.Errorf("%s: import --update --sso: %s %q (%s), want updated %q", c.name, u.Status, u.Changes, u.Error, c.change)
			}
		}
	}

	// The identity store holds each change.
	now := storeUsers()
	for i, c := range cases {
		if got, want := c.state(now[login(i)], ids), c.want(ids); got != want {
			t.Errorf("%s: the identity store holds %q, want %q", c.name, got, want)
		}
	}

	// The export after shows each change and nothing else, and is a fixed
	// point.
	after := exportSSO("after.csv")
	if !slices.Equal(after[0], before[0]) {
		t.Fatalf("the export's header changed: %q, was %q", after[0], before[0])
	}
	own := map[string]string{"cost centre": "cost center", "organisation": "organization"}
	for i, c := range cases {
		want := slices.Clone(rowOf(t, before, login(i)))
		h := c.column
		if o, ok := own[h]; ok {
			h = o
		}
		want[slices.Index(before[0], h)] = c.after
		if got := rowOf(t, after, login(i)); !slices.Equal(got, want) {
			t.Errorf("%s: the export after the update has\n %q\nwant\n %q", c.name, got, want)
		}
	}
	for _, boss := range []string{"rtboss1@example.com", "rtboss2@example.com"} {
		if got, want := rowOf(t, after, boss), rowOf(t, before, boss); !slices.Equal(got, want) {
			t.Errorf("%s changed: %q, was %q", boss, got, want)
		}
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "after.csv", "--update", "--sso", "--dry-run", "--no-progress", "--out", "again.csv"); code != 0 {
		t.Errorf("dry run of the export after: exit %d\n%s", code, stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "again.csv")) {
		if o.Changes != "" {
			t.Errorf("the export after, line %d (%s): %s %q, want no change", line, o.Login, o.Status, o.Changes)
		}
	}
}

// ssoAttrHeaderSAML is the SAML template's header (no email column: the
// login is the address).
const ssoAttrHeaderSAML = "first name,last name,secondary email,mobile,user login,routing profile name," +
	"security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number," +
	"soft phone auto accept (yes/no),ACW timeout (seconds),tags"
