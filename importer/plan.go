package importer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/bulkagents/bulkagents/agentfile"
)

// pageSize is the largest page the Connect list operations give.
const PageSize = 1000

// Instance is the Amazon Connect instance an import writes to.
type Instance struct {
	ID        string
	ARN       string
	Alias     string
	Identity  agentfile.Identity
	AccessURL string // where Connect-managed agents sign in
	// GlobalSignIn is a replicated instance's global sign-in endpoint
	// (DescribeInstance's ReplicationConfiguration, Global Resiliency):
	// where its agents sign in. "" when it is not replicated.
	GlobalSignIn string
}

// DescribeInstance proves the credentials and the instance with one cheap
// call, and learns the instance's identity type and access URL.
func DescribeInstance(ctx context.Context, api ConnectReader, id string) (Instance, error) {
	out, err := api.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(id)})
	if err != nil {
		return Instance{}, fmt.Errorf("describe instance %s: %w", id, err)
	}
	if out.Instance == nil {
		return Instance{}, fmt.Errorf("describe instance %s: the answer holds no instance", id)
	}
	in := out.Instance
	inst := Instance{
		ID:       aws.ToString(in.Id),
		ARN:      aws.ToString(in.Arn),
		Alias:    aws.ToString(in.InstanceAlias),
		Identity: agentfile.Identity(in.IdentityManagementType),
	}
	if inst.ID == "" {
		inst.ID = id
	}
	if s := in.InstanceStatus; s != "" && s != types.InstanceStatusActive {
		return Instance{}, fmt.Errorf("instance %s is %s, not ACTIVE", id, s)
	}
	switch inst.Identity {
	case agentfile.IdentityConnect, agentfile.IdentitySAML, agentfile.IdentityDirectory:
	default:
		return Instance{}, fmt.Errorf("instance %s: unknown identity management type %q", id, inst.Identity)
	}
	switch {
	case aws.ToString(in.InstanceAccessUrl) != "":
		inst.AccessURL = aws.ToString(in.InstanceAccessUrl)
	case inst.Alias != "":
		inst.AccessURL = "https://" + inst.Alias + ".my.connect.aws/"
	}
	if rc := out.ReplicationConfiguration; rc != nil && aws.ToString(rc.GlobalSignInEndpoint) != "" {
		inst.GlobalSignIn = aws.ToString(rc.GlobalSignInEndpoint)
	}
	return inst, nil
}

// PlanError is a read call of the plan that failed.
type PlanError struct {
	Step string // "list users"
	Err  error
}

func (e *PlanError) Error() string { return e.Step + ": " + e.Err.Error() }
func (e *PlanError) Unwrap() error { return e.Err }

// Action is the change a plan makes of a row: every command's rows are
// planned rows, and the kind of change picks the steps they take
// (steps.go).
type Action int

const (
	// ActionInvalid: the row is not sent (its problems say why).
	ActionInvalid Action = iota
	// ActionExists: the user exists already; nothing is sent (none).
	ActionExists
	// ActionCreate: the user is created.
	ActionCreate
	// ActionUpdate: the user exists and fields differ from the row.
	ActionUpdate
	// ActionDelete: the user is deleted (remove; Delete says which).
	ActionDelete
	// ActionAbsent: a user to delete that the instance does not have.
	ActionAbsent
)

func (a Action) String() string {
	switch a {
	case ActionExists:
		return "exists"
	case ActionCreate:
		return "create"
	case ActionUpdate:
		return "update"
	case ActionDelete:
		return "delete"
	case ActionAbsent:
		return "absent"
	}
	return "invalid"
}

