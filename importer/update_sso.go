package importer

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// With --sso, import --update also makes the row's Identity Center user
// match it: its given and family names, its display name (only when a
// name changes: the display name has no column, and one set by hand in
// Identity Center is not the file's to undo), and its email (unless the
// email cell is blank), with one Identity Store UpdateUser (docs/aws.md
// §7). Its membership in the agents' group is the Identity Center steps'
// (added when missing, before the row is compared).

// IdentityStoreUpdater is the Identity Store's UpdateUser;
// *identitystore.Client has it.
type IdentityStoreUpdater interface {
	UpdateUser(ctx context.Context, in *identitystore.UpdateUserInput, optFns ...func(*identitystore.Options)) (*identitystore.UpdateUserOutput, error)
}

// diffSSO adds what differs between the row and its Identity Center user.
func (u *Updater) diffSSO(ctx context.Context, pr *PlannedRow, ssoUserID string, up *UserUpdate) error {
	if u.SSO == nil || ssoUserID == "" || !u.Update {
		// Only with --update: a plain re-run's Identity Center side costs
		// pages, not a DescribeUser per row.
		return nil
	}
	out, err := u.SSO.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: aws.String(u.SSO.StoreID), UserId: aws.String(ssoUserID)})
	if err != nil {
		return err
	}
	var given, family, email string
	if out.Name != nil {
		given, family = aws.ToString(out.Name.GivenName), aws.ToString(out.Name.FamilyName)
	}
	for _, e := range out.Emails {
		if e.Primary || email == "" {
			email = aws.ToString(e.Value)
		}
	}
	// The row's names and email as the column table compares them (an
	// Identity Center user holds its email as a Connect-managed one does).
	have := &agentfile.Agent{FirstName: given, LastName: family, Email: email}
	a, _, err := u.File.Compare(pr.Row, agentfile.IdentityConnect, pr.Agent, have)
	if err != nil {
		return err
	}
	change := func(field, path, old, new string, value any) {
		up.ssoOps = append(up.ssoOps, istypes.AttributeOperation{AttributePath: aws.String(path), AttributeValue: document.NewLazyDocument(value)})
		up.Changes = append(up.Changes, FieldChange{Field: field, Old: old, New: new, Aspect: AspectSSO})
	}
	if given != a.FirstName {
		change("sso first name", "name.givenName", given, a.FirstName, a.FirstName)
	}
	if family != a.LastName {
		change("sso last name", "name.familyName", family, a.LastName, a.LastName)
	}
	if display := strings.TrimSpace(a.FirstName + " " + a.LastName); len(up.ssoOps) > 0 && aws.ToString(out.DisplayName) != display {
		change("sso display name", "displayName", aws.ToString(out.DisplayName), display, display)
	}
	if email != a.Email {
		// The one primary work email CreateUser gives (identitycenter.go).
		change("sso email", "emails", email, a.Email, []map[string]any{{"value": a.Email, "type": "work", "primary": true}})
	}
	up.ssoUserID = ssoUserID
	return nil
}

// sendSSO is the Identity Center user's one UpdateUser. It sets values,
// so a retry after a lost answer is safe.
func (u *Updater) sendSSO(ctx context.Context, up *UserUpdate) error {
	api, ok := u.SSO.store.(IdentityStoreUpdater)
	if !ok {
		return errors.New("this client cannot update identity center users")
	}
	_, err := api.UpdateUser(ctx, &identitystore.UpdateUserInput{IdentityStoreId: aws.String(u.SSO.StoreID), UserId: aws.String(up.ssoUserID), Operations: up.ssoOps})
	return err
}
