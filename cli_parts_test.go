package main

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
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
		got, err := parseColumnList(tc.list)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("parseColumnList(%q) = %v, %v; want %v", tc.list, got, err, tc.want)
		}
	}
	for _, list := range []string{"", "user login,,mobile", "user login,password", `user login,"routing, profile"`, `"user login`} {
		if got, err := parseColumnList(list); err == nil {
			t.Errorf("parseColumnList(%q) = %v, want an error", list, got)
		}
	}
	// An edit column of import --update is no column of an export: the
	// error names the set column it edits.
	if _, err := parseColumnList("user login,add tags"); err == nil || !strings.Contains(err.Error(), "column of edits") {
		t.Errorf("parseColumnList(add tags): %v, want a column of edits refused", err)
	} else if se := new(importer.SetupError); !errors.As(err, &se) || se.Hint != `export writes the whole set: ask for "tags"` {
		t.Errorf("parseColumnList(add tags): hint %q", se.Hint)
	}
}

// TestParseWhere: the first = ends the column; a column SearchUsers cannot
// filter on is refused; userhierarchy's / becomes |.
func TestParseWhere(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want importer.Where
	}{
		{"user login=a=b", importer.Where{Column: agentfile.ColLogin, Typed: "user login", Value: "a=b"}},
		{" agent hierarchy = Example Corp|Support ", importer.Where{Column: agentfile.ColHierarchy, Typed: "agent hierarchy", Value: "Example Corp|Support"}},
		{"userhierarchy=Example Corp/Support", importer.Where{Column: agentfile.ColHierarchy, Typed: "userhierarchy", Value: "Example Corp|Support"}},
		{"tags=team|blue", importer.Where{Column: agentfile.ColTags, Typed: "tags", Value: "team|blue"}},
	} {
		got, err := parseWhere(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("parseWhere(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"routing profile name", "=x", "mobile=+14255550100", "email address=a@example.com", "routing profile name=", "nosuch=1"} {
		if got, err := parseWhere(in); err == nil {
			t.Errorf("parseWhere(%q) = %+v, want an error", in, got)
		}
	}
}
