package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
)

func TestSignInNotes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		res  Result
		want []string // "" lines: no note
	}{
		{"SAML without --sso", Result{Instance: Instance{Identity: agentfile.IdentitySAML}}, []string{"SAML instance", "identity provider", "--sso"}},
		{"--sso without an application", Result{Instance: Instance{Identity: agentfile.IdentitySAML}, IdentityCenter: &IdentityCenterReport{Group: "ConnectAgents"}},
			[]string{`group "ConnectAgents" must still be assigned to the Amazon Connect application`, "Assign users and groups > Groups > ConnectAgents > Assign", "--sso-application-arn"}},
		{"--sso with an application", Result{Instance: Instance{Identity: agentfile.IdentitySAML}, IdentityCenter: &IdentityCenterReport{Group: "ConnectAgents", Assignment: `group "ConnectAgents" assigned to arn`}}, nil},
		{"Connect-managed", Result{Instance: Instance{Identity: agentfile.IdentityConnect}}, nil},
	} {
		var b bytes.Buffer
		writeSignInNotes(&b, &tt.res)
		if tt.want == nil && b.Len() > 0 {
			t.Errorf("%s: note %q, want none", tt.name, b.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: note %q lacks %q", tt.name, b.String(), w)
			}
		}
	}
}
