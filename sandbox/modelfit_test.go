package sandbox

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

// newUser creates a Connect-managed user through the API and gives its id
// and ARN.
func newUser(t *testing.T, c *clients, login string, edit func(*connect.CreateUserInput)) (id, arn string) {
	t.Helper()
	in := createInput(c.sb, "CONNECT_MANAGED")
	in.Username = aws.String(login)
	if edit != nil {
		edit(in)
	}
	out, err := c.connect.CreateUser(context.Background(), in)
	if err != nil {
		t.Fatalf("CreateUser %s: %v", login, err)
	}
	return aws.ToString(out.UserId), aws.ToString(out.UserArn)
}

// TestUpdateUserPhoneConfigPersistentConnection: UpdateUserPhoneConfig
// stores PhoneConfig.PersistentConnection, DescribeUser and SearchUsers
// give it back (in PhoneConfig and in PersistentConnectionConfigs), and
// PhoneType may be left out, as the model allows: the user's stays.
func TestUpdateUserPhoneConfigPersistentConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, Options{Unlimited: true}, false)
	id, _ := newUser(t, c, "ada", func(in *connect.CreateUserInput) {
		in.PhoneConfig = &types.UserPhoneConfig{PhoneType: types.PhoneTypeDeskPhone, DeskPhoneNumber: aws.String("+14255550100")}
	})
	inst := aws.String(c.sb.InstanceID())
	if _, err := c.connect.UpdateUserPhoneConfig(ctx, &connect.UpdateUserPhoneConfigInput{InstanceId: inst, UserId: aws.String(id),
		PhoneConfig: &types.UserPhoneConfig{PersistentConnection: aws.Bool(true), DeskPhoneNumber: aws.String("+14255550111"), AutoAccept: true}}); err != nil {
		t.Fatalf("UpdateUserPhoneConfig without PhoneType: %v", err)
	}
	check := func(when string, wantPersistent bool) {
		t.Helper()
		d, err := c.connect.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: inst, UserId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		pc := d.User.PhoneConfig
		if pc.PhoneType != types.PhoneTypeDeskPhone || aws.ToString(pc.DeskPhoneNumber) != "+14255550111" || !pc.AutoAccept {
			t.Errorf("%s: DescribeUser's PhoneConfig %+v, want the desk phone kept, its new number, auto accept", when, pc)
		}
		if pc.PersistentConnection == nil || *pc.PersistentConnection != wantPersistent {
			t.Errorf("%s: DescribeUser's PhoneConfig.PersistentConnection = %v, want %v", when, pc.PersistentConnection, wantPersistent)
		}
		if p := d.User.PersistentConnectionConfigs; len(p) != 1 || aws.ToBool(p[0].PersistentConnection) != wantPersistent {
			t.Errorf("%s: DescribeUser's PersistentConnectionConfigs %+v, want VOICE %v", when, p, wantPersistent)
		}
		s, err := c.connect.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: inst, SearchCriteria: &types.UserSearchCriteria{
			StringCondition: &types.StringCondition{FieldName: aws.String("Username"), Value: aws.String("ada"), ComparisonType: types.StringComparisonTypeExact}}})
		if err != nil || len(s.Users) != 1 {
			t.Fatalf("SearchUsers: %v", err)
		}
		if sp := s.Users[0].PhoneConfig; sp.PersistentConnection == nil || *sp.PersistentConnection != wantPersistent {
			t.Errorf("%s: SearchUsers' PhoneConfig.PersistentConnection = %v, want %v", when, sp.PersistentConnection, wantPersistent)
		}
	}
	check("after setting it", true)
	// Left out, it stays; sent, it changes.
	if _, err := c.connect.UpdateUserPhoneConfig(ctx, &connect.UpdateUserPhoneConfigInput{InstanceId: inst, UserId: aws.String(id),
		PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneTypeDeskPhone, DeskPhoneNumber: aws.String("+14255550111"), AutoAccept: true}}); err != nil {
		t.Fatal(err)
	}
	check("after an update without it", true)
	if _, err := c.connect.UpdateUserPhoneConfig(ctx, &connect.UpdateUserPhoneConfigInput{InstanceId: inst, UserId: aws.String(id),
		PhoneConfig: &types.UserPhoneConfig{PersistentConnection: aws.Bool(false), DeskPhoneNumber: aws.String("+14255550111"), AutoAccept: true}}); err != nil {
		t.Fatal(err)
	}
	check("after setting it false", false)
	// A desk phone kept without a number is refused, and changes nothing.
	_, err := c.connect.UpdateUserPhoneConfig(ctx, &connect.UpdateUserPhoneConfigInput{InstanceId: inst, UserId: aws.String(id),
		PhoneConfig: &types.UserPhoneConfig{PersistentConnection: aws.Bool(true)}})
	if code := codeOf(err); code != "InvalidParameterException" {
		t.Errorf("a desk phone left without its number: %v, want InvalidParameterException", err)
	}
	check("after a refused update", false)
}

