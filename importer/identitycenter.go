package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/identitystore/document"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
	"golang.org/x/sync/errgroup"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// DefaultSSOGroup is the group the agents are put in when --sso-group is
// not given.
const DefaultSSOGroup = "ConnectAgents"

// IdentityCenterConfig is what the command line asks of the IAM Identity
// Center side of an import.
type IdentityCenterConfig struct {
	Discover        bool   // --sso: find the identity store with SSO Admin ListInstances
	IdentityStoreID string // --identity-store-id
	Group           string // --sso-group; "" means DefaultSSOGroup
	ApplicationARN  string // --sso-application-arn; "" means no assignment
	// ColumnsHint is the hint of an Identity Center column (title,
	// department, manager...) filled when Identity Center is off: how
	// the command turns it on.
	ColumnsHint string
}

// Enabled says whether the import makes Identity Center users at all.
func (c IdentityCenterConfig) Enabled() bool { return c.Discover || c.IdentityStoreID != "" }

// GroupName is the group the agents join: --sso-group, or DefaultSSOGroup.
func (c IdentityCenterConfig) GroupName() string {
	if g := strings.TrimSpace(c.Group); g != "" {
		return g
	}
	return DefaultSSOGroup
}

// PortalURL is the AWS access portal of an identity store, where its users
// sign in (unless the administrator customised it).
func PortalURL(identityStoreID string) string {
	return "https://" + identityStoreID + ".awsapps.com/start"
}

// presence is what is known of a user or a membership.
type presence int

const (
	unknown presence = iota // not listed: look it up when it matters
	absent
	present
)

// ssoRowPlan is what the plan found of one row's Identity Center side.
type ssoRowPlan struct {
	user   presence
	userID string
	email  string // the existing user's email, when user is present ("" when it has none)
	member presence
	// noEmail: the row's Connect user exists, its Identity Center user does
	// not (or was not found in the listing), and the row gives no email to
	// make one with: the row's Identity Center side is left as it is.
	noEmail bool
}

// storeUser is one identity store user as the listing gives it.
type storeUser struct {
	id, userName, email string
}

// IdentityCenter is the IAM Identity Center side of one import: the
// identity store and the agents' group, what already exists, and the two
// steps each row takes after its Connect user (its Identity Center user,
// then its group membership). It is safe for concurrent use by the rows.
type IdentityCenter struct {
	store IdentityStoreAPI
	admin SSOAdminAPI
	cfg   IdentityCenterConfig

	// StoreID is the identity store, PortalURL where its users sign in.
	StoreID   string
	PortalURL string
	Group     string

	groupID string // "" while the group does not exist
	dryRun  bool
	// ssoARN is the SSO instance of the store, for a user's assignments
	// (a remove with --sso-delete-users; "" otherwise).
	ssoARN string

	rows map[int]*ssoRowPlan // by input line; a real run's lookahead settles its rows' before they start
	plan *Plan
	file *agentfile.File
	// ahead: the rows a real run looks up in its lookahead
	// (sso_lookahead.go), by line; late: the problems it found.
	ahead map[int]bool
	late  []agentfile.Problem

	mu          sync.Mutex
	justCreated map[int]bool // rows whose user this run created: not yet a member of anything

	groupCreated    bool
	assignment      string // what happened to the application assignment, for the summary
	warnings        []string
	usersCreated    atomic.Int64
	membershipsMade atomic.Int64

	// managers are the file's managers by lower-case login
	// (sso_attributes.go), under mu; managersLinked counts the users whose
	// manager was set after them.
	managers       map[string]*managerRef
	managersLinked atomic.Int64
	logins         map[string]string // user id → user name, read for managers (loginOf)
}

// IdentityCenterReport is what the Identity Center side did, for the
// summary.
type IdentityCenterReport struct {
	StoreID, PortalURL, Group string
	GroupCreated              bool     // (a dry run: would be created)
	UsersCreated              int      // (a dry run: would be created)
	MembershipsCreated        int      // (a dry run: would be created)
	Assignment                string   // "" when no application was named
	Warnings                  []string // each a paragraph for the administrator
	DryRun                    bool
}

