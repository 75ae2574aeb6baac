package importer

// A sync makes a part of the instance (its scope) match a roster file: the
// users the file names are created or updated as import --update does, and
// the users of the scope the file does not name are deleted as remove does,
// last, and only when every create and update is done (docs/sync.md).

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// DefaultMaxDeletes is how many users a sync deletes at most unless told
// otherwise (--max-deletes).
const DefaultMaxDeletes = 10

// SyncScope is the part of the instance a sync owns; the zero scope is the
// whole instance. Every part given must hold.
type SyncScope struct {
	Hierarchy      []string          // a hierarchy group's path from the top: it and every group below
	RoutingProfile string            // a routing profile's name
	Tags           map[string]string // tags the user holds
}

// IsZero says whether the scope is the whole instance.
func (s SyncScope) IsZero() bool {
	return len(s.Hierarchy) == 0 && s.RoutingProfile == "" && len(s.Tags) == 0
}

// String names the scope as the flags give it, to follow "the".
func (s SyncScope) String() string {
	if s.IsZero() {
		return "whole instance"
	}
	var parts []string
	if len(s.Hierarchy) > 0 {
		parts = append(parts, fmt.Sprintf("hierarchy %q and below", strings.Join(s.Hierarchy, "|")))
	}
	if s.RoutingProfile != "" {
		parts = append(parts, fmt.Sprintf("routing profile %q", s.RoutingProfile))
	}
	for _, k := range s.tagKeys() {
		parts = append(parts, fmt.Sprintf("tag %s=%s", k, s.Tags[k]))
	}
	return "scope " + strings.Join(parts, ", ")
}

// tagKeys are the scope's tag keys, sorted.
func (s SyncScope) tagKeys() []string {
	keys := slices.Collect(maps.Keys(s.Tags))
	sort.Strings(keys)
	return keys
}

// SyncConfig is one sync as the command line asks for it.
type SyncConfig struct {
	// Import is the creates and updates: the file, the results file, the
	// instance, the flags import shares (Update is always set).
	Import Config
	Scope  SyncScope
	// Keep names logins never deleted (--keep); users holding the Admin
	// security profile are never deleted either.
	Keep []string
	// MaxDeletes: a run that would delete more users is refused before
	// anything is changed (a dry run warns).
	MaxDeletes                int
	DeleteIdentityCenterUsers bool
	// Confirm is asked, after the guards and before the first change,
	// whether to delete n users; an error stops the run with nothing
	// changed. Nil: no question (--yes). Not asked when nothing is deleted.
	Confirm func(ctx context.Context, n int) error
	// Apply is a dry run's results file (--apply PLAN): the creates and
	// updates it lists, and the deletes of the plan's own deletes and
	// removed files (SyncPaths of PLAN), exactly; a row whose user changed
	// since is "stale".
	Apply string
}

// SyncResult is what a sync did: the creates and updates (Import) and the
// deletes (Remove, nil when the scope had nothing to delete or keep).
type SyncResult struct {
	Import *Result
	Remove *RemoveResult
	// DeletesPath is the list of the logins the sync deletes or keeps
	// (the plan of its deletes, which --resume goes on from).
	DeletesPath string
	Deletes     int // users planned for deletion
	Kept        int // users of the scope the file does not name that the guards keep
	// Held says why no delete was attempted ("" when they were).
	Held string
	// Warnings are what a real run would refuse (a dry run goes on).
	Warnings []string
}

// SyncPaths gives a sync's files: the results of the creates and updates
// (as import's), the list of the deletes, and the results of the deletes
// (as remove's).
func SyncPaths(input, out string) (results, deletes, removed string) {
	results, _ = OutputPaths(input, out)
	stem := strings.TrimSuffix(results, filepath.Ext(results))
	stem = strings.TrimSuffix(stem, "-results")
	return results, stem + "-deletes.csv", stem + "-removed.csv"
}

type syncRun struct {
	cfg     SyncConfig
	clients *Clients

	resultsPath, deletesPath, removedPath string
	// planDeletes, planRemoved: the plan's files (--apply), or "".
	planDeletes, planRemoved string

	// planned: the lines the plan creates (lagged).
	planned  map[int]bool
	deletes  []*UserSnapshot   // scope users the file does not name, to delete
	kept     map[string]string // login → why it is kept
	warnings []string
}

