package sandbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

func storeUserInput(c *clients, userName string) *identitystore.CreateUserInput {
	return &identitystore.CreateUserInput{
		IdentityStoreId: aws.String(c.sb.IdentityStoreID()),
		UserName:        aws.String(userName),
		DisplayName:     aws.String("Ada Lovelace"),
		Name:            &istypes.Name{GivenName: aws.String("Ada"), FamilyName: aws.String("Lovelace")},
		Emails:          []istypes.Email{{Value: aws.String(strings.ReplaceAll(userName, "@", ".") + "@example.com"), Type: aws.String("work"), Primary: true}},
	}
}

func uniqueID(path, value string) istypes.AlternateIdentifier {
	return &istypes.AlternateIdentifierMemberUniqueAttribute{Value: istypes.UniqueAttribute{
		AttributePath: aws.String(path), AttributeValue: document.NewLazyDocument(value),
	}}
}

func userNameID(name string) istypes.AlternateIdentifier { return uniqueID("userName", name) }

func TestIdentityStoreUsers(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	store := aws.String(c.sb.IdentityStoreID())

	in := storeUserInput(c, "ada@example.com")
	in.Emails[0].Value = aws.String("ada@example.com")
	out, err := c.store.CreateUser(ctx, in)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	id := aws.ToString(out.UserId)
	if !storeUserIDPattern.MatchString(id) || !strings.HasPrefix(id, strings.TrimPrefix(c.sb.IdentityStoreID(), "d-")) || aws.ToString(out.IdentityStoreId) != c.sb.IdentityStoreID() {
		t.Errorf("CreateUser = %q in %q, want the store's digits and a UUID", id, aws.ToString(out.IdentityStoreId))
	}

	for _, alt := range []istypes.AlternateIdentifier{userNameID("ada@example.com"), userNameID("ADA@example.com"), uniqueID("emails.value", "Ada@Example.com")} {
		got, err := c.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: store, AlternateIdentifier: alt})
		if err != nil || aws.ToString(got.UserId) != id {
			t.Errorf("GetUserId(%+v) = %+v, %v; want %s", alt, got, err, id)
		}
	}
	_, err = c.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: store, AlternateIdentifier: userNameID("nobody")})
	var nf *istypes.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ResourceType != istypes.ResourceTypeUser {
		t.Errorf("GetUserId(nobody) = %v, want ResourceNotFoundException for a USER", err)
	}
	_, err = c.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: store, AlternateIdentifier: uniqueID("displayName", "Ada")})
	if code := errorCode(t, err); code != "ValidationException" {
		t.Errorf("GetUserId by displayName: %v, want ValidationException", err)
	}

	du, err := c.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: aws.String(id)})
	if err != nil {
		t.Fatalf("DescribeUser: %v", err)
	}
	if aws.ToString(du.UserName) != "ada@example.com" || aws.ToString(du.DisplayName) != "Ada Lovelace" || aws.ToString(du.Name.GivenName) != "Ada" ||
		aws.ToString(du.Name.FamilyName) != "Lovelace" || len(du.Emails) != 1 || aws.ToString(du.Emails[0].Value) != "ada@example.com" || !du.Emails[0].Primary {
		t.Errorf("DescribeUser = %+v", du)
	}

	tests := []struct {
		name string
		edit func(in *identitystore.CreateUserInput)
		want string
	}{
		{"taken user name", func(in *identitystore.CreateUserInput) { in.UserName = aws.String("ada@example.com") }, "ConflictException"},
		{"user name taken in another case", func(in *identitystore.CreateUserInput) { in.UserName = aws.String("ADA@EXAMPLE.COM") }, "ConflictException"},
		{"taken email", func(in *identitystore.CreateUserInput) { in.Emails[0].Value = aws.String("ADA@example.com") }, "ConflictException"},
		{"user name with a space", func(in *identitystore.CreateUserInput) { in.UserName = aws.String("ada lovelace") }, "ValidationException"},
		{"user name of 129 characters", func(in *identitystore.CreateUserInput) { in.UserName = aws.String(strings.Repeat("a", 129)) }, "ValidationException"},
		{"reserved user name", func(in *identitystore.CreateUserInput) { in.UserName = aws.String("Administrator") }, "ValidationException"},
		{"no user name", func(in *identitystore.CreateUserInput) { in.UserName = nil }, "ValidationException"},
		{"no display name", func(in *identitystore.CreateUserInput) { in.DisplayName = nil }, "ValidationException"},
		{"no family name", func(in *identitystore.CreateUserInput) { in.Name.FamilyName = nil }, "ValidationException"},
		{"two emails", func(in *identitystore.CreateUserInput) {
			in.Emails = append(in.Emails, istypes.Email{Value: aws.String("b@example.com")})
		}, "ValidationException"},
		{"bad email", func(in *identitystore.CreateUserInput) { in.Emails[0].Value = aws.String("not-an-email") }, "ValidationException"},
		{"unknown store", func(in *identitystore.CreateUserInput) { in.IdentityStoreId = aws.String("d-0000000000") }, "ResourceNotFoundException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := storeUserInput(c, "grace")
			tt.edit(in)
			_, err := c.store.CreateUser(ctx, in)
			if code := errorCode(t, err); code != tt.want {
				t.Fatalf("CreateUser: %v, want %s", err, tt.want)
			}
			var ce *istypes.ConflictException
			if tt.want == "ConflictException" && (!errors.As(err, &ce) || ce.Reason != istypes.ConflictExceptionReasonUniquenessConstraintViolation) {
				t.Errorf("conflict %v has no UNIQUENESS_CONSTRAINT_VIOLATION reason", err)
			}
		})
	}
	if n := len(c.sb.IdentityStoreUsers()); n != 1 {
		t.Fatalf("%d users after refused calls, want 1", n)
	}

	// ListUsers pages of 1 to 100.
	for i := range 249 {
		if _, err := c.sb.AddIdentityStoreUser(IdentityStoreUser{UserName: fmt.Sprint("user", i), Email: fmt.Sprintf("user%d@example.com", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.sb.AddIdentityStoreUser(IdentityStoreUser{UserName: "USER0"}); err == nil {
		t.Errorf("AddIdentityStoreUser took a user name in another case")
	}
	seen, pages := map[string]bool{}, 0
	p := identitystore.NewListUsersPaginator(c.store, &identitystore.ListUsersInput{IdentityStoreId: store})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListUsers: %v", err)
		}
		pages++
		for _, u := range out.Users {
			seen[aws.ToString(u.UserId)] = true
		}
	}
	if len(seen) != 250 || pages != 3 {
		t.Errorf("ListUsers: %d users in %d pages, want 250 in 3", len(seen), pages)
	}
	_, err = c.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: store, MaxResults: aws.Int32(101)})
	if code := errorCode(t, err); code != "ValidationException" {
		t.Errorf("ListUsers MaxResults=101: %v", err)
	}

	if _, err := c.store.DeleteUser(ctx, &identitystore.DeleteUserInput{IdentityStoreId: store, UserId: aws.String(id)}); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	_, err = c.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: aws.String(id)})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("DescribeUser after delete: %v", err)
	}
}

