package sandbox

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAWSCLIProficiencies drives the per-channel settings, the predefined
// attributes and the proficiency operations with the AWS CLI.
func TestAWSCLIProficiencies(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := Start(ctx, "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer sb.Close()
	aws := startCLI(t, sb, "connect")
	must := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := aws(args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return v
	}
	instance := sb.InstanceID()
	var routing, agent string
	for _, p := range sb.routing {
		routing = p.id
	}
	for _, p := range sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	base := []string{"create-user", "--instance-id", instance, "--password", "Sandbox1pass",
		"--identity-info", "FirstName=Jane,LastName=Doe", "--security-profile-ids", agent, "--routing-profile-id", routing}

	// A PhoneConfig field and its per-channel twin: refused.
	_, stderr, err := aws(append(base, "--username", "both", "--phone-config", "PhoneType=SOFT_PHONE,AutoAccept=true",
		"--auto-accept-configs", "Channel=CHAT,AutoAccept=true")...)
	if err == nil || !strings.Contains(stderr, "InvalidRequestException") || !strings.Contains(stderr, "AutoAcceptConfigs") {
		t.Errorf("PhoneConfig.AutoAccept with AutoAcceptConfigs: %v %q", err, stderr)
	}
	created := must(append(base, "--username", "jdoe", "--phone-config", "PhoneType=SOFT_PHONE",
		"--auto-accept-configs", "Channel=VOICE,AutoAccept=true,AgentFirstCallbackAutoAccept=false", "Channel=CHAT,AutoAccept=true",
		"--after-contact-work-configs", "Channel=EMAIL,AfterContactWorkConfig={AfterContactWorkTimeLimit=300}",
		"--persistent-connection-configs", "Channel=VOICE,PersistentConnection=true",
		"--voice-enhancement-configs", "Channel=VOICE,VoiceEnhancementMode=NOISE_SUPPRESSION")...)
	user, _ := created["UserId"].(string)

	must("update-user-config", "--instance-id", instance, "--user-id", user,
		"--after-contact-work-configs", "Channel=TASK,AfterContactWorkConfig={AfterContactWorkTimeLimit=45}")
	d := must("describe-user", "--instance-id", instance, "--user-id", user)["User"].(map[string]any)
	js, _ := json.Marshal(d)
	for _, want := range []string{`"Channel":"CHAT"`, `"AfterContactWorkTimeLimit":300`, `"AfterContactWorkTimeLimit":45`,
		`"VoiceEnhancementMode":"NOISE_SUPPRESSION"`, `"PersistentConnection":true`, `"AgentFirstCallbackAutoAccept":false`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("describe-user lacks %s: %s", want, js)
		}
	}

	attrs := must("list-predefined-attributes", "--instance-id", instance)
	if js, _ := json.Marshal(attrs); !strings.Contains(string(js), `"Language"`) || !strings.Contains(string(js), `"Skill"`) {
		t.Errorf("list-predefined-attributes: %s", js)
	}
	must("create-predefined-attribute", "--instance-id", instance, "--name", "Region", "--values", "StringList=EMEA,APAC")
	if v := must("describe-predefined-attribute", "--instance-id", instance, "--name", "Region"); !strings.Contains(mustJSON(v), "APAC") {
		t.Errorf("describe-predefined-attribute: %v", v)
	}
	if _, stderr, err := aws("associate-user-proficiencies", "--instance-id", instance, "--user-id", user,
		"--user-proficiencies", "AttributeName=Skill,AttributeValue=Juggling,Level=2"); err == nil || !strings.Contains(stderr, "InvalidRequestException") {
		t.Errorf("an unknown value: %v %q", err, stderr)
	}
	must("associate-user-proficiencies", "--instance-id", instance, "--user-id", user,
		"--user-proficiencies", "AttributeName=Language,AttributeValue=English,Level=4", "AttributeName=Region,AttributeValue=APAC,Level=2")
	must("update-user-proficiencies", "--instance-id", instance, "--user-id", user,
		"--user-proficiencies", "AttributeName=Region,AttributeValue=APAC,Level=5")
	must("disassociate-user-proficiencies", "--instance-id", instance, "--user-id", user,
		"--user-proficiencies", "AttributeName=Language,AttributeValue=English")
	list := mustJSON(must("list-user-proficiencies", "--instance-id", instance, "--user-id", user))
	if !strings.Contains(list, `"AttributeValue": "APAC"`) || !strings.Contains(list, `"Level": 5`) || strings.Contains(list, "English") {
		t.Errorf("list-user-proficiencies: %s", list)
	}
	// SearchUsers by proficiency (search_proficiency.go), as export sends it.
	found := mustJSON(must("search-users", "--instance-id", instance, "--search-criteria",
		`{"ListCondition":{"TargetListType":"PROFICIENCIES","Conditions":[`+
			`{"StringCondition":{"FieldName":"name","Value":"Region","ComparisonType":"EXACT"}},`+
			`{"StringCondition":{"FieldName":"value","Value":"APAC","ComparisonType":"EXACT"}},`+
			`{"NumberCondition":{"FieldName":"limit","MinValue":5,"MaxValue":5,"ComparisonType":"EQUAL"}}]}}`))
	if !strings.Contains(found, `"Username": "jdoe"`) || strings.Count(found, `"Username"`) != 1 {
		t.Errorf("search-users by proficiency: %s", found)
	}
}

func mustJSON(v any) string {
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}