// Sync runs a sync: the creates and updates with the guards checked
// before the first change, then the deletes.
func Sync(stop, calls context.Context, cfg SyncConfig, clients *Clients) (*SyncResult, error) {
	s := &syncRun{cfg: cfg, clients: clients, kept: map[string]string{}}
	s.resultsPath, s.deletesPath, s.removedPath = SyncPaths(cfg.Import.Input, cfg.Import.Out)
	icfg := cfg.Import
	icfg.Update = true
	icfg.Guard = s.guard
	icfg.Apply = cfg.Apply
	res, err := Import(stop, calls, icfg, clients)
	if err != nil {
		return nil, err
	}
	out := &SyncResult{Import: res, DeletesPath: s.deletesPath, Deletes: len(s.deletes), Kept: len(s.kept), Warnings: s.warnings}
	out.Held = holdReason(res)
	if n := s.lagged(res); out.Held == "" && n > 0 {
		out.Held = fmt.Sprintf("not deleted: the instance's listing is behind (%s that it did not show exist already), "+
			"so the users of the scope it lacks, which may include some to delete, are unknown: run the sync again once it has caught up, "+
			"in a minute", report.Plural(n, "user"))
	}
	if len(s.deletes)+len(s.kept) == 0 {
		return out, nil
	}
	if stop.Err() != nil {
		return out, nil // interrupted: --resume goes on from the deletes file
	}
	rcfg := RemoveConfig{
		Input: s.deletesPath, Out: s.removedPath, InstanceID: cfg.Import.InstanceID,
		DryRun: cfg.Import.DryRun, Resume: cfg.Import.Resume, Force: cfg.Import.Force,
		IdentityCenter: cfg.Import.IdentityCenter, DeleteIdentityCenterUsers: cfg.DeleteIdentityCenterUsers,
		TrafficDistributionGroup: cfg.Import.TrafficDistributionGroup,
		Kept:                     s.kept, Hold: out.Held, LagBackoff: cfg.Import.LagBackoff, Apply: s.planRemoved,
		Events: cfg.Import.Events,
	}
	if out.Remove, err = Remove(stop, calls, rcfg, clients); err != nil {
		return out, fmt.Errorf("the creates and updates are done (%s); the deletes could not start: %w", s.resultsPath, err)
	}
	return out, nil
}

// holdReason says why the deletes must not run: a create or an update
// did not complete.
func holdReason(res *Result) string {
	n := res.Counts[report.Failed] + res.Counts[report.NotAttempted]
	switch {
	case res.Interrupted:
		return "not deleted: the sync was interrupted before its deletes (--resume goes on)"
	case res.Halted != "":
		return "not deleted: the creates and updates stopped (" + res.Halted + "); a sync deletes only once they are all done"
	case res.ResultsErr != nil:
		return "not deleted: the results file of the creates and updates could not be finished; a sync deletes only once they are all done"
	case n > 0:
		return fmt.Sprintf("not deleted: %s of the file did not complete (see %s); a sync deletes only once every create and update is done: "+
			"fix them and run the sync again", report.Plural(n, "row"), res.ResultsPath)
	}
	return ""
}