// TestSearchUsersSearchFilter: SearchUsers honours SearchFilter as the
// model defines it: TagFilter (an OR of ANDs, an AND, a leaf) and
// UserAttributeFilter (an OR of AttributeAndConditions, one of them, a tag
// or hierarchy group leaf), ANDed with SearchCriteria; both filters at
// once is AccessDeniedException, a UserAttributeFilter with two fields
// InvalidParameterException.
func TestSearchUsersSearchFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startedClients(t, Options{Unlimited: true})
	top := c.sb.AddHierarchyGroup("Example Corp")
	support := c.sb.AddHierarchyGroup("Example Corp", "Support")
	for _, u := range []struct {
		login string
		tags  map[string]string
		group string
	}{
		{"blue-leeds", map[string]string{"team": "blue", "site": "leeds"}, support},
		{"blue-york", map[string]string{"team": "blue", "site": "york"}, top},
		{"red-leeds", map[string]string{"team": "red", "site": "leeds"}, ""},
		{"untagged", nil, support},
	} {
		newUser(t, c, u.login, func(in *connect.CreateUserInput) {
			in.Tags = u.tags
			if u.group != "" {
				in.HierarchyGroupId = aws.String(u.group)
			}
		})
	}
	tag := func(k, v string) types.TagCondition {
		return types.TagCondition{TagKey: aws.String(k), TagValue: aws.String(v)}
	}
	hier := func(id string, match types.HierarchyGroupMatchType) *types.HierarchyGroupCondition {
		return &types.HierarchyGroupCondition{Value: aws.String(id), HierarchyGroupMatchType: match}
	}
	leedsTag := tag("site", "leeds")
	for _, tt := range []struct {
		name     string
		filter   *types.UserSearchFilter
		criteria *types.UserSearchCriteria
		want     string // logins found, sorted, or the error code
	}{
		{"tag leaf", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &leedsTag}}, nil, "blue-leeds red-leeds"},
		{"tag and", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{AndConditions: []types.TagCondition{tag("team", "blue"), tag("site", "leeds")}}}, nil, "blue-leeds"},
		{"tag or of ands", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{OrConditions: [][]types.TagCondition{
			{tag("team", "blue"), tag("site", "york")}, {tag("team", "red")}}}}, nil, "blue-york red-leeds"},
		{"tag values are exact", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("site"), TagValue: aws.String("Leeds")}}}, nil, ""},
		{"attribute hierarchy exact", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{
			HierarchyGroupCondition: hier(top, types.HierarchyGroupMatchTypeExact)}}, nil, "blue-york"},
		{"attribute hierarchy with child groups", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{
			HierarchyGroupCondition: hier(top, types.HierarchyGroupMatchTypeWithChildGroups)}}, nil, "blue-leeds blue-york untagged"},
		{"attribute and", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{AndCondition: &types.AttributeAndCondition{
			TagConditions: []types.TagCondition{tag("team", "blue")}, HierarchyGroupCondition: hier(support, types.HierarchyGroupMatchTypeExact)}}}, nil, "blue-leeds"},
		{"attribute or", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{OrConditions: []types.AttributeAndCondition{
			{TagConditions: []types.TagCondition{tag("team", "red")}}, {HierarchyGroupCondition: hier(support, types.HierarchyGroupMatchTypeExact)}}}}, nil, "blue-leeds red-leeds untagged"},
		{"attribute tag leaf", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{TagCondition: &leedsTag}}, nil, "blue-leeds red-leeds"},
		{"filter and criteria", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &leedsTag}},
			&types.UserSearchCriteria{StringCondition: &types.StringCondition{FieldName: aws.String("Username"), Value: aws.String("red"), ComparisonType: types.StringComparisonTypeStartsWith}}, "red-leeds"},
		{"both filters", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &leedsTag},
			UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{TagCondition: &leedsTag}}, nil, "AccessDeniedException"},
		{"attribute filter with two fields", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{
			TagCondition: &leedsTag, HierarchyGroupCondition: hier(top, types.HierarchyGroupMatchTypeExact)}}, nil, "InvalidParameterException"},
		{"tag condition without its value", &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &types.TagCondition{TagKey: aws.String("site")}}}, nil, "InvalidParameterException"},
		{"26 tag conditions", &types.UserSearchFilter{UserAttributeFilter: &types.ControlPlaneUserAttributeFilter{AndCondition: &types.AttributeAndCondition{
			TagConditions: repeatTag(tag("team", "blue"), 26)}}}, nil, "InvalidParameterException"},
	} {
		out, err := c.connect.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: aws.String(c.sb.InstanceID()), SearchFilter: tt.filter, SearchCriteria: tt.criteria})
		got := codeOf(err)
		if err == nil {
			var logins []string
			for _, u := range out.Users {
				logins = append(logins, aws.ToString(u.Username))
			}
			slices.Sort(logins)
			got = strings.Join(logins, " ")
		}
		if got != tt.want {
			t.Errorf("%s: found %q, want %q", tt.name, got, tt.want)
		}
	}

	// The AWS CLI (botocore's model) sends the same shapes.
	aws := startCLI(t, c.sb, "connect")
	v, stderr, err := aws("search-users", "--instance-id", c.sb.InstanceID(), "--search-filter",
		`{"TagFilter":{"OrConditions":[[{"TagKey":"team","TagValue":"red"}],[{"TagKey":"site","TagValue":"york"}]]}}`)
	if err != nil {
		t.Fatalf("aws connect search-users --search-filter: %v\n%s", err, stderr)
	}
	var logins []string
	for _, u := range v["Users"].([]any) {
		logins = append(logins, u.(map[string]any)["Username"].(string))
	}
	slices.Sort(logins)
	if strings.Join(logins, " ") != "blue-york red-leeds" {
		t.Errorf("aws connect search-users with a TagFilter found %v, want blue-york red-leeds", logins)
	}
}

