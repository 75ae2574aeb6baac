package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
)

// With --sso, import --update also makes the row's Identity Center user
// match it: its given and family names, its display name (only when a
// name changes: the display name has no column, and one set by hand in
// Identity Center is not the file's to undo), and its email (unless the
// email cell is blank), with one Identity Store UpdateUser (docs/aws.md
// §7). Its membership in the agents' group is the Identity Center steps'
// (added when missing, before the row is compared).

// ssoAttributePath is UpdateUser's path of an Identity Center column's
// attribute.
func ssoAttributePath(c agentfile.Column) string {
	if c == agentfile.ColTitle {
		return "title"
	}
	if c == agentfile.ColManager {
		return EnterpriseExtension + ".manager.value"
	}
	for _, m := range enterpriseMembers {
		if m.col == c {
			return EnterpriseExtension + "." + m.member
		}
	}
	return ""
}

// loginOf is the user name of the identity store user id (a manager's),
// read once per id.
func (ic *IdentityCenter) loginOf(ctx context.Context, id string) (string, error) {
	ic.mu.Lock()
	login, ok := ic.logins[id]
	ic.mu.Unlock()
	if ok {
		return login, nil
	}
	u, err := ic.describeUser(ctx, id)
	if awsclient.Classify(err) == awsclient.NotFound {
		return id, nil // a manager deleted since: its id says what is there
	} else if err != nil {
		return "", err
	}
	ic.mu.Lock()
	ic.logins[id] = u.userName
	ic.mu.Unlock()
	return u.userName, nil
}

// managerID is the user id of a manager login for an update: known to
// the plan, or looked up now (a manager made earlier in this run).
func (ic *IdentityCenter) managerID(ctx context.Context, login string) (string, error) {
	ic.mu.Lock()
	ref := ic.managers[strings.ToLower(login)]
	ic.mu.Unlock()
	if ref != nil && ref.id != "" {
		return ref.id, nil
	}
	id, found, err := ic.findUser(ctx, login)
	switch {
	case err != nil:
		return "", err
	case !found:
		return "", fmt.Errorf("manager %q has no IAM Identity Center user yet: run again once its row has made it", login)
	}
	return id, nil
}

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
	out, err := u.SSO.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: aws.String(u.SSO.StoreID), UserId: aws.String(ssoUserID),
		Extensions: []string{EnterpriseExtension}})
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
	attrs, managerID := storeAttributes(out.Title, out.Extensions)
	if managerID != "" && pr.Agent.SSO != nil && pr.Agent.SSO.Manager != "" {
		// Read only when the row names a manager: a blank cell leaves it.
		if attrs.Manager, err = u.SSO.loginOf(ctx, managerID); err != nil {
			return err
		}
	}
	// The row as the column table compares it with its Identity Center
	// user: names, email (held as a Connect-managed user's is) and the
	// Identity Center columns.
	have := &agentfile.Agent{FirstName: given, LastName: family, Email: email, SSO: &attrs}
	a, changes, err := u.File.Compare(pr.Row, agentfile.IdentityStore, pr.Agent, have)
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
	for _, c := range changes {
		if !c.Column.IsIdentityCenter() {
			continue
		}
		path, value := ssoAttributePath(c.Column), any(c.New)
		if c.Column == agentfile.ColManager {
			id, err := u.SSO.managerID(ctx, c.New)
			if err != nil {
				return err
			}
			value = id
		}
		change(c.Field, path, c.Old, c.New, value)
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
