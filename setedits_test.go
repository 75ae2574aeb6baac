package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestEditColumnsAcceptance is issue 24's fifth acceptance test: agents who
// hold other proficiencies, security profiles and tags; a two-column file
// (user login, add proficiencies = Skill|Billing|3) imported with --update
// adds exactly that one to each and keeps the others (the sandbox's state
// for every user, aws connect list-user-proficiencies for a sample); a
// two-column file of remove security profiles = QualityAnalyst removes only
// that profile; the dry run of each shows each row's change and changes
// nothing. Among the rows: users who hold Skill|Billing at level 3 already
// (no change) or at another level (the level changes), a user without
// QualityAnalyst (no change), one whose only profile it is (invalid: a
// user needs one), and a login the instance lacks (invalid: a create
// needs its columns). 50 agents in the suite, 500 with BULKAGENTS_FULL=1.
func TestEditColumnsAcceptance(t *testing.T) {
	t.Parallel()
	n := fullSize(t, 50, 500)
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true, UserQuota: n + 10})
	dir := t.TempDir()
	login := func(i int) string { return fmt.Sprintf("edit%03d", i) }
	// The agents: every 5th holds Skill|Billing|3 already, every 7th (not
	// 5th) Skill|Billing|1; line n+1's agent holds QualityAnalyst alone,
	// line n's lacks it.
	var b strings.Builder
	b.WriteString("first name,last name,email address,user login,routing profile name,security_profile_name_1|security_profile_name_2,tags,proficiencies\n")
	for i := 1; i <= n+1; i++ {
		profs := "Language|English|4||Skill|Technical|1"
		switch {
		case i%5 == 0:
			profs += "||Skill|Billing|3"
		case i%7 == 0:
			profs += "||Skill|Billing|1"
		}
		sps := "Agent|QualityAnalyst"
		switch i {
		case n:
			sps = "Agent"
		case n + 1:
			sps = "QualityAnalyst"
		}
		fmt.Fprintf(&b, "Agent,Number %d,%s@example.com,%s,Basic Routing Profile,%s,team|t%d||site|leeds,%s\n", i, login(i), login(i), sps, i%4, profs)
	}
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	state := func() map[string]string {
		out := map[string]string{}
		for _, u := range sb.ConnectUsers() {
			var profs, sps, tags []string
			for _, p := range u.Proficiencies {
				profs = append(profs, fmt.Sprintf("%s|%s|%g", p.AttributeName, p.AttributeValue, p.Level))
			}
			for _, id := range u.SecurityProfileIDs {
				sps = append(sps, id)
			}
			for k, v := range u.Tags {
				tags = append(tags, k+"="+v)
			}
			sort.Strings(profs)
			sort.Strings(sps)
			sort.Strings(tags)
			out[u.Username] = fmt.Sprintf("%s %s %s %s %s rp=%s h=%s phone=%s/%v/%d profs=%s sps=%s tags=%s",
				u.FirstName, u.LastName, u.Email, u.SecondaryEmail, u.Mobile, u.RoutingProfileID, u.HierarchyGroupID,
				u.PhoneType, u.AutoAccept, u.ACWTimeout, strings.Join(profs, "||"), strings.Join(sps, ","), strings.Join(tags, ","))
		}
		return out
	}
	before := state()
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
	}

	// Give the Billing skill to every agent, with a two-column file; one
	// row names a user the instance lacks.
	rows := []string{"user login,add proficiencies"}
	for i := 1; i <= n; i++ {
		rows = append(rows, login(i)+",Skill|Billing|3")
	}
	rows = append(rows, "nobody01,Skill|Billing|3")
	if err := os.WriteFile(filepath.Join(dir, "billing.csv"), []byte(strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	billing := func(i int) (report.Status, string) {
		switch {
		case i%5 == 0:
			return report.Exists, ""
		case i%7 == 0:
			return report.Updated, "proficiencies: Skill|Billing: 1 -> 3"
		}
		return report.Updated, "proficiencies: +Skill|Billing|3"
	}
	lastStderr := ""
	checkRun := func(file, out string, dry bool, want func(i int) (report.Status, string)) {
		t.Helper()
		args := []string{"import", file, "--update", "--no-progress", "--out", out}
		if dry {
			args = append(args, "--dry-run")
		}
		code, stderr := runCommand(t, sb, dir, 1000, args...)
		lastStderr = stderr
		if code != 1 { // the unknown login's row is invalid
			t.Fatalf("%s: exit %d, want 1 (one invalid row)\n%s", strings.Join(args, " "), code, stderr)
		}
		got := results(t, filepath.Join(dir, out))
		for i := 1; i <= n; i++ {
			st, changes := want(i)
			if dry && st == report.Updated {
				st = report.WouldUpdate
			}
			if o := got[i+1]; o.Status != st || o.Changes != changes {
				t.Errorf("%s line %d (%s): %s %q (%s), want %s %q", file, i+1, o.Login, o.Status, o.Changes, o.Error, st, changes)
			}
		}
		for line, o := range got {
			if line > n+1 && o.Status != report.Invalid {
				t.Errorf("%s line %d (%s): %s (%s), want invalid", file, line, o.Login, o.Status, o.Error)
			}
		}
	}
	checkRun("billing.csv", "billing-plan.csv", true, billing)
	if o := results(t, filepath.Join(dir, "billing-plan.csv"))[n+2]; !strings.Contains(o.Error, "no user \"nobody01\" to update, and creating it needs first name, last name, routing profile name, security_profile_name_1|security_profile_name_2") {
		t.Errorf("the unknown login's row says %q, want the columns a create needs", o.Error)
	}
	if got := state(); !mapsEqual(got, before) {
		t.Fatal("the dry run changed the sandbox")
	}
	checkRun("billing.csv", "billing-run.csv", false, billing)
	after := state()
	for i := 1; i <= n+1; i++ {
		u := users[login(i)]
		want := before[login(i)]
		if i <= n {
			// Exactly Skill|Billing|3 added (or its level set), the
			// others kept, nothing else changed.
			var profs []string
			for _, p := range u.Proficiencies {
				if p.AttributeName+"|"+p.AttributeValue != "Skill|Billing" {
					profs = append(profs, fmt.Sprintf("%s|%s|%g", p.AttributeName, p.AttributeValue, p.Level))
				}
			}
			profs = append(profs, "Skill|Billing|3")
			sort.Strings(profs)
			old := want[strings.Index(want, "profs="):strings.Index(want, " sps=")]
			want = strings.Replace(want, old, "profs="+strings.Join(profs, "||"), 1)
		}
		if after[login(i)] != want {
			t.Errorf("%s: the sandbox holds\n %s\nwant\n %s", login(i), after[login(i)], want)
		}
	}
	if len(after) != len(before) {
		t.Errorf("the sandbox holds %d users, was %d", len(after), len(before))
	}
	// The AWS CLI, for a sample: what Connect answers.
	aws := awsCLI(t, sb)
	for _, i := range []int{1, 5, 7, n} {
		out := aws("list-user-proficiencies", "--instance-id", sb.InstanceID(), "--user-id", users[login(i)].ID)
		var got []string
		list, _ := out["UserProficiencyList"].([]any)
		for _, p := range list {
			m := p.(map[string]any)
			got = append(got, fmt.Sprintf("%v|%v|%v", m["AttributeName"], m["AttributeValue"], m["Level"]))
		}
		sort.Strings(got)
		if want := []string{"Language|English|4", "Skill|Billing|3", "Skill|Technical|1"}; !slices.Equal(got, want) {
			t.Errorf("aws connect list-user-proficiencies %s: %q, want %q", login(i), got, want)
		}
	}

	// Remove QualityAnalyst from every agent, with a two-column file.
	rows = []string{"user login,remove security profiles"}
	for i := 1; i <= n+1; i++ {
		rows = append(rows, login(i)+",QualityAnalyst")
	}
	if err := os.WriteFile(filepath.Join(dir, "qa.csv"), []byte(strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	qa := func(i int) (report.Status, string) {
		if i == n {
			return report.Exists, ""
		}
		return report.Updated, "security profiles: -QualityAnalyst"
	}
	checkRun("qa.csv", "qa-plan.csv", true, qa)
	if o := results(t, filepath.Join(dir, "qa-plan.csv"))[n+2]; !strings.Contains(o.Error, "removes every security profile the user has") || o.Line != n+2 {
		t.Errorf("the row removing the user's only profile says %q, want that a user needs one", o.Error)
	}
	if want := fmt.Sprintf("line %d: column \"remove security profiles\": this removes every security profile the user has", n+2); !strings.Contains(lastStderr, want) {
		t.Errorf("the dry run's summary lacks %q:\n%s", want, lastStderr)
	}
	if got := state(); !mapsEqual(got, after) {
		t.Fatal("the dry run changed the sandbox")
	}
	checkRun("qa.csv", "qa-run.csv", false, qa)
	final := state()
	agentID, qaID := sb.SecurityProfileID("Agent"), sb.SecurityProfileID("QualityAnalyst")
	for i := 1; i <= n+1; i++ {
		want := after[login(i)]
		if i <= n {
			old := want[strings.Index(want, "sps="):strings.Index(want, " tags=")]
			want = strings.Replace(want, old, "sps="+agentID, 1)
		}
		if final[login(i)] != want {
			t.Errorf("%s: the sandbox holds\n %s\nwant\n %s", login(i), final[login(i)], want)
		}
	}
	out := aws("describe-user", "--instance-id", sb.InstanceID(), "--user-id", users[login(1)].ID)
	if sps := out["User"].(map[string]any)["SecurityProfileIds"].([]any); len(sps) != 1 || sps[0] != agentID {
		t.Errorf("aws connect describe-user %s: security profiles %v, want only Agent (%s; QualityAnalyst is %s)", login(1), sps, agentID, qaID)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// An add column gives a new agent its set (the security profiles it needs
// included), a remove column is no change to it, in a plain import and in
// a row of import --update whose user does not exist yet; a row of
// --update that would leave a user more than 10 security profiles is
// invalid, and nothing of it is sent.
func TestEditColumnsCreate(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	header := "first name,last name,email address,user login,routing profile name,add security profiles,add tags,remove tags,add proficiencies\n"
	if err := os.WriteFile(filepath.Join(dir, "new.csv"), []byte(header+
		"Ann,Lee,ann@example.com,ann,Basic Routing Profile,Agent|QualityAnalyst,team|red,site,Skill|Billing|3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "new.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	var names []string
	for i := 1; i <= 10; i++ {
		names = append(names, fmt.Sprintf("Extra%d", i))
		sb.AddSecurityProfile(names[i-1])
	}
	if err := os.WriteFile(filepath.Join(dir, "upd.csv"), []byte(header+
		"Bo,Ng,bo@example.com,bo,Basic Routing Profile,Agent,site|york,team,Skill|Sales|2\n"+
		",,,ann,,"+strings.Join(names[:9], "|")+",,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "upd.csv", "--update", "--no-progress", "--out", "upd-results.csv")
	if code != 1 {
		t.Fatalf("import --update: exit %d, want 1 (ann's row invalid)\n%s", code, stderr)
	}
	got := results(t, filepath.Join(dir, "upd-results.csv"))
	if o := got[3]; o.Status != report.Invalid || !strings.Contains(o.Error, "the user has 2 security profiles; with these it would have 11, and a user has at most 10") {
		t.Errorf("ann's row: %s %q, want invalid: 11 security profiles", o.Status, o.Error)
	}
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
	}
	check := func(login string, sps []string, tags, profs string) {
		t.Helper()
		u := users[login]
		var ids []string
		for _, n := range sps {
			ids = append(ids, sb.SecurityProfileID(n))
		}
		have := slices.Clone(u.SecurityProfileIDs)
		sort.Strings(ids)
		sort.Strings(have)
		var ts, ps []string
		for k, v := range u.Tags {
			if !strings.HasPrefix(k, "bulkagents") { // the creation token
				ts = append(ts, k+"="+v)
			}
		}
		for _, p := range u.Proficiencies {
			ps = append(ps, fmt.Sprintf("%s|%s|%g", p.AttributeName, p.AttributeValue, p.Level))
		}
		sort.Strings(ts)
		sort.Strings(ps)
		if !slices.Equal(have, ids) || strings.Join(ts, ",") != tags || strings.Join(ps, "||") != profs {
			t.Errorf("%s: security profiles %v (want %v), tags %v (want %s), proficiencies %v (want %s)", login, have, ids, ts, tags, ps, profs)
		}
	}
	check("ann", []string{"Agent", "QualityAnalyst"}, "team=red", "Skill|Billing|3")
	check("bo", []string{"Agent"}, "site=york", "Skill|Sales|2")
}
