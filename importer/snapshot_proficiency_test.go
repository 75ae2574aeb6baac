package importer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"

	"github.com/bulkagents/bulkagents/sandbox"
)

// proficiencyUsers seeds n users whose proficiencies vary with i, the
// per-channel settings on some, and one user (p-odd) with a level the
// template cannot carry.
func proficiencyUsers(t testing.TB, sb *sandbox.Sandbox, n int) {
	t.Helper()
	users := make([]sandbox.ConnectUser, n, n+1)
	for i := range users {
		u := sandbox.ConnectUser{Username: fmt.Sprintf("p%05d", i), FirstName: "P", LastName: fmt.Sprint(i)}
		switch i % 3 {
		case 0:
			u.Proficiencies = []sandbox.Proficiency{{AttributeName: "Language", AttributeValue: "English", Level: float64(1 + i%5)}, {AttributeName: "Skill", AttributeValue: "Billing", Level: 2}}
		case 1:
			u.Proficiencies = []sandbox.Proficiency{{AttributeName: "Skill", AttributeValue: "Technical", Level: float64(5 - i%5)}}
		}
		if i%4 == 0 {
			yes, acw := true, int32(30)
			u.AutoAcceptByChannel = map[string]bool{"CHAT": true}
			u.ACWByChannel = map[string]int32{"EMAIL": 600}
			u.CallbackAutoAccept, u.CallbackACW, u.PersistentConnection, u.VoiceEnhancement = &yes, &acw, &yes, "NOISE_SUPPRESSION"
		}
		users[i] = u
	}
	users = append(users, sandbox.ConnectUser{Username: "p-odd", FirstName: "P", LastName: "Odd",
		ChannelSettings: sandbox.ChannelSettings{Proficiencies: []sandbox.Proficiency{{AttributeName: "Language", AttributeValue: "French", Level: 2.5}}}})
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
}

// TestExportProficiencyLookups: the search lookup (pages) and the per-user
// one (ListUserProficiencies) write the same file, the counted calls are
// what each should cost, and the cheaper is chosen by default.
func TestExportProficiencyLookups(t *testing.T) {
	t.Parallel()
	const n = 40
	sb := startSandbox(t, sandbox.Options{Unlimited: true, UserQuota: 1000})
	proficiencyUsers(t, sb, n)
	export := func(lookup ProficiencyLookup) (string, *ExportResult) {
		var out bytes.Buffer
		res, err := Export(context.Background(), ExportConfig{InstanceID: sb.InstanceID(), Out: "-", Stdout: &out, Proficiencies: lookup}, sandboxClients(t, sb, 1000))
		if err != nil {
			t.Fatal(err)
		}
		return out.String(), res
	}
	bySearch, rs := export(ProficienciesBySearch)
	perUser, ru := export(ProficienciesPerUser)
	if bySearch != perUser {
		t.Errorf("the two lookups differ:\nsearch:\n%s\nper user:\n%s", bySearch, perUser)
	}
	// One page of users; the holders of each of the 6 values counted;
	// English, Billing, Technical and French held, so searched at each of
	// the 5 levels. French's one holder (2.5) is at no whole level: its
	// holders are listed, and that user alone is listed one by one.
	if got, want := rs.Calls["SearchUsers"], int64(1+6+4*5+1); got != want || rs.Calls["ListUserProficiencies"] != 1 {
		t.Errorf("search lookup: %v, want %d SearchUsers and 1 ListUserProficiencies", rs.Calls, want)
	}
	if ru.Calls["SearchUsers"] != 1 || ru.Calls["ListUserProficiencies"] != n+2 {
		t.Errorf("per-user lookup: %v, want 1 SearchUsers page and %d ListUserProficiencies", ru.Calls, n+2)
	}
	t.Logf("users %d: search lookup %v; per-user lookup %v", n+2, rs.Calls, ru.Calls)
	for _, want := range []string{
		",p00000,", ",Language|English|1||Skill|Billing|2,yes,,,,,600,yes,30,yes,suppression\n",
		",p00001,", ",Skill|Technical|4,,,,,,,,,,\n",
		",p00002,", ",,,,,,,,,,,\n",
	} {
		if !strings.Contains(bySearch, want) {
			t.Errorf("export lacks %q:\n%s", want, bySearch)
		}
	}
	if !strings.Contains(strings.Join(rs.Warnings, "\n"), `user "p-odd": proficiency Language|French has level 2.5`) {
		t.Errorf("no warning for the level 2.5: %q", rs.Warnings)
	}
	// 42 users against at most 6 values × 6 searches, at equal rates: the
	// search lookup is cheaper; for 30 users, the per-user one.
	_, rc := export(ProficienciesCheaper)
	if rc.Lookup != ProficienciesBySearch {
		t.Errorf("default lookup for %d users and 6 values: %v", n+2, rc.Lookup)
	}
	if got := chooseLookup(ProficienciesCheaper, 30, 6, nil); got != ProficienciesPerUser {
		t.Errorf("30 users, 6 values: %v, want per user", got)
	}
}

// deniedAttributes is the SDK's client, refused ListPredefinedAttributes.
type deniedAttributes struct{ *connect.Client }

func (deniedAttributes) ListPredefinedAttributes(context.Context, *connect.ListPredefinedAttributesInput, ...func(*connect.Options)) (*connect.ListPredefinedAttributesOutput, error) {
	return nil, &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform connect:ListPredefinedAttributes"}
}

// TestExportProficienciesDenied: credentials without the proficiency reads
// still export, the proficiencies column blank, with a warning that names
// the permissions.
func TestExportProficienciesDenied(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	proficiencyUsers(t, sb, 3)
	clients := sandboxClients(t, sb, 1000)
	clients.Connect = deniedAttributes{clients.Connect.(*connect.Client)}
	var out bytes.Buffer
	res, err := Export(context.Background(), ExportConfig{InstanceID: sb.InstanceID(), Out: "-", Stdout: &out}, clients)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "Language|") || res.Users != 5 || res.Lookup != ProficienciesCheaper {
		t.Errorf("users %d, lookup %v, export:\n%s", res.Users, res.Lookup, out.String())
	}
	if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, "proficiencies not read") || !strings.Contains(w, "connect:ListPredefinedAttributes") {
		t.Errorf("warnings %q", res.Warnings)
	}
	if !strings.Contains(out.String(), ",suppression\n") {
		t.Errorf("the per-channel settings are missing:\n%s", out.String())
	}
}
