package agentfile

import (
	"context"
	"maps"
	"strings"
	"testing"
)

const teamsInput = `first name,last name,email address,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),Team Lead
Jane,Doe,jdoe@example.com,,jdoe,Basic Routing Profile,Agent,Example Corp|Support|Tier 1,soft,  Ana Silva
Raj,Patel,rpatel@example.com,,rpatel,Sales Profile,Agent, Example Corp | Sales | Tier 1 ,soft,Ana Silva
Li,Wei,lwei@example.com,,lwei, Basic Routing Profile ,Agent,,soft,
Bad,Row,not-an-email,,badrow,Sales Profile,Agent,Example Corp| Support |Tier 1,soft,Bo Berg
`

func readTeams(t *testing.T, input string, keep []string) (*File, []Checked) {
	t.Helper()
	f, err := Read(context.Background(), strings.NewReader(input), ReadOptions{Keep: keep})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return f, Validate(f, ValidateOptions{})
}

func TestTeamKey(t *testing.T) {
	for _, tc := range []struct {
		key  string
		want map[int]string
	}{
		{"hierarchy", map[int]string{2: "Example Corp|Support|Tier 1", 3: "Example Corp|Sales|Tier 1", 4: "", 5: "Example Corp|Support|Tier 1"}},
		{"Hierarchy", map[int]string{2: "Example Corp|Support|Tier 1", 3: "Example Corp|Sales|Tier 1", 4: "", 5: "Example Corp|Support|Tier 1"}},
		{"routing-profile", map[int]string{2: "Basic Routing Profile", 3: "Sales Profile", 4: "Basic Routing Profile", 5: "Sales Profile"}},
		{"routing profile", map[int]string{2: "Basic Routing Profile", 3: "Sales Profile", 4: "Basic Routing Profile", 5: "Sales Profile"}},
		{"team lead", map[int]string{2: "Ana Silva", 3: "Ana Silva", 4: "", 5: "Bo Berg"}},
		{"TEAM  LEAD", map[int]string{2: "Ana Silva", 3: "Ana Silva", 4: "", 5: "Bo Berg"}},
		// A template column by one of its spellings.
		{"email", map[int]string{2: "jdoe@example.com", 3: "rpatel@example.com", 4: "lwei@example.com", 5: "not-an-email"}},
	} {
		t.Run(tc.key, func(t *testing.T) {
			// The input has a team lead column, which only the split by it
			// would keep (TestSplitKeep); keep it for every key here.
			f, checked := readTeams(t, teamsInput, append(SplitKeep(tc.key), "team lead"))
			if checked[3].Agent != nil {
				t.Fatal("line 5 should be invalid: the test needs an invalid row")
			}
			got, err := TeamKey(f, checked, tc.key)
			if err != nil {
				t.Fatalf("TeamKey: %v", err)
			}
			if !maps.Equal(got, tc.want) {
				t.Errorf("TeamKey(%q) = %v, want %v", tc.key, got, tc.want)
			}
		})
	}
}

// A column of the user's own, far from every known name, is carried through
// whether or not the split names it.
func TestSplitKeep(t *testing.T) {
	f, err := Read(context.Background(), strings.NewReader(teamsInput), ReadOptions{Keep: SplitKeep("hierarchy")})
	if err != nil {
		t.Fatalf("a team lead column the split does not name: %v; want it carried", err)
	}
	if got := Carried(f.Header, f.Columns, SplitKeep("hierarchy")); len(got) != 1 || !strings.EqualFold(got[0], "Team Lead") {
		t.Errorf("carried %q, want the Team Lead column", got)
	}
	if got := Carried(f.Header, f.Columns, []string{"team lead"}); len(got) != 0 {
		t.Errorf("carried %q, want none when the split names it", got)
	}
	for _, k := range []string{"hierarchy", "routing-profile", "routing profile", ""} {
		if got := SplitKeep(k); got != nil {
			t.Errorf("SplitKeep(%q) = %q, want none", k, got)
		}
	}
	if got := SplitKeep("team lead"); len(got) != 1 || got[0] != "team lead" {
		t.Errorf(`SplitKeep("team lead") = %q`, got)
	}
}

func TestTeamKeyErrors(t *testing.T) {
	f, checked := readTeams(t, teamsInput, []string{"team lead"})
	for _, tc := range []struct{ key, want string }{
		{"", "no key"},
		{"site", `split by "site": the input has no column of that name`},
		{"password", "cannot be named by a password"},
	} {
		_, err := TeamKey(f, checked, tc.key)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("TeamKey(%q) error = %v, want one saying %q", tc.key, err, tc.want)
		}
	}

	noHierarchy := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk)\nJane,Doe,jdoe,Basic Routing Profile,Agent,soft\n"
	f, checked = readTeams(t, noHierarchy, nil)
	if _, err := TeamKey(f, checked, "hierarchy"); err == nil || !strings.Contains(err.Error(), "no hierarchy column") {
		t.Errorf("split by hierarchy without a hierarchy column: error %v", err)
	}
}

// A home-made slash path names the same group as the template's | path.
func TestTeamKeySlashHierarchy(t *testing.T) {
	input := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,phone type (soft/desk),UserHierarchy\n" +
		"Jane,Doe,jdoe,Basic Routing Profile,Agent,soft,Example Corp/Support/Tier 1\n" +
		"Bad,Row,bad row,Basic Routing Profile,Agent,soft,Example Corp / Support / Tier 1\n"
	f, checked := readTeams(t, input, nil)
	if checked[1].Agent != nil {
		t.Fatal("line 3 should be invalid (a space in the login)")
	}
	got, err := TeamKey(f, checked, "hierarchy")
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{2: "Example Corp|Support|Tier 1", 3: "Example Corp|Support|Tier 1"}
	if !maps.Equal(got, want) {
		t.Errorf("TeamKey = %v, want %v", got, want)
	}
}

// A row whose fields are shifted (an unquoted comma in a name) has values
// under the wrong columns: the one under the split column may be the
// password, and must not become a team name.
func TestTeamKeyShiftedRow(t *testing.T) {
	const input = `first name,last name,email address,password,team lead,user login,routing profile name,security_profile_name_1|security_profile_name_2
John,Smith, Jr.,js@example.com,An0ther-Secret,Ana,js,Basic Routing Profile,Agent
Jane,Doe,jdoe@example.com,,Ana,jdoe,Basic Routing Profile,Agent
`
	f, checked := readTeams(t, input, SplitKeep("team lead"))
	if checked[0].Agent != nil {
		t.Fatal("line 2 should be invalid: the test needs a shifted row")
	}
	got, err := TeamKey(f, checked, "team lead")
	if err != nil {
		t.Fatalf("TeamKey: %v", err)
	}
	if want := map[int]string{2: "", 3: "Ana"}; !maps.Equal(got, want) {
		t.Errorf("TeamKey = %v, want %v", got, want)
	}
}