// PlannedRow is one data row of the input with what the import will do.
type PlannedRow struct {
	Row      agentfile.Row
	Agent    *agentfile.Agent // nil when validation refused the row
	Action   Action
	Problems []agentfile.Problem // why the row is invalid
	Warnings []agentfile.Problem

	// ExistingUserID is the Connect user id of an existing user
	// (ActionExists).
	ExistingUserID string

	// Delete is the user a delete removes, as the listing showed it
	// (ActionDelete).
	Delete *DeleteTarget

	// The names of the row resolved to ids (ActionCreate).
	RoutingProfileID   string
	SecurityProfileIDs []string
	HierarchyGroupID   string
	// NewGroup is the row's hierarchy path when its group is one the plan
	// creates (--create-hierarchy, hierarchy_create.go); HierarchyGroupID
	// is then set once it is made.
	NewGroup []string
	// The security profiles of the add and remove security profiles
	// columns, resolved to ids, in the cells' order.
	AddSecurityProfileIDs, RemoveSecurityProfileIDs []string

	// createNeeds and createWarnings: the row was checked as an update
	// (--update) and a create needs these columns, and calls for these
	// warnings, should its user not exist yet.
	createNeeds    []agentfile.Column
	createWarnings []agentfile.Problem
}

// Plan is the import worked out against an instance, one row per data row
// of the input, in input order.
type Plan struct {
	Instance Instance
	Rows     []PlannedRow
	// ExistingUsers is how many users the instance holds (-1: not
	// listed, as no row was valid).
	ExistingUsers int
	// NewGroups are the hierarchy groups the rows need that the instance
	// lacks, parents first (--create-hierarchy).
	NewGroups []NewGroup
}

// Count gives how many rows have an action.
func (p *Plan) Count(a Action) int {
	n := 0
	for i := range p.Rows {
		if p.Rows[i].Action == a {
			n++
		}
	}
	return n
}

// MakePlan resolves every name of the valid rows to an id and finds which
// users exist, with read calls that cost pages, not rows: each kind of
// object is listed once, a thousand a page; hierarchy groups are described
// only when their name matches a path's last level.
func MakePlan(ctx context.Context, api ConnectReader, inst Instance, f *agentfile.File, checked []agentfile.Checked) (*Plan, error) {
	return makePlan(ctx, api, inst, f, checked, nil)
}

// makePlan is MakePlan; groups, when set, plans the hierarchy groups the
// rows need that the instance lacks (--create-hierarchy).
func makePlan(ctx context.Context, api ConnectReader, inst Instance, f *agentfile.File, checked []agentfile.Checked, groups *groupPlan) (*Plan, error) {
	plan := &Plan{Instance: inst, Rows: make([]PlannedRow, len(checked)), ExistingUsers: -1}
	var valid []*PlannedRow
	needHierarchy := false
	for i, c := range checked {
		pr := &plan.Rows[i]
		pr.Row, pr.Agent, pr.Warnings = c.Row, c.Agent, c.Warnings
		pr.createNeeds, pr.createWarnings = c.CreateNeeds, c.CreateWarnings
		if c.Agent == nil || len(c.Problems) > 0 {
			pr.Agent = nil
			pr.Problems = c.Problems
			continue
		}
		valid = append(valid, pr)
		if len(c.Agent.Hierarchy) > 0 {
			needHierarchy = true
		}
	}
	if len(valid) == 0 {
		return plan, nil
	}

	l, err := planListings(ctx, api, inst.ID, valid, needHierarchy)
	if err != nil {
		return nil, err
	}
	plan.ExistingUsers = len(l.users.exact)
	l.groups = groups
	cols := columnNames(f)
	for _, pr := range valid {
		if err := l.resolve(ctx, pr, cols); err != nil {
			return nil, err
		}
	}
	if groups != nil {
		plan.NewGroups = groups.groups
	}
	return plan, nil
}

// listings are what the plan reads of the instance, once, to turn the
// file's names into ids and find the users that exist.
type listings struct {
	routing, security *nameIndex
	hierarchy         *hierarchyIndex // nil when no row names a hierarchy
	attrs             *attributeIndex // nil when no row has proficiencies
	users             *userIndex
	groups            *groupPlan // --create-hierarchy; nil when off
}

