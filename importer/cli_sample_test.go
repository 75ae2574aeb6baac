package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/sandbox"
)

// awsCLI runs the AWS CLI's connect commands against sb and decodes the
// JSON it prints. The test is skipped when there is no AWS CLI, or in
// -short mode (the CLI takes a second to start).
func awsCLI(t *testing.T, sb *sandbox.Sandbox) func(args ...string) map[string]any {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not on PATH")
	}
	if testing.Short() {
		t.Skip("the AWS CLI is slow to start")
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	return func(args ...string) map[string]any {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "aws", append([]string{"--endpoint-url", sb.URL(), "--output", "json", "connect"}, args...)...)
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws connect %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		var v map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("aws connect %s printed %q: %v", strings.Join(args, " "), out, err)
		}
		return v
	}
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
