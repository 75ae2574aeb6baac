package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// rtBase is every round-trip user's row as imported, by the export's
// header names: every column in use. The cases change one cell of it.
var rtBase = map[string]string{
	"first name": "Agent", "last name": "Base", "secondary email address": "second@example.org", "mobile": "+447700900001",
	"routing profile name": "Basic Routing Profile", "security_profile_name_1|security_profile_name_2": "Agent",
	"user_hierarchy_1|user_hierarchy_2": "Example Corp|Support|Tier 1", "phone type (soft/desk)": "soft",
	"soft phone auto accept (yes/no)": "yes", "ACW timeout (seconds)": "30", "tags": "team|blue",
	"proficiencies": "Language|English|4", "chat auto accept (yes/no)": "yes", "task auto accept (yes/no)": "no",
	"email auto accept (yes/no)": "no", "chat acw timeout (seconds)": "60", "task acw timeout (seconds)": "120",
	"email acw timeout (seconds)": "300", "callback auto accept (yes/no)": "no", "callback acw timeout (seconds)": "15",
	"persistent connection (yes/no)": "yes", "voice enhancement (isolation/suppression/none)": "isolation",
}

// rtCase is one edit of one row of an export: the cells it changes (by
// the header as the edited file spells it), the one change import
// --update --dry-run must plan for it (the changes cell), what the
// instance holds after import --update, and the cells of the export after
// it that differ from the export before (by the export's header).
type rtCase struct {
	name string
	// variant is how the edited file's header differs from the export's
	// (rtVariants): a spelling of a column other than the export's.
	variant string
	desk    bool // the user has a desk phone (+14255550100)
	// softNumber: the user has a soft phone that keeps a number
	// (+14255550166), set behind the tool's back.
	softNumber bool
	// base are cells of the user's row as imported that differ from
	// rtBase's.
	base    map[string]string
	cells   map[string]string
	change  string
	warning string // a warning the dry run gives for the row, "" none
	state   func(sb *sandbox.Sandbox, u sandbox.ConnectUser) string
	want    string
	after   map[string]string
}

// rtVariants turn the export's header into another spelling of a column.
var rtVariants = map[string]func(header []string) (rename map[string]string, drop []string){
	"": func([]string) (map[string]string, []string) { return nil, nil },
	"agent hierarchy": func([]string) (map[string]string, []string) {
		return nil, []string{"user_hierarchy_1|user_hierarchy_2"}
	},
	"UserHierarchy": func([]string) (map[string]string, []string) {
		return map[string]string{"user_hierarchy_1|user_hierarchy_2": "UserHierarchy"}, []string{"agent hierarchy"}
	},
	"secondary email": func([]string) (map[string]string, []string) {
		return map[string]string{"secondary email address": "secondary email"}, nil
	},
	"voice auto accept": func([]string) (map[string]string, []string) {
		return map[string]string{"soft phone auto accept (yes/no)": "voice auto accept (yes/no)"}, nil
	},
	"voice acw": func([]string) (map[string]string, []string) {
		return map[string]string{"ACW timeout (seconds)": "voice acw timeout (seconds)"}, nil
	},
	// The edit columns in place of their set columns: the cells the
	// export wrote in them add what the user has (no change), or remove it.
	"add": func([]string) (map[string]string, []string) {
		return map[string]string{"security_profile_name_1|security_profile_name_2": "add security profiles", "tags": "add tags",
			"proficiencies": "add proficiencies"}, nil
	},
	"remove": func([]string) (map[string]string, []string) {
		return map[string]string{"security_profile_name_1|security_profile_name_2": "remove security profiles", "tags": "remove tags",
			"proficiencies": "remove proficiencies"}, nil
	},
}