// Report says what the Identity Center side did.
func (ic *IdentityCenter) Report() *IdentityCenterReport {
	if ic == nil {
		return nil
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	r := &IdentityCenterReport{
		StoreID: ic.StoreID, PortalURL: ic.PortalURL, Group: ic.Group,
		GroupCreated: ic.groupCreated, UsersCreated: int(ic.usersCreated.Load()),
		MembershipsCreated: int(ic.membershipsMade.Load()), Assignment: ic.assignment,
		Warnings: append([]string(nil), ic.warnings...), DryRun: ic.dryRun,
	}
	if !ic.dryRun {
		r.Warnings = append(r.Warnings, ic.unlinked()...)
	}
	if ic.dryRun {
		// What the real run would create, from the plan.
		for i := range ic.plan.Rows {
			pr := &ic.plan.Rows[i]
			rp := ic.rows[pr.Row.Line]
			if pr.Action == ActionInvalid || rp == nil {
				continue
			}
			if rp.user != present {
				r.UsersCreated++
			}
			if ic.groupID == "" || rp.member != present {
				r.MembershipsCreated++
			}
		}
	}
	return r
}

// PlanIdentityCenter finds the identity store and the agents' group and what
// of each valid row's Identity Center side exists, with read calls only. A
// row whose email belongs to another Identity Center user becomes invalid
// here, before anything is created for it.
func PlanIdentityCenter(ctx context.Context, store IdentityStoreAPI, admin SSOAdminAPI, cfg IdentityCenterConfig, f *agentfile.File, plan *Plan, dryRun bool) (*IdentityCenter, error) {
	if plan.Instance.Identity != agentfile.IdentitySAML {
		return nil, &SetupError{
			Message: fmt.Sprintf("instance %s is %s: IAM Identity Center users go with a SAML instance", plan.Instance.ID, plan.Instance.Identity),
			Err:     &IdentityStoreError{Problem: NotSAMLInstance},
		}
	}
	if store == nil || (cfg.IdentityStoreID == "" && admin == nil) {
		return nil, errors.New("identity center: no identity store client")
	}
	ic := &IdentityCenter{store: store, admin: admin, cfg: cfg, Group: cfg.GroupName(), dryRun: dryRun,
		rows: map[int]*ssoRowPlan{}, plan: plan, file: f, ahead: map[int]bool{}, justCreated: map[int]bool{},
		managers: map[string]*managerRef{}, logins: map[string]string{}}
	ic.StoreID = strings.TrimSpace(cfg.IdentityStoreID)
	if ic.StoreID == "" {
		id, err := DiscoverIdentityStore(ctx, admin)
		if err != nil {
			return nil, err
		}
		ic.StoreID = id
	}
	ic.PortalURL = PortalURL(ic.StoreID)

	groupID, found, err := ic.findGroup(ctx)
	if err != nil {
		return nil, &SetupError{Message: err.Error(), Err: err, Hint: IdentityStoreHint(err, ic.StoreID)}
	}
	if found {
		ic.groupID = groupID
	}
	if err := ic.planRows(ctx, f, plan); err != nil {
		return nil, &SetupError{Message: err.Error(), Err: err, Hint: IdentityStoreHint(err, ic.StoreID)}
	}
	return ic, nil
}

// DiscoverIdentityStore finds the account's one IAM Identity Center
// instance (--sso).
func DiscoverIdentityStore(ctx context.Context, admin SSOAdminAPI) (string, error) {
	var ids, arns []string
	p := ssoadmin.NewListInstancesPaginator(admin, &ssoadmin.ListInstancesInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", &SetupError{Message: "find the IAM Identity Center instance: " + ErrText(err),
				Err: &IdentityStoreError{Problem: StoresUnlisted, Err: err}, Hint: identityCenterPermissionHint()}
		}
		for _, in := range page.Instances {
			if in.Status != "" && in.Status != ssotypes.InstanceStatusActive {
				continue
			}
			ids = append(ids, aws.ToString(in.IdentityStoreId))
			arns = append(arns, aws.ToString(in.InstanceArn))
		}
	}
	switch len(ids) {
	case 0:
		return "", &SetupError{Message: "this account and region have no IAM Identity Center instance",
			Err: &IdentityStoreError{Problem: NoStore}}
	case 1:
		return ids[0], nil
	}
	list := make([]string, len(ids))
	for i := range ids {
		list[i] = ids[i] + " (" + arns[i] + ")"
	}
	return "", &SetupError{Message: "this account has several IAM Identity Center instances: " + strings.Join(list, ", "),
		Err: &IdentityStoreError{Problem: SeveralStores}}
}

// StoreProblem is why the identity store could not be found.
type StoreProblem int

const (
	NotSAMLInstance StoreProblem = iota + 1 // Identity Center users on a non-SAML instance
	StoresUnlisted                          // SSO Admin refused to list the instances
	NoStore                                 // the account and region have none
	SeveralStores                           // the account has several
)

// IdentityStoreError is an identity store that could not be found for
// --sso; the command line says which flag to give. A SetupError carries it
// as its Err.
type IdentityStoreError struct {
	Problem StoreProblem
	Err     error
}

func (e *IdentityStoreError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("identity store: problem %d", e.Problem)
}
func (e *IdentityStoreError) Unwrap() error { return e.Err }

func UniqueAttribute(path, value string) istypes.AlternateIdentifier {
	return &istypes.AlternateIdentifierMemberUniqueAttribute{Value: istypes.UniqueAttribute{
		AttributePath: aws.String(path), AttributeValue: document.NewLazyDocument(value)}}
}

func (ic *IdentityCenter) findGroup(ctx context.Context) (string, bool, error) {
	out, err := ic.store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: aws.String(ic.StoreID),
		AlternateIdentifier: UniqueAttribute("displayName", ic.Group)})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("identity store %s: find group %q: %w", ic.StoreID, ic.Group, awsclient.Short(err))
	}
	return aws.ToString(out.GroupId), true, nil
}