func repeatTag(tc types.TagCondition, n int) []types.TagCondition {
	out := make([]types.TagCondition, n)
	for i := range out {
		out[i] = tc
	}
	return out
}

// startedClients is newClients on a started sandbox (one with a URL, for
// the AWS CLI).
func startedClients(t *testing.T, opts Options) *clients {
	t.Helper()
	sb, err := Start(context.Background(), "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return clientsFor(sb, sb.URL(), false)
}

// TestQuickConnectsFlowType: FLOW is a QuickConnectType (the model's enum
// has four), so CreateQuickConnect makes one and ListQuickConnects filters
// on it, with up to four types, through the AWS CLI.
func TestQuickConnectsFlowType(t *testing.T) {
	t.Parallel()
	c := startedClients(t, Options{Unlimited: true})
	aws := startCLI(t, c.sb, "connect")
	inst := c.sb.InstanceID()
	if _, stderr, err := aws("create-quick-connect", "--instance-id", inst, "--name", "to the survey",
		"--quick-connect-config", `{"QuickConnectType":"FLOW","FlowConfig":{"ContactFlowId":"flow-1"}}`); err != nil {
		t.Fatalf("create-quick-connect FLOW: %v\n%s", err, stderr)
	}
	if _, stderr, err := aws("create-quick-connect", "--instance-id", inst, "--name", "to the desk",
		"--quick-connect-config", `{"QuickConnectType":"PHONE_NUMBER","PhoneConfig":{"PhoneNumber":"+14255550100"}}`); err != nil {
		t.Fatalf("create-quick-connect PHONE_NUMBER: %v\n%s", err, stderr)
	}
	names := func(args ...string) string {
		t.Helper()
		v, stderr, err := aws(append([]string{"list-quick-connects", "--instance-id", inst}, args...)...)
		if err != nil {
			return "refused: " + stderr
		}
		var out []string
		for _, q := range v["QuickConnectSummaryList"].([]any) {
			m := q.(map[string]any)
			out = append(out, m["Name"].(string)+"="+m["QuickConnectType"].(string))
		}
		return strings.Join(out, ", ")
	}
	if got := names("--quick-connect-types", "FLOW"); got != "to the survey=FLOW" {
		t.Errorf("list-quick-connects --quick-connect-types FLOW: %s", got)
	}
	if got := names("--quick-connect-types", "USER", "QUEUE", "PHONE_NUMBER", "FLOW"); got != "to the survey=FLOW, to the desk=PHONE_NUMBER" {
		t.Errorf("list-quick-connects with the four types: %s", got)
	}
	if got := names("--quick-connect-types", "USER", "QUEUE", "PHONE_NUMBER", "FLOW", "USER"); !strings.Contains(got, "less than or equal to 4") {
		t.Errorf("list-quick-connects with five types: %s, want refused", got)
	}
	v, stderr, err := aws("list-quick-connects", "--instance-id", inst, "--quick-connect-types", "FLOW")
	if err != nil {
		t.Fatal(stderr)
	}
	id := v["QuickConnectSummaryList"].([]any)[0].(map[string]any)["Id"].(string)
	d, stderr, err := aws("describe-quick-connect", "--instance-id", inst, "--quick-connect-id", id)
	if err != nil {
		t.Fatal(stderr)
	}
	cfg := d["QuickConnect"].(map[string]any)["QuickConnectConfig"].(map[string]any)
	if fc, _ := cfg["FlowConfig"].(map[string]any); fc["ContactFlowId"] != "flow-1" {
		t.Errorf("describe-quick-connect of the FLOW quick connect: %v", cfg)
	}
}

// TestAssociateUserProficienciesPastTheLimit: an association that would
// give a user an 11th proficiency is InvalidRequestException, one of the
// errors the model lists for AssociateUserProficiencies (not
// LimitExceededException, which it does not list), and changes nothing.
func TestAssociateUserProficienciesPastTheLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, Options{Unlimited: true}, false)
	c.sb.AddPredefinedAttribute("Floor", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")
	id, _ := newUser(t, c, "ada", nil)
	profs := func(from, to int) []types.UserProficiency {
		var out []types.UserProficiency
		for i := from; i <= to; i++ {
			out = append(out, types.UserProficiency{AttributeName: aws.String("Floor"), AttributeValue: aws.String(strconv.Itoa(i)), Level: aws.Float32(2)})
		}
		return out
	}
	in := func(p []types.UserProficiency) *connect.AssociateUserProficienciesInput {
		return &connect.AssociateUserProficienciesInput{InstanceId: aws.String(c.sb.InstanceID()), UserId: aws.String(id), UserProficiencies: p}
	}
	if _, err := c.connect.AssociateUserProficiencies(ctx, in(profs(1, 9))); err != nil {
		t.Fatal(err)
	}
	_, err := c.connect.AssociateUserProficiencies(ctx, in(profs(10, 11)))
	if code := codeOf(err); code != "InvalidRequestException" || !strings.Contains(err.Error(), "at most 10 proficiencies") {
		t.Errorf("associating an 11th proficiency: %v, want InvalidRequestException naming the limit", err)
	}
	var status interface{ HTTPStatusCode() int }
	if asHTTPStatus(err, &status) && status.HTTPStatusCode() != 400 {
		t.Errorf("HTTP %d, want 400", status.HTTPStatusCode())
	}
	if n := len(c.sb.UserProficiencies("ada")); n != 9 {
		t.Errorf("ada has %d proficiencies after the refusal, want the 9 she had", n)
	}
	if _, err := c.connect.AssociateUserProficiencies(ctx, in(profs(10, 10))); err != nil {
		t.Errorf("the 10th: %v", err)
	}
}