func rtCases(sb *sandbox.Sandbox) []rtCase {
	str := func(f func(u sandbox.ConnectUser) string) func(*sandbox.Sandbox, sandbox.ConnectUser) string {
		return func(_ *sandbox.Sandbox, u sandbox.ConnectUser) string { return f(u) }
	}
	hierarchy := func(sb *sandbox.Sandbox, u sandbox.ConnectUser) string { return u.HierarchyGroupID }
	yn := func(b *bool) string {
		if b == nil {
			return "unset"
		}
		return fmt.Sprint(*b)
	}
	num := func(n *int32) string {
		if n == nil {
			return "unset"
		}
		return fmt.Sprint(*n)
	}
	profs := func(_ *sandbox.Sandbox, u sandbox.ConnectUser) string {
		var s []string
		for _, p := range u.Proficiencies {
			s = append(s, fmt.Sprintf("%s|%s|%g", p.AttributeName, p.AttributeValue, p.Level))
		}
		sort.Strings(s)
		return strings.Join(s, "||")
	}
	tags := func(_ *sandbox.Sandbox, u sandbox.ConnectUser) string {
		var s []string
		for k, v := range u.Tags {
			s = append(s, k+"="+v)
		}
		sort.Strings(s)
		return strings.Join(s, ",")
	}
	sales := sb.AddHierarchyGroup("Example Corp", "Sales") // exists: its id
	hierarchyCases := func(variant, column, path string) []rtCase {
		return []rtCase{
			{name: column + " changed", variant: variant, cells: map[string]string{column: path},
				change: "hierarchy: Example Corp|Support|Tier 1 -> Example Corp|Sales", state: hierarchy, want: sales,
				after: map[string]string{"user_hierarchy_1|user_hierarchy_2": "Example Corp|Sales"}},
			{name: column + " cleared", variant: variant, cells: map[string]string{column: agentfile.ClearCell},
				change: "hierarchy: Example Corp|Support|Tier 1 -> (none)", state: hierarchy, want: "",
				after: map[string]string{"user_hierarchy_1|user_hierarchy_2": ""}},
		}
	}
	cases := []rtCase{
		{name: "first name", cells: map[string]string{"first name": "Renamed"}, change: "first name: Agent -> Renamed",
			state: str(func(u sandbox.ConnectUser) string { return u.FirstName }), want: "Renamed", after: map[string]string{"first name": "Renamed"}},
		{name: "last name", cells: map[string]string{"last name": "Other"}, change: "last name: Base -> Other",
			state: str(func(u sandbox.ConnectUser) string { return u.LastName }), want: "Other", after: map[string]string{"last name": "Other"}},
		{name: "email address", cells: map[string]string{"email address": "new@example.com"}, change: "email: %s@example.com -> new@example.com",
			state: str(func(u sandbox.ConnectUser) string { return u.Email }), want: "new@example.com", after: map[string]string{"email address": "new@example.com"}},
		{name: "mobile changed", cells: map[string]string{"mobile": "+447700900999"}, change: "mobile: +447700900001 -> +447700900999",
			state: str(func(u sandbox.ConnectUser) string { return u.Mobile }), want: "+447700900999", after: map[string]string{"mobile": "'+447700900999"}},
		{name: "mobile cleared", cells: map[string]string{"mobile": agentfile.ClearCell}, change: "mobile: +447700900001 -> (none)",
			state: str(func(u sandbox.ConnectUser) string { return u.Mobile }), want: "", after: map[string]string{"mobile": ""}},
		{name: "routing profile name", cells: map[string]string{"routing profile name": "Sales Routing Profile"},
			change: "routing profile: Basic Routing Profile -> Sales Routing Profile",
			state:  str(func(u sandbox.ConnectUser) string { return u.RoutingProfileID }), want: sb.RoutingProfileID("Sales Routing Profile"),
			after: map[string]string{"routing profile name": "Sales Routing Profile"}},
		{name: "security profiles", cells: map[string]string{"security_profile_name_1|security_profile_name_2": "Agent|QualityAnalyst"},
			change: "security profiles: +QualityAnalyst",
			state: str(func(u sandbox.ConnectUser) string {
				s := slices.Clone(u.SecurityProfileIDs)
				sort.Strings(s)
				return strings.Join(s, ",")
			}),
			want: func() string {
				s := []string{sb.SecurityProfileID("Agent"), sb.SecurityProfileID("QualityAnalyst")}
				sort.Strings(s)
				return strings.Join(s, ",")
			}(),
			after: map[string]string{"security_profile_name_1|security_profile_name_2": "Agent|QualityAnalyst"}},
		// A desk phone: its number changed; to a soft phone, the number
		// left as exported (which the soft phone ignores) or blank; the
		// number a soft phone keeps cleared with (none).
		{name: "phone number changed", desk: true, cells: map[string]string{"phone number": "+14255550177"},
			change: "phone number: +14255550100 -> +14255550177",
			state:  str(func(u sandbox.ConnectUser) string { return u.PhoneType + " " + u.DeskPhoneNumber }), want: "DESK_PHONE +14255550177",
			after: map[string]string{"phone number": "'+14255550177"}},
		{name: "desk to soft", desk: true, cells: map[string]string{"phone type (soft/desk)": "soft"},
			change: "phone type: desk -> soft", warning: "ignored: a soft phone does not use the phone number",
			state: str(func(u sandbox.ConnectUser) string { return u.PhoneType + " " + u.DeskPhoneNumber }), want: "SOFT_PHONE +14255550100",
			after: map[string]string{"phone type (soft/desk)": "soft", "phone number": ""}},
		{name: "desk to soft, number blank", desk: true, cells: map[string]string{"phone type (soft/desk)": "soft", "phone number": ""},
			change: "phone type: desk -> soft",
			state:  str(func(u sandbox.ConnectUser) string { return u.PhoneType + " " + u.DeskPhoneNumber }), want: "SOFT_PHONE +14255550100",
			after: map[string]string{"phone type (soft/desk)": "soft", "phone number": ""}},
		{name: "desk to soft, number cleared", desk: true, cells: map[string]string{"phone type (soft/desk)": "soft", "phone number": agentfile.ClearCell},
			change: "phone type: desk -> soft; phone number: +14255550100 -> (none)",
			state:  str(func(u sandbox.ConnectUser) string { return u.PhoneType + " " + u.DeskPhoneNumber }), want: "SOFT_PHONE ",
			after: map[string]string{"phone type (soft/desk)": "soft", "phone number": ""}},
		{name: "phone number cleared", softNumber: true, cells: map[string]string{"phone number": agentfile.ClearCell},
			change: "phone number: +14255550166 -> (none)",
			state:  str(func(u sandbox.ConnectUser) string { return u.PhoneType + " " + u.DeskPhoneNumber }), want: "SOFT_PHONE ",
			after: map[string]string{}},
		{name: "soft to desk", cells: map[string]string{"phone type (soft/desk)": "desk", "phone number": "+14255550188"},
			change: "phone type: soft -> desk; phone number: (none) -> +14255550188",
			state:  str(func(u sandbox.ConnectUser) string { return u.PhoneType + " " + u.DeskPhoneNumber }), want: "DESK_PHONE +14255550188",
			after: map[string]string{"phone type (soft/desk)": "desk", "phone number": "'+14255550188"}},
		{name: "soft phone auto accept", cells: map[string]string{"soft phone auto accept (yes/no)": "no"}, change: "soft phone auto accept: yes -> no",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.AutoAccept) }), want: "false",
			after: map[string]string{"soft phone auto accept (yes/no)": "no"}},
		{name: "voice auto accept", variant: "voice auto accept", cells: map[string]string{"voice auto accept (yes/no)": "no"}, change: "soft phone auto accept: yes -> no",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.AutoAccept) }), want: "false",
			after: map[string]string{"soft phone auto accept (yes/no)": "no"}},
		{name: "ACW timeout", cells: map[string]string{"ACW timeout (seconds)": "99"}, change: "ACW timeout: 30 -> 99",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.ACWTimeout) }), want: "99",
			after: map[string]string{"ACW timeout (seconds)": "99"}},
		{name: "voice acw timeout", variant: "voice acw", cells: map[string]string{"voice acw timeout (seconds)": "99"}, change: "ACW timeout: 30 -> 99",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.ACWTimeout) }), want: "99",
			after: map[string]string{"ACW timeout (seconds)": "99"}},
		{name: "tags changed", cells: map[string]string{"tags": "team|red||site|york"}, change: "tags: +site=york, team=blue -> red",
			state: tags, want: "site=york,team=red", after: map[string]string{"tags": "site|york||team|red"}},
		{name: "tags cleared", cells: map[string]string{"tags": agentfile.ClearCell}, change: "tags: -team=blue",
			state: tags, want: "", after: map[string]string{"tags": ""}},
		{name: "proficiencies changed", cells: map[string]string{"proficiencies": "Language|English|2||Skill|Billing|3"},
			change: "proficiencies: Language|English: 4 -> 2, +Skill|Billing|3",
			state:  profs, want: "Language|English|2||Skill|Billing|3", after: map[string]string{"proficiencies": "Language|English|2||Skill|Billing|3"}},
		{name: "proficiencies cleared", cells: map[string]string{"proficiencies": agentfile.ClearCell}, change: "proficiencies: -Language|English|4",
			state: profs, want: "", after: map[string]string{"proficiencies": ""}},
		{name: "chat auto accept", cells: map[string]string{"chat auto accept (yes/no)": "no"}, change: "chat auto accept: yes -> no",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.AutoAcceptByChannel["CHAT"]) }), want: "false",
			after: map[string]string{"chat auto accept (yes/no)": "no"}},
		{name: "task auto accept", cells: map[string]string{"task auto accept (yes/no)": "yes"}, change: "task auto accept: no -> yes",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.AutoAcceptByChannel["TASK"]) }), want: "true",
			after: map[string]string{"task auto accept (yes/no)": "yes"}},
		{name: "email auto accept", cells: map[string]string{"email auto accept (yes/no)": "yes"}, change: "email auto accept: no -> yes",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.AutoAcceptByChannel["EMAIL"]) }), want: "true",
			after: map[string]string{"email auto accept (yes/no)": "yes"}},
		{name: "chat acw timeout", cells: map[string]string{"chat acw timeout (seconds)": "61"}, change: "chat ACW timeout: 60 -> 61",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.ACWByChannel["CHAT"]) }), want: "61",
			after: map[string]string{"chat acw timeout (seconds)": "61"}},
		{name: "task acw timeout", cells: map[string]string{"task acw timeout (seconds)": "121"}, change: "task ACW timeout: 120 -> 121",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.ACWByChannel["TASK"]) }), want: "121",
			after: map[string]string{"task acw timeout (seconds)": "121"}},
		{name: "email acw timeout", cells: map[string]string{"email acw timeout (seconds)": "301"}, change: "email ACW timeout: 300 -> 301",
			state: str(func(u sandbox.ConnectUser) string { return fmt.Sprint(u.ACWByChannel["EMAIL"]) }), want: "301",
			after: map[string]string{"email acw timeout (seconds)": "301"}},
		{name: "callback auto accept", cells: map[string]string{"callback auto accept (yes/no)": "yes"}, change: "callback auto accept: no -> yes",
			state: str(func(u sandbox.ConnectUser) string { return yn(u.CallbackAutoAccept) }), want: "true",
			after: map[string]string{"callback auto accept (yes/no)": "yes"}},
		{name: "callback acw timeout", cells: map[string]string{"callback acw timeout (seconds)": "16"}, change: "callback ACW timeout: 15 -> 16",
			state: str(func(u sandbox.ConnectUser) string { return num(u.CallbackACW) }), want: "16",
			after: map[string]string{"callback acw timeout (seconds)": "16"}},
		{name: "persistent connection", cells: map[string]string{"persistent connection (yes/no)": "no"}, change: "persistent connection: yes -> no",
			state: str(func(u sandbox.ConnectUser) string { return yn(u.PersistentConnection) }), want: "false",
			after: map[string]string{"persistent connection (yes/no)": "no"}},
		{name: "voice enhancement", cells: map[string]string{"voice enhancement (isolation/suppression/none)": "suppression"},
			change: "voice enhancement: isolation -> suppression",
			state:  str(func(u sandbox.ConnectUser) string { return u.VoiceEnhancement }), want: "NOISE_SUPPRESSION",
			after: map[string]string{"voice enhancement (isolation/suppression/none)": "suppression"}},
	}
	for _, v := range []struct{ variant, column string }{
		{"", "secondary email address"}, {"secondary email", "secondary email"},
	} {
		cases = append(cases,
			rtCase{name: v.column + " changed", variant: v.variant, cells: map[string]string{v.column: "other@example.org"},
				change: "secondary email: second@example.org -> other@example.org",
				state:  str(func(u sandbox.ConnectUser) string { return u.SecondaryEmail }), want: "other@example.org",
				after: map[string]string{"secondary email address": "other@example.org"}},
			rtCase{name: v.column + " cleared", variant: v.variant, cells: map[string]string{v.column: agentfile.ClearCell},
				change: "secondary email: second@example.org -> (none)",
				state:  str(func(u sandbox.ConnectUser) string { return u.SecondaryEmail }), want: "",
				after: map[string]string{"secondary email address": ""}})
	}
	// The edit columns: each changes only the items it names, the rest
	// of the user's set kept.
	securityIDs := func(_ *sandbox.Sandbox, u sandbox.ConnectUser) string {
		s := slices.Clone(u.SecurityProfileIDs)
		sort.Strings(s)
		return strings.Join(s, ",")
	}
	noRemoval := func(cells map[string]string) map[string]string {
		for _, h := range []string{"remove security profiles", "remove tags", "remove proficiencies"} {
			if _, ok := cells[h]; !ok {
				cells[h] = ""
			}
		}
		return cells
	}
	cases = append(cases,
		rtCase{name: "add security profiles", variant: "add", cells: map[string]string{"add security profiles": "QualityAnalyst"},
			change: "security profiles: +QualityAnalyst", state: securityIDs,
			want: func() string {
				s := []string{sb.SecurityProfileID("Agent"), sb.SecurityProfileID("QualityAnalyst")}
				sort.Strings(s)
				return strings.Join(s, ",")
			}(),
			after: map[string]string{"security_profile_name_1|security_profile_name_2": "Agent|QualityAnalyst"}},
		rtCase{name: "add tags", variant: "add", cells: map[string]string{"add tags": "site|york"}, change: "tags: +site=york",
			state: tags, want: "site=york,team=blue", after: map[string]string{"tags": "site|york||team|blue"}},
		rtCase{name: "add proficiencies", variant: "add", cells: map[string]string{"add proficiencies": "Skill|Billing|3"},
			change: "proficiencies: +Skill|Billing|3", state: profs, want: "Language|English|4||Skill|Billing|3",
			after: map[string]string{"proficiencies": "Language|English|4||Skill|Billing|3"}},
		rtCase{name: "remove security profiles", variant: "remove", base: map[string]string{"security_profile_name_1|security_profile_name_2": "Agent|QualityAnalyst"},
			cells:  noRemoval(map[string]string{"remove security profiles": "QualityAnalyst"}),
			change: "security profiles: -QualityAnalyst", state: securityIDs, want: sb.SecurityProfileID("Agent"),
			after: map[string]string{"security_profile_name_1|security_profile_name_2": "Agent"}},
		rtCase{name: "remove tags", variant: "remove", cells: noRemoval(map[string]string{"remove tags": "team"}), change: "tags: -team=blue",
			state: tags, want: "", after: map[string]string{"tags": ""}},
		rtCase{name: "remove proficiencies", variant: "remove", cells: noRemoval(map[string]string{"remove proficiencies": "Language|English"}),
			change: "proficiencies: -Language|English|4", state: profs, want: "", after: map[string]string{"proficiencies": ""}},
	)
	cases = append(cases, hierarchyCases("", "user_hierarchy_1|user_hierarchy_2", "Example Corp|Sales")...)
	cases = append(cases, hierarchyCases("agent hierarchy", "agent hierarchy", "Example Corp|Sales")...)
	cases = append(cases, hierarchyCases("UserHierarchy", "UserHierarchy", "Example Corp/Sales")...)
	return cases
}