// findUser looks a user up by user name.
func (ic *IdentityCenter) findUser(ctx context.Context, userName string) (string, bool, error) {
	out, err := ic.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(ic.StoreID),
		AlternateIdentifier: UniqueAttribute("userName", userName)})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("look up identity center user %q: %w", userName, awsclient.Short(err))
	}
	return aws.ToString(out.UserId), true, nil
}

// emailOwner gives the user name of the user whose email this is, if any.
func (ic *IdentityCenter) emailOwner(ctx context.Context, email string) (string, bool, error) {
	out, err := ic.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(ic.StoreID),
		AlternateIdentifier: UniqueAttribute("emails.value", email)})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("look up identity center email %q: %w", email, awsclient.Short(err))
	}
	u, err := ic.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: aws.String(ic.StoreID), UserId: out.UserId})
	if err != nil {
		return "", false, fmt.Errorf("describe identity center user %s: %w", aws.ToString(out.UserId), awsclient.Short(err))
	}
	return aws.ToString(u.UserName), true, nil
}

// describeUser gives an existing user's name and email (its primary one,
// else its first; "" when it has none).
func (ic *IdentityCenter) describeUser(ctx context.Context, userID string) (storeUser, error) {
	u, err := ic.store.DescribeUser(ctx, &identitystore.DescribeUserInput{IdentityStoreId: aws.String(ic.StoreID), UserId: aws.String(userID)})
	if err != nil {
		return storeUser{}, fmt.Errorf("describe identity center user %s: %w", userID, awsclient.Short(err))
	}
	su := storeUser{id: userID, userName: aws.ToString(u.UserName)}
	for _, e := range u.Emails {
		if e.Primary || su.email == "" {
			su.email = aws.ToString(e.Value)
		}
	}
	return su, nil
}

// checkReused warns when a row reuses an existing Identity Center user that
// does not quite fit it. Identity Center finds user names without regard to
// case, but signs the agent in to Connect under the user name as it is
// spelt there, and Connect user names are case-sensitive. And the one-time
// password of the first sign-in goes to the email the user has, which the
// agent may not read.
func (ic *IdentityCenter) checkReused(line int, a *agentfile.Agent, u storeUser) {
	if u.userName != "" && u.userName != a.Login {
		ic.warn(nil, fmt.Sprintf("warning: line %d: the user login is %q, but the IAM Identity Center user it reuses is %q:\n"+
			"  Identity Center signs the agent in to Connect as %q, and Connect user names are case-sensitive.\n"+
			"  Make the user login %s exactly (or rename the Identity Center user) so that the agent can sign in.", line, a.Login, u.userName, u.userName, u.userName))
	}
	ic.checkEmail(line, a, u.email)
}

// checkEmail warns when a reused user's email is not the row's.
func (ic *IdentityCenter) checkEmail(line int, a *agentfile.Agent, email string) {
	switch {
	case strings.EqualFold(email, a.Email):
	case email == "":
		ic.warn(nil, fmt.Sprintf("warning: line %d: IAM Identity Center user %q exists without an email, so it cannot get a one-time password by email.\n"+
			"  Add %s as its email in IAM Identity Center > Users > %s, or generate its one-time password there.", line, a.Login, a.Email, a.Login))
	default:
		ic.warn(nil, fmt.Sprintf("warning: line %d: IAM Identity Center user %q exists with the email %s, not %s: it is reused,\n"+
			"  and its one-time password goes to %s (the results file gives that address). If the agent does not\n"+
			"  read it, change the email in IAM Identity Center > Users > %s before the agent signs in.", line, a.Login, email, a.Email, email, a.Login))
	}
}

// reuseUser makes an existing Identity Center user the row's; the outcome
// gives the email that user really has, where its one-time password goes.
func reuseUser(o *report.Outcome, id, email string) {
	o.SSOUserID = id
	if email != "" {
		o.Email = email
	}
}

// isMember looks a membership up.
func (ic *IdentityCenter) isMember(ctx context.Context, userID string) (bool, error) {
	_, err := ic.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: aws.String(ic.StoreID),
		GroupId: aws.String(ic.groupID), MemberId: &istypes.MemberIdMemberUserId{Value: userID}})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		return false, nil
	case err != nil:
		return false, fmt.Errorf("look up the membership of group %q: %w", ic.Group, awsclient.Short(err))
	}
	return true, nil
}

// Finding what exists. A row costs one GetUserId and one
// GetGroupMembershipId when looked up on its own; the identity store lists
// 100 users (or memberships) a page. All its calls share about 20 a second,
// ten times CreateUser's 2 in Connect, so the lookups of a row whose
// Connect user is being created hide behind that CreateUser's pace and cost
// no time; a row whose Connect user exists (a re-run) or a dry run pays two
// calls per row. Listing pays only while the store is small beside the file,
// and the store's size is unknown up front (up to 200,000 users), so the
// plan lists under a budget of pages: twice the rows that would pay for
// their lookups, but at least a tenth of the rows (at most a 1% delay before
// the first Connect CreateUser) and never fewer than minListPages. When the
// budget runs out the listing stops and the rows not found are looked up one
// by one: at worst the reads cost twice what the better choice would have.
const minListPages = 5

