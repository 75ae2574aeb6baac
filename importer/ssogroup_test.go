package importer

import (
	"strings"
	"testing"
)

func TestCheckGroupName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, problem string }{
		{"ConnectAgents", ""},
		{"Support agents (tier 1) – Leeds", ""},
		{"Équipe\u00a0Nord", ""},
		{strings.Repeat("g", 1024), ""},
		{strings.Repeat("g", 1025), "at most 1024"},
		{strings.Repeat("😀", 513), "at most 1024"}, // UTF-16 code units
		{"", "empty"},
		{"Administrator", "reserves"},
		{"awsadministrators", "reserves"},
		{"agents\x00", "cannot hold"},
		{"agents\u200b", "cannot hold"},
	} {
		msg, hint := CheckGroupName(tt.name)
		if tt.problem == "" && msg != "" || tt.problem != "" && (!strings.Contains(msg, tt.problem) || hint == "") {
			t.Errorf("%.40q: %q (hint %q), want %q", tt.name, msg, hint, tt.problem)
		}
	}
}
