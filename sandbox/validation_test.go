package sandbox

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

// TestMalformedIDs: an id that breaks its pattern in the API model is a
// ValidationException, as AWS answers it, and a well-formed id of nothing
// is ResourceNotFoundException: a typed --identity-store-id or application
// ARN gets the same answer from the sandbox as from AWS.
func TestMalformedIDs(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	var ve *istypes.ValidationException
	var nf *istypes.ResourceNotFoundException

	for _, tc := range []struct {
		id       string
		notFound bool
	}{
		{"d-123", false},
		{"D-1234567890", false},
		{"d-12345678901", false},
		{"d-0000000000", true},
		{"12345678-1234-1234-1234-123456789012", true},
	} {
		_, err := c.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String(tc.id)})
		if tc.notFound && !errors.As(err, &nf) {
			t.Errorf("ListUsers in store %q: %v, want ResourceNotFoundException", tc.id, err)
		}
		if !tc.notFound && !errors.As(err, &ve) {
			t.Errorf("ListUsers in store %q: %v, want ValidationException", tc.id, err)
		}
	}

	store := aws.String(c.sb.IdentityStoreID())
	_, err := c.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: aws.String("not-an-id")})
	if !errors.As(err, &ve) {
		t.Errorf("DescribeUser of a malformed user id: %v, want ValidationException", err)
	}
	_, err = c.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: store, UserId: aws.String("12345678-1234-1234-1234-123456789012")})
	if !errors.As(err, &nf) {
		t.Errorf("DescribeUser of an unknown user id: %v, want ResourceNotFoundException", err)
	}
	_, err = c.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: store, GroupId: aws.String("group one"),
		MemberId: &istypes.MemberIdMemberUserId{Value: "12345678-1234-1234-1234-123456789012"}})
	if !errors.As(err, &ve) {
		t.Errorf("GetGroupMembershipId of a malformed group id: %v, want ValidationException", err)
	}

	var sve *ssotypes.ValidationException
	var snf *ssotypes.ResourceNotFoundException
	for _, tc := range []struct {
		arn      string
		notFound bool
	}{
		{"arn:aws:sso::123456789012:application/ssoins-1/apl-1", false},
		{"apl-1234567890abcdef", false},
		{"arn:aws:sso::123456789012:application/ssoins-0000000000000000/apl-0000000000000000", true},
	} {
		_, err := c.sso.ListApplicationAssignments(ctx, &ssoadmin.ListApplicationAssignmentsInput{ApplicationArn: aws.String(tc.arn)})
		if tc.notFound && !errors.As(err, &snf) {
			t.Errorf("ListApplicationAssignments of %q: %v, want ResourceNotFoundException", tc.arn, err)
		}
		if !tc.notFound && !errors.As(err, &sve) {
			t.Errorf("ListApplicationAssignments of %q: %v, want ValidationException", tc.arn, err)
		}
	}
	_, err = c.sso.CreateApplicationAssignment(ctx, &ssoadmin.CreateApplicationAssignmentInput{ApplicationArn: aws.String(c.sb.ConnectApplicationARN()),
		PrincipalId: aws.String("ConnectAgents"), PrincipalType: ssotypes.PrincipalTypeGroup})
	if !errors.As(err, &sve) {
		t.Errorf("CreateApplicationAssignment of a malformed principal id: %v, want ValidationException", err)
	}
}