func (ic *IdentityCenter) listBudget(plan *Plan) int {
	valid, exist := 0, 0
	for i := range plan.Rows {
		switch plan.Rows[i].Action {
		case ActionCreate:
			valid++
		case ActionExists:
			valid++
			exist++
		}
	}
	paying := exist
	if ic.dryRun {
		paying = valid
	}
	return max(2*paying, valid/10, minListPages)
}

// planRows lists what it can within the budget, resolves the rows from it,
// and, in a dry run, looks up one by one what the listing did not reach.
func (ic *IdentityCenter) planRows(ctx context.Context, f *agentfile.File, plan *Plan) error {
	l, err := ic.listStore(ctx, plan)
	if err != nil {
		return err
	}
	claimed := map[string]int{} // lower-case email of a user this import creates → its line
	cols := emailColumn{f: f}
	// lookups: rows the listing did not settle; taken: those of them whose
	// email the listing shows on another user, settled now even in a real
	// run (few rows), so that the row is refused before its Connect user
	// is made.
	var lookups, taken []*PlannedRow
	for i := range plan.Rows {
		pr := &plan.Rows[i]
		if pr.Action == ActionInvalid || pr.Agent == nil {
			continue
		}
		a := pr.Agent
		if problems := f.IdentityStoreProblems(pr.Row, pr.Agent); len(problems) > 0 {
			pr.Action = ActionInvalid
			pr.Problems = append(pr.Problems, problems...)
			continue
		}
		rp := ic.fromListing(l, pr)
		if rp.user == present {
			continue
		}
		if a.Email == "" {
			// No email: an Identity Center user cannot be made. A new agent
			// is refused; an existing Connect user (an export imported
			// again) keeps its Identity Center side as it is.
			if pr.Action != ActionExists {
				pr.Action = ActionInvalid
				pr.Problems = append(pr.Problems, f.MissingEmail(pr.Row.Line))
				continue
			}
			rp.noEmail = true
			ic.warnings = append(ic.warnings, fmt.Sprintf("line %d: %s: no Identity Center user made or looked for, the row gives no email address\n"+
				"  (fill in its email address column to make one)", pr.Row.Line, a.Login))
			continue
		}
		email := strings.ToLower(a.Email)
		if owner, ok := l.emails[email]; ok && rp.user == absent {
			pr.Action = ActionInvalid
			pr.Problems = append(pr.Problems, emailTaken(pr.Row.Line, cols.of(pr.Row), a.Email, owner, a.Login))
			continue
		} else if ok {
			taken = append(taken, pr)
		}
		if line, ok := claimed[email]; ok {
			pr.Action = ActionInvalid
			pr.Problems = append(pr.Problems, agentfile.Problem{Line: pr.Row.Line, Column: cols.of(pr.Row), Value: a.Email,
				Message: fmt.Sprintf("email %q is also the email of line %d: IAM Identity Center gives an email to one user only", a.Email, line),
				Hint:    "give each agent their own email address"})
			continue
		}
		claimed[email] = pr.Row.Line
		if rp.user == unknown || rp.member == unknown {
			lookups = append(lookups, pr)
		}
	}
	if err := ic.planManagers(ctx, f, plan, l); err != nil {
		return err
	}
	return ic.lookUpLater(ctx, lookups, taken)
}

// lookUpLater looks up the rows the listing did not settle: a dry run all
// of them now, to say what the real run will do row by row; a real run only
// those whose email the listing shows on another user, and the rest in its
// lookahead (sso_lookahead.go), before each row's Connect user is made.
func (ic *IdentityCenter) lookUpLater(ctx context.Context, lookups, taken []*PlannedRow) error {
	if ic.dryRun {
		taken = lookups
	} else {
		for _, pr := range lookups {
			ic.ahead[pr.Row.Line] = true
		}
		for _, pr := range taken {
			delete(ic.ahead, pr.Row.Line)
		}
	}
	if len(taken) > 0 {
		return ic.lookUpRows(ctx, taken)
	}
	return nil
}

// storeListing is what the plan's listing of the store found.
type storeListing struct {
	users                          map[string]storeUser // by lower-case user name
	members                        map[string]bool      // user ids in the group
	emails                         map[string]string    // lower-case email → user name
	usersComplete, membersComplete bool
}

// listStore lists the store's users and the group's members within the
// budget.
func (ic *IdentityCenter) listStore(ctx context.Context, plan *Plan) (*storeListing, error) {
	budget := ic.listBudget(plan)
	l := &storeListing{members: map[string]bool{}, membersComplete: ic.groupID == ""}
	var err error
	if l.users, l.usersComplete, err = ic.listUsers(ctx, &budget); err != nil {
		return nil, err
	}
	if ic.groupID != "" {
		if l.members, l.membersComplete, err = ic.listMembers(ctx, &budget); err != nil {
			return nil, err
		}
	}
	l.emails = make(map[string]string, len(l.users))
	for _, u := range l.users {
		if u.email != "" {
			l.emails[strings.ToLower(u.email)] = u.userName
		}
	}
	return l, nil
}

