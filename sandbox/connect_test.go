package sandbox

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

var (
	uuidPattern        = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	storeIDPattern     = regexp.MustCompile(`^d-[0-9a-f]{10}$`)
	ssoInstancePattern = regexp.MustCompile(`^arn:aws:sso:::instance/ssoins-[a-zA-Z0-9-.]{16}$`)
	appARNPattern      = regexp.MustCompile(`^arn:aws:sso::\d{12}:application/ssoins-[a-zA-Z0-9-.]{16}/apl-[a-zA-Z0-9]{16}$`)
	storeUserIDPattern = regexp.MustCompile(`^[0-9a-f]{10}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// profileIDs maps the names of a listing to ids.
func profileIDs(t *testing.T, c *clients) (routing, security map[string]string) {
	t.Helper()
	ctx := context.Background()
	routing, security = map[string]string{}, map[string]string{}
	rp, err := c.connect.ListRoutingProfiles(ctx, &connect.ListRoutingProfilesInput{InstanceId: aws.String(c.sb.InstanceID())})
	if err != nil {
		t.Fatalf("ListRoutingProfiles: %v", err)
	}
	for _, p := range rp.RoutingProfileSummaryList {
		routing[aws.ToString(p.Name)] = aws.ToString(p.Id)
	}
	sp, err := c.connect.ListSecurityProfiles(ctx, &connect.ListSecurityProfilesInput{InstanceId: aws.String(c.sb.InstanceID())})
	if err != nil {
		t.Fatalf("ListSecurityProfiles: %v", err)
	}
	for _, p := range sp.SecurityProfileSummaryList {
		security[aws.ToString(p.Name)] = aws.ToString(p.Id)
	}
	return routing, security
}

func TestConnectReadOperations(t *testing.T) {
	for _, identity := range []string{"CONNECT_MANAGED", "SAML", "EXISTING_DIRECTORY"} {
		t.Run(identity, func(t *testing.T) {
			c := newClients(t, Options{Identity: identity, Unlimited: true}, false)
			ctx := context.Background()
			id := aws.String(c.sb.InstanceID())

			di, err := c.connect.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: id})
			if err != nil {
				t.Fatalf("DescribeInstance: %v", err)
			}
			if got := string(di.Instance.IdentityManagementType); got != identity {
				t.Errorf("IdentityManagementType = %q, want %q", got, identity)
			}
			if aws.ToString(di.Instance.InstanceAlias) != c.sb.InstanceAlias() || aws.ToString(di.Instance.Arn) != c.sb.InstanceARN() {
				t.Errorf("instance = %q %q, want %q %q", aws.ToString(di.Instance.InstanceAlias), aws.ToString(di.Instance.Arn), c.sb.InstanceAlias(), c.sb.InstanceARN())
			}
			if di.Instance.CreatedTime == nil || di.Instance.CreatedTime.Year() < 2020 {
				t.Errorf("CreatedTime = %v, want a recent time", di.Instance.CreatedTime)
			}
			// The ARN works wherever the id does.
			if _, err := c.connect.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(c.sb.InstanceARN())}); err != nil {
				t.Errorf("DescribeInstance by ARN: %v", err)
			}
			_, err = c.connect.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(newUUID())})
			if code := errorCode(t, err); code != "ResourceNotFoundException" {
				t.Errorf("DescribeInstance of an unknown instance: %v, want ResourceNotFoundException", err)
			}

			li, err := c.connect.ListInstances(ctx, &connect.ListInstancesInput{})
			if err != nil || len(li.InstanceSummaryList) != 1 || aws.ToString(li.InstanceSummaryList[0].Id) != c.sb.InstanceID() {
				t.Errorf("ListInstances = %+v, %v; want the one instance", li, err)
			}

			routing, security := profileIDs(t, c)
			if len(routing) != 3 || routing["Basic Routing Profile"] == "" || routing["Sales Routing Profile"] == "" || routing["Support Routing Profile"] == "" {
				t.Errorf("routing profiles = %v, want Basic, Sales and Support Routing Profile", routing)
			}
			for _, name := range []string{"Admin", "Agent", "CallCenterManager", "QualityAnalyst"} {
				if !uuidPattern.MatchString(security[name]) {
					t.Errorf("security profile %q has id %q, want a UUID", name, security[name])
				}
			}

			hg, err := c.connect.ListUserHierarchyGroups(ctx, &connect.ListUserHierarchyGroupsInput{InstanceId: id})
			if err != nil {
				t.Fatalf("ListUserHierarchyGroups: %v", err)
			}
			var names []string
			tier1 := ""
			for _, g := range hg.UserHierarchyGroupSummaryList {
				names = append(names, aws.ToString(g.Name))
				if aws.ToString(g.Name) == "Tier 1" {
					tier1 = aws.ToString(g.Id)
				}
			}
			slices.Sort(names)
			if want := []string{"Example Corp", "Sales", "Support", "Tier 1", "Tier 2"}; !slices.Equal(names, want) {
				t.Errorf("hierarchy groups = %v, want %v", names, want)
			}
			dg, err := c.connect.DescribeUserHierarchyGroup(ctx, &connect.DescribeUserHierarchyGroupInput{InstanceId: id, HierarchyGroupId: aws.String(tier1)})
			if err != nil {
				t.Fatalf("DescribeUserHierarchyGroup: %v", err)
			}
			p := dg.HierarchyGroup.HierarchyPath
			if p == nil || p.LevelOne == nil || p.LevelTwo == nil || p.LevelThree == nil || p.LevelFour != nil ||
				aws.ToString(p.LevelOne.Name) != "Example Corp" || aws.ToString(p.LevelTwo.Name) != "Support" || aws.ToString(p.LevelThree.Id) != tier1 {
				t.Errorf("Tier 1's path = %+v, want Example Corp > Support > Tier 1", p)
			}
			_, err = c.connect.DescribeUserHierarchyGroup(ctx, &connect.DescribeUserHierarchyGroupInput{InstanceId: id, HierarchyGroupId: aws.String(newUUID())})
			if code := errorCode(t, err); code != "ResourceNotFoundException" {
				t.Errorf("DescribeUserHierarchyGroup of an unknown group: %v", err)
			}

			lu, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: id})
			if err != nil || len(lu.UserSummaryList) != 1 || aws.ToString(lu.UserSummaryList[0].Username) != "admin" || lu.NextToken != nil {
				t.Errorf("ListUsers = %+v, %v; want admin alone", lu, err)
			}
		})
	}
}

// agentInput is a valid CreateUser request for a Connect-managed instance.
func agentInput(c *clients, username string, security ...string) *connect.CreateUserInput {
	return &connect.CreateUserInput{
		InstanceId:         aws.String(c.sb.InstanceID()),
		Username:           aws.String(username),
		Password:           aws.String("Sandbox1pass"),
		IdentityInfo:       &types.UserIdentityInfo{FirstName: aws.String("Ada"), LastName: aws.String("Lovelace"), Email: aws.String(username + "@example.com")},
		PhoneConfig:        &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone},
		RoutingProfileId:   aws.String(c.sb.routing[0].id),
		SecurityProfileIds: security,
	}
}

func TestConnectUserLifecycle(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	_, security := profileIDs(t, c)
	group := c.sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1")

	in := agentInput(c, "ada.lovelace", security["Agent"], security["CallCenterManager"])
	in.IdentityInfo.SecondaryEmail = aws.String("ada@home.example.com")
	in.IdentityInfo.Mobile = aws.String("+447700900123")
	in.PhoneConfig = &types.UserPhoneConfig{PhoneType: types.PhoneTypeDeskPhone, DeskPhoneNumber: aws.String("+14255550100"), AutoAccept: true, AfterContactWorkTimeLimit: 120}
	in.HierarchyGroupId = aws.String(group)
	in.Tags = map[string]string{"team": "blue", "site": "leeds"}
	out, err := c.connect.CreateUser(ctx, in)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	id := aws.ToString(out.UserId)
	if !uuidPattern.MatchString(id) || aws.ToString(out.UserArn) != c.sb.InstanceARN()+"/agent/"+id {
		t.Errorf("CreateUser = %q %q, want a UUID and its agent ARN", id, aws.ToString(out.UserArn))
	}

	du, err := c.connect.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: in.InstanceId, UserId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeUser: %v", err)
	}
	u := du.User
	pc := u.PhoneConfig
	if aws.ToString(u.Username) != "ada.lovelace" || aws.ToString(u.IdentityInfo.FirstName) != "Ada" ||
		aws.ToString(u.IdentityInfo.Email) != "ada.lovelace@example.com" || aws.ToString(u.IdentityInfo.SecondaryEmail) != "ada@home.example.com" ||
		aws.ToString(u.IdentityInfo.Mobile) != "+447700900123" || pc.PhoneType != types.PhoneTypeDeskPhone ||
		aws.ToString(pc.DeskPhoneNumber) != "+14255550100" || !pc.AutoAccept || pc.AfterContactWorkTimeLimit != 120 ||
		aws.ToString(u.HierarchyGroupId) != group || !slices.Equal(u.SecurityProfileIds, in.SecurityProfileIds) ||
		u.Tags["team"] != "blue" || u.Tags["site"] != "leeds" || aws.ToString(u.RoutingProfileId) != aws.ToString(in.RoutingProfileId) {
		t.Errorf("DescribeUser = %+v, want what was created", u)
	}

	var held *ConnectUser
	for _, cu := range c.sb.ConnectUsers() {
		if cu.ID == id {
			held = &cu
		}
	}
	if held == nil || held.Password != "Sandbox1pass" || held.ACWTimeout != 120 || held.HierarchyGroupID != group {
		t.Errorf("the sandbox holds %+v, want the user with its password", held)
	}

	// The SDK omits zero values: the defaults apply.
	plain := agentInput(c, "grace", security["Agent"])
	plain.PhoneConfig = nil
	if _, err := c.connect.CreateUser(ctx, plain); err != nil {
		t.Fatalf("CreateUser without PhoneConfig: %v", err)
	}

	search := func(value string) []types.UserSearchSummary {
		t.Helper()
		out, err := c.connect.SearchUsers(ctx, &connect.SearchUsersInput{
			InstanceId: in.InstanceId,
			SearchCriteria: &types.UserSearchCriteria{StringCondition: &types.StringCondition{
				FieldName: aws.String("Username"), Value: aws.String(value), ComparisonType: types.StringComparisonTypeExact,
			}},
		})
		if err != nil {
			t.Fatalf("SearchUsers(%q): %v", value, err)
		}
		return out.Users
	}
	found := search("ada.lovelace")
	if len(found) != 1 || aws.ToString(found[0].Id) != id || found[0].PhoneConfig.AfterContactWorkTimeLimit != 120000 {
		t.Errorf("SearchUsers(ada.lovelace) = %+v, want the user, ACW in milliseconds", found)
	}
	if found := search("ada"); len(found) != 0 {
		t.Errorf("SearchUsers(ada) EXACT found %d users", len(found))
	}
	if found := search("Ada.Lovelace"); len(found) != 0 {
		t.Errorf("SearchUsers is case-insensitive: found %d users", len(found))
	}

	if _, err := c.connect.DeleteUser(ctx, &connect.DeleteUserInput{InstanceId: in.InstanceId, UserId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = c.connect.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: in.InstanceId, UserId: aws.String(id)})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("DescribeUser after delete: %v, want ResourceNotFoundException", err)
	}
	_, err = c.connect.DeleteUser(ctx, &connect.DeleteUserInput{InstanceId: in.InstanceId, UserId: aws.String(id)})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("DeleteUser twice: %v, want ResourceNotFoundException", err)
	}
	if found := search("ada.lovelace"); len(found) != 0 {
		t.Errorf("a deleted user is still found")
	}
	// The name is free again.
	if _, err := c.connect.CreateUser(ctx, in); err != nil {
		t.Errorf("CreateUser after delete: %v", err)
	}
}

func TestConnectCreateUserValidation(t *testing.T) {
	tests := []struct {
		name     string
		identity string
		edit     func(c *clients, in *connect.CreateUserInput)
		want     string
		status   int
	}{
		{"valid", "", func(*clients, *connect.CreateUserInput) {}, "", 200},
		{"unknown instance", "", func(_ *clients, in *connect.CreateUserInput) { in.InstanceId = aws.String(newUUID()) }, "ResourceNotFoundException", 404},
		{"user name with a space", "", func(_ *clients, in *connect.CreateUserInput) { in.Username = aws.String("ada lovelace") }, "InvalidParameterException", 400},
		{"user name of 65 characters", "", func(_ *clients, in *connect.CreateUserInput) { in.Username = aws.String(strings.Repeat("a", 65)) }, "InvalidParameterException", 400},
		{"user name with a bare @", "", func(_ *clients, in *connect.CreateUserInput) { in.Username = aws.String("ada@") }, "InvalidParameterException", 400},
		{"user name as an email", "", func(_ *clients, in *connect.CreateUserInput) { in.Username = aws.String("ada@example.com") }, "", 200},
		{"no password", "", func(_ *clients, in *connect.CreateUserInput) { in.Password = nil }, "InvalidParameterException", 400},
		{"password without a digit", "", func(_ *clients, in *connect.CreateUserInput) { in.Password = aws.String("Sandboxpass") }, "InvalidParameterException", 400},
		{"password without upper case", "", func(_ *clients, in *connect.CreateUserInput) { in.Password = aws.String("sandbox1pass") }, "InvalidParameterException", 400},
		{"password of 7 characters", "", func(_ *clients, in *connect.CreateUserInput) { in.Password = aws.String("Sandbo1") }, "InvalidParameterException", 400},
		{"password with a space", "", func(_ *clients, in *connect.CreateUserInput) { in.Password = aws.String("Sandbox 1pass") }, "InvalidParameterException", 400},
		{"no first name", "", func(_ *clients, in *connect.CreateUserInput) { in.IdentityInfo.FirstName = nil }, "InvalidParameterException", 400},
		{"no identity info", "", func(_ *clients, in *connect.CreateUserInput) { in.IdentityInfo = nil }, "InvalidParameterException", 400},
		{"bad email", "", func(_ *clients, in *connect.CreateUserInput) { in.IdentityInfo.Email = aws.String("ada.example.com") }, "InvalidParameterException", 400},
		{"bad secondary email", "", func(_ *clients, in *connect.CreateUserInput) { in.IdentityInfo.SecondaryEmail = aws.String("ada@") }, "InvalidParameterException", 400},
		{"mobile not E.164", "", func(_ *clients, in *connect.CreateUserInput) { in.IdentityInfo.Mobile = aws.String("07700900123") }, "InvalidParameterException", 400},
		{"desk phone without a number", "", func(_ *clients, in *connect.CreateUserInput) { in.PhoneConfig.PhoneType = types.PhoneTypeDeskPhone }, "InvalidParameterException", 400},
		{"desk phone not E.164", "", func(_ *clients, in *connect.CreateUserInput) {
			in.PhoneConfig = &types.UserPhoneConfig{PhoneType: types.PhoneTypeDeskPhone, DeskPhoneNumber: aws.String("1234567890")}
		}, "InvalidParameterException", 400},
		{"unknown phone type", "", func(_ *clients, in *connect.CreateUserInput) { in.PhoneConfig.PhoneType = "CELL_PHONE" }, "InvalidParameterException", 400},
		{"ACW above 2,000,000", "", func(_ *clients, in *connect.CreateUserInput) { in.PhoneConfig.AfterContactWorkTimeLimit = 2000001 }, "InvalidParameterException", 400},
		{"ACW of 2,000,000", "", func(_ *clients, in *connect.CreateUserInput) { in.PhoneConfig.AfterContactWorkTimeLimit = 2000000 }, "", 200},
		{"eleven security profiles", "", func(_ *clients, in *connect.CreateUserInput) {
			for i := 0; i < 10; i++ {
				in.SecurityProfileIds = append(in.SecurityProfileIds, newUUID())
			}
		}, "InvalidParameterException", 400},
		{"unknown security profile", "", func(_ *clients, in *connect.CreateUserInput) {
			in.SecurityProfileIds = append(in.SecurityProfileIds, newUUID())
		}, "ResourceNotFoundException", 404},
		{"unknown routing profile", "", func(_ *clients, in *connect.CreateUserInput) { in.RoutingProfileId = aws.String(newUUID()) }, "ResourceNotFoundException", 404},
		{"unknown hierarchy group", "", func(_ *clients, in *connect.CreateUserInput) { in.HierarchyGroupId = aws.String(newUUID()) }, "ResourceNotFoundException", 404},
		{"tag with aws: prefix", "", func(_ *clients, in *connect.CreateUserInput) { in.Tags = map[string]string{"aws:team": "x"} }, "InvalidParameterException", 400},
		{"tag key of 129 characters", "", func(_ *clients, in *connect.CreateUserInput) {
			in.Tags = map[string]string{strings.Repeat("k", 129): "x"}
		}, "InvalidParameterException", 400},
		{"tag value of 257 characters", "", func(_ *clients, in *connect.CreateUserInput) {
			in.Tags = map[string]string{"k": strings.Repeat("v", 257)}
		}, "InvalidParameterException", 400},
		{"51 tags", "", func(_ *clients, in *connect.CreateUserInput) {
			in.Tags = map[string]string{}
			for i := range 51 {
				in.Tags[fmt.Sprint("k", i)] = "v"
			}
		}, "InvalidParameterException", 400},
		// The model's TagMap holds 1 to 50 tags: an empty map is refused.
		{"empty tags", "", func(_ *clients, in *connect.CreateUserInput) { in.Tags = map[string]string{} }, "InvalidParameterException", 400},
		{"taken user name", "", func(_ *clients, in *connect.CreateUserInput) { in.Username = aws.String("admin") }, "DuplicateResourceException", 409},
		{"user name taken in another case", "", func(_ *clients, in *connect.CreateUserInput) { in.Username = aws.String("Admin") }, "", 200},
		{"SAML without password or email", "SAML", func(_ *clients, in *connect.CreateUserInput) { in.Password = nil; in.IdentityInfo.Email = nil }, "", 200},
		{"SAML with a password", "SAML", func(*clients, *connect.CreateUserInput) {}, "InvalidRequestException", 400},
		{"SAML without names", "SAML", func(_ *clients, in *connect.CreateUserInput) {
			in.Password = nil
			in.IdentityInfo = &types.UserIdentityInfo{SecondaryEmail: aws.String("a@example.com")}
		}, "InvalidParameterException", 400},
		{"directory without names", "EXISTING_DIRECTORY", func(_ *clients, in *connect.CreateUserInput) { in.Password = nil; in.IdentityInfo = nil }, "", 200},
		{"directory with a password", "EXISTING_DIRECTORY", func(*clients, *connect.CreateUserInput) {}, "InvalidRequestException", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClients(t, Options{Identity: tt.identity, Unlimited: true}, false)
			_, security := profileIDs(t, c)
			in := agentInput(c, "ada", security["Agent"])
			tt.edit(c, in)
			_, err := c.connect.CreateUser(context.Background(), in)
			if got := errorCode(t, err); got != tt.want {
				t.Fatalf("CreateUser: %v, want %q", err, tt.want)
			}
			if err != nil {
				var re interface{ HTTPStatusCode() int }
				if !asHTTPStatus(err, &re) || re.HTTPStatusCode() != tt.status {
					t.Errorf("HTTP status of %v, want %d", err, tt.status)
				}
				if n := len(c.sb.ConnectUsers()); n != 1 {
					t.Errorf("a refused CreateUser left %d users, want 1", n)
				}
				if got := c.sb.Calls()["Connect.CreateUser"]; got.Failed != 1 || got.Sent != 1 {
					t.Errorf("calls = %+v, want 1 sent, 1 failed", got)
				}
			}
		})
	}
}

func TestConnectUsersQuota(t *testing.T) {
	c := newClients(t, Options{Unlimited: true, UserQuota: 3}, false)
	_, security := profileIDs(t, c)
	ctx := context.Background()
	for i := range 2 {
		if _, err := c.connect.CreateUser(ctx, agentInput(c, fmt.Sprint("agent", i), security["Agent"])); err != nil {
			t.Fatalf("CreateUser %d under the quota: %v", i, err)
		}
	}
	_, err := c.connect.CreateUser(ctx, agentInput(c, "one-too-many", security["Agent"]))
	if code := errorCode(t, err); code != "LimitExceededException" {
		t.Fatalf("CreateUser over the quota: %v, want LimitExceededException", err)
	}
	if n := len(c.sb.ConnectUsers()); n != 3 {
		t.Errorf("%d users, want 3", n)
	}
}

func TestConnectListUsersPagination(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	seed := make([]ConnectUser, 2499)
	for i := range seed {
		seed[i] = ConnectUser{Username: fmt.Sprintf("agent%04d", i), FirstName: "A", LastName: "B"}
	}
	if err := c.sb.AddConnectUsers(seed...); err != nil {
		t.Fatalf("AddConnectUsers: %v", err)
	}
	id := aws.String(c.sb.InstanceID())

	seen := map[string]bool{}
	pages := 0
	p := connect.NewListUsersPaginator(c.connect, &connect.ListUsersInput{InstanceId: id, MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListUsers page %d: %v", pages+1, err)
		}
		pages++
		for _, u := range out.UserSummaryList {
			if seen[aws.ToString(u.Id)] {
				t.Fatalf("user %s listed twice", aws.ToString(u.Username))
			}
			seen[aws.ToString(u.Id)] = true
		}
	}
	if len(seen) != 2500 || pages != 3 {
		t.Errorf("listed %d users in %d pages, want 2500 in 3", len(seen), pages)
	}

	// The default page is 100.
	out, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: id})
	if err != nil || len(out.UserSummaryList) != 100 || out.NextToken == nil {
		t.Errorf("ListUsers without maxResults: %d users, %v", len(out.UserSummaryList), err)
	}
	// A user created between pages is listed; a deleted one does not shift the rest.
	first, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: id, MaxResults: aws.Int32(2000 - 1000)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.connect.DeleteUser(ctx, &connect.DeleteUserInput{InstanceId: id, UserId: first.UserSummaryList[0].Id}); err != nil {
		t.Fatal(err)
	}
	if err := c.sb.AddConnectUsers(ConnectUser{Username: "late"}); err != nil {
		t.Fatal(err)
	}
	rest := 0
	for tok := first.NextToken; tok != nil; {
		out, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: id, MaxResults: aws.Int32(1000), NextToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		rest += len(out.UserSummaryList)
		tok = out.NextToken
	}
	if rest != 1501 {
		t.Errorf("after the first page, %d users, want 1501", rest)
	}

	for _, bad := range []int32{0, 1001} {
		_, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: id, MaxResults: aws.Int32(bad)})
		if code := errorCode(t, err); code != "InvalidParameterException" {
			t.Errorf("ListUsers maxResults=%d: %v, want InvalidParameterException", bad, err)
		}
	}
	_, err = c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: id, NextToken: aws.String("not-a-token")})
	if code := errorCode(t, err); code != "InvalidParameterException" {
		t.Errorf("ListUsers with a bad token: %v", err)
	}

	// SearchUsers pages up to 500.
	sp := connect.NewSearchUsersPaginator(c.connect, &connect.SearchUsersInput{InstanceId: id, MaxResults: aws.Int32(500)})
	total := 0
	for sp.HasMorePages() {
		out, err := sp.NextPage(ctx)
		if err != nil {
			t.Fatalf("SearchUsers: %v", err)
		}
		total += len(out.Users)
	}
	if total != 2500 {
		t.Errorf("SearchUsers listed %d users, want 2500", total)
	}
	_, err = c.connect.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: id, MaxResults: aws.Int32(501)})
	if code := errorCode(t, err); code != "InvalidParameterException" {
		t.Errorf("SearchUsers MaxResults=501: %v", err)
	}
}

func TestUnknownOperations(t *testing.T) {
	c := newClients(t, Options{}, false)
	ctx := context.Background()
	_, err := c.connect.ListQueues(ctx, &connect.ListQueuesInput{InstanceId: aws.String(c.sb.InstanceID())})
	if code := errorCode(t, err); code != "UnknownOperationException" {
		t.Errorf("Connect ListQueues: %v, want UnknownOperationException", err)
	}

	srv := httptest.NewServer(c.sb)
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSIdentityStore.UpdateGroup")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" || !strings.Contains(string(body), `"__type":"UnknownOperationException"`) {
		t.Errorf("AWSIdentityStore.UpdateGroup: %d %q %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body)
	}
	if got := c.sb.Calls()["IdentityStore.UpdateGroup"]; got.Sent != 1 || got.Failed != 1 {
		t.Errorf("calls = %+v", got)
	}
}

// TestConnectMissingRequiredFields sends what the SDK would refuse to send.
func TestConnectMissingRequiredFields(t *testing.T) {
	sb := New(Options{Unlimited: true})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	agent := ""
	for _, p := range sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	for name, body := range map[string]string{
		"no routing profile":    `{"Username":"ada","Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B"},"SecurityProfileIds":["` + agent + `"]}`,
		"no security profile":   `{"Username":"ada","Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B"},"RoutingProfileId":"` + sb.routing[0].id + `"}`,
		"empty security list":   `{"Username":"ada","Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B"},"RoutingProfileId":"` + sb.routing[0].id + `","SecurityProfileIds":[]}`,
		"no user name":          `{"Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B"},"RoutingProfileId":"` + sb.routing[0].id + `","SecurityProfileIds":["` + agent + `"]}`,
		"a repeated profile id": `{"Username":"ada","Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B"},"RoutingProfileId":"` + sb.routing[0].id + `","SecurityProfileIds":["` + agent + `","` + agent + `"]}`,
	} {
		req, _ := http.NewRequest("PUT", srv.URL+"/users/"+sb.InstanceID(), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("X-Amzn-ErrorType"), "InvalidParameterException:") || !strings.Contains(string(msg), `"Message":`) {
			t.Errorf("%s: %d %q %s, want 400 InvalidParameterException", name, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), msg)
		}
	}
	if n := len(sb.ConnectUsers()); n != 1 {
		t.Errorf("%d users, want the admin alone", n)
	}
}

func TestConnectProfileListsPaginate(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	for i := range 147 { // and the seed's three
		c.sb.AddRoutingProfile(fmt.Sprint("Queue ", i))
	}
	names := map[string]bool{}
	pages := 0
	p := connect.NewListRoutingProfilesPaginator(c.connect, &connect.ListRoutingProfilesInput{InstanceId: aws.String(c.sb.InstanceID()), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("ListRoutingProfiles: %v", err)
		}
		pages++
		for _, r := range out.RoutingProfileSummaryList {
			names[aws.ToString(r.Name)] = true
		}
	}
	if len(names) != 150 || pages != 2 || !names["Basic Routing Profile"] || !names["Queue 146"] {
		t.Errorf("listed %d routing profiles in %d pages, want 150 in 2", len(names), pages)
	}
}
