package importer

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/sandbox"
)

// TestMarkCreate: the creation token is added to a CreateUser request's
// tags, except when the row's own tags fill a user's 50 or already use the
// token's key (never replaced, so never removed).
func TestMarkCreate(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	p := &Provisioner{Connect: sandboxClients(t, sb, 1000).Connect}
	in := &connect.CreateUserInput{Tags: map[string]string{"team": "blue"}}
	if tok := p.markCreate(in, ""); tok == "" || in.Tags[CreationTagKey] != tok || in.Tags["team"] != "blue" {
		t.Errorf("token %q, tags %v: want the token beside the row's tag", tok, in.Tags)
	}
	in = &connect.CreateUserInput{Tags: map[string]string{CreationTagKey: "the file's"}}
	if tok := p.markCreate(in, ""); tok != "" || in.Tags[CreationTagKey] != "the file's" {
		t.Errorf("token %q, tags %v: want the file's own tag kept and no token", tok, in.Tags)
	}
	full := map[string]string{}
	for i := range maxUserTags {
		full[string(rune('a'+i%26))+string(rune('a'+i/26))] = "x"
	}
	in = &connect.CreateUserInput{Tags: full}
	if tok := p.markCreate(in, ""); tok != "" || len(in.Tags) != maxUserTags {
		t.Errorf("token %q with %d tags: want none past 50", tok, len(in.Tags))
	}
	in = &connect.CreateUserInput{}
	if tok := p.markCreate(in, "earlier"); tok != "earlier" || in.Tags[CreationTagKey] != "earlier" {
		t.Errorf("resumed: token %q, want the interrupted run's", tok)
	}
}
