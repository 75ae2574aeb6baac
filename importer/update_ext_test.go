package importer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

func writeExtFile(t *testing.T, dir, name string, rows ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(extHeader+"\n"+strings.Join(rows, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func proficiencyText(ps []sandbox.Proficiency) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.AttributeName+"|"+p.AttributeValue+"|"+levelText(float32(p.Level)))
	}
	slices.Sort(out)
	return strings.Join(out, "||")
}

// TestUpdateExtensionColumns: users created with the extension columns
// compare equal to their file; a proficiency and a per-channel setting
// changed through the sandbox are exactly the changes the dry run lists,
// and the run puts them back; a second run changes nothing.
func TestUpdateExtensionColumns(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeExtFile(t, dir, "agents.csv", extRow("ann", nil), extRow("bob", nil), extRow("cid", nil))
	if res, err := importInto(t, sb, Config{Input: input}); err != nil || res.Counts[report.Created] != 3 {
		t.Fatalf("create: %v %v", res, err)
	}
	dry := func(name string) map[int]report.Outcome {
		t.Helper()
		res, err := importInto(t, sb, Config{Input: input, Update: true, DryRun: true, Out: filepath.Join(dir, name)})
		if err != nil {
			t.Fatal(err)
		}
		return loadResults(t, res.ResultsPath)
	}
	for line, o := range dry("same.csv") {
		if o.Status != report.Exists || o.Changes != "" {
			t.Errorf("line %d, just created: %s %q, want exists with no change", line, o.Status, o.Changes)
		}
	}

	sb.ChangeConnectUser("bob", func(u *sandbox.ConnectUser) {
		u.Proficiencies = slices.Clone(u.Proficiencies)
		u.Proficiencies[0].Level = 2 // Language|English, 4 in the file
	})
	sb.ChangeConnectUser("cid", func(u *sandbox.ConnectUser) {
		u.AutoAcceptByChannel = map[string]bool{"CHAT": false}
		u.VoiceEnhancement = "NOISE_SUPPRESSION"
	})
	got := dry("changed.csv")
	want := map[int]string{2: "", 3: "proficiencies: Language|English: 2 -> 4", 4: "chat auto accept: no -> yes; voice enhancement: suppression -> isolation"}
	for line, w := range want {
		if got[line].Changes != w {
			t.Errorf("line %d: changes %q, want %q", line, got[line].Changes, w)
		}
	}

	sb.ResetCalls()
	res, err := importInto(t, sb, Config{Input: input, Update: true, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != 2 || res.Counts[report.Exists] != 1 {
		t.Errorf("counts %v, want 2 updated and 1 exists", res.Counts)
	}
	calls := sb.Calls()
	for op, n := range map[string]int{"Connect.UpdateUserProficiencies": 1, "Connect.AssociateUserProficiencies": 0,
		"Connect.DisassociateUserProficiencies": 0, "Connect.UpdateUserConfig": 1, "Connect.UpdateUserPhoneConfig": 0} {
		if calls[op].Sent != n {
			t.Errorf("%d %s calls, want %d", calls[op].Sent, op, n)
		}
	}
	if p := proficiencyText(sb.UserProficiencies("bob")); p != "Language|English|4||Skill|Billing|2" {
		t.Errorf("bob's proficiencies %s", p)
	}
	for _, o := range dry("again.csv") {
		if o.Status != report.Exists {
			t.Errorf("after the update, line %d: %s %q", o.Line, o.Status, o.Changes)
		}
	}
}

// TestUpdateProficienciesSet: a blank proficiencies cell leaves them alone
// (and reads nothing), (none) removes them all, and a set replaces the
// whole set.
func TestUpdateProficienciesSet(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	created := writeExtFile(t, dir, "agents.csv", extRow("ann", nil), extRow("bob", nil), extRow("cid", nil))
	if res, err := importInto(t, sb, Config{Input: created}); err != nil || res.Counts[report.Created] != 3 {
		t.Fatalf("create: %v %v", res, err)
	}
	input := writeExtFile(t, dir, "update.csv",
		extRow("ann", map[string]string{"proficiencies": ""}),
		extRow("bob", map[string]string{"proficiencies": "(none)"}),
		extRow("cid", map[string]string{"proficiencies": "Skill|Sales|3||Language|English|4"}))
	sb.ResetCalls()
	res, err := importInto(t, sb, Config{Input: input, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	got := loadResults(t, res.ResultsPath)
	for line, w := range map[int]string{
		2: "",
		3: "proficiencies: -Language|English|4, -Skill|Billing|2",
		4: "proficiencies: -Skill|Billing|2, +Skill|Sales|3",
	} {
		if got[line].Changes != w {
			t.Errorf("line %d: changes %q, want %q", line, got[line].Changes, w)
		}
	}
	if n := sb.Calls()["Connect.ListUserProficiencies"].Sent; n != 2 {
		t.Errorf("%d ListUserProficiencies calls, want 2 (none for the blank cell)", n)
	}
	for login, w := range map[string]string{"ann": "Language|English|4||Skill|Billing|2", "bob": "", "cid": "Language|English|4||Skill|Sales|3"} {
		if p := proficiencyText(sb.UserProficiencies(login)); p != w {
			t.Errorf("%s's proficiencies %q, want %q", login, p, w)
		}
	}
}

// TestUpdateExtensionsUnderDrops: with a fifth of the mutating calls'
// answers lost, proficiencies (whose AssociateUserProficiencies refuses
// one already there, as its retry meets) and per-channel settings end as
// the file says.
func TestUpdateExtensionsUnderDrops(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	var created, changed []string
	for i := range 40 {
		login := "agent" + strings.Repeat("x", i%3) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		created = append(created, extRow(login, nil))
		changed = append(changed, extRow(login, map[string]string{"proficiencies": "Skill|Sales|3||Language|English|5",
			"chat auto accept (yes/no)": "no", "persistent connection (yes/no)": "no"}))
	}
	if res, err := importInto(t, sb, Config{Input: writeExtFile(t, dir, "agents.csv", created...)}); err != nil || res.Counts[report.Created] != 40 {
		t.Fatalf("create: %v %v", res, err)
	}
	sb.SetDropRate(0.2)
	input := writeExtFile(t, dir, "update.csv", changed...)
	res, err := importInto(t, sb, Config{Input: input, Update: true})
	for try := 0; err == nil && res.Counts[report.Updated] != 40 && try < 3; try++ {
		t.Logf("run %d: %v", try+1, res.Counts)
		for _, o := range loadResults(t, res.ResultsPath) {
			if o.Status == report.Failed {
				t.Logf("line %d: %s", o.Line, o.Error)
			}
		}
		res, err = importInto(t, sb, Config{Input: input, Update: true, Resume: true})
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Updated] != 40 {
		t.Errorf("counts %v, want 40 updated", res.Counts)
	}
	if sb.Dropped() == 0 {
		t.Error("no answer was dropped: the test proves nothing")
	}
	for _, u := range sb.ConnectUsers() {
		if u.Username == "admin" {
			continue
		}
		if p := proficiencyText(u.Proficiencies); p != "Language|English|5||Skill|Sales|3" || u.AutoAcceptByChannel["CHAT"] || u.PersistentConnection == nil || *u.PersistentConnection {
			t.Errorf("%s: proficiencies %s, chat auto accept %v, persistent connection %v", u.Username, p, u.AutoAcceptByChannel["CHAT"], u.PersistentConnection)
		}
	}
}

// TestUpdateExportRoundTrip: users created with the extension columns,
// exported, and the export imported with --update --dry-run: no change;
// one proficiency changed through the sandbox is then exactly the one
// change the dry run lists.
func TestUpdateExportRoundTrip(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	input := writeExtFile(t, dir, "agents.csv", extRow("ann", nil), extRow("bob", map[string]string{"task auto accept (yes/no)": "yes",
		"proficiencies": "Skill|Technical|5"}), extRow("cid", map[string]string{"voice enhancement (isolation/suppression/none)": "none"}))
	if res, err := importInto(t, sb, Config{Input: input}); err != nil || res.Counts[report.Created] != 3 {
		t.Fatalf("create: %v %v", res, err)
	}
	export := filepath.Join(dir, "export.csv")
	if _, err := Export(context.Background(), ExportConfig{InstanceID: sb.InstanceID(), Out: export}, sandboxClients(t, sb, 1000)); err != nil {
		t.Fatal(err)
	}
	head, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(head), "proficiencies") || !strings.Contains(string(head), "chat auto accept") {
		t.Fatalf("the export has no extension columns:\n%s", head)
	}
	dry := func(name string) map[int]report.Outcome {
		t.Helper()
		res, err := importInto(t, sb, Config{Input: export, Update: true, DryRun: true, Out: filepath.Join(dir, name)})
		if err != nil {
			t.Fatal(err)
		}
		if n := res.Counts[report.Invalid]; n != 0 {
			t.Fatalf("%d rows of the export are invalid: %v", n, res.Problems)
		}
		return loadResults(t, res.ResultsPath)
	}
	for line, o := range dry("same.csv") {
		if o.Status != report.Exists || o.Changes != "" {
			t.Errorf("export line %d (%s): %s %q, want exists with no change", line, o.Login, o.Status, o.Changes)
		}
	}
	sb.ChangeConnectUser("ann", func(u *sandbox.ConnectUser) {
		u.Proficiencies = slices.Clone(u.Proficiencies)
		u.Proficiencies[1].Level = 5 // Skill|Billing, 2 in the export
	})
	changed := 0
	for line, o := range dry("changed.csv") {
		switch {
		case o.Login == "ann":
			changed++
			if o.Status != report.WouldUpdate || o.Changes != "proficiencies: Skill|Billing: 5 -> 2" {
				t.Errorf("export line %d (ann): %s %q, want the one proficiency change", line, o.Status, o.Changes)
			}
		case o.Status != report.Exists || o.Changes != "":
			t.Errorf("export line %d (%s): %s %q, want exists with no change", line, o.Login, o.Status, o.Changes)
		}
	}
	if changed != 1 {
		t.Errorf("ann is on %d lines of the export, want 1", changed)
	}
}

// TestUpdateProficienciesBySearch: with enough rows, the proficiencies are
// found with SearchUsers per attribute value instead of one
// ListUserProficiencies per row, and the changes are the same.
func TestUpdateProficienciesBySearch(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	var rows []string
	for i := range 60 {
		rows = append(rows, extRow("agent"+string(rune('a'+i%26))+string(rune('a'+i/26)), nil))
	}
	input := writeExtFile(t, dir, "agents.csv", rows...)
	if res, err := importInto(t, sb, Config{Input: input}); err != nil || res.Counts[report.Created] != 60 {
		t.Fatalf("create: %v %v", res, err)
	}
	sb.ChangeConnectUser("agentcb", func(u *sandbox.ConnectUser) {
		u.Proficiencies = []sandbox.Proficiency{{AttributeName: "Language", AttributeValue: "French", Level: 3}, u.Proficiencies[1]}
	})
	sb.ResetCalls()
	res, err := importInto(t, sb, Config{Input: input, Update: true, DryRun: true, Out: filepath.Join(dir, "dry.csv")})
	if err != nil {
		t.Fatal(err)
	}
	calls := sb.Calls()
	if n := calls["Connect.ListUserProficiencies"].Sent; n != 0 || calls["Connect.SearchUsers"].Sent < 2 {
		t.Errorf("%d ListUserProficiencies and %d SearchUsers calls, want none and the searches", n, calls["Connect.SearchUsers"].Sent)
	}
	for line, o := range loadResults(t, res.ResultsPath) {
		want := ""
		if o.Login == "agentcb" {
			want = "proficiencies: +Language|English|4, -Language|French|3"
		}
		if o.Changes != want {
			t.Errorf("line %d (%s): changes %q, want %q", line, o.Login, o.Changes, want)
		}
	}
}
