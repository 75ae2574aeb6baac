package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

func setAttr(path string, v any) istypes.AttributeOperation {
	op := istypes.AttributeOperation{AttributePath: aws.String(path)}
	if v != nil {
		op.AttributeValue = document.NewLazyDocument(v)
	}
	return op
}

// TestIdentityStoreUpdateUser: UpdateUser replaces names, display name
// and email; refuses what the model and the service refuse, all or none.
func TestIdentityStoreUpdateUser(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	store := aws.String(c.sb.IdentityStoreID())
	out, err := c.store.CreateUser(ctx, storeUserInput(c, "ada"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.store.CreateUser(ctx, storeUserInput(c, "bob")); err != nil {
		t.Fatal(err)
	}
	id := out.UserId
	update := func(ops ...istypes.AttributeOperation) error {
		_, err := c.store.UpdateUser(ctx, &identitystore.UpdateUserInput{IdentityStoreId: store, UserId: id, Operations: ops})
		return err
	}
	if err := update(setAttr("displayName", "Ada King"), setAttr("name.familyName", "King"),
		setAttr("emails", []map[string]any{{"value": "ada.king@example.com", "type": "work", "primary": true}})); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	got, err := c.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: id})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.DisplayName) != "Ada King" || aws.ToString(got.Name.FamilyName) != "King" || aws.ToString(got.Name.GivenName) != "Ada" ||
		len(got.Emails) != 1 || aws.ToString(got.Emails[0].Value) != "ada.king@example.com" {
		t.Errorf("after UpdateUser: %s %+v %+v", aws.ToString(got.DisplayName), got.Name, got.Emails)
	}
	var ve *istypes.ValidationException
	var ce *istypes.ConflictException
	for _, bad := range []struct {
		ops  []istypes.AttributeOperation
		want any
	}{
		{[]istypes.AttributeOperation{setAttr("userName", "ada2")}, &ve},
		{[]istypes.AttributeOperation{setAttr("name.givenName", nil)}, &ve},
		{[]istypes.AttributeOperation{setAttr("name.givenName", "")}, &ve},
		{[]istypes.AttributeOperation{setAttr("bad path!", "x")}, &ve},
		{[]istypes.AttributeOperation{setAttr("displayName", 7)}, &ve},
		{[]istypes.AttributeOperation{setAttr("emails", []map[string]any{{"value": "not an email"}})}, &ve},
		{[]istypes.AttributeOperation{setAttr("displayName", "Changed"), setAttr("emails", []map[string]any{{"value": "BOB@example.com"}})}, &ce},
	} {
		err := update(bad.ops...)
		if !errors.As(err, bad.want) {
			t.Errorf("UpdateUser(%v): %v, want %T", bad.ops, err, bad.want)
		}
	}
	got, _ = c.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: id})
	if aws.ToString(got.DisplayName) != "Ada King" {
		t.Errorf("a refused UpdateUser changed the display name to %q", aws.ToString(got.DisplayName))
	}
	if err := update(setAttr("emails", nil)); err != nil {
		t.Errorf("removing the email: %v", err)
	}
	_, err = c.store.UpdateUser(ctx, &identitystore.UpdateUserInput{IdentityStoreId: store, UserId: aws.String("90676de4-40a1-70ba-35b3-1b3f6c1fda06"),
		Operations: []istypes.AttributeOperation{setAttr("displayName", "x")}})
	var nf *istypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("UpdateUser of no such user: %v", err)
	}
}

// TestAWSCLIIdentityStoreUpdateUser: aws identitystore update-user drives it.
func TestAWSCLIIdentityStoreUpdateUser(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sb, err := Start(ctx, "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	id, err := sb.AddIdentityStoreUser(IdentityStoreUser{UserName: "ada", DisplayName: "Ada Lovelace", GivenName: "Ada", FamilyName: "Lovelace", Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	aws := startCLI(t, sb)
	ops, _ := json.Marshal([]map[string]any{{"AttributePath": "name.givenName", "AttributeValue": "Augusta"}, {"AttributePath": "displayName", "AttributeValue": "Augusta Lovelace"}})
	if _, stderr, err := aws("identitystore", "update-user", "--identity-store-id", sb.IdentityStoreID(), "--user-id", id, "--operations", string(ops)); err != nil {
		t.Fatalf("aws identitystore update-user: %v\n%s", err, stderr)
	}
	for _, u := range sb.IdentityStoreUsers() {
		if u.ID == id && (u.GivenName != "Augusta" || u.DisplayName != "Augusta Lovelace") {
			t.Errorf("after the CLI's update-user: %+v", u)
		}
	}
}