// fromListing is what the listing says of a row's user and membership.
func (ic *IdentityCenter) fromListing(l *storeListing, pr *PlannedRow) *ssoRowPlan {
	a := pr.Agent
	rp := &ssoRowPlan{}
	ic.rows[pr.Row.Line] = rp
	if u, ok := l.users[strings.ToLower(a.Login)]; ok {
		rp.user, rp.userID, rp.email = present, u.id, u.email
		ic.checkReused(pr.Row.Line, a, u)
	} else if l.usersComplete {
		rp.user = absent
	}
	switch {
	case ic.groupID == "", rp.user == absent:
		rp.member = absent
	case rp.user == present && l.members[rp.userID]:
		rp.member = present
	case rp.user == present && l.membersComplete:
		rp.member = absent
	}
	return rp
}

// emailColumn names the column a row's email came from: the email column,
// or the user login when the row gave no email.
type emailColumn struct {
	f *agentfile.File
}

func (c emailColumn) of(row agentfile.Row) string { return c.f.EmailColumnName(row) }

func emailTaken(line int, column, email, owner, login string) agentfile.Problem {
	return agentfile.Problem{Line: line, Column: column, Value: email,
		Message: fmt.Sprintf("email %q belongs to IAM Identity Center user %q, not to %q", email, owner, login),
		Hint:    fmt.Sprintf("use %s as the user login to reuse that user, or give this agent another email address", owner)}
}

// lookUpRows settles the rows the listing did not reach, a few at a time
// (the limiter sets the pace), before the run starts.
func (ic *IdentityCenter) lookUpRows(ctx context.Context, rows []*PlannedRow) error {
	var g errgroup.Group
	g.SetLimit(8)
	var mu sync.Mutex
	for _, pr := range rows {
		g.Go(func() error {
			p, err := ic.lookUpRow(ctx, pr)
			if p != nil {
				mu.Lock()
				pr.Action = ActionInvalid
				pr.Problems = append(pr.Problems, *p)
				mu.Unlock()
			}
			return err
		})
	}
	return g.Wait()
}