// TestIdentityStoreUsersQuota: with IdentityStoreUsersQuota, Identity Store
// CreateUser past that many users answers ServiceQuotaExceededException
// (listed for it in the model) and makes no user.
func TestIdentityStoreUsersQuota(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, Options{Unlimited: true, Identity: "SAML", IdentityStoreUsersQuota: 2}, false)
	store := aws.String(c.sb.IdentityStoreID())
	have := len(c.sb.IdentityStoreUsers())
	var err error
	for i := have; i < 3; i++ {
		_, err = c.store.CreateUser(ctx, &identitystore.CreateUserInput{IdentityStoreId: store, UserName: aws.String(fmt.Sprintf("u%d", i)),
			DisplayName: aws.String("U"), Name: &istypes.Name{GivenName: aws.String("U"), FamilyName: aws.String("V")}})
		if i < 2 && err != nil {
			t.Fatalf("user %d of 2: %v", i+1, err)
		}
	}
	if code := codeOf(err); code != "ServiceQuotaExceededException" {
		t.Errorf("the third user: %v, want ServiceQuotaExceededException", err)
	}
	if n := len(c.sb.IdentityStoreUsers()); n != 2 {
		t.Errorf("%d users in the identity store, want 2", n)
	}
}

// TestGroupDisplayNamePattern: GroupDisplayName's pattern has no U+3000
// (the ideographic space other Identity Store strings may hold), so
// CreateGroup refuses it; a no-break space is taken.
func TestGroupDisplayNamePattern(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClients(t, Options{Unlimited: true, Identity: "SAML"}, false)
	for _, tt := range []struct{ name, code string }{
		{"Contact\u3000centre agents", "ValidationException"},
		{"Contact\u00a0centre agents", ""},
	} {
		_, err := c.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: aws.String(c.sb.IdentityStoreID()), DisplayName: aws.String(tt.name)})
		if codeOf(err) != tt.code {
			t.Errorf("CreateGroup %q: %v, want %q", tt.name, err, tt.code)
		}
	}
}

