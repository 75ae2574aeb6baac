package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// extHeader is the Connect-managed template with every extension column.
const extHeader = "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2," +
	"soft phone auto accept (yes/no),ACW timeout (seconds),proficiencies,chat auto accept (yes/no),task auto accept (yes/no)," +
	"email auto accept (yes/no),chat acw timeout (seconds),task acw timeout (seconds),email acw timeout (seconds)," +
	"voice auto accept (yes/no),voice acw timeout (seconds),callback auto accept (yes/no),callback acw timeout (seconds)," +
	"persistent connection (yes/no),voice enhancement (isolation/suppression/none)"

// extRow is a valid row of extHeader with cells replaced by column name.
func extRow(login string, set map[string]string) string {
	names := strings.Split(extHeader, ",")
	cells := map[string]string{
		"first name": "Ann", "last name": "Lee", "user login": login, "routing profile name": "Basic Routing Profile",
		"security_profile_name_1|security_profile_name_2": "Agent", "proficiencies": "Language|English|4||Skill|Billing|2",
		"chat auto accept (yes/no)": "yes", "chat acw timeout (seconds)": "60", "email acw timeout (seconds)": "300",
		"voice auto accept (yes/no)": "yes", "callback auto accept (yes/no)": "no", "callback acw timeout (seconds)": "15",
		"persistent connection (yes/no)": "yes", "voice enhancement (isolation/suppression/none)": "isolation",
	}
	for k, v := range set {
		cells[k] = v
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = cells[n]
	}
	return strings.Join(out, ",")
}

func validateExt(t *testing.T, set map[string]string) agentfile.Checked {
	t.Helper()
	f, err := agentfile.Read(context.Background(), strings.NewReader(extHeader+"\n"+extRow("ann", set)+"\n"), agentfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return agentfile.Validate(f, agentfile.ValidateOptions{})[0]
}

// Every rule of the extension columns: a cell it refuses, and one it takes.
func TestExtensionRules(t *testing.T) {
	t.Parallel()
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = fmt.Sprintf("Skill|S%d|1", i)
	}
	cases := []struct {
		column, bad, want, good string
	}{
		{"proficiencies", "Language|English", "not attribute|value|level", "Language|English|1"},
		{"proficiencies", "Language|English|6", "not a whole number from 1 to 5", "Language|English|5"},
		{"proficiencies", "Language|English|0", "not a whole number from 1 to 5", "Language|English|3"},
		{"proficiencies", "Language|English|2.5", "not a whole number from 1 to 5", "Language|English|2"},
		{"proficiencies", " |English|2", "empty attribute or value", "Language|Spanish|2"},
		{"proficiencies", "Language|English|2||", "empty proficiency", "Language|English|2||Skill|Sales|1"},
		{"proficiencies", strings.Join(eleven, "||"), "at most 10", strings.Join(eleven[:10], "||")},
		{"proficiencies", "Language|English|2||Language|English|3", "given twice", "Language|English|2||Language|French|3"},
		{"proficiencies", "Skill|" + strings.Repeat("x", 101) + "|2", "longer than 100", "Skill|" + strings.Repeat("x", 100) + "|2"},
		{"chat auto accept (yes/no)", "maybe", "neither yes nor no", "no"},
		{"task auto accept (yes/no)", "1", "neither yes nor no", "yes"},
		{"email auto accept (yes/no)", "si", "neither yes nor no", "y"},
		{"callback auto accept (yes/no)", "on", "neither yes nor no", "true"},
		{"persistent connection (yes/no)", "x", "neither yes nor no", "no"},
		{"chat acw timeout (seconds)", "-1", "not a whole number", "0"},
		{"task acw timeout (seconds)", "2000001", "more than 2000000", "2000000"},
		{"email acw timeout (seconds)", "1.5", "not a whole number", "15"},
		{"callback acw timeout (seconds)", "abc", "not a whole number", "20"},
		{"voice enhancement (isolation/suppression/none)", "loud", "not a voice enhancement mode", "suppression"},
		{"voice enhancement (isolation/suppression/none)", "isolate", "not a voice enhancement mode", "NONE"},
		// One setting two ways: the console's voice column and the per-channel one.
		{"voice auto accept (yes/no)", "no", "given two ways", "yes"},     // the console column says yes
		{"voice acw timeout (seconds)", "45", "given two ways", "30"},     // the console column says 30
		{"voice acw timeout (seconds)", "x", "not a whole number", ""},    // blank: the console's value holds
		{"voice auto accept (yes/no)", "maybe", "neither yes nor no", ""}, // blank: the console's value holds
	}
	for _, c := range cases {
		t.Run(c.column+"="+c.bad, func(t *testing.T) {
			console := map[string]string{"soft phone auto accept (yes/no)": "yes", "ACW timeout (seconds)": "30"}
			set := func(v string) map[string]string {
				m := map[string]string{c.column: v}
				for k, x := range console {
					m[k] = x
				}
				return m
			}
			bad := validateExt(t, set(c.bad))
			if bad.Agent != nil || !hasMessage(bad.Problems, c.column, c.want) {
				t.Errorf("%q: problems %+v, want one saying %q", c.bad, bad.Problems, c.want)
			}
			good := validateExt(t, set(c.good))
			if good.Agent == nil {
				t.Errorf("%q: refused: %+v", c.good, good.Problems)
			}
		})
	}
}

