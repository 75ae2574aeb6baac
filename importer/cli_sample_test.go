package importer

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
	"github.com/bulkagents/bulkagents/sandbox"
)

// awsCLI runs the AWS CLI's connect commands against sb (one process for
// the test's commands, internal/awscli) and decodes the JSON it prints. The
// test is skipped when there is no AWS CLI, or in -short mode.
func awsCLI(t *testing.T, sb *sandbox.Sandbox) func(args ...string) map[string]any {
	t.Helper()
	return awscli.ForTest(t, sb.URL()).Connect(t)
}

// checkExtensionsWithCLI checks, through the AWS CLI's list-user-proficiencies
// and describe-user, that each user want names holds the proficiencies it
// gives, and extRow's per-channel settings.
func checkExtensionsWithCLI(t *testing.T, sb *sandbox.Sandbox, want map[string][]string) {
	t.Helper()
	aws := awsCLI(t, sb)
	ids := map[string]string{}
	for _, u := range sb.ConnectUsers() {
		ids[u.Username] = u.ID
	}
	for login, profs := range want {
		list := aws("list-user-proficiencies", "--instance-id", sb.InstanceID(), "--user-id", ids[login])
		var have []string
		items, _ := list["UserProficiencyList"].([]any)
		for _, it := range items {
			m, _ := it.(map[string]any)
			lv, _ := m["Level"].(float64)
			have = append(have, fmt.Sprintf("%v|%v|%v", m["AttributeName"], m["AttributeValue"], lv))
		}
		if strings.Join(have, "||") != strings.Join(profs, "||") {
			t.Errorf("aws connect list-user-proficiencies %s: %v, want %v", login, have, profs)
		}
		d, _ := json.Marshal(aws("describe-user", "--instance-id", sb.InstanceID(), "--user-id", ids[login])["User"])
		for _, s := range []string{`{"AutoAccept":true,"Channel":"CHAT"}`, `"AgentFirstCallbackAutoAccept":false`,
			`{"AfterContactWorkConfig":{"AfterContactWorkTimeLimit":300},"Channel":"EMAIL"}`, `{"AfterContactWorkConfig":{"AfterContactWorkTimeLimit":60},"Channel":"CHAT"}`,
			`"AgentFirstCallbackAfterContactWorkConfig":{"AfterContactWorkTimeLimit":15}`,
			`"PersistentConnectionConfigs":[{"Channel":"VOICE","PersistentConnection":true}]`,
			`"VoiceEnhancementConfigs":[{"Channel":"VOICE","VoiceEnhancementMode":"VOICE_ISOLATION"}]`} {
			if !strings.Contains(string(d), s) {
				t.Errorf("aws connect describe-user %s lacks %s:\n%s", login, s, d)
			}
		}
	}
}
