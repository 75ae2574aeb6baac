package agentfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/bulkagents/bulkagents/report"
)

// splitFixture is a 300-agent input and the results of importing it: most
// created (Connect-managed with a password, or Identity Center without),
// some that existed, some invalid, failed or not attempted. Team names are
// chosen to clash once made file names ("Ana Silva" and "ana-silva"), to
// try to escape the folder, and to look like a formula.
func splitFixture(t *testing.T) (input string, results []report.Outcome) {
	t.Helper()
	hierarchies := []string{"Example Corp|Support|Tier 1", "Example Corp|Sales|Tier 1", "Example Corp|Support|Tier 2", ""}
	profiles := []string{"Basic Routing Profile", "Sales Profile", "Night Shift"}
	leads := []string{"Ana Silva", "ana-silva", "../../etc/passwd", "=HYPERLINK(1)", "", "Équipe Nord", "Bo Berg"}
	var in strings.Builder
	in.WriteString("first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),team lead\n")
	w := csv.NewWriter(&in)
	for i := range 300 {
		line := i + 2
		login := fmt.Sprintf("agent%03d", i)
		email := login + "@example.com"
		if i%37 == 5 {
			email = "not-an-email" // invalid
		}
		password := ""
		if i%41 == 3 {
			password = "=Start123abc" + strconv.Itoa(i) // supplied, and looks like a formula
		}
		rec := []string{"First" + strconv.Itoa(i), "Last", email, password, login, profiles[i%3], "Agent", hierarchies[i%4], "soft", leads[i%7]}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		o := report.Outcome{Line: line, Login: login, FirstName: rec[0], LastName: "Last", Email: email, RoutingProfile: profiles[i%3]}
		switch {
		case i%37 == 5:
			o.Status, o.Error = report.Invalid, "email address: not an address"
		case i%23 == 4:
			o.Status, o.Error, o.Password = report.Failed, "create Connect user: InternalServiceException", "Failed-Pass1"+strconv.Itoa(i)
		case i%29 == 6:
			o.Status = report.NotAttempted
		case i%5 == 0:
			o.Status, o.ConnectUserID, o.SignInURL = report.Exists, "c-"+login, "https://acme.my.connect.aws/"
		case i%7 == 1:
			o.Status, o.ConnectUserID, o.SSOUserID, o.SignInURL = report.Created, "c-"+login, "s-"+login, "https://d-1234567890.awsapps.com/start"
		default:
			o.Status, o.ConnectUserID, o.SignInURL = report.Created, "c-"+login, "https://acme.my.connect.aws/"
			o.Password = password
			if o.Password == "" {
				p, err := GeneratePassword()
				if err != nil {
					t.Fatal(err)
				}
				o.Password = p
			}
		}
		results = append(results, o)
	}
	w.Flush()
	return in.String(), results
}