// listUsers lists the store's users while the budget lasts; complete says
// whether it saw them all.
func (ic *IdentityCenter) listUsers(ctx context.Context, budget *int) (users map[string]storeUser, complete bool, err error) {
	users = map[string]storeUser{}
	p := identitystore.NewListUsersPaginator(ic.store, &identitystore.ListUsersInput{
		IdentityStoreId: aws.String(ic.StoreID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		if *budget <= 0 {
			return users, false, nil
		}
		*budget--
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("identity store %s: list users: %w", ic.StoreID, awsclient.Short(err))
		}
		for _, u := range page.Users {
			su := storeUser{id: aws.ToString(u.UserId), userName: aws.ToString(u.UserName)}
			for _, e := range u.Emails {
				if e.Primary || su.email == "" {
					su.email = aws.ToString(e.Value)
				}
			}
			users[strings.ToLower(su.userName)] = su
		}
	}
	return users, true, nil
}

// listMembers lists the group's members (user ids) while the budget lasts.
func (ic *IdentityCenter) listMembers(ctx context.Context, budget *int) (members map[string]bool, complete bool, err error) {
	members = map[string]bool{}
	p := identitystore.NewListGroupMembershipsPaginator(ic.store, &identitystore.ListGroupMembershipsInput{
		IdentityStoreId: aws.String(ic.StoreID), GroupId: aws.String(ic.groupID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		if *budget <= 0 {
			return members, false, nil
		}
		*budget--
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("identity store %s: list the members of group %q: %w", ic.StoreID, ic.Group, awsclient.Short(err))
		}
		for _, m := range page.GroupMemberships {
			if u, ok := m.MemberId.(*istypes.MemberIdMemberUserId); ok {
				members[u.Value] = true
			}
		}
	}
	return members, true, nil
}

// IdentityStoreHint says what the user can do about a failed identity store
// call at the start.
func IdentityStoreHint(err error, storeID string) string {
	var ve *istypes.ValidationException
	switch {
	case awsclient.Classify(err) == awsclient.NotFound, errors.As(err, &ve):
		return fmt.Sprintf("check the identity store id %s (IAM Identity Center > Settings shows it) and the region", storeID)
	case awsclient.Classify(err) == awsclient.AccessDenied:
		return identityCenterPermissionHint()
	}
	return ""
}

// WouldChange says whether the real run would create anything on the
// Identity Center side of a planned row.
func (ic *IdentityCenter) WouldChange(pr *PlannedRow) bool {
	rp := ic.rows[pr.Row.Line]
	if rp != nil && rp.noEmail {
		return false
	}
	return rp == nil || ic.groupID == "" || rp.user != present || rp.member != present
}

// DryRunOutcome is a valid row's outcome in a dry run: exists only when the
// Connect user, the Identity Center user and its membership all exist.
func (ic *IdentityCenter) DryRunOutcome(pr *PlannedRow) report.Outcome {
	status := report.WouldCreate
	if pr.Action == ActionExists && !ic.WouldChange(pr) {
		status = report.Exists
	}
	o := plannedOutcome(pr, status)
	o.ConnectUserID = pr.ExistingUserID
	if rp := ic.rows[pr.Row.Line]; rp != nil && rp.user == present {
		reuseUser(&o, rp.userID, rp.email)
	}
	o.SignInURL = ic.PortalURL
	return o
}

// Prepare makes what every row needs before the rows start: the group
// (created when missing), and the application assignment (once; a conflict
// means it is there already; a failure is a warning, not a failed run). A
// dry run changes nothing and says what would be done.
func (ic *IdentityCenter) Prepare(ctx context.Context, warn io.Writer) error {
	if ic.plan.Count(ActionCreate)+ic.plan.Count(ActionExists) == 0 {
		return nil // no row to make anything for
	}
	if ic.dryRun {
		ic.mu.Lock()
		defer ic.mu.Unlock()
		ic.groupCreated = ic.groupID == ""
		if arn := ic.cfg.ApplicationARN; arn != "" {
			ic.assignment = fmt.Sprintf("would assign group %q to %s", ic.Group, arn)
			if ic.admin != nil {
				// Listed even while the group does not exist: an application
				// that cannot be read (a wrong ARN, no permission) is what
				// makes the real run's assignment fail.
				done, err := ic.assigned(ctx)
				switch {
				case err != nil:
					ic.assignment = fmt.Sprintf("would try to assign group %q to %s, but reading its assignments failed (%s): "+
						"check the ARN (IAM Identity Center > Applications > the Amazon Connect application) and the sso:ListApplicationAssignments permission",
						ic.Group, arn, ErrText(err))
				case done && ic.groupID != "":
					ic.assignment = fmt.Sprintf("group %q is assigned to %s", ic.Group, arn)
				}
			}
		}
		return nil
	}
	if ic.groupID == "" {
		out, err := ic.store.CreateGroup(ctx, &identitystore.CreateGroupInput{IdentityStoreId: aws.String(ic.StoreID),
			DisplayName: aws.String(ic.Group), Description: aws.String("Amazon Connect agents (bulkagents)")})
		switch {
		case err == nil:
			ic.groupID = aws.ToString(out.GroupId)
			ic.mu.Lock()
			ic.groupCreated = true
			ic.mu.Unlock()
		case awsclient.Classify(err) == awsclient.Conflict || awsclient.Classify(err) == awsclient.MaybeApplied:
			// Made meanwhile, or by an attempt whose answer was lost.
			id, found, lerr := ic.findGroup(ctx)
			if lerr != nil || !found {
				return &SetupError{Message: fmt.Sprintf("create group %q in identity store %s: %s", ic.Group, ic.StoreID, ErrText(err)), Err: err}
			}
			ic.groupID = id
		default:
			return &SetupError{Message: fmt.Sprintf("create group %q in identity store %s: %s", ic.Group, ic.StoreID, ErrText(err)), Err: err,
				Hint: IdentityStoreHint(err, ic.StoreID)}
		}
	}
	if ic.cfg.ApplicationARN != "" {
		ic.assign(ctx, warn)
	}
	return nil
}

// assign gives the group access to the Amazon Connect application.
func (ic *IdentityCenter) assign(ctx context.Context, warn io.Writer) {
	arn := ic.cfg.ApplicationARN
	if ic.admin == nil {
		ic.warn(warn, assignmentWarning(ic.Group, arn, "no SSO Admin client"))
		return
	}
	if done, err := ic.assigned(ctx); err == nil && done {
		ic.mu.Lock()
		ic.assignment = fmt.Sprintf("group %q was already assigned to %s", ic.Group, arn)
		ic.mu.Unlock()
		return
	}
	_, err := ic.admin.CreateApplicationAssignment(ctx, &ssoadmin.CreateApplicationAssignmentInput{
		ApplicationArn: aws.String(arn), PrincipalId: aws.String(ic.groupID), PrincipalType: ssotypes.PrincipalTypeGroup})
	ic.mu.Lock()
	switch {
	case err == nil:
		ic.assignment = fmt.Sprintf("group %q assigned to %s", ic.Group, arn)
	case awsclient.Classify(err) == awsclient.Conflict:
		ic.assignment = fmt.Sprintf("group %q was already assigned to %s", ic.Group, arn)
	default:
		ic.assignment = fmt.Sprintf("group %q is not assigned to %s: see the warning", ic.Group, arn)
	}
	ic.mu.Unlock()
	if err != nil && awsclient.Classify(err) != awsclient.Conflict {
		ic.warn(warn, assignmentWarning(ic.Group, arn, ErrText(err)))
	}
}

// assigned says whether the group is assigned to the application already,
// so that a re-run sends no create call. An application has few
// assignments (groups, mostly): a page or two. When the listing is refused,
// the caller tries the assignment anyway (a conflict then means "done").
func (ic *IdentityCenter) assigned(ctx context.Context) (bool, error) {
	p := ssoadmin.NewListApplicationAssignmentsPaginator(ic.admin, &ssoadmin.ListApplicationAssignmentsInput{
		ApplicationArn: aws.String(ic.cfg.ApplicationARN), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		for _, a := range page.ApplicationAssignments {
			if aws.ToString(a.PrincipalId) == ic.groupID && a.PrincipalType == ssotypes.PrincipalTypeGroup {
				return true, nil
			}
		}
	}
	return false, nil
}

func assignmentWarning(group, arn, why string) string {
	return fmt.Sprintf("warning: could not assign group %q to the application %s (%s).\n"+
		"  Assign it in the console: IAM Identity Center > Applications > the Amazon Connect application >\n"+
		"  Assign users and groups > Groups > %s > Assign. Until then the agents do not see Connect on the access portal.",
		group, arn, why, group)
}

func (ic *IdentityCenter) warn(w io.Writer, msg string) {
	ic.mu.Lock()
	ic.warnings = append(ic.warnings, msg)
	ic.mu.Unlock()
	if w != nil {
		fmt.Fprintln(w, msg)
	}
}

// interrupted marks a row whose Identity Center step a second Ctrl-C cut
// short: not done, so --resume completes it.
func interrupted(o *report.Outcome, step string) bool {
	o.Status = report.NotAttempted
	o.Error = "interrupted while " + step + ": run again with --resume to finish it"
	return false
}

func failed(o *report.Outcome, msg string) bool {
	o.Status, o.Error = report.Failed, msg
	return false
}

// ensureUser is a row's Identity Center user: reused when one has the
// Connect user's name, created otherwise; never created twice, since an
// ambiguous answer is settled by looking the user up.
func (ic *IdentityCenter) ensureUser(_, calls context.Context, r *rowRun) bool {
	pr := r.job.Planned
	o := &r.outcome
	a := pr.Agent
	o.SignInURL = ic.PortalURL
	rp := ic.rows[pr.Row.Line]
	if rp == nil {
		rp = &ssoRowPlan{}
	}
	if rp.noEmail {
		return false // nothing to make: the row ends as its Connect user left it
	}
	if rp.user == present {
		reuseUser(o, rp.userID, rp.email)
		ic.userKnown(calls, a.Login, rp.userID)
		return true
	}
	if rp.user == unknown {
		id, found, err := ic.findUser(calls, a.Login)
		switch {
		case calls.Err() != nil:
			return interrupted(o, "looking up the identity center user")
		case err != nil:
			return failed(o, err.Error())
		case found:
			return ic.reuseFound(calls, r, id)
		}
	}

	trace := &CallTrace{}
	managerID, named := ic.managerOf(a)
	out, err := ic.store.CreateUser(WithCallTrace(calls, trace), ic.createUserInput(a, managerID))
	if err == nil {
		ic.userCreated(calls, r, aws.ToString(out.UserId), named && managerID == "")
		return true
	}
	if calls.Err() != nil {
		return interrupted(o, "creating the identity center user")
	}
	if awsclient.Classify(err) == awsclient.Quota {
		// Not retried (awsclient): the store is full until its quota is raised.
		return failed(o, "create identity center user: the identity store holds as many users as its quota allows ("+ErrText(err)+
			"): ask AWS to raise IAM Identity Center's users quota, or remove users it no longer needs, then run again with --resume")
	}
	if awsclient.Classify(err) != awsclient.Conflict && awsclient.Classify(err) != awsclient.MaybeApplied {
		return failed(o, "create identity center user: "+ErrText(err))
	}
	// A conflict is the user name or the email taken (by an attempt of ours
	// whose answer was lost, by someone else, or by another user); an
	// ambiguous answer may have created it. Look, never send it again.
	id, found, lerr := ic.findUser(calls, a.Login)
	switch {
	case calls.Err() != nil:
		return interrupted(o, "creating the identity center user")
	case lerr != nil:
		return failed(o, fmt.Sprintf("create identity center user: %s; then %v: run again to settle it", ErrText(err), lerr))
	case found && (awsclient.Classify(err) == awsclient.MaybeApplied || MayHaveApplied(trace.Attempts[:max(len(trace.Attempts)-1, 0)])):
		ic.userCreated(calls, r, id, named && managerID == "")
		return true
	case found:
		return ic.reuseFound(calls, r, id) // made by someone else since the plan: reuse it
	case awsclient.Classify(err) == awsclient.MaybeApplied:
		return failed(o, "create identity center user: "+ErrText(err))
	}
	owner, taken, oerr := ic.emailOwner(calls, a.Email)
	switch {
	case calls.Err() != nil:
		return interrupted(o, "creating the identity center user")
	case oerr != nil:
		return failed(o, fmt.Sprintf("create identity center user: %s; then %v", ErrText(err), oerr))
	case taken:
		return failed(o, fmt.Sprintf("create identity center user: email %q belongs to IAM Identity Center user %q, not to %q: "+
			"use %s as the user login to reuse that user, or give this agent another email address", a.Email, owner, a.Login, owner))
	}
	return failed(o, "create identity center user: "+ErrText(err))
}

// reuseFound makes a user that a lookup found during the run the row's,
// after reading its name and email (see checkReused).
func (ic *IdentityCenter) reuseFound(calls context.Context, r *rowRun, id string) bool {
	o := &r.outcome
	u, err := ic.describeUser(calls, id)
	switch {
	case calls.Err() != nil:
		return interrupted(o, "looking up the identity center user")
	case err != nil:
		return failed(o, err.Error())
	}
	ic.checkReused(r.job.Planned.Row.Line, r.job.Planned.Agent, u)
	reuseUser(o, id, u.email)
	ic.userKnown(calls, r.job.Planned.Agent.Login, id)
	return true
}

// userCreated records a row's user made; noManager: it was made without
// the manager it names, whose id was not known yet (sso_attributes.go).
func (ic *IdentityCenter) userCreated(calls context.Context, r *rowRun, id string, noManager bool) {
	ic.usersCreated.Add(1)
	r.outcome.SSOUserID = id
	r.outcome.Status = report.Created
	ic.mu.Lock()
	ic.justCreated[r.job.Planned.Row.Line] = true
	ic.mu.Unlock()
	a := r.job.Planned.Agent
	if noManager {
		w := waitingReport{line: r.job.Planned.Row.Line, login: a.Login, userID: id}
		if managerID := ic.waitFor(a.SSO.Manager, w); managerID != "" {
			ic.linkManager(calls, w, a.SSO.Manager, managerID)
		}
	}
	ic.userKnown(calls, a.Login, id)
}

// createUserInput is the Identity Store CreateUser for an agent: the
// Connect user login as the user name (what Identity Center sends Connect
// as the SAML session name), one primary work email; the Identity Center
// columns as Title and the enterprise extension, managerID as its manager
// ("" none yet).
func (ic *IdentityCenter) createUserInput(a *agentfile.Agent, managerID string) *identitystore.CreateUserInput {
	in := &identitystore.CreateUserInput{
		IdentityStoreId: aws.String(ic.StoreID),
		UserName:        aws.String(a.Login),
		DisplayName:     aws.String(strings.TrimSpace(a.FirstName + " " + a.LastName)),
		Name:            &istypes.Name{GivenName: aws.String(a.FirstName), FamilyName: aws.String(a.LastName)},
		Emails:          []istypes.Email{{Value: aws.String(a.Email), Type: aws.String("work"), Primary: true}},
	}
	if a.SSO != nil && a.SSO.Title != "" {
		in.Title = aws.String(a.SSO.Title)
	}
	if doc := enterpriseDocument(a.SSO, managerID); doc != nil {
		in.Extensions = map[string]document.Interface{EnterpriseExtension: document.NewLazyDocument(doc)}
	}
	return in
}

// ensureMembership puts the row's Identity Center user in the group, unless
// it is there already.
func (ic *IdentityCenter) ensureMembership(_, calls context.Context, r *rowRun) bool {
	pr := r.job.Planned
	o := &r.outcome
	userID := o.SSOUserID
	ic.mu.Lock()
	fresh := ic.justCreated[pr.Row.Line]
	delete(ic.justCreated, pr.Row.Line)
	ic.mu.Unlock()
	rp := ic.rows[pr.Row.Line]
	if rp == nil {
		rp = &ssoRowPlan{}
	}
	switch {
	case fresh:
		// A user made a moment ago is in no group.
	case rp.user == present && rp.userID == userID && rp.member == present:
		return true
	case rp.user == present && rp.userID == userID && rp.member == absent:
	default:
		in, err := ic.isMember(calls, userID)
		switch {
		case calls.Err() != nil:
			return interrupted(o, "looking up the group membership")
		case err != nil:
			return failed(o, err.Error())
		case in:
			return true
		}
	}
	msg := fmt.Sprintf("add identity center user to group %q", ic.Group)
	trace := &CallTrace{}
	_, err := ic.store.CreateGroupMembership(WithCallTrace(calls, trace), &identitystore.CreateGroupMembershipInput{
		IdentityStoreId: aws.String(ic.StoreID), GroupId: aws.String(ic.groupID), MemberId: &istypes.MemberIdMemberUserId{Value: userID}})
	switch {
	case err == nil:
		ic.membershipCreated(o)
		return true
	case calls.Err() != nil:
		return interrupted(o, "adding the user to the group")
	case awsclient.Classify(err) == awsclient.Conflict:
		// Already a member: ours if an earlier attempt may have made it.
		if MayHaveApplied(trace.Attempts[:max(len(trace.Attempts)-1, 0)]) {
			ic.membershipCreated(o)
		}
		return true
	case awsclient.Classify(err) == awsclient.MaybeApplied:
		in, lerr := ic.isMember(calls, userID)
		switch {
		case calls.Err() != nil:
			return interrupted(o, "adding the user to the group")
		case lerr != nil:
			return failed(o, fmt.Sprintf("%s: %s; then %v: run again to settle it", msg, ErrText(err), lerr))
		case in:
			ic.membershipCreated(o)
			return true
		}
	}
	return failed(o, msg+": "+ErrText(err))
}

func (ic *IdentityCenter) membershipCreated(o *report.Outcome) {
	ic.membershipsMade.Add(1)
	o.Status = report.Created
}