// TestColumnRoundTrip is the round trip of every template column and every
// spelling of it: agents imported with every column in use, exported; each
// case changes one cell of its own user's row (to another value, and to
// (none) where the column can be cleared); import --update --dry-run plans
// exactly that change, import --update makes it (the sandbox holds it), and
// the export after it shows it, and nothing else, and is a fixed point:
// imported with --update --dry-run it plans no change. The cases share one
// sandbox, a user each, and the commands run once per spelling of the
// header, so the test takes a few seconds.
func TestColumnRoundTrip(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	cases := rtCases(sb)
	// The Identity Center columns' cases run in TestColumnRoundTripSSO.
	checkCasesCoverColumns(t, append(slices.Clone(cases), ssoCoverage()...))
	dir := t.TempDir()
	login := func(i int) string { return fmt.Sprintf("rt%02d", i) }

	// Import the users, every column in use.
	header := strings.Split(strings.TrimSpace(fullRows("CONNECT_MANAGED", "x", 0)), ",")
	var in bytes.Buffer
	w := csv.NewWriter(&in)
	_ = w.Write(header)
	for i, c := range cases {
		row := make([]string, len(header))
		for j, h := range header {
			row[j] = rtBase[h]
		}
		set := func(h, v string) { row[slices.Index(header, h)] = v }
		set("user login", login(i))
		set("email address", login(i)+"@example.com")
		for h, v := range c.base {
			set(h, v)
		}
		if c.desk {
			set("phone type (soft/desk)", "desk")
			set("phone number", "+14255550100")
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), in.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
	}
	var aws func(args ...string) map[string]any
	for i, c := range cases {
		if c.softNumber {
			if aws == nil {
				aws = awsCLI(t, sb)
			}
			aws("update-user-phone-config", "--instance-id", sb.InstanceID(), "--user-id", users[login(i)].ID,
				"--phone-config", "PhoneType=SOFT_PHONE,DeskPhoneNumber=+14255550166,AutoAccept=true,AfterContactWorkTimeLimit=30")
		}
	}
	before := parseCSV(t, export(t, sb, dir, "before.csv"))

	// One edited file per spelling of the header: the export's header
	// respelt, and the rows of the cases of that spelling, each changed.
	byVariant := map[string][]int{}
	for i, c := range cases {
		byVariant[c.variant] = append(byVariant[c.variant], i)
	}
	for variant, idx := range byVariant {
		rename, drop := rtVariants[variant](before[0])
		var keep []int
		var head []string
		for j, h := range before[0] {
			if slices.Contains(drop, h) {
				continue
			}
			keep = append(keep, j)
			if r, ok := rename[h]; ok {
				h = r
			}
			head = append(head, h)
		}
		recs := [][]string{head}
		for _, i := range idx {
			old := rowOf(t, before, login(i))
			rec := make([]string, len(keep))
			for k, j := range keep {
				rec[k] = old[j]
			}
			for h, v := range cases[i].cells {
				k := slices.Index(head, h)
				if k < 0 {
					t.Fatalf("%s: the edited file has no column %q", cases[i].name, h)
				}
				rec[k] = v
			}
			recs = append(recs, rec)
		}
		name := "edit-" + strings.ReplaceAll(variant, " ", "-") + ".csv"
		writeCSV(t, filepath.Join(dir, name), recs)
		code, stderr := runCommand(t, sb, dir, 1000, "import", name, "--update", "--dry-run", "--no-progress", "--out", "plan-"+name)
		if code != 0 {
			t.Errorf("dry run of %s: exit %d\n%s", name, code, stderr)
		}
		planned := results(t, filepath.Join(dir, "plan-"+name))
		if code, stderr := runCommand(t, sb, dir, 1000, "import", name, "--update", "--no-progress", "--out", "update-"+name); code != 0 {
			t.Errorf("import --update of %s: exit %d\n%s", name, code, stderr)
		}
		updated := results(t, filepath.Join(dir, "update-"+name))
		for n, i := range idx {
			c := cases[i]
			p, u := planned[n+2], updated[n+2]
			want := c.change
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, login(i))
			}
			if p.Status != report.WouldUpdate || p.Changes != want {
				t.Errorf("%s: the dry run plans %s %q (%s), want would update %q", c.name, p.Status, p.Changes, p.Error, want)
			}
			if u.Status != report.Updated || u.Changes != want {
				t.Errorf("%s: import --update: %s %q (%s), want updated %q", c.name, u.Status, u.Changes, u.Error, want)
			}
		}
		// The warnings the rows call for, and no other.
		warns := 0
		for _, i := range idx {
			if w := cases[i].warning; w != "" {
				warns++
				if !strings.Contains(stderr, w) {
					t.Errorf("%s: the dry run does not warn %q:\n%s", cases[i].name, w, stderr)
				}
			}
		}
		if got := strings.Count(stderr, "warning"); got != warns {
			t.Errorf("the dry run of %s gives %d warnings, want %d:\n%s", name, got, warns, stderr)
		}
	}

	// The instance holds each change.
	now := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		now[u.Username] = u
	}
	for i, c := range cases {
		if got := c.state(sb, now[login(i)]); got != c.want {
			t.Errorf("%s: the sandbox holds %q, want %q", c.name, got, c.want)
		}
	}

	// The export after shows each change and nothing else, and is a fixed
	// point.
	after := parseCSV(t, export(t, sb, dir, "after.csv"))
	if !slices.Equal(after[0], before[0]) {
		t.Fatalf("the export's header changed: %q, was %q", after[0], before[0])
	}
	for i, c := range cases {
		want := slices.Clone(rowOf(t, before, login(i)))
		for h, v := range c.after {
			want[slices.Index(before[0], h)] = v
		}
		if got := rowOf(t, after, login(i)); !slices.Equal(got, want) {
			t.Errorf("%s: the export after the update has\n %q\nwant\n %q", c.name, got, want)
		}
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "after.csv", "--update", "--dry-run", "--no-progress", "--out", "again.csv")
	if code != 0 {
		t.Errorf("dry run of the export after: exit %d\n%s", code, stderr)
	}
	for line, o := range results(t, filepath.Join(dir, "again.csv")) {
		if o.Status != report.Exists || o.Changes != "" {
			t.Errorf("the export after, line %d (%s): %s %q, want exists with no change", line, o.Login, o.Status, o.Changes)
		}
	}
	// The instance's own admin has no email (the sandbox's, as a fresh
	// instance's): the warning about that row is not the round trip's.
	admin := fmt.Sprintf("line %d: warning: column \"email address\": no email address", slices.IndexFunc(after, func(r []string) bool { return slices.Contains(r, "admin") })+1)
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "warning") && !strings.HasPrefix(l, admin) {
			t.Errorf("the dry run of the export after warns: %s", l)
		}
	}
}