// TestSplit300 splits a 300-agent import by each kind of key, plain and
// protected: every agent is in exactly one team's file, which is its own
// team's; no file holds another team's agent or password; the team files
// and the administrator's list together are the results file.
func TestSplit300(t *testing.T) {
	input, results := splitFixture(t)
	byLine := map[int]report.Outcome{}
	for _, o := range results {
		byLine[o.Line] = o
	}
	for _, key := range []string{SplitHierarchy, SplitRoutingProfile, "team lead"} {
		for _, protect := range []bool{false, true} {
			if protect && key != SplitHierarchy {
				// A protected workbook costs 10^5 SHA-512 rounds to write
				// and as many to open: its team split is the same code as
				// unprotected, so one key is enough (TestWriteHandoutsProtected
				// in report/ covers the workbooks themselves).
				continue
			}
			t.Run(fmt.Sprintf("%s/protect=%v", key, protect), func(t *testing.T) {
				ctx := context.Background()
				// The input carries a team lead column for the third key;
				// the other splits would refuse it (TestSplitKeep).
				f, err := Read(ctx, strings.NewReader(input), ReadOptions{Keep: append(SplitKeep(key), "team lead")})
				if err != nil {
					t.Fatal(err)
				}
				checked := Validate(f, ValidateOptions{})
				teamOf, err := TeamKey(f, checked, key)
				if err != nil {
					t.Fatal(err)
				}
				if len(teamOf) != 300 {
					t.Fatalf("%d rows with a team, want 300", len(teamOf))
				}
				dir := filepath.Join(t.TempDir(), "agents-results-teams")
				h, err := report.WriteHandouts(ctx, dir, results, teamOf, report.HandoutOptions{SplitBy: key, Protect: protect})
				if err != nil {
					t.Fatal(err)
				}
				passphrases := map[string]string{}
				if protect {
					for _, r := range readCSVFile(t, h.PassphraseFile)[1:] {
						passphrases[filepath.Join(dir, r[1])] = r[2]
					}
				}

				wantTeams := map[string]bool{}
				for _, o := range results {
					if o.Status == report.Created || o.Status == report.Exists {
						wantTeams[teamOf[o.Line]] = true
					}
				}
				if len(h.Teams) != len(wantTeams) {
					t.Errorf("%d teams, want %d", len(h.Teams), len(wantTeams))
				}

				seen := map[int]string{} // line -> the file it is in
				for _, team := range h.Teams {
					rows, handout := readTeam(t, team, passphrases)
					if len(rows) != team.Agents {
						t.Errorf("team %q: %d rows, summary says %d", team.Team, len(rows), team.Agents)
					}
					for _, r := range rows {
						line, err := strconv.Atoi(r[0])
						if err != nil {
							t.Fatalf("team %q: line %q", team.Team, r[0])
						}
						if other, dup := seen[line]; dup {
							t.Errorf("line %d is in %s and in team %q", line, other, team.Team)
						}
						seen[line] = team.Team
						if teamOf[line] != team.Team {
							t.Errorf("team %q's file holds line %d of team %q", team.Team, line, teamOf[line])
						}
						o := byLine[line]
						got := []string{r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]}
						want := []string{o.FirstName, o.LastName, o.Login, o.Email, o.RoutingProfile, string(o.Status), o.Password, o.SignInURL}
						if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
							t.Errorf("team %q, line %d: %q, results file says %q", team.Team, line, got, want)
						}
						if o.Password != "" && !strings.Contains(handout, o.Password) {
							t.Errorf("team %q's handout lacks line %d's password", team.Team, line)
						}
					}
					// No other agent's password or login is in this team's handout.
					for _, o := range results {
						if teamOf[o.Line] == team.Team && (o.Status == report.Created || o.Status == report.Exists) {
							continue
						}
						if o.Password != "" && strings.Contains(handout, o.Password) {
							t.Errorf("team %q's handout holds line %d's password (team %q, %s)", team.Team, o.Line, teamOf[o.Line], o.Status)
						}
						if strings.Contains(handout, "User name:   "+o.Login+"\n") {
							t.Errorf("team %q's handout holds line %d (team %q, %s)", team.Team, o.Line, teamOf[o.Line], o.Status)
						}
					}
				}

				notHanded := map[int]bool{}
				left := readCSVFile(t, h.NotHandedOutFile)[1:]
				for _, r := range left {
					line, _ := strconv.Atoi(r[0])
					if other, dup := seen[line]; dup {
						t.Errorf("line %d is not handed out and also in team %q", line, other)
					}
					seen[line] = "not handed out"
					notHanded[line] = true
					if o := byLine[line]; r[1] != o.Login || r[5] != string(o.Status) || r[6] != report.Neutralise(o.Error) || r[4] != report.Neutralise(teamOf[line]) {
						t.Errorf("not handed out, line %d: %q", line, r)
					}
				}
				if len(seen) != len(results) {
					t.Errorf("%d rows in the team files and the administrator's list, want the results file's %d", len(seen), len(results))
				}
				for _, o := range results {
					if _, in := seen[o.Line]; !in {
						t.Errorf("line %d (%s) is nowhere", o.Line, o.Status)
					}
					if handed := o.Status == report.Created || o.Status == report.Exists; handed == notHanded[o.Line] {
						t.Errorf("line %d (%s): in a team's file %v, want %v", o.Line, o.Status, !notHanded[o.Line], handed)
					}
				}
				if h.HandedOut+h.NotHandedOut != 300 {
					t.Errorf("summary: %d handed out + %d not, want 300", h.HandedOut, h.NotHandedOut)
				}
			})
		}
	}
}

// readTeam reads a team's agents (header dropped, cells as they were before
// neutralising) and its handout, from its CSV and text files or from its
// protected workbook.
func readTeam(t *testing.T, team report.TeamHandout, passphrases map[string]string) ([][]string, string) {
	t.Helper()
	if len(passphrases) == 0 {
		if len(team.Files) != 2 {
			t.Fatalf("team %q: files %q, want a CSV and a handout", team.Team, team.Files)
		}
		recs := readCSVFile(t, team.Files[0])
		if strings.Join(recs[0], ",") != strings.Join(report.TeamHeader, ",") {
			t.Fatalf("%s: header %q", team.Files[0], recs[0])
		}
		rows := recs[1:]
		for _, r := range rows {
			for j := 1; j < len(r); j++ {
				r[j] = strings.TrimPrefix(r[j], "'")
			}
		}
		handout, err := os.ReadFile(team.Files[1])
		if err != nil {
			t.Fatal(err)
		}
		return rows, string(handout)
	}
	if len(team.Files) != 1 || !strings.HasSuffix(team.Files[0], ".xlsx") {
		t.Fatalf("team %q: files %q, want one workbook", team.Team, team.Files)
	}
	pass, ok := passphrases[team.Files[0]]
	if !ok {
		t.Fatalf("no passphrase for %s", team.Files[0])
	}
	data, err := os.ReadFile(team.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := excelize.OpenReader(bytes.NewReader(data)); err == nil {
		t.Errorf("%s opens without its passphrase", team.Files[0])
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{Password: pass})
	if err != nil {
		t.Fatalf("%s: %v", team.Files[0], err)
	}
	defer wb.Close()
	recs, err := wb.GetRows(report.AgentsSheet)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := wb.GetRows(report.HandoutSheet)
	if err != nil {
		t.Fatal(err)
	}
	var handout strings.Builder
	for _, l := range lines {
		handout.WriteString(strings.Join(l, "") + "\n")
	}
	rows := recs[1:]
	for i, r := range rows {
		for len(r) < len(report.TeamHeader) { // GetRows drops trailing empty cells
			r = append(r, "")
		}
		rows[i] = r
	}
	return rows, handout.String()
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Every CSV the tool writes starts with a UTF-8 byte order mark, for
	// Excel.
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Errorf("%s does not start with a UTF-8 byte order mark", path)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}
