package agentfile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func readEdits(t *testing.T, text string, update bool) (*File, []Checked) {
	t.Helper()
	f, err := Read(context.Background(), strings.NewReader(text), ReadOptions{Update: update})
	if err != nil {
		t.Fatal(err)
	}
	return f, Validate(f, ValidateOptions{Update: update})
}

// The edit columns read in their set columns' formats (remove tags: keys,
// or key|value; remove proficiencies: attribute|value, a level allowed and
// dropped), and File.Compare applies them to the user's set alone: an
// item the user has added again, or one it lacks removed, is no change; a
// tag removed with a value it does not have stays.
func TestEditColumnsCompare(t *testing.T) {
	t.Parallel()
	header := "user login,add security profiles,remove security profiles,add tags,remove tags,add proficiencies,remove proficiencies"
	have := func() *Agent {
		return &Agent{Login: "ann", SecurityProfiles: []string{"Agent", "QualityAnalyst"},
			Tags: map[string]string{"team": "red", "site": "ny"}}
	}
	cases := []struct{ name, row, want string }{
		{"nothing", "ann,,,,,,", ""},
		{"remove a profile", "ann,,QualityAnalyst,,,,", "security profiles: -QualityAnalyst"},
		{"add one it has", "ann,Agent,,,,,", ""},
		{"remove one it lacks", "ann,,Admin,,,,", ""},
		{"add and remove", "ann,Admin,Agent,,,,", "security profiles: +Admin, -Agent"},
		{"add a tag, set one's value", "ann,,,site|york||floor|2,,,", "tags: +floor=2, site=ny -> york"},
		{"add a tag it has", "ann,,,team|red,,,", ""},
		{"remove by key", "ann,,,,team,,", "tags: -team=red"},
		{"remove by key and value", "ann,,,,team|red||site|la,,", "tags: -team=red"},
		{"remove a key it lacks", "ann,,,,floor,,", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, checked := readEdits(t, header+"\n"+c.row+"\n", true)
			v := checked[0]
			if v.Agent == nil {
				t.Fatalf("row refused: %v", v.Problems)
			}
			h := have()
			_, changes, err := f.Compare(v.Row, IdentityConnect, v.Agent, h)
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, ch := range changes {
				parts = append(parts, ch.Field+": "+ch.New)
			}
			if got := strings.Join(parts, "; "); got != c.want {
				t.Errorf("changes %q, want %q", got, c.want)
			}
			if !slices.Equal(h.SecurityProfiles, have().SecurityProfiles) || len(h.Tags) != 2 {
				t.Errorf("Compare changed the user it was given: %+v", h)
			}
		})
	}
}

func TestEditColumnsRead(t *testing.T) {
	t.Parallel()
	_, checked := readEdits(t, "user login,remove tags,remove proficiencies,add proficiencies\n"+
		"ann,team||site|ny,Skill|Billing||Language|English|4,Skill|Sales|2\n", true)
	a := checked[0].Agent
	if a == nil {
		t.Fatalf("row refused: %v", checked[0].Problems)
	}
	e := a.Edits
	if want := []TagRemoval{{Key: "team"}, {Key: "site", Value: "ny", HasValue: true}}; !slices.Equal(e.RemoveTags, want) {
		t.Errorf("remove tags %+v, want %+v", e.RemoveTags, want)
	}
	if want := []Proficiency{{"Skill", "Billing", 0}, {"Language", "English", 0}}; !slices.Equal(e.RemoveProficiencies, want) {
		t.Errorf("remove proficiencies %+v, want %+v (levels dropped)", e.RemoveProficiencies, want)
	}
	if want := []Proficiency{{"Skill", "Sales", 2}}; !slices.Equal(e.AddProficiencies, want) {
		t.Errorf("add proficiencies %+v, want %+v", e.AddProficiencies, want)
	}
	if !a.EditsProficiencies() || a.EditsSecurityProfiles() {
		t.Error("EditsProficiencies/EditsSecurityProfiles disagree with the row")
	}
}