func TestExtensionAgent(t *testing.T) {
	t.Parallel()
	c := validateExt(t, nil)
	if c.Agent == nil {
		t.Fatalf("refused: %+v", c.Problems)
	}
	a := c.Agent
	if len(a.Proficiencies) != 2 || a.Proficiencies[0] != (agentfile.Proficiency{Attribute: "Language", Value: "English", Level: 4}) || a.Proficiencies[1] != (agentfile.Proficiency{Attribute: "Skill", Value: "Billing", Level: 2}) {
		t.Errorf("proficiencies %+v", a.Proficiencies)
	}
	ch := a.Channels
	if ch == nil || !a.AutoAccept || !ch.VoiceAutoAcceptSet || *ch.AutoAccept[agentfile.ChannelChat] != true || *ch.ACW[agentfile.ChannelChat] != 60 ||
		*ch.ACW[agentfile.ChannelEmail] != 300 || ch.AutoAccept[agentfile.ChannelTask] != nil || *ch.CallbackAutoAccept != false || *ch.CallbackACW != 15 ||
		*ch.PersistentConnection != true || ch.VoiceEnhancement != "VOICE_ISOLATION" {
		t.Errorf("channels %+v", ch)
	}
	in := createUserInput(Instance{ID: "i", Identity: agentfile.IdentityConnect}, &PlannedRow{Agent: a}, "Passw0rd!")
	if in.PhoneConfig.AutoAccept || in.PhoneConfig.AfterContactWorkTimeLimit != 0 {
		t.Errorf("PhoneConfig carries a field whose per-channel twin is sent: %+v", in.PhoneConfig)
	}
	if len(in.AutoAcceptConfigs) != 2 || len(in.AfterContactWorkConfigs) != 3 || len(in.PersistentConnectionConfigs) != 1 || len(in.VoiceEnhancementConfigs) != 1 {
		t.Errorf("per-channel configs %+v %+v", in.AutoAcceptConfigs, in.AfterContactWorkConfigs)
	}
	// Without per-channel columns the request is as it always was.
	plain := validateExt(t, map[string]string{"chat auto accept (yes/no)": "", "chat acw timeout (seconds)": "", "email acw timeout (seconds)": "",
		"voice auto accept (yes/no)": "", "callback auto accept (yes/no)": "", "callback acw timeout (seconds)": "",
		"persistent connection (yes/no)": "", "voice enhancement (isolation/suppression/none)": "",
		"soft phone auto accept (yes/no)": "yes", "ACW timeout (seconds)": "30"})
	if plain.Agent == nil || plain.Agent.Channels != nil {
		t.Fatalf("plain row: %+v %+v", plain.Problems, plain.Agent)
	}
	in = createUserInput(Instance{ID: "i", Identity: agentfile.IdentityConnect}, &PlannedRow{Agent: plain.Agent}, "Passw0rd!")
	if !in.PhoneConfig.AutoAccept || in.PhoneConfig.AfterContactWorkTimeLimit != 30 || in.AutoAcceptConfigs != nil || in.AfterContactWorkConfigs != nil {
		t.Errorf("plain request %+v", in)
	}
}