// guard is called by the import once its plan is made and before anything
// is changed: the scope (rows outside it become invalid), the deletes and
// every guard on them.
func (s *syncRun) guard(ctx context.Context, f *agentfile.File, plan *Plan) error {
	cfg := s.cfg
	input := cfg.Import.Input
	if len(plan.Rows) == 0 {
		return &SetupError{Message: fmt.Sprintf("%s has no data rows: syncing it would delete every user of the %s; nothing was changed", input, cfg.Scope),
			Hint: "check that the roster was exported whole; to delete users on purpose, list them for bulkagents remove"}
	}
	api := s.clients.Connect
	where, err := s.scopeWhere(ctx, api, plan.Instance.ID)
	if err != nil {
		return err
	}
	scope := map[string]*UserSnapshot{}
	var order []string
	err = ScanUsersMatching(ctx, api, plan.Instance.ID, where, nil, func(u *UserSnapshot) {
		if _, dup := scope[u.Username]; !dup {
			order = append(order, u.Username)
		}
		scope[u.Username] = u
	}, nil)
	if err != nil {
		return &SetupError{Message: "cannot list the users of the " + cfg.Scope.String() + ": " + ErrSummary(err), Err: &CallError{Err: err, InstanceID: cfg.Import.InstanceID, Region: s.clients.Region, Profile: s.clients.Profile}}
	}
	s.planned = map[int]bool{}
	named, fold := map[string]bool{}, map[string]bool{}
	exists := false
	for i := range plan.Rows {
		pr := &plan.Rows[i]
		login := strings.TrimSpace(f.Login(pr.Row))
		named[login], fold[strings.ToLower(login)] = true, true
		if pr.Action == ActionCreate {
			s.planned[pr.Row.Line] = true
		}
		if pr.Action == ActionExists || pr.Action == ActionUpdate || scope[login] != nil {
			exists = true
		}
		if msg := s.outOfScope(pr, scope[login]); msg != "" {
			pr.Action = ActionInvalid
			pr.Problems = append([]agentfile.Problem{{Line: pr.Row.Line, Column: f.ColumnName(agentfile.ColLogin), Value: login, Message: msg}}, pr.Problems...)
		}
	}
	adminID, err := adminProfileID(ctx, api, plan.Instance.ID)
	if err != nil {
		return &SetupError{Message: "cannot tell which users hold the Admin security profile: " + ErrSummary(err), Err: err,
			Hint: "the credentials need connect:ListSecurityProfiles"}
	}
	keep := map[string]bool{}
	for _, k := range cfg.Keep {
		keep[strings.TrimSpace(k)] = true
	}
	sort.Strings(order)
	if cfg.Apply != "" {
		if err := s.plannedDeletes(scope); err != nil {
			return err
		}
		if err := s.checkDeletes(ctx, input, exists, plan); err != nil {
			return err
		}
		return s.copyPlannedDeletes()
	}
	for _, login := range order {
		u := scope[login]
		switch {
		case named[login] || fold[strings.ToLower(login)]:
			// named (a login that differs only in case is the import's problem, never a delete)
		case adminID != "" && slices.Contains(u.SecurityProfileIDs, adminID):
			s.kept[login] = "holds the " + adminProfile + " security profile: a sync never deletes it"
		case keep[login]:
			s.kept[login] = "named by --keep: a sync never deletes it"
		default:
			s.deletes = append(s.deletes, u)
		}
	}
	if err := s.checkDeletes(ctx, input, exists, plan); err != nil {
		return err
	}
	return s.writeDeletes(ctx, order)
}

// checkDeletes refuses deletes that look like a mistake, and asks.
func (s *syncRun) checkDeletes(ctx context.Context, input string, exists bool, plan *Plan) error {
	cfg, n := s.cfg, len(s.deletes)
	if cfg.Import.Resume && FileExists(s.deletesPath) {
		return nil // the interrupted run checked and was confirmed; its deletes file is the plan
	}
	var refusals []*SetupError
	if !exists && n > 0 {
		refusals = append(refusals, &SetupError{
			Message: fmt.Sprintf("none of the %s of %s exists in instance %s, and syncing it would delete the %s of the %s: "+
				"is the file the roster of another instance? nothing was changed", report.Plural(len(plan.Rows), "user"), input, plan.Instance.ID,
				report.Plural(n, "user"), cfg.Scope),
			Hint: "check --instance-id (and --profile, --region) against the file; to add its users without deleting anyone, run bulkagents import " + input,
		})
	}
	if n > cfg.MaxDeletes {
		refusals = append(refusals, &SetupError{
			Message: fmt.Sprintf("syncing %s would delete %s of the %s, more than --max-deletes %d; nothing was changed",
				input, report.Plural(n, "user"), cfg.Scope, cfg.MaxDeletes),
			Hint: fmt.Sprintf("run it with --dry-run and read the would-delete rows of %s; if they are right, give --max-deletes %d "+
				"(or --keep the logins to keep)", s.removedPath, n),
		})
	}
	if cfg.Import.DryRun {
		for _, r := range refusals {
			s.warnings = append(s.warnings, "a real run would refuse: "+strings.TrimSuffix(r.Message, "; nothing was changed"))
			fmt.Fprintf(EventsOf(cfg.Import.Events), "warning: a real run would refuse: %s\n", strings.TrimSuffix(r.Message, "; nothing was changed"))
		}
		return nil
	}
	if len(refusals) > 0 {
		return refusals[0]
	}
	if n > 0 && cfg.Confirm != nil {
		return cfg.Confirm(ctx, n)
	}
	return nil
}