// checkCasesCoverColumns: every column of the column table has a case
// that changes it, and a case that clears it when (none) clears it; the
// login (the key) and the password (never changed) have none.
func checkCasesCoverColumns(t *testing.T, cases []rtCase) {
	t.Helper()
	changed, cleared := map[agentfile.Column]bool{}, map[agentfile.Column]bool{}
	for _, c := range cases {
		for h, v := range c.cells {
			col, ok := agentfile.LookupColumn(h)
			if !ok {
				t.Fatalf("%s: %q is no column", c.name, h)
			}
			if v == agentfile.ClearCell {
				cleared[col] = true
			} else {
				changed[col] = true
			}
		}
	}
	for _, col := range agentfile.TableColumns() {
		switch {
		case col == agentfile.ColLogin || col == agentfile.ColPassword:
		case !changed[col]:
			t.Errorf("column %q has no round-trip case", col)
		case agentfile.Clears(col) && !cleared[col]:
			t.Errorf("column %q has no round-trip case clearing it", col)
		}
	}
}

func parseCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func writeCSV(t *testing.T, path string, recs [][]string) {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(recs)
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// rowOf is the record of login in an export.
func rowOf(t *testing.T, recs [][]string, login string) []string {
	t.Helper()
	k := slices.Index(recs[0], "user login")
	for _, r := range recs[1:] {
		if r[k] == login {
			return r
		}
	}
	t.Fatalf("no row for %s", login)
	return nil
}
