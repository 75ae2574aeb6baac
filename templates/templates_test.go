package templates_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/templates"
)

func TestExamplesValidate(t *testing.T) {
	for _, tt := range []struct {
		identity string
		as       agentfile.Identity
		at       bool // logins are email addresses
	}{
		{"CONNECT_MANAGED", agentfile.IdentityConnect, false},
		{"connect", agentfile.IdentityConnect, false},
		{"SAML", agentfile.IdentitySAML, true},
		{"saml", agentfile.IdentitySAML, true},
		{"EXISTING_DIRECTORY", agentfile.IdentityDirectory, false},
		{"directory", agentfile.IdentityDirectory, false},
	} {
		t.Run(tt.identity, func(t *testing.T) {
			data := templates.Example(tt.identity)
			f, err := agentfile.Read(context.Background(), bytes.NewReader(data), agentfile.ReadOptions{Identity: tt.as})
			if err != nil {
				t.Fatal(err)
			}
			checked := agentfile.Validate(f, agentfile.ValidateOptions{Identity: tt.as, IdentityCenter: tt.as == agentfile.IdentitySAML})
			if len(checked) < 3 {
				t.Fatalf("only %d example rows", len(checked))
			}
			var report bytes.Buffer
			_ = agentfile.WriteReport(&report, "text", checked)
			for _, c := range checked {
				if c.Agent == nil || len(c.Warnings) > 0 {
					t.Fatalf("the example does not validate cleanly:\n%s", report.String())
				}
				if strings.Contains(c.Agent.Login, "@") != tt.at {
					t.Errorf("login %q", c.Agent.Login)
				}
				if c.Agent.Password != "" {
					t.Errorf("an example password is set")
				}
				if c.Agent.RoutingProfile != "Basic Routing Profile" {
					t.Errorf("routing profile %q", c.Agent.RoutingProfile)
				}
				if h := strings.Join(c.Agent.Hierarchy, "|"); h != "" && h != "Example Corp|Support|Tier 1" {
					t.Errorf("hierarchy %q is not seeded in the sandbox", h)
				}
				for _, p := range c.Agent.SecurityProfiles {
					switch p {
					case "Agent", "Admin", "CallCenterManager", "QualityAnalyst":
					default:
						t.Errorf("security profile %q is not seeded in the sandbox", p)
					}
				}
				for _, e := range []string{c.Agent.Email, c.Agent.SecondaryEmail} {
					if e != "" && !strings.HasSuffix(e, "@example.com") && !strings.HasSuffix(e, "@example.net") {
						t.Errorf("email %q is not on an example domain", e)
					}
				}
			}
			header := templates.Header(tt.identity)
			if !bytes.HasPrefix(data, header) {
				t.Errorf("the example does not start with the header")
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	connect := string(templates.Header("CONNECT_MANAGED"))
	saml := string(templates.Header("SAML"))
	want := "first name,last name,email address,secondary email address,mobile,password,user login,agent hierarchy,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags\n"
	if connect != want {
		t.Errorf("Connect-managed header %q", connect)
	}
	if strings.Contains(saml, "password") || strings.Contains(saml, "email address") || !strings.Contains(saml, "secondary email") {
		t.Errorf("SAML header %q", saml)
	}
	// A header alone is a usable header: only the data rows are missing.
	for _, h := range []string{connect, saml} {
		_, err := agentfile.Read(context.Background(), strings.NewReader(h), agentfile.ReadOptions{})
		if err == nil || !strings.Contains(err.Error(), "no data rows") {
			t.Errorf("header alone: %v", err)
		}
	}
	// The accessors hand out copies.
	b := templates.Header("saml")
	b[0] = 'X'
	if templates.Header("saml")[0] != 'f' {
		t.Error("Header shares its storage")
	}
}