// writeDeletes writes the list of the logins to delete and to keep, the
// input of the deletes (remove's, line by line). A resumed run goes on
// from the interrupted run's list.
func (s *syncRun) writeDeletes(ctx context.Context, order []string) error {
	if s.cfg.Import.Resume && FileExists(s.deletesPath) {
		return s.readDeletes(ctx)
	}
	if len(s.deletes)+len(s.kept) == 0 {
		return nil
	}
	var records [][]string
	for _, u := range s.deletes {
		records = append(records, []string{u.Username, u.ID})
	}
	for _, login := range order {
		if _, ok := s.kept[login]; ok {
			records = append(records, []string{login, ""})
		}
	}
	if err := report.WriteRetry(s.deletesPath, []string{"user login", "connect user id"}, records, true); err != nil {
		return &SetupError{Message: "cannot write the list of the deletes: " + err.Error(), Err: err,
			Hint: "free space or permissions in " + filepath.Dir(s.deletesPath)}
	}
	return nil
}

// readDeletes takes the interrupted run's list of deletes as the plan.
func (s *syncRun) readDeletes(ctx context.Context) error {
	in, err := os.Open(s.deletesPath)
	if err != nil {
		return &SetupError{Message: fmt.Sprintf("open %s: %v", s.deletesPath, UnwrapPath(err)), Err: err}
	}
	defer in.Close()
	lf, err := agentfile.ReadLogins(ctx, in)
	if err != nil {
		return &SetupError{Message: fmt.Sprintf("cannot read %s: %v", s.deletesPath, err), Err: err,
			Hint: "resume with the files the interrupted sync wrote, or run it again without --resume"}
	}
	s.deletes = s.deletes[:0]
	for _, r := range lf.Rows {
		login := strings.TrimSpace(r.Login)
		if _, kept := s.kept[login]; !kept {
			s.deletes = append(s.deletes, &UserSnapshot{Username: login, ID: r.UserID})
		}
	}
	return nil
}

// scopeWhere turns the scope into SearchUsers' criteria and filter, as
// export's --where does (export_select.go: the hierarchy group with its
// child groups, the routing profile's id, the tags as a TagFilter).
func (s *syncRun) scopeWhere(ctx context.Context, api ConnectReader, instanceID string) (*UserSearch, error) {
	sc := s.cfg.Scope
	if sc.IsZero() {
		return nil, nil
	}
	r := &whereResolver{groups: func(ctx context.Context) (*hierarchyIndex, error) { return newHierarchyIndex(ctx, api, instanceID) }}
	var wheres []Where
	if len(sc.Hierarchy) > 0 {
		wheres = append(wheres, Where{Column: agentfile.ColHierarchy, Value: strings.Join(sc.Hierarchy, "|"), Flag: "--scope-hierarchy"})
	}
	if sc.RoutingProfile != "" {
		var err error
		if r.routing, err = listRoutingProfiles(ctx, api, instanceID); err != nil {
			return nil, s.scopeError(err)
		}
		wheres = append(wheres, Where{Column: agentfile.ColRoutingProfile, Value: sc.RoutingProfile, Flag: "--scope-routing-profile"})
	}
	for _, k := range sc.tagKeys() {
		wheres = append(wheres, Where{Column: agentfile.ColTags, Value: k + "|" + sc.Tags[k], Flag: "--scope-tag"})
	}
	search, err := r.searchFor(ctx, wheres)
	var se *SetupError
	if err != nil && !errors.As(err, &se) {
		return nil, s.scopeError(err)
	}
	return search, err
}

func (s *syncRun) scopeError(err error) error {
	return &SetupError{Message: "cannot read the " + s.cfg.Scope.String() + ": " + ErrSummary(err), Err: &CallError{Err: err, InstanceID: s.cfg.Import.InstanceID, Region: s.clients.Region, Profile: s.clients.Profile}}
}