func planListings(ctx context.Context, api ConnectReader, instanceID string, valid []*PlannedRow, needHierarchy bool) (*listings, error) {
	var l listings
	var err error
	if l.routing, err = listRoutingProfiles(ctx, api, instanceID); err != nil {
		return nil, err
	}
	if l.security, err = listSecurityProfiles(ctx, api, instanceID); err != nil {
		return nil, err
	}
	if needHierarchy {
		if l.hierarchy, err = newHierarchyIndex(ctx, api, instanceID); err != nil {
			return nil, err
		}
	}
	if l.attrs, err = planAttributes(ctx, api, instanceID, valid); err != nil {
		return nil, err
	}
	if l.users, err = listUsers(ctx, api, instanceID); err != nil {
		return nil, err
	}
	return &l, nil
}

// resolve turns one valid row's names into ids and decides its action.
func (l *listings) resolve(ctx context.Context, pr *PlannedRow, cols fileColumns) error {
	a := pr.Agent
	problem := func(col agentfile.Column, value, msg, hint string) {
		pr.Problems = append(pr.Problems, agentfile.Problem{Line: pr.Row.Line, Column: cols.name(col), Value: value, Message: msg, Hint: hint})
	}
	// A row checked as an update may leave the routing profile blank.
	if a.RoutingProfile != "" {
		if id, msg, hint := l.routing.resolve(agentfile.FieldLabel(agentfile.GroupColumn(agentfile.GroupRouting)), a.RoutingProfile); id != "" {
			pr.RoutingProfileID = id
		} else {
			problem(agentfile.GroupColumn(agentfile.GroupRouting), a.RoutingProfile, msg, hint)
		}
	}
	securityIDs := func(col agentfile.Column, names []string) []string {
		var ids []string
		for _, name := range names {
			if id, msg, hint := l.security.resolve("security profile", name); id != "" {
				ids = append(ids, id)
			} else {
				problem(col, name, msg, hint)
			}
		}
		return ids
	}
	setCol := agentfile.GroupColumn(agentfile.GroupSecurity)
	pr.SecurityProfileIDs = securityIDs(setCol, a.SecurityProfiles)
	if e := a.Edits; e != nil {
		edits := agentfile.EditColumns(setCol)
		pr.AddSecurityProfileIDs = securityIDs(edits[0], e.AddSecurityProfiles)
		pr.RemoveSecurityProfileIDs = securityIDs(edits[1], e.RemoveSecurityProfiles)
	}
	if err := l.resolveHierarchy(ctx, pr, cols, problem); err != nil {
		return err
	}
	if l.attrs != nil {
		profCol := agentfile.GroupColumn(agentfile.GroupProficiencies)
		l.attrs.check(a, func(value, msg, hint string) {
			problem(profCol, value, msg, hint)
		})
		if a.Edits != nil && len(a.Edits.AddProficiencies) > 0 {
			l.attrs.check(&agentfile.Agent{Proficiencies: a.Edits.AddProficiencies}, func(value, msg, hint string) {
				problem(agentfile.EditColumns(profCol)[0], value, msg, hint)
			})
		}
	}
	l.decide(pr, cols)
	return nil
}

// resolveHierarchy finds (or, with --create-hierarchy, takes) the group of
// a row's hierarchy; a path that names no group is a problem of the row.
func (l *listings) resolveHierarchy(ctx context.Context, pr *PlannedRow, cols fileColumns, problem func(col agentfile.Column, value, msg, hint string)) error {
	a := pr.Agent
	if len(a.Hierarchy) == 0 {
		return nil
	}
	id, msg, hint, err := l.hierarchy.resolve(ctx, a.Hierarchy)
	if err != nil {
		return err
	}
	_, exists := l.users.find(a.Login)
	_, col := cols.f.FieldValue(pr.Row, agentfile.GroupColumn(agentfile.GroupHierarchy))
	switch {
	case id != "":
		pr.HierarchyGroupID = id
	case l.groups != nil && !exists:
		msg, hint, err := l.groups.take(ctx, l.hierarchy, pr, a.Hierarchy)
		if err != nil {
			return err
		}
		if msg != "" {
			problem(col, strings.Join(a.Hierarchy, "|"), msg, hint)
		}
	case l.groups != nil:
		problem(col, strings.Join(a.Hierarchy, "|"), msg,
			"--create-hierarchy makes the groups of the agents it creates, and this user exists: create the group in the Connect admin website, or through a row of a new agent")
	default:
		if !strings.Contains(msg, "matched exactly") {
			hint += "; or " + missingGroupHint
		}
		problem(col, strings.Join(a.Hierarchy, "|"), msg, hint)
	}
	return nil
}

