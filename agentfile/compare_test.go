package agentfile

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Compare, field by field through the column table: a blank cell leaves a
// field, (none) clears it, the spellings of a field fold into one (the
// hierarchy given in "agent hierarchy" alone), a set compares as a set.
func TestCompare(t *testing.T) {
	t.Parallel()
	header := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2," +
		"agent hierarchy,user_hierarchy_1|user_hierarchy_2,phone type,phone number,tags,secondary email,chat auto accept (yes/no)"
	yes := true
	have := func() *Agent {
		return &Agent{FirstName: "Ann", LastName: "Lee", Login: "ann", RoutingProfile: "Basic", SecurityProfiles: []string{"Agent", "QA"},
			Hierarchy: []string{"Sales", "East"}, PhoneType: "DESK_PHONE", PhoneNumber: "+14255550100", SecondaryEmail: "a@example.com",
			Tags: map[string]string{"team": "red", "site": "ny"}, Channels: &ChannelSettings{AutoAccept: [ChannelCount]*bool{ChannelChat: &yes}}}
	}
	cases := []struct {
		name, row, want string
		err             error
	}{
		{"blank leaves", "Ann,Lee,ann,Basic,QA|Agent,,,,,,,", "", nil},
		{"values", "Ann,Lea,ann,Sales,Agent|Admin,West|North,,soft,,team|blue,,no",
			"last name: Lee -> Lea; routing profile: Basic -> Sales; security profiles: +Admin, -QA; hierarchy: Sales|East -> West|North; " +
				"phone type: desk -> soft; tags: -site=ny, team=red -> blue; chat auto accept: yes -> no", nil},
		{"clears", "Ann,Lee,ann,Basic,Agent|QA,(none),,soft,(none),(none),(none),",
			"secondary email: a@example.com -> ; hierarchy: Sales|East -> ; phone type: desk -> soft; phone number: +14255550100 -> ; tags: -site=ny, -team=red", nil},
		{"a desk phone keeps its number", "Ann,Lee,ann,Basic,Agent|QA,,,,(none),,,", "", DeskNeedsNumberError{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, err := Read(context.Background(), strings.NewReader(header+"\n"+c.row+"\n"), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			v := Validate(f, ValidateOptions{})[0]
			if v.Agent == nil {
				t.Fatalf("row refused: %v", v.Problems)
			}
			h := have()
			got, changes, err := f.Compare(v.Row, IdentityConnect, v.Agent, h)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var parts []string
			for _, ch := range changes {
				if ch.Set {
					parts = append(parts, ch.Field+": "+ch.New)
				} else {
					parts = append(parts, ch.Field+": "+ch.Old+" -> "+ch.New)
				}
			}
			if s := strings.Join(parts, "; "); s != c.want {
				t.Errorf("changes\n%s\nwant\n%s", s, c.want)
			}
			if len(changes) == 0 && (got.RoutingProfile != h.RoutingProfile || got.PhoneNumber != h.PhoneNumber) {
				t.Errorf("no change, but the wanted user differs: %+v", got)
			}
			if !strings.Contains(c.want, "hierarchy") && strings.Join(got.Hierarchy, "|") != "Sales|East" {
				t.Errorf("hierarchy left blank became %q", got.Hierarchy)
			}
			if strings.Join(h.Hierarchy, "|") != "Sales|East" || h.Tags["site"] != "ny" || !*h.Channels.AutoAccept[ChannelChat] {
				t.Errorf("Compare changed the user it was given: %+v", h)
			}
		})
	}
}