// outOfScope says why a row of the file is outside the scope ("" when it
// is not): a user that exists elsewhere in the instance, or a row whose
// routing profile, hierarchy or tags would put its user outside.
func (s *syncRun) outOfScope(pr *PlannedRow, inScope *UserSnapshot) string {
	sc := s.cfg.Scope
	if sc.IsZero() || pr.Action == ActionInvalid {
		return ""
	}
	outside := func(what string) string {
		return fmt.Sprintf("%s, outside the %s: a sync of that scope does not touch it (hint: take the row out of the file, or sync a scope that holds it)", what, sc)
	}
	existing := pr.Action == ActionExists || pr.Action == ActionUpdate
	if existing && inScope == nil {
		return outside("the user exists in the instance")
	}
	a := pr.Agent
	if a == nil {
		return ""
	}
	if sc.RoutingProfile != "" && a.RoutingProfile != "" && a.RoutingProfile != sc.RoutingProfile {
		return outside(fmt.Sprintf("the row's routing profile is %q", a.RoutingProfile))
	}
	if len(sc.Hierarchy) > 0 {
		switch {
		case len(a.Hierarchy) == 0 && !existing:
			return outside("the row has no agent hierarchy")
		case len(a.Hierarchy) > 0 && !hierarchyUnder(a.Hierarchy, sc.Hierarchy):
			return outside(fmt.Sprintf("the row's agent hierarchy is %q", strings.Join(a.Hierarchy, "|")))
		}
	}
	for k, v := range sc.Tags {
		got, has := a.Tags[k]
		switch {
		case has && got != v:
			return outside(fmt.Sprintf("the row's tag %s is %q", k, got))
		case !has && (!existing || len(a.Tags) > 0):
			return outside(fmt.Sprintf("the row has no tag %s=%s", k, v))
		}
	}
	return ""
}

// hierarchyUnder says whether path is the group top or one below it.
func hierarchyUnder(path, top []string) bool {
	if len(path) < len(top) {
		return false
	}
	for i := range top {
		if nameKey(path[i]) != nameKey(top[i]) {
			return false
		}
	}
	return true
}

// adminProfileID is the id of the instance's Admin security profile, ""
// when it has none.
func adminProfileID(ctx context.Context, api ConnectReader, instanceID string) (string, error) {
	p := connect.NewListSecurityProfilesPaginator(api, &connect.ListSecurityProfilesInput{
		InstanceId: aws.String(instanceID), MaxResults: aws.Int32(PageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list security profiles: %w", err)
		}
		for _, sp := range page.SecurityProfileSummaryList {
			if aws.ToString(sp.Name) == adminProfile {
				return aws.ToString(sp.Id), nil
			}
		}
	}
	return "", nil
}

// plannedDeletes takes the deletes and the kept logins of the plan
// (--apply): its removed file's would-delete and kept rows, and nothing
// the listing shows beside them.
func (s *syncRun) plannedDeletes(scope map[string]*UserSnapshot) error {
	_, deletes, removed := SyncPaths(s.cfg.Import.Input, s.cfg.Apply)
	if !FileExists(removed) {
		return nil // the plan deletes nothing
	}
	rows, err := report.Load(removed)
	if err != nil {
		return &SetupError{Message: "--apply: the plan's deletes: " + err.Error(), Err: err,
			Hint: "keep the files the dry run wrote beside the plan (" + filepath.Base(deletes) + ", " + filepath.Base(removed) + ")"}
	}
	if !FileExists(deletes) {
		return &SetupError{Message: fmt.Sprintf("--apply: %s is missing: it is the list the plan's deletes (%s) were made from", deletes, removed),
			Hint: "make the plan again with --dry-run"}
	}
	s.planDeletes, s.planRemoved = deletes, removed
	lines := make([]int, 0, len(rows))
	for line := range rows {
		lines = append(lines, line)
	}
	sort.Ints(lines)
	for _, line := range lines {
		o := rows[line]
		login := strings.TrimSpace(o.Login)
		switch o.Status {
		case report.Kept:
			s.kept[login] = o.Changes
		case report.WouldDelete:
			u := scope[login]
			if u == nil {
				u = &UserSnapshot{Username: login, ID: o.ConnectUserID}
			}
			s.deletes = append(s.deletes, u)
		}
	}
	return nil
}

// copyPlannedDeletes makes the plan's list of deletes this run's, line for
// line, so that the plan's rows and this run's match by line.
func (s *syncRun) copyPlannedDeletes() error {
	if s.planDeletes == "" || SamePath(s.planDeletes, s.deletesPath) {
		return nil
	}
	data, err := os.ReadFile(s.planDeletes)
	if err == nil {
		err = os.WriteFile(s.deletesPath, data, 0o600)
	}
	if err != nil {
		return &SetupError{Message: "--apply: cannot copy the plan's list of deletes: " + err.Error(), Err: err}
	}
	return nil
}

// lagged counts the planned creates whose user existed (CreateUser's
// duplicate): the listings, the scope's too, were behind.
func (s *syncRun) lagged(res *Result) int {
	n := 0
	for _, o := range res.Outcomes {
		if s.planned[o.Line] && (o.Status == report.Exists || o.Status == report.Updated) {
			n++
		}
	}
	return n
}