// decide gives a row whose names were resolved its action: invalid with a
// problem, exists, or create.
func (l *listings) decide(pr *PlannedRow, cols fileColumns) {
	a := pr.Agent
	if len(pr.Problems) > 0 {
		pr.Action = ActionInvalid
		return
	}
	if id, ok := l.users.find(a.Login); ok {
		pr.Action, pr.ExistingUserID = ActionExists, id
		return
	}
	if other, ok := l.users.foldMatch(a.Login); ok {
		// Connect's user names are case-sensitive, but whether it takes a
		// second name that differs only in case is not documented: creating
		// it might make a second agent, or fail. The row is refused, and
		// says how to mean either.
		pr.Problems = append(pr.Problems, caseOnlyProblem(pr.Row.Line, cols.f.LoginName(), a.Login, other))
		pr.Action = ActionInvalid
		return
	}
	if len(pr.createNeeds) > 0 {
		// Checked as an update, the row lacks what a create needs.
		pr.Problems = append(pr.Problems, cols.f.CreateProblem(pr.Row.Line, a.Login, pr.createNeeds))
		pr.Action = ActionInvalid
		return
	}
	pr.Warnings = append(pr.Warnings, pr.createWarnings...)
	pr.Action = ActionCreate
	if a.Edits != nil {
		// An add column gives a create the set its set column leaves
		// blank; a remove column is no change.
		pr.Agent = a.ForCreate()
		if len(pr.SecurityProfileIDs) == 0 {
			pr.SecurityProfileIDs = pr.AddSecurityProfileIDs
		}
	}
}

// caseOnlyProblem is the problem of a row whose login matches an existing
// user only when case is ignored: the one rule of import, import --update
// and remove (validate refuses two such logins in one file).
func caseOnlyProblem(line int, column, login, other string) agentfile.Problem {
	return agentfile.Problem{Line: line, Column: column, Value: login,
		Message: fmt.Sprintf("no user %q, but the instance has %q, which differs only in case; user names are case-sensitive, "+
			"and whether Connect takes a second one that differs only in case is not documented, so the row is refused: nothing is created or changed", login, other),
		Hint: fmt.Sprintf("to change that user, write its login exactly (%s); for a new agent, choose a login that differs by more than case", other)}
}

// nameKey is how two names compare when case and spacing are ignored: the
// near match that gets a row a "did you mean" hint instead of a silent fix,
// because Connect matches names exactly.
func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// nameIndex maps the names of one kind of object to their ids.
type nameIndex struct {
	exact map[string]string
	near  map[string][]string // nameKey → exact names
}

func newNameIndex() *nameIndex {
	return &nameIndex{exact: map[string]string{}, near: map[string][]string{}}
}

func (x *nameIndex) add(name, id string) {
	if name == "" || id == "" {
		return
	}
	if _, dup := x.exact[name]; !dup {
		x.near[nameKey(name)] = append(x.near[nameKey(name)], name)
	}
	x.exact[name] = id
}

// resolve gives the id of an exactly named object, or a message and a hint.
func (x *nameIndex) resolve(kind, name string) (id, msg, hint string) {
	if id, ok := x.exact[name]; ok {
		return id, "", ""
	}
	if near := x.near[nameKey(name)]; len(near) > 0 {
		return "", fmt.Sprintf("%s %q does not exist; names are matched exactly", kind, name),
			fmt.Sprintf("write it as %s", QuoteAll(near))
	}
	return "", fmt.Sprintf("%s %q does not exist in this instance", kind, name), x.knownHint(kind)
}