func TestIdentityStoreGroups(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	store := aws.String(c.sb.IdentityStoreID())
	user, err := c.store.CreateUser(ctx, storeUserInput(c, "ada"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.sb.AddIdentityStoreUser(IdentityStoreUser{UserName: "grace"})
	if err != nil {
		t.Fatal(err)
	}

	g, err := c.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("Contact centre agents")})
	if err != nil {
		t.Fatalf("CreateGroup: %v", err)
	}
	group := aws.ToString(g.GroupId)
	_, err = c.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store, DisplayName: aws.String("contact centre AGENTS")})
	if code := errorCode(t, err); code != "ConflictException" {
		t.Errorf("CreateGroup with a taken name: %v", err)
	}
	_, err = c.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: store})
	if code := errorCode(t, err); code != "ValidationException" {
		t.Errorf("CreateGroup without a name: %v", err)
	}
	gid, err := c.store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: store, AlternateIdentifier: uniqueID("displayName", "Contact centre agents")})
	if err != nil || aws.ToString(gid.GroupId) != group {
		t.Errorf("GetGroupId = %+v, %v", gid, err)
	}
	_, err = c.store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: store, AlternateIdentifier: uniqueID("displayName", "Nobody")})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("GetGroupId of an unknown group: %v", err)
	}
	dg, err := c.store.DescribeGroup(ctx, &identitystore.DescribeGroupInput{IdentityStoreId: store, GroupId: aws.String(group)})
	if err != nil || aws.ToString(dg.DisplayName) != "Contact centre agents" {
		t.Errorf("DescribeGroup = %+v, %v", dg, err)
	}

	member := func(id string) *istypes.MemberIdMemberUserId { return &istypes.MemberIdMemberUserId{Value: id} }
	m, err := c.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: aws.String(group), MemberId: member(aws.ToString(user.UserId))})
	if err != nil {
		t.Fatalf("CreateGroupMembership: %v", err)
	}
	_, err = c.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: aws.String(group), MemberId: member(aws.ToString(user.UserId))})
	if code := errorCode(t, err); code != "ConflictException" {
		t.Errorf("CreateGroupMembership twice: %v", err)
	}
	_, err = c.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{IdentityStoreId: store, GroupId: aws.String(group), MemberId: member(c.sb.newResourceID())})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("CreateGroupMembership of an unknown user: %v", err)
	}
	mid, err := c.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: store, GroupId: aws.String(group), MemberId: member(aws.ToString(user.UserId))})
	if err != nil || aws.ToString(mid.MembershipId) != aws.ToString(m.MembershipId) {
		t.Errorf("GetGroupMembershipId = %+v, %v", mid, err)
	}
	_, err = c.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: store, GroupId: aws.String(group), MemberId: member(other)})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("GetGroupMembershipId of a non-member: %v", err)
	}
	lm, err := c.store.ListGroupMemberships(ctx, &identitystore.ListGroupMembershipsInput{IdentityStoreId: store, GroupId: aws.String(group)})
	if err != nil || len(lm.GroupMemberships) != 1 {
		t.Fatalf("ListGroupMemberships = %+v, %v", lm, err)
	}
	if u, ok := lm.GroupMemberships[0].MemberId.(*istypes.MemberIdMemberUserId); !ok || u.Value != aws.ToString(user.UserId) {
		t.Errorf("membership's member = %+v", lm.GroupMemberships[0].MemberId)
	}
	in, err := c.store.IsMemberInGroups(ctx, &identitystore.IsMemberInGroupsInput{IdentityStoreId: store, MemberId: member(other), GroupIds: []string{group}})
	if err != nil || len(in.Results) != 1 || in.Results[0].MembershipExists {
		t.Errorf("IsMemberInGroups(grace) = %+v, %v; want false", in, err)
	}
	in, err = c.store.IsMemberInGroups(ctx, &identitystore.IsMemberInGroupsInput{IdentityStoreId: store, MemberId: member(aws.ToString(user.UserId)), GroupIds: []string{group}})
	if err != nil || len(in.Results) != 1 || !in.Results[0].MembershipExists {
		t.Errorf("IsMemberInGroups(ada) = %+v, %v; want true", in, err)
	}
	if got := c.sb.Memberships(); len(got) != 1 || got[0].GroupID != group || got[0].UserID != aws.ToString(user.UserId) {
		t.Errorf("Memberships() = %+v", got)
	}
	if got := c.sb.Groups(); len(got) != 1 || got[0].ID != group {
		t.Errorf("Groups() = %+v", got)
	}
}

func TestSetFailIdentityStore(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	c.sb.SetFailIdentityStore(func(op, userName string) bool {
		return op == "CreateUser" && strings.HasPrefix(userName, "bad")
	})
	_, err := c.store.CreateUser(ctx, storeUserInput(c, "bad-agent"))
	if code := errorCode(t, err); code != "InternalServerException" {
		t.Fatalf("CreateUser of a chosen user: %v, want InternalServerException", err)
	}
	if _, err := c.store.CreateUser(ctx, storeUserInput(c, "good-agent")); err != nil {
		t.Fatalf("CreateUser of another user: %v", err)
	}
	if got := c.sb.IdentityStoreUsers(); len(got) != 1 || got[0].UserName != "good-agent" {
		t.Errorf("users = %+v, want good-agent alone", got)
	}
	if calls := c.sb.Calls()["IdentityStore.CreateUser"]; calls.Failed != 1 || calls.Sent != 2 {
		t.Errorf("calls = %+v", calls)
	}
	c.sb.SetFailIdentityStore(nil)
	if _, err := c.store.CreateUser(ctx, storeUserInput(c, "bad-agent")); err != nil {
		t.Errorf("CreateUser after the hook is removed: %v", err)
	}
}
