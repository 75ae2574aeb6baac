package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestImportSplit300 imports 300 agents (100 in the suite; 300 with
// BULKAGENTS_FULL=1) into the sandbox with --split-by,
// once for each kind of key, and checks the hand-off against the results
// file: every agent handed out is in exactly one team's file, the one of its
// own team, with its own password; no file holds another team's agent; and
// the team files with the administrator's list are the results file, row for
// row.
func TestImportSplit300(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("imports 300 agents per split key")
	}
	n := fullSize(t, 100, 300)
	sb := e2eSandbox(t, sandbox.Options{RateScale: 100, UserQuota: 1000}) // CreateUser 200/s
	sb.AddRoutingProfile("Night Shift")

	hierarchies := []string{"Example Corp|Support|Tier 1", "Example Corp|Support|Tier 2", "Example Corp|Sales", ""}
	profiles := []string{"Basic Routing Profile", "Night Shift"}
	leads := []string{"Ana Silva", "Bo Berg", "", "=1+1"}
	const header = "first name,last name,email address,password,user login,routing profile name," +
		"security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),team lead"

	for _, key := range []string{"hierarchy", "routing-profile", "team lead"} {
		t.Run(key, func(t *testing.T) {
			dir := t.TempDir()
			prefix := strings.ReplaceAll(key, " ", "")[:4]
			team := map[int]string{} // line -> the team the input puts it in
			var in strings.Builder
			w := csv.NewWriter(&in)
			// The team lead column is only accepted by the split that names it.
			cols := strings.Split(header, ",")
			if key != "team lead" {
				cols = cols[:len(cols)-1]
			}
			w.Write(cols)
			for i := range n {
				line := i + 2
				login := fmt.Sprintf("%s%03d", prefix, i)
				email := login + "@example.com"
				if i%41 == 7 {
					email = "not-an-email" // invalid: listed for the administrator
				}
				rec := []string{"First" + strconv.Itoa(i), "Last", email, "", login, profiles[i%2], "Agent", hierarchies[i%4], "soft", leads[i%4]}
				w.Write(rec[:len(cols)])
				switch key {
				case "hierarchy":
					team[line] = hierarchies[i%4]
				case "routing-profile":
					team[line] = profiles[i%2]
				default:
					team[line] = leads[i%4]
				}
			}
			w.Flush()
			if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(in.String()), 0o600); err != nil {
				t.Fatal(err)
			}

			code, stderr := runCommand(t, sb, dir, 100, "import", "agents.csv", "--split-by", key, "--no-progress")
			if code != 1 { // the invalid rows make it 1
				t.Fatalf("exit %d, want 1\n%s", code, stderr)
			}
			res := results(t, filepath.Join(dir, "agents-results.csv"))
			if len(res) != n {
				t.Fatalf("%d rows in the results file, want %d", len(res), n)
			}

			seen := map[int]string{} // line -> the team file it is in
			teamDir := filepath.Join(dir, "agents-results-teams")
			files, err := filepath.Glob(filepath.Join(teamDir, "*.csv"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no team files in %s: %v", teamDir, err)
			}
			for _, file := range files {
				rows := readCSV(t, file)
				if strings.Join(rows[0], ",") != strings.Join(report.TeamHeader, ",") {
					t.Fatalf("%s: header %q", file, rows[0])
				}
				fileTeam := ""
				for n, r := range rows[1:] {
					line, _ := strconv.Atoi(r[0])
					if prev, ok := seen[line]; ok {
						t.Errorf("line %d is in %s and in %s", line, prev, file)
					}
					seen[line] = file
					if n == 0 {
						fileTeam = team[line]
					} else if team[line] != fileTeam {
						t.Errorf("%s holds line %d of team %q and agents of team %q", file, line, team[line], fileTeam)
					}
					o := res[line]
					if r[3] != o.Login || r[6] != string(o.Status) || r[7] != o.Password {
						t.Errorf("%s, line %d: login %q status %q, want %q %q and the results file's password", file, line, r[3], r[6], o.Login, o.Status)
					}
					if o.Status == report.Created && r[7] == "" {
						t.Errorf("%s, line %d: a created agent without a password", file, line)
					}
				}
			}
			for _, r := range readCSV(t, filepath.Join(dir, "agents-results-teams-not-handed-out.csv"))[1:] {
				line, _ := strconv.Atoi(r[0])
				if prev, ok := seen[line]; ok {
					t.Errorf("line %d is in %s and in the list of rows not handed out", line, prev)
				}
				seen[line] = "not handed out"
				if res[line].Status != report.Invalid {
					t.Errorf("line %d not handed out with status %s", line, res[line].Status)
				}
			}
			if len(seen) != len(res) {
				t.Errorf("the team files and the list hold %d rows, the results file %d", len(seen), len(res))
			}
			for line := range res {
				if _, ok := seen[line]; !ok {
					t.Errorf("line %d is in no file", line)
				}
			}
			if strings.Contains(stderr, res[2].Password) {
				t.Error("a password reached the terminal")
			}
		})
	}
}

func readCSV(t *testing.T, path string) [][]string {
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
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