func writeExt(t testing.TB, dir string, rows []string) string {
	t.Helper()
	path := filepath.Join(dir, "agents.csv")
	if err := os.WriteFile(path, []byte(extHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// A row whose voice setting is given two ways, or whose proficiency names
// no predefined attribute, never reaches CreateUser.
func TestExtensionConflictNeverSent(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeExt(t, dir, []string{
		extRow("two", map[string]string{"soft phone auto accept (yes/no)": "no", "voice auto accept (yes/no)": "yes"}),
		extRow("case", map[string]string{"proficiencies": "language|english|2"}),
		extRow("unknown", map[string]string{"proficiencies": "Skill|Juggling|2"}),
	})
	sb.ResetCalls()
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	if n := sb.Calls()["Connect.CreateUser"].Sent; n != 0 || res.Counts[report.Invalid] != 3 {
		t.Fatalf("CreateUser sent %d times, counts %v", n, res.Counts)
	}
	got := loadResults(t, res.ResultsPath)
	if e := got[3].Error; !strings.Contains(e, `write it as "Language"`) {
		t.Errorf("case mismatch: %q", e)
	}
	if e := got[4].Error; !strings.Contains(e, `Skill value "Juggling" does not exist`) || !strings.Contains(e, `"Billing"`) {
		t.Errorf("unknown value: %q", e)
	}
	if sb.Calls()["Connect.ListPredefinedAttributes"].Sent != 1 {
		t.Errorf("ListPredefinedAttributes sent %d times", sb.Calls()["Connect.ListPredefinedAttributes"].Sent)
	}
}

// 300 agents with proficiencies and per-channel settings: the dry run
// predicts every row, the import creates them all with everything set.
func TestExtensionImport300(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{RateScale: 1000})
	dir := t.TempDir()
	rows := make([]string, 300)
	for i := range rows {
		rows[i] = extRow(fmt.Sprintf("ext%04d", i+1), map[string]string{"proficiencies": fmt.Sprintf("Language|English|%d||Skill|Sales|%d", i%5+1, (i+2)%5+1)})
	}
	input := writeExt(t, dir, rows)
	dry, err := importInto(t, sb, Config{Input: input, DryRun: true, Out: filepath.Join(dir, "dry.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Counts[report.WouldCreate] != 300 {
		t.Fatalf("dry run counts %v", dry.Counts)
	}
	res, err := importInto(t, sb, Config{Input: input})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Created] != 300 {
		t.Fatalf("counts %v", res.Counts)
	}
	predicted, got := loadResults(t, dry.ResultsPath), loadResults(t, res.ResultsPath)
	for line, p := range predicted {
		if p.Status != report.WouldCreate || got[line].Status != report.Created || got[line].Login != p.Login {
			t.Errorf("line %d: predicted %s, got %s %q", line, p.Status, got[line].Status, got[line].Error)
		}
		if got[line].Steps != StepConnectUser+"; "+StepProficiencies {
			t.Errorf("line %d: steps %q", line, got[line].Steps)
		}
	}
	if n := sb.Calls()["Connect.AssociateUserProficiencies"].Sent; n != 300 {
		t.Errorf("AssociateUserProficiencies sent %d times", n)
	}
	users := map[string]sandbox.ConnectUser{}
	for _, u := range sb.ConnectUsers() {
		users[u.Username] = u
	}
	for i := range rows {
		login := fmt.Sprintf("ext%04d", i+1)
		u := users[login]
		ps := sb.UserProficiencies(login)
		if len(ps) != 2 || ps[0] != (sandbox.Proficiency{AttributeName: "Language", AttributeValue: "English", Level: float64(i%5 + 1)}) {
			t.Fatalf("%s: proficiencies %+v", login, ps)
		}
		if !u.AutoAccept || u.AutoAcceptByChannel["CHAT"] != true || u.ACWByChannel["EMAIL"] != 300 || u.CallbackACW == nil || *u.CallbackACW != 15 ||
			u.PersistentConnection == nil || !*u.PersistentConnection || u.VoiceEnhancement != "VOICE_ISOLATION" {
			t.Fatalf("%s: settings %+v", login, u.ChannelSettings)
		}
	}
	// And as an administrator sees them: the AWS CLI, for a sample.
	sample := map[string][]string{}
	for _, i := range []int{0, 299} {
		sample[fmt.Sprintf("ext%04d", i+1)] = []string{fmt.Sprintf("Language|English|%d", i%5+1), fmt.Sprintf("Skill|Sales|%d", (i+2)%5+1)}
	}
	checkExtensionsWithCLI(t, sb, sample)
}

func hasMessage(ps []agentfile.Problem, column, substr string) bool {
	for _, p := range ps {
		if (column == "" || p.Column == column) && strings.Contains(p.Message, substr) {
			return true
		}
	}
	return false
}