// knownHint lists a few existing names so a typo can be spotted.
func (x *nameIndex) knownHint(kind string) string {
	names := make([]string, 0, len(x.exact))
	for n := range x.exact {
		names = append(names, n)
	}
	if len(names) == 0 {
		return fmt.Sprintf("the instance has no %s yet: create it in the Connect admin website", kind)
	}
	sort.Strings(names)
	const most = 8
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(" and %d more", len(names)-most)
		names = names[:most]
	}
	return fmt.Sprintf("existing %ss: %s%s", kind, QuoteAll(names), more)
}

func QuoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

func listRoutingProfiles(ctx context.Context, api ConnectReader, instanceID string) (*nameIndex, error) {
	x := newNameIndex()
	p := connect.NewListRoutingProfilesPaginator(api, &connect.ListRoutingProfilesInput{
		InstanceId: aws.String(instanceID), MaxResults: aws.Int32(PageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, &PlanError{Step: "list routing profiles", Err: err}
		}
		for _, s := range page.RoutingProfileSummaryList {
			x.add(aws.ToString(s.Name), aws.ToString(s.Id))
		}
	}
	return x, nil
}

func listSecurityProfiles(ctx context.Context, api ConnectReader, instanceID string) (*nameIndex, error) {
	x := newNameIndex()
	p := connect.NewListSecurityProfilesPaginator(api, &connect.ListSecurityProfilesInput{
		InstanceId: aws.String(instanceID), MaxResults: aws.Int32(PageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, &PlanError{Step: "list security profiles", Err: err}
		}
		for _, s := range page.SecurityProfileSummaryList {
			x.add(aws.ToString(s.Name), aws.ToString(s.Id))
		}
	}
	return x, nil
}

// hierarchyIndex resolves hierarchy paths. The listing gives names and ids
// only; a group's path costs a DescribeUserHierarchyGroup, made only for the
// groups whose name matches (nearly) the last level of a path in the file,
// and once per group.
type hierarchyIndex struct {
	api        ConnectReader
	instanceID string
	byKey      map[string][]string // nameKey(group name) → group ids
	paths      map[string][]string // group id → path from the top
}

func newHierarchyIndex(ctx context.Context, api ConnectReader, instanceID string) (*hierarchyIndex, error) {
	h := &hierarchyIndex{api: api, instanceID: instanceID, byKey: map[string][]string{}, paths: map[string][]string{}}
	p := connect.NewListUserHierarchyGroupsPaginator(api, &connect.ListUserHierarchyGroupsInput{
		InstanceId: aws.String(instanceID), MaxResults: aws.Int32(PageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, &PlanError{Step: "list user hierarchy groups", Err: err}
		}
		for _, s := range page.UserHierarchyGroupSummaryList {
			k := nameKey(aws.ToString(s.Name))
			h.byKey[k] = append(h.byKey[k], aws.ToString(s.Id))
		}
	}
	return h, nil
}

func (h *hierarchyIndex) path(ctx context.Context, id string) ([]string, error) {
	if p, ok := h.paths[id]; ok {
		return p, nil
	}
	out, err := h.api.DescribeUserHierarchyGroup(ctx, &connect.DescribeUserHierarchyGroupInput{
		InstanceId: aws.String(h.instanceID), HierarchyGroupId: aws.String(id)})
	if err != nil {
		return nil, &PlanError{Step: "describe user hierarchy group " + id, Err: err}
	}
	var path []string
	if g := out.HierarchyGroup; g != nil && g.HierarchyPath != nil {
		hp := g.HierarchyPath
		for _, l := range []*types.HierarchyGroupSummary{hp.LevelOne, hp.LevelTwo, hp.LevelThree, hp.LevelFour, hp.LevelFive} {
			if l == nil {
				break
			}
			path = append(path, aws.ToString(l.Name))
		}
	}
	h.paths[id] = path
	return path, nil
}

// resolve finds the group at the end of a path, given from the top level
// down. A path that matches only when case or spacing is ignored gets the
// exact path in the hint.
func (h *hierarchyIndex) resolve(ctx context.Context, want []string) (id, msg, hint string, err error) {
	shown := strings.Join(want, "|")
	var near, partial []string
	for _, cand := range h.byKey[nameKey(want[len(want)-1])] {
		got, err := h.path(ctx, cand)
		if err != nil {
			return "", "", "", err
		}
		if len(got) != len(want) {
			// Only the last levels given ("Tier 1"): the whole paths of the
			// groups of that name show which to write.
			partial = append(partial, strings.Join(got, "|"))
			continue
		}
		exact, close := true, true
		for i := range got {
			if got[i] != want[i] {
				exact = false
			}
			if nameKey(got[i]) != nameKey(want[i]) {
				close = false
			}
		}
		if exact {
			return cand, "", "", nil
		}
		if close {
			near = append(near, strings.Join(got, "|"))
		}
	}
	if len(near) > 0 {
		return "", fmt.Sprintf("hierarchy group %q does not exist; names are matched exactly", shown),
			fmt.Sprintf("write it as %s", QuoteAll(near)), nil
	}
	if len(partial) > 0 {
		sort.Strings(partial)
		return "", fmt.Sprintf("hierarchy group %q does not exist in this instance", shown),
			fmt.Sprintf("give the whole path from the top level down, joined by |: %s", QuoteAll(partial)), nil
	}
	return "", fmt.Sprintf("hierarchy group %q does not exist in this instance", shown),
		"give the levels from the top down joined by |, as the Connect admin website shows them (for example Example Corp|Support|Tier 1)", nil
}

// userIndex is the instance's users, by user name.
type userIndex struct {
	exact map[string]string // user name → id
	fold  map[string]string // lower-case user name → user name
}

// find looks a login up as Connect compares user names: exactly (the docs
// call them case-sensitive, and so does the sandbox). A row whose login
// matches a user only when case is ignored is refused by the plan
// (caseOnlyProblem), whichever way Connect compares names.
func (u *userIndex) find(login string) (string, bool) {
	id, ok := u.exact[login]
	return id, ok
}

// foldMatch gives an existing user name that differs from login only in
// case, for a warning.
func (u *userIndex) foldMatch(login string) (string, bool) {
	name, ok := u.fold[strings.ToLower(login)]
	return name, ok && name != login
}

func listUsers(ctx context.Context, api ConnectReader, instanceID string) (*userIndex, error) {
	u := &userIndex{exact: map[string]string{}, fold: map[string]string{}}
	err := ScanUsers(ctx, api, instanceID, NamesOnly, nil, func(s *UserSnapshot) {
		u.exact[s.Username] = s.ID
		u.fold[strings.ToLower(s.Username)] = s.Username
	}, nil)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// findUser looks one user up by exact user name, to settle an ambiguous
// CreateUser. It reports whether the user exists and its id.
func findUser(ctx context.Context, api ConnectReader, instanceID, login string) (string, bool, error) {
	out, err := api.SearchUsers(ctx, &connect.SearchUsersInput{
		InstanceId: aws.String(instanceID),
		MaxResults: aws.Int32(10),
		SearchCriteria: &types.UserSearchCriteria{StringCondition: &types.StringCondition{
			FieldName:      aws.String("Username"),
			Value:          aws.String(login),
			ComparisonType: types.StringComparisonTypeExact,
		}},
	})
	if err != nil {
		return "", false, fmt.Errorf("search user %q: %w", login, err)
	}
	// Only the exact name: user names are case-sensitive, and should the
	// search ignore case, another user's id would make this row created with
	// a password that user does not have.
	for _, u := range out.Users {
		if aws.ToString(u.Username) == login {
			return aws.ToString(u.Id), true, nil
		}
	}
	return "", false, nil
}

// fileColumns gives the header names of a file as the file spells them.
type fileColumns struct {
	f *agentfile.File
}

func columnNames(f *agentfile.File) fileColumns { return fileColumns{f: f} }

func (c fileColumns) name(col agentfile.Column) string { return c.f.ColumnName(col) }