// TestAWSCLIListGroups: the AWS CLI's identitystore list-groups, with the
// model's pagination (MaxResults, NextToken: the CLI's --page-size and
// --max-items) and its one DisplayName filter.
func TestAWSCLIListGroups(t *testing.T) {
	t.Parallel()
	c := startedClients(t, Options{Unlimited: true, Identity: "SAML"})
	store := c.sb.IdentityStoreID()
	if _, err := c.store.CreateGroup(context.Background(), &identitystore.CreateGroupInput{IdentityStoreId: aws.String(store),
		DisplayName: aws.String("Agents"), Description: aws.String("Contact centre agents")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Supervisors", "Quality", "Trainers", "Night shift"} {
		if _, err := c.sb.AddGroup(name); err != nil {
			t.Fatal(err)
		}
	}
	cli := startCLI(t, c.sb, "identitystore")
	names := func(v map[string]any) string {
		var out []string
		for _, g := range v["Groups"].([]any) {
			out = append(out, g.(map[string]any)["DisplayName"].(string))
		}
		return strings.Join(out, ", ")
	}
	run := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := cli(append([]string{"list-groups", "--identity-store-id", store}, args...)...)
		if err != nil {
			t.Fatalf("aws identitystore list-groups %v: %v\n%s", args, err, stderr)
		}
		return v
	}
	all := "Agents, Supervisors, Quality, Trainers, Night shift"
	if got := names(run()); got != all {
		t.Errorf("list-groups: %s, want %s", got, all)
	}
	// Pages of 2: the CLI follows NextToken to the end.
	if got := names(run("--page-size", "2")); got != all {
		t.Errorf("list-groups --page-size 2: %s, want %s", got, all)
	}
	first := run("--max-items", "2")
	if got := names(first); got != "Agents, Supervisors" || first["NextToken"] == nil {
		t.Errorf("list-groups --max-items 2: %s (NextToken %v), want the first two and a token", got, first["NextToken"])
	}
	if got := names(run("--max-items", "2", "--starting-token", first["NextToken"].(string))); got != "Quality, Trainers" {
		t.Errorf("list-groups from the token: %s, want Quality, Trainers", got)
	}
	agents := run("--filters", "AttributePath=DisplayName,AttributeValue=agents")
	if got := names(agents); got != "Agents" {
		t.Errorf("list-groups filtered on DisplayName: %s, want Agents", got)
	}
	if g := agents["Groups"].([]any)[0].(map[string]any); g["Description"] != "Contact centre agents" || g["IdentityStoreId"] != store || g["GroupId"] == "" {
		t.Errorf("the group as listed: %v", g)
	}
	if _, stderr, err := cli("list-groups", "--identity-store-id", store, "--max-results", "101"); err == nil || !strings.Contains(stderr, "ValidationException") {
		t.Errorf("list-groups --max-results 101: %v %s, want ValidationException", err, stderr)
	}
	if _, stderr, err := cli("list-groups", "--identity-store-id", store, "--filters", "AttributePath=UserName,AttributeValue=x"); err == nil || !strings.Contains(stderr, "ValidationException") {
		t.Errorf("list-groups filtered on UserName: %v %s, want ValidationException", err, stderr)
	}
}