// A row filling a set column and its edit column, adding and removing one
// item, or giving (none) or a bad item to an edit column is refused, with
// its line and the columns.
func TestEditColumnsProblems(t *testing.T) {
	t.Parallel()
	header := "user login,security profiles,add security profiles,remove security profiles,tags,add tags,remove tags,proficiencies,add proficiencies,remove proficiencies"
	cases := []struct{ name, row, column, message string }{
		{"set and add", "ann,Agent,QualityAnalyst,,,,,,,", "add security profiles", "the row fills both security profiles and add security profiles"},
		{"set and remove tags", "ann,,,,team|red,,site,,,", "remove tags", "the row fills both tags and remove tags"},
		{"set and add proficiencies", "ann,,,,,,,Skill|Billing|3,Skill|Sales|3,", "add proficiencies", "the row fills both proficiencies and add proficiencies"},
		{"added and removed", "ann,,Agent,Agent,,,,,,", "remove security profiles", `"Agent" is both in add security profiles and in remove security profiles`},
		{"a tag added and removed", "ann,,,,,team|red,team,,,", "remove tags", `"team" is both in add tags and in remove tags`},
		{"none", "ann,,,(none),,,,,,", "remove security profiles", "(none) is not an item to remove"},
		{"bad tag", "ann,,,,,team,,,,", "add tags", `tag "team" is not one key|value pair`},
		{"bad level", "ann,,,,,,,,Skill|Billing|9,", "add proficiencies", "not a whole number from 1 to 5"},
		{"bad removal", "ann,,,,,,,,,Skill", "remove proficiencies", `"Skill" is not attribute|value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, checked := readEdits(t, header+"\n"+c.row+"\n", true)
			v := checked[0]
			if v.Agent != nil {
				t.Fatalf("row taken, want %q", c.message)
			}
			var got []string
			for _, p := range v.Problems {
				got = append(got, fmt.Sprintf("line %d %s: %s", p.Line, p.Column, p.Message))
				if p.Line == 2 && p.Column == c.column && strings.Contains(p.Message, c.message) {
					return
				}
			}
			t.Errorf("problems %q, want line 2 %s: %s", got, c.column, c.message)
		})
	}
}

// With Update a file needs only the login column, and a row's blank cells
// a create needs are kept apart (CreateNeeds) for the plan; without it the
// file lacks required columns. The add security profiles column stands for
// the security profiles of a create, and ForCreate gives a create its sets.
func TestEditColumnsUpdateFile(t *testing.T) {
	t.Parallel()
	text := "user login,add proficiencies\nann,Skill|Billing|3\n"
	var fe *FileError
	if _, err := Read(context.Background(), strings.NewReader(text), ReadOptions{}); !errors.As(err, &fe) || fe.Message != "missing required column" {
		t.Fatalf("without Update: %v, want a missing required column", err)
	}
	_, checked := readEdits(t, text, true)
	v := checked[0]
	if v.Agent == nil || len(v.Problems) > 0 || len(v.Warnings) > 0 {
		t.Fatalf("checked as an update: %+v %v %v, want valid with no warning", v.Agent, v.Problems, v.Warnings)
	}
	if want := []Column{ColFirstName, ColLastName, ColRoutingProfile, ColSecurityProfiles}; !slices.Equal(v.CreateNeeds, want) {
		t.Errorf("CreateNeeds %v, want %v", v.CreateNeeds, want)
	}
	if len(v.CreateWarnings) != 1 || !strings.Contains(v.CreateWarnings[0].Message, "no email address") {
		t.Errorf("CreateWarnings %v, want the missing email's", v.CreateWarnings)
	}

	// A plain import: add security profiles gives the profiles, add tags
	// and add proficiencies the sets; remove tags is no change.
	f, checked := readEdits(t, "first name,last name,user login,routing profile name,add security profiles,add tags,remove tags,add proficiencies\n"+
		"Ann,Lee,ann,Basic Routing Profile,Agent,team|red,site,Skill|Billing|3\n", false)
	v = checked[0]
	if v.Agent == nil {
		t.Fatalf("row refused: %v", v.Problems)
	}
	c := v.Agent.ForCreate()
	if !slices.Equal(c.SecurityProfiles, []string{"Agent"}) || c.Tags["team"] != "red" || len(c.Tags) != 1 ||
		!slices.Equal(c.Proficiencies, []Proficiency{{"Skill", "Billing", 3}}) {
		t.Errorf("ForCreate %+v", c)
	}
	if len(v.Agent.SecurityProfiles) != 0 || v.Agent.Tags != nil {
		t.Error("ForCreate changed the row's agent")
	}
	if p := f.CreateProblem(2, "ann", []Column{ColRoutingProfile, ColSecurityProfiles}); p.Column != "routing profile name" ||
		!strings.Contains(p.Message, `no user "ann" to update, and creating it needs routing profile name, security_profile_name_1|security_profile_name_2`) {
		t.Errorf("CreateProblem %+v", p)
	}
}
