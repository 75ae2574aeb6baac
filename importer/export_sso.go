package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
)

// export --sso: the Identity Center columns of each user, from the IAM
// Identity Center user whose user name is the Connect user's login (the
// user an import with --sso makes or reuses). The store is listed once,
// 100 users a page with the enterprise extension asked for (ListUsers
// returns it only when asked), so the cost is pages, not users; the
// manager's id becomes its user name from the same listing.

// ssoExport is what the listing found, by lower-case user name.
type ssoExport struct {
	users map[string]agentfile.SSOAttributes
}

// attributes are the Identity Center columns of a login; nil when the
// store has no such user or it has none of them.
func (x *ssoExport) attributes(login string) *agentfile.SSOAttributes {
	a, ok := x.users[strings.ToLower(login)]
	if !ok || a == (agentfile.SSOAttributes{}) {
		return nil
	}
	return &a
}

// wantsSSO says whether an export's header has an Identity Center
// column: only then is the store read.
func wantsSSO(header []string) bool {
	for _, c := range agentfile.HeaderColumns(header) {
		if c.IsIdentityCenter() {
			return true
		}
	}
	return false
}

// readSSOExport lists the identity store's users with their Title and
// enterprise extension.
func readSSOExport(ctx context.Context, clients *Clients, cfg IdentityCenterConfig) (*ssoExport, error) {
	if clients.IdentityStore == nil {
		return nil, errors.New("identity center: no identity store client")
	}
	x := &ssoExport{users: map[string]agentfile.SSOAttributes{}}
	storeID := strings.TrimSpace(cfg.IdentityStoreID)
	if storeID == "" {
		id, err := DiscoverIdentityStore(ctx, clients.SSOAdmin)
		if err != nil {
			return nil, err
		}
		storeID = id
	}
	names := map[string]string{} // user id → user name
	managers := map[string]string{}
	p := identitystore.NewListUsersPaginator(clients.IdentityStore, &identitystore.ListUsersInput{
		IdentityStoreId: aws.String(storeID), MaxResults: aws.Int32(100), Extensions: []string{EnterpriseExtension}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, &SetupError{Message: fmt.Sprintf("identity store %s: list users: %s", storeID, ErrText(awsclient.Short(err))), Err: err,
				Hint: IdentityStoreHint(err, storeID)}
		}
		for _, u := range page.Users {
			name := aws.ToString(u.UserName)
			attrs, manager := storeAttributes(u.Title, u.Extensions)
			names[aws.ToString(u.UserId)] = name
			x.users[strings.ToLower(name)] = attrs
			if manager != "" {
				managers[strings.ToLower(name)] = manager
			}
		}
	}
	for login, id := range managers {
		a := x.users[login]
		if a.Manager = names[id]; a.Manager == "" {
			a.Manager = id // a manager no longer in the store: its id says what is there
		}
		x.users[login] = a
	}
	return x, nil
}
