package importer

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
)

// TestParseColumnList: --columns is one CSV line of column names (any
// spelling; a | is part of a name, a quoted name may hold a comma), each
// field once; what is no column, or is never written, is refused.
func TestParseColumnList(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		list string
		want []agentfile.Column
	}{
		{"user login,routing profile name,security_profile_name_1|security_profile_name_2,agent hierarchy",
			[]agentfile.Column{agentfile.ColLogin, agentfile.ColRoutingProfile, agentfile.ColSecurityProfiles, agentfile.ColHierarchy}},
		{`"User Login", routing profile`, []agentfile.Column{agentfile.ColLogin, agentfile.ColRoutingProfile}},
		{"agent hierarchy,user_hierarchy_1|user_hierarchy_2,userhierarchy", []agentfile.Column{agentfile.ColHierarchy}},
		{"secondary email,mobile", []agentfile.Column{agentfile.ColSecondaryEmail, agentfile.ColMobile}},
	} {
		got, err := ParseColumnList(tc.list)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseColumnList(%q) = %v, %v; want %v", tc.list, got, err, tc.want)
		}
	}
	for _, list := range []string{"", "user login,,mobile", "user login,password", `user login,"routing, profile"`, `"user login`} {
		if got, err := ParseColumnList(list); err == nil {
			t.Errorf("ParseColumnList(%q) = %v, want an error", list, got)
		}
	}
	// An edit column of import --update is no column of an export: the
	// error names the set column it edits.
	if _, err := ParseColumnList("user login,add tags"); err == nil || !strings.Contains(err.Error(), "column of edits") {
		t.Errorf("ParseColumnList(add tags): %v, want a column of edits refused", err)
	} else if se := new(SetupError); !errors.As(err, &se) || se.Hint != `export writes the whole set: ask for "tags"` {
		t.Errorf("ParseColumnList(add tags): hint %q", se.Hint)
	}
}

// TestParseWhere: the first = ends the column; a column SearchUsers cannot
// filter on is refused; userhierarchy's / becomes |.
func TestParseWhere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Where
	}{
		{"user login=a=b", Where{agentfile.ColLogin, "user login", "a=b"}},
		{" agent hierarchy = Example Corp|Support ", Where{agentfile.ColHierarchy, "agent hierarchy", "Example Corp|Support"}},
		{"userhierarchy=Example Corp/Support", Where{agentfile.ColHierarchy, "userhierarchy", "Example Corp|Support"}},
		{"tags=team|blue", Where{agentfile.ColTags, "tags", "team|blue"}},
	} {
		got, err := ParseWhere(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseWhere(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"routing profile name", "=x", "mobile=+14255550100", "email address=a@example.com", "routing profile name=", "nosuch=1"} {
		if got, err := ParseWhere(in); err == nil {
			t.Errorf("ParseWhere(%q) = %+v, want an error", in, got)
		}
	}
}
