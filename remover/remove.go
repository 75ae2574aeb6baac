// Package remover deletes the agents a file names: their Connect users, the
// quick connects that point at them and, with --sso, their IAM Identity
// Center users, after a plan that says exactly what will go (docs/remove.md).
package remover

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

// ConnectRemoveAPI is the part of the Amazon Connect API that remove uses.
// *connect.Client satisfies it.
type ConnectRemoveAPI interface {
	importer.ConnectReader
	DescribeUser(ctx context.Context, in *connect.DescribeUserInput, optFns ...func(*connect.Options)) (*connect.DescribeUserOutput, error)
	DeleteUser(ctx context.Context, in *connect.DeleteUserInput, optFns ...func(*connect.Options)) (*connect.DeleteUserOutput, error)
	ListQuickConnects(ctx context.Context, in *connect.ListQuickConnectsInput, optFns ...func(*connect.Options)) (*connect.ListQuickConnectsOutput, error)
	DescribeQuickConnect(ctx context.Context, in *connect.DescribeQuickConnectInput, optFns ...func(*connect.Options)) (*connect.DescribeQuickConnectOutput, error)
	DeleteQuickConnect(ctx context.Context, in *connect.DeleteQuickConnectInput, optFns ...func(*connect.Options)) (*connect.DeleteQuickConnectOutput, error)
}

// IdentityStoreRemoveAPI is the part of the identity store API that remove
// uses. *identitystore.Client satisfies it.
type IdentityStoreRemoveAPI interface {
	GetUserId(ctx context.Context, in *identitystore.GetUserIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error)
	GetGroupId(ctx context.Context, in *identitystore.GetGroupIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error)
	GetGroupMembershipId(ctx context.Context, in *identitystore.GetGroupMembershipIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetGroupMembershipIdOutput, error)
	DeleteGroupMembership(ctx context.Context, in *identitystore.DeleteGroupMembershipInput, optFns ...func(*identitystore.Options)) (*identitystore.DeleteGroupMembershipOutput, error)
	ListGroupMembershipsForMember(ctx context.Context, in *identitystore.ListGroupMembershipsForMemberInput, optFns ...func(*identitystore.Options)) (*identitystore.ListGroupMembershipsForMemberOutput, error)
	DeleteUser(ctx context.Context, in *identitystore.DeleteUserInput, optFns ...func(*identitystore.Options)) (*identitystore.DeleteUserOutput, error)
}

// Config is one remove as the command line asks for it.
type Config struct {
	Input      string
	Out        string // "" means <input>-removed.csv
	InstanceID string
	Encoding   string // the input's encoding (agentfile.Encodings; "" is UTF-8)
	DryRun     bool
	Resume     bool
	Force      bool
	// AllowAdmin lets a real run delete users that hold the Admin
	// security profile (--allow-admin); without it such a run is refused.
	AllowAdmin bool

	// Confirm is asked, once the plan is made and before anything is
	// written or deleted, whether to delete n users; an error stops the
	// run with nothing changed. Nil: no question (--yes).
	Confirm func(ctx context.Context, n int) error

	// IdentityCenter: also take each user's Identity Center user out of
	// the group (--sso, --identity-store-id, --sso-group);
	// DeleteIdentityCenterUsers deletes that user too, unless it belongs to
	// other groups (--sso-delete-users).
	IdentityCenter            importer.IdentityCenterConfig
	DeleteIdentityCenterUsers bool

	// TrafficDistributionGroup (an id or ARN): each user is disassociated
	// from this Global Resiliency group before it is deleted
	// (--traffic-distribution-group); it must be ACTIVE.
	TrafficDistributionGroup string

	// LagBackoff is the waits before listing again the users the file
	// names and the listing lacks (nil: importer.DefaultLagBackoff; lag.go).
	LagBackoff []time.Duration

	Concurrency int // rows at once; 0: enough for the DeleteUser rate
	// Events hears the set-up, then each row's status, and takes the
	// notes (the command line shows them); nil: nothing is shown.
	Events importer.Events
}

// Result is what a remove did.
type Result struct {
	Instance importer.Instance
	// Halted says why the run stopped sending before the end (the endpoint
	// stopped answering), or "".
	Halted      string
	Counts      report.Counts
	ResultsPath string
	RetryPath   string
	RetryRows   int
	DryRun      bool
	Interrupted bool
	Elapsed     time.Duration
	// DeletePhase is how long the deletes took, from the first DeleteUser
	// to the last row's end; Deletes counts the DeleteUser calls that went
	// through.
	DeletePhase          time.Duration
	Deletes              int
	ConfiguredDeleteRate float64
	FinalDeleteRate      float64
	DeleteThrottles      int

	// QuickConnectsDeleted counts the quick connects deleted (a dry run:
	// that would be).
	QuickConnectsDeleted int
	MembershipsRemoved   int
	StoreUsersDeleted    int
	StoreUsersKept       int
	IdentityStoreID      string
	Group                string

	// Rates say where each API's rate came from (Service Quotas, the
	// documented default, --rate-scale).
	Rates *importer.Rates

	Outcomes []report.Outcome

	// ResultsErr: the results file could not be finished (a full disk,
	// say); it holds every row written before, the last row of each line
	// counting, and --resume goes on from it. RetryErr: the retry file
	// could not be written. Either way users may have been deleted.
	ResultsErr error
	RetryErr   error
}

// ErrNotConfirmed is returned when the confirmation was refused: nothing
// was changed.
var ErrNotConfirmed = errors.New("not confirmed: nothing was deleted")

// Paths gives the results and retry files of a remove.
func Paths(input, out string) (results, retry string) {
	stem := input
	if ext := filepath.Ext(input); ext != filepath.Base(input) {
		stem = strings.TrimSuffix(input, ext)
	}
	if out == "" {
		return stem + "-removed.csv", stem + "-remove-retry.csv"
	}
	ostem := strings.TrimSuffix(strings.TrimSuffix(out, filepath.Ext(out)), "-removed")
	return out, ostem + "-remove-retry.csv"
}

// quickConnectRef is one USER quick connect.
type quickConnectRef struct{ id, name string }

// removeTarget is what a row would delete.
type removeTarget struct {
	row        LoginRow
	slot       int // the row's index among the outcomes
	userID     string
	first      string
	last       string
	routing    string
	email      string   // the user's email, when described
	described  bool     // a DescribeUser of the planning gave the email
	alreadyOff bool     // an earlier run's DeleteUser went through; only the cleanup is left
	security   []string // the user's security profile ids (admin.go)
	admin      bool     // the user holds the Admin security profile
}

// sentMarker is in the error of a row whose DeleteUser was sent, for
// --resume to find.
const sentMarker = "DeleteUser sent"

// Remove deletes the Connect users a file names (and their USER quick
// connects, and with Identity Center their group membership and user). stop
// is the first Ctrl-C (no row starts), calls the second (calls in flight are
// abandoned).
func Remove(stop, calls context.Context, cfg Config, clients *importer.Clients) (*Result, error) {
	api, ok := clients.Connect.(ConnectRemoveAPI)
	if !ok {
		return nil, &importer.SetupError{Message: "this Connect client cannot delete users"}
	}
	r := &removeRun{stop: stop, calls: calls, cfg: cfg, clients: clients, api: api, start: time.Now(), ev: importer.EventsOf(cfg.Events)}
	r.resultsPath, r.retryPath = Paths(cfg.Input, cfg.Out)
	resolved, err := report.ResolveLink(r.resultsPath)
	if err != nil {
		return nil, &importer.SetupError{Message: err.Error(), Err: &importer.OutputError{Problem: importer.BadLink, Results: r.resultsPath, Remove: true, Err: err}}
	}
	r.resultsPath = resolved
	defer r.close()
	for _, stage := range []func() error{
		r.lockResults,       // the paths, then one run per results file
		r.readInput,         // the logins, and the instance
		r.loadPrevious,      // --resume: the earlier run's outcomes
		r.configureRates,    // Service Quotas: only once the run is known to belong here
		r.plan,              // the users the file names, as the instance has them
		r.listQuickConnects, // before anything is deleted, so a missing permission changes nothing
		r.checkTrafficGroup, // --traffic-distribution-group: ACTIVE, before any change
		r.planIdentityCenter,
		r.confirm,
		r.openResults,
	} {
		if err := stage(); err != nil {
			return nil, err
		}
	}
	// A results file that fails from here on stops the deletes; the run
	// still ends with its summary, which says so (Result.ResultsErr).
	r.res.ResultsErr = r.apply()
	return r.finish(), nil
}

// removeRun is one remove as it goes through its stages.
type removeRun struct {
	stop, calls context.Context
	cfg         Config
	clients     *importer.Clients
	api         ConnectRemoveAPI
	start       time.Time
	// replaceDryRun: the results file in the way holds only a dry run's rows.
	replaceDryRun bool

	resultsPath, retryPath string
	lock                   *report.Lock
	in                     *os.File
	f                      *LoginFile
	inst                   importer.Instance
	rates                  *importer.Rates
	prev                   map[int]report.Outcome
	res                    *Result
	outcomes               []report.Outcome
	targets                []*removeTarget
	quick                  *quickConnectIndex
	stopDescribing         context.CancelFunc
	ic                     *removeIdentityCenter
	trafficGroup           *importer.TrafficGroup
	log                    *report.Log
	remover                *remover
	// ev hears the set-up (until the prompt or the bar), then each row's
	// status, and takes the notes.
	ev importer.Events
}

func (r *removeRun) close() {
	r.ev.SetupDone()
	if r.log != nil {
		r.log.Close()
	}
	if r.stopDescribing != nil {
		r.stopDescribing()
	}
	if r.in != nil {
		r.in.Close()
	}
	if r.lock != nil {
		r.lock.Release()
	}
}

// interrupted turns a stage's error into ErrInterrupted when a Ctrl-C came
// first.
func (r *removeRun) interrupted(err error) error {
	if err != nil && r.stop.Err() != nil {
		return importer.ErrInterrupted
	}
	return err
}

// lockResults checks the paths and holds the results file for one run, as
// import does: two removes resuming one file would each settle the other's
// deletes.
func (r *removeRun) lockResults() error {
	if err := checkRemovePaths(r.cfg, r.resultsPath); err != nil {
		return err
	}
	if !r.cfg.Resume && !r.cfg.Force && importer.FileExists(r.resultsPath) {
		// checkRemovePaths let it through: it holds only a dry run's rows.
		r.replaceDryRun = true
		fmt.Fprintf(r.ev, "note: replacing %s: it holds only a dry run's rows (no outcome)\n", r.resultsPath)
	}
	lock, err := report.AcquireLock(r.resultsPath)
	if err != nil {
		return importer.LockError(err, r.resultsPath)
	}
	r.lock = lock
	if err := report.RemoveStaleTemps(r.resultsPath, r.retryPath); err != nil {
		return &importer.SetupError{Message: err.Error(), Err: &importer.UnwritableResults{Path: r.resultsPath, Err: err}}
	}
	return nil
}

func (r *removeRun) readInput() error {
	cfg := r.cfg
	in, err := os.Open(cfg.Input)
	if err != nil {
		return &importer.SetupError{Message: fmt.Sprintf("open %s: %v", cfg.Input, importer.UnwrapPath(err)), Err: err}
	}
	r.in = in
	if r.f, err = ReadLogins(r.stop, agentfile.Decode(in, cfg.Encoding)); err != nil {
		var fe *agentfile.FileError
		if errors.As(err, &fe) {
			return err
		}
		return &importer.SetupError{Message: fmt.Sprintf("cannot read %s: %v", cfg.Input, importer.UnwrapPath(err)), Err: err}
	}
	r.ev.Setup()
	// The instance first: a credentials problem is the first thing said.
	r.inst, err = importer.DescribeInstance(r.stop, r.api, cfg.InstanceID)
	if err != nil {
		return r.interrupted(importer.DescribeError(err, cfg.InstanceID, r.clients.Region, r.clients.Profile))
	}
	return nil
}

// configureRates asks Service Quotas for the rates (once per process). It
// follows loadPrevious, so that --resume on the wrong instance is refused
// with no call to AWS but DescribeInstance.
func (r *removeRun) configureRates() error {
	r.rates = r.clients.ConfiguredRates(r.stop, awsclient.KeysFor(RemoveUses(r.cfg)), r.ev)
	return nil
}

func (r *removeRun) loadPrevious() error {
	if !r.cfg.Resume || !importer.FileExists(r.resultsPath) {
		return nil
	}
	prev, err := report.Load(r.resultsPath)
	if err != nil {
		return &importer.SetupError{Message: err.Error(), Err: &importer.ResumeMismatch{Problem: importer.Unreadable, Path: r.resultsPath, Remove: true, Err: err}}
	}
	r.prev = prev
	return checkRemoveResumable(r.f, prev, r.inst, r.resultsPath)
}

func (r *removeRun) plan() error {
	snap, err := snapshotUsers(r.stop, r.api, r.inst.ID)
	if err != nil {
		return r.interrupted(&importer.SetupError{Message: "cannot list the instance's users: " + importer.ErrSummary(err),
			Err: &importer.CallError{Err: err, InstanceID: r.cfg.InstanceID, Region: r.clients.Region, Profile: r.clients.Profile}})
	}
	if err := r.recheckMissing(snap); err != nil {
		return r.interrupted(&importer.SetupError{Message: "cannot look up the users the listing lacks: " + importer.ErrSummary(err),
			Err: &importer.CallError{Err: err, InstanceID: r.cfg.InstanceID, Region: r.clients.Region, Profile: r.clients.Profile}})
	}
	r.res = &Result{Instance: r.inst, ResultsPath: r.resultsPath, DryRun: r.cfg.DryRun, Rates: r.rates}
	r.outcomes, r.targets = planRemove(r.f, snap, r.prev, r.inst)
	return r.guardAdmins()
}

// listQuickConnects lists the USER quick connects and describes a first one
// before anything is deleted, so that a missing permission stops the run
// while nothing is changed. The dry run needs every description; the real
// run describes the rest beside the deletes (a user's quick connects still
// name it once it is deleted), so that describing them one at a time does
// not hold the first DeleteUser back.
func (r *removeRun) listQuickConnects() error {
	if len(r.targets) == 0 {
		return nil
	}
	refs, err := listUserQuickConnects(r.stop, r.api, r.inst.ID)
	if err == nil {
		var describing context.Context
		describing, r.stopDescribing = context.WithCancel(r.calls)
		r.quick, err = startQuickConnectIndex(r.stop, describing, r.api, r.inst.ID, refs, !r.cfg.DryRun)
	}
	if err != nil {
		return r.interrupted(&importer.SetupError{Message: "cannot list the quick connects: " + importer.ErrSummary(err), Err: err,
			Hint: "the credentials need connect:ListQuickConnects and connect:DescribeQuickConnect"})
	}
	return nil
}

func (r *removeRun) planIdentityCenter() error {
	if !r.cfg.IdentityCenter.Enabled() {
		return nil
	}
	ic, err := planRemoveIdentityCenter(r.stop, r.clients, r.cfg)
	if err != nil {
		return r.interrupted(err)
	}
	r.ic = ic
	r.res.IdentityStoreID, r.res.Group = ic.storeID, ic.group
	return nil
}

func (r *removeRun) confirm() error {
	r.ev.SetupDone() // the prompt, or the bar, takes the line
	if r.cfg.DryRun || r.cfg.Confirm == nil || len(r.targets) == 0 {
		return nil
	}
	return r.cfg.Confirm(r.stop, len(r.targets))
}

func (r *removeRun) openResults() error {
	var err error
	if r.cfg.Resume && importer.FileExists(r.resultsPath) {
		r.log, _, err = report.Resume(r.resultsPath)
	} else {
		r.log, err = report.Create(r.resultsPath, r.cfg.Force || r.replaceDryRun)
	}
	if err != nil {
		return &importer.SetupError{Message: err.Error(), Err: importer.ResultsError(err, r.resultsPath, true)}
	}
	r.log.SetInstance(r.inst.ID)
	for i := range r.outcomes {
		if r.outcomes[i].Status != "" {
			if err := r.log.Append(r.outcomes[i]); err != nil {
				return fmt.Errorf("write results file: %w", err)
			}
		}
	}
	return nil
}

// apply deletes (or, in a dry run, describes what would go).
func (r *removeRun) apply() error {
	cfg, res, clients := r.cfg, r.res, r.clients
	if lim := clients.Limits; lim != nil {
		res.ConfiguredDeleteRate = lim.For("Connect.DeleteUser").Configured()
	}
	r.ev.Rows(len(r.outcomes))
	for _, o := range r.outcomes {
		if o.Status != "" {
			r.ev.Settled(o.Status)
		}
	}
	rm := &remover{api: r.api, inst: r.inst, log: r.log, ic: r.ic, quick: r.quick, limits: clients.Limits, deleteStoreUsers: cfg.DeleteIdentityCenterUsers,
		trafficGroup: r.trafficGroup,
		onOutcome:    func(o report.Outcome) { r.ev.Done(o.Status) }, endpoint: clients.Endpoint()}
	// The email comes from a DescribeUser beside each DeleteUser, unless
	// its rate is below DeleteUser's: then it would slow the run, and the
	// email column stays empty.
	rm.describeEmails = clients.Limits == nil ||
		clients.Limits.For("Connect.DescribeUser").Configured() >= clients.Limits.For("Connect.DeleteUser").Configured()
	r.remover = rm
	if cfg.DryRun {
		rm.dryRun(r.calls, r.targets, r.outcomes)
	} else {
		workers := cfg.Concurrency
		if workers <= 0 {
			workers = importer.AutoConcurrency(res.ConfiguredDeleteRate)
		}
		phase := time.Now()
		rm.run(r.stop, r.calls, workers, r.targets, r.outcomes)
		res.DeletePhase = time.Since(phase)
	}
	r.ev.Stop()
	return rm.logErr()
}

func (r *removeRun) finish() *Result {
	res, rm, outcomes := r.res, r.remover, r.outcomes
	if lim := r.clients.Limits; lim != nil {
		l := lim.For("Connect.DeleteUser")
		res.FinalDeleteRate, res.DeleteThrottles = l.Rate(), l.Throttles()
	}
	res.Deletes, res.QuickConnectsDeleted = rm.deletes, rm.quickDeleted
	res.MembershipsRemoved, res.StoreUsersDeleted, res.StoreUsersKept = rm.membershipsRemoved, rm.storeUsersDeleted, rm.storeUsersKept
	res.Interrupted = r.stop.Err() != nil && importer.CountStatus(outcomes, report.NotAttempted) > 0
	if !r.cfg.DryRun {
		res.Halted = rm.halted()
	}
	if res.ResultsErr == nil {
		if err := r.log.Finish(outcomes); err != nil {
			res.ResultsErr = fmt.Errorf("rewrite results file: %w", err)
		}
	}
	res.Counts = report.Count(outcomes)
	res.Outcomes = outcomes
	res.RetryErr = writeRemoveRetry(r.f, outcomes, r.retryPath, r.cfg.DryRun, res)
	res.Elapsed = time.Since(r.start)
	return res
}

func checkRemovePaths(cfg Config, resultsPath string) error {
	out := func(p importer.OutputProblem, msg, hint, suggest string) error {
		return &importer.SetupError{Message: msg, Hint: hint, Err: &importer.OutputError{Problem: p, Results: resultsPath, Remove: true, Suggest: suggest}}
	}
	switch {
	case cfg.DryRun && cfg.Resume:
		return out(importer.DryRunResume, "a dry run cannot resume a run", "a dry run deletes nothing", "")
	case importer.SamePath(cfg.Input, resultsPath):
		return out(importer.OutIsInput, fmt.Sprintf("results file %s is the input file", resultsPath), "give the results file another name", "")
	case importer.IsDir(resultsPath):
		suggest := filepath.Join(resultsPath, "agents-removed.csv")
		return out(importer.OutIsFolder, fmt.Sprintf("results file %s is a folder", resultsPath), "give the results file's name, such as "+suggest, suggest)
	case !importer.IsDir(filepath.Dir(resultsPath)):
		return out(importer.NoFolder, fmt.Sprintf("the folder of the results file %s does not exist", resultsPath), "create it", "")
	case importer.FileExists(resultsPath) && !cfg.Resume && !cfg.Force && !report.DryRunOnly(resultsPath):
		return &importer.SetupError{Message: fmt.Sprintf("results file %s already exists", resultsPath), Err: importer.InTheWay(resultsPath, cfg.DryRun, true)}
	}
	return nil
}

// checkRemoveResumable refuses a results file of another instance or of
// another version of the input.
func checkRemoveResumable(f *LoginFile, prev map[int]report.Outcome, inst importer.Instance, path string) error {
	byLine := map[int]string{}
	for _, r := range f.Rows {
		byLine[r.Line] = r.Login
	}
	for line, o := range prev {
		if o.Instance != "" && o.Instance != inst.ID {
			return &importer.SetupError{Message: fmt.Sprintf("results file %s belongs to instance %s, not %s", path, o.Instance, inst.ID),
				Err: &importer.ResumeMismatch{Problem: importer.OtherInstance, Path: path, Instance: inst.ID, Remove: true}}
		}
		if login, ok := byLine[line]; o.Status != report.Invalid && (!ok || strings.TrimSpace(login) != o.Login) {
			return &importer.SetupError{Message: fmt.Sprintf("results file %s does not match the input: its line %d is user %q, the input's is %q", path, line, o.Login, login),
				Err: &importer.ResumeMismatch{Problem: importer.OtherInput, Path: path, Remove: true}}
		}
	}
	return nil
}

// snapshotUser is what the listing gives of a user.
type snapshotUser struct {
	id, first, last, routing string
	email                    string // when described (the listing has none)
	described                bool
	security                 []string // security profile ids
}

// userSnapshot is the instance's users by exact user name, and by lower case.
type userSnapshot struct {
	exact    map[string]snapshotUser
	fold     map[string][]string
	profiles map[string]string // routing profile id → name
}

// snapshotUsers lists every user at page cost: SearchUsers gives 500 a
// page with names and routing profile; the routing profiles' names come
// from their own listing.
func snapshotUsers(ctx context.Context, api importer.ConnectReader, instanceID string) (*userSnapshot, error) {
	profiles := map[string]string{}
	rp := connect.NewListRoutingProfilesPaginator(api, &connect.ListRoutingProfilesInput{InstanceId: aws.String(instanceID), MaxResults: aws.Int32(importer.PageSize)})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list routing profiles: %w", err)
		}
		for _, p := range page.RoutingProfileSummaryList {
			profiles[aws.ToString(p.Id)] = aws.ToString(p.Name)
		}
	}
	s := &userSnapshot{exact: map[string]snapshotUser{}, fold: map[string][]string{}, profiles: profiles}
	err := importer.ScanUsers(ctx, api, instanceID, importer.FullUsers, nil, s.add, nil)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// add takes one user of the listing.
func (s *userSnapshot) add(u *importer.UserSnapshot) {
	su := snapshotUser{id: u.ID, first: u.FirstName, last: u.LastName, email: u.Email, routing: s.profiles[u.RoutingProfileID],
		security: u.SecurityProfileIDs}
	if su.routing == "" {
		su.routing = u.RoutingProfileID
	}
	k := strings.ToLower(u.Username)
	if _, seen := s.exact[u.Username]; !seen {
		s.fold[k] = append(s.fold[k], u.Username)
	}
	s.exact[u.Username] = su
}

// listUserQuickConnects lists the USER quick connects.
func listUserQuickConnects(ctx context.Context, api ConnectRemoveAPI, instanceID string) ([]quickConnectRef, error) {
	var refs []quickConnectRef
	p := connect.NewListQuickConnectsPaginator(api, &connect.ListQuickConnectsInput{InstanceId: aws.String(instanceID),
		MaxResults: aws.Int32(importer.PageSize), QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeUser}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list quick connects: %w", err)
		}
		for _, q := range page.QuickConnectSummaryList {
			refs = append(refs, quickConnectRef{id: aws.ToString(q.Id), name: aws.ToString(q.Name)})
		}
	}
	return refs, nil
}

// quickConnectIndex is the USER quick connects by the user each points at:
// the listing does not say, so each is described (docs/aws.md §7).
type quickConnectIndex struct {
	done   chan struct{}
	byUser map[string][]quickConnectRef
	err    error
}

// startQuickConnectIndex describes the first quick connect at once (so
// that a refusal is seen before anything is deleted), and the rest at
// once too, or in the background when background is set.
func startQuickConnectIndex(stop, calls context.Context, api ConnectRemoveAPI, instanceID string, refs []quickConnectRef, background bool) (*quickConnectIndex, error) {
	x := &quickConnectIndex{done: make(chan struct{}), byUser: map[string][]quickConnectRef{}}
	if len(refs) == 0 {
		close(x.done)
		return x, nil
	}
	if err := x.describe(stop, api, instanceID, refs[:1]); err != nil {
		return nil, err
	}
	rest := func(ctx context.Context) {
		defer close(x.done)
		x.err = x.describe(ctx, api, instanceID, refs[1:])
		for _, l := range x.byUser {
			slices.SortFunc(l, func(a, b quickConnectRef) int { return strings.Compare(a.name, b.name) })
		}
	}
	if !background {
		rest(stop)
		return x, x.err
	}
	go rest(calls)
	return x, nil
}

// of waits for the index and gives a user's quick connects.
func (x *quickConnectIndex) of(ctx context.Context, userID string) ([]quickConnectRef, error) {
	if x == nil {
		return nil, nil
	}
	select {
	case <-x.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if x.err != nil {
		return nil, x.err
	}
	return x.byUser[userID], nil
}

func (x *quickConnectIndex) describe(ctx context.Context, api ConnectRemoveAPI, instanceID string, refs []quickConnectRef) error {
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, importer.DefaultConcurrency)
	for _, q := range refs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, err := api.DescribeQuickConnect(ctx, &connect.DescribeQuickConnectInput{InstanceId: aws.String(instanceID), QuickConnectId: aws.String(q.id)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case awsclient.Classify(err) == awsclient.NotFound:
				// Deleted since the listing.
			case err != nil:
				if firstErr == nil {
					firstErr = fmt.Errorf("describe quick connect %q: %w", q.name, err)
				}
			case out.QuickConnect != nil && out.QuickConnect.QuickConnectConfig != nil && out.QuickConnect.QuickConnectConfig.UserConfig != nil:
				uid := aws.ToString(out.QuickConnect.QuickConnectConfig.UserConfig.UserId)
				x.byUser[uid] = append(x.byUser[uid], q)
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// planRemove decides each row from the listing: a user to delete, absent,
// or invalid (blank, a second row for one login, or a login that matches a
// user only when case is ignored, which is never deleted). A row an
// earlier run finished stays as it was.
func planRemove(f *LoginFile, snap *userSnapshot, prev map[int]report.Outcome, inst importer.Instance) ([]report.Outcome, []*removeTarget) {
	outcomes := make([]report.Outcome, len(f.Rows))
	var targets []*removeTarget
	seen := map[string]int{}
	for i, row := range f.Rows {
		o := report.Outcome{Line: row.Line, Login: row.Login, Instance: inst.ID}
		p, hasPrev := prev[row.Line]
		if hasPrev && p.Status.Done() {
			outcomes[i] = p
			continue
		}
		login := strings.TrimSpace(row.Login)
		if first, dup := seen[login]; dup && login != "" {
			o.Status, o.Error = report.Invalid, fmt.Sprintf("user login: %q is also on line %d, which removes that user", login, first)
			outcomes[i] = o
			continue
		}
		seen[login] = row.Line
		u, found := snap.exact[login]
		switch {
		case login == "":
			o.Status, o.Error = report.Invalid, "user login: blank (give the login of the user to remove)"
		case found:
			targets = append(targets, &removeTarget{row: row, slot: i, userID: u.id, first: u.first, last: u.last, routing: u.routing,
				email: u.email, described: u.described, security: u.security})
			continue
		case hasPrev && p.ConnectUserID != "" && strings.Contains(p.Error, sentMarker):
			// An earlier run's DeleteUser went through: what was left of
			// the row (quick connects, Identity Center) is done now.
			targets = append(targets, &removeTarget{row: row, slot: i, userID: p.ConnectUserID, first: p.FirstName, last: p.LastName,
				routing: p.RoutingProfile, alreadyOff: true})
			continue
		case len(snap.fold[strings.ToLower(login)]) > 0:
			names := snap.fold[strings.ToLower(login)]
			o.Status = report.Invalid
			o.Error = fmt.Sprintf("user login: no user %q; the instance has %s, which differs only in case: logins are case-sensitive, "+
				"so nothing was deleted (hint: to remove that user, write its login exactly: %s)", login, importer.QuoteAll(names), importer.QuoteAll(names))
		default:
			o.Status = report.Absent
			o.Changes = "no such user"
		}
		outcomes[i] = o
	}
	return outcomes, targets
}

func writeRemoveRetry(f *LoginFile, outcomes []report.Outcome, retryPath string, dryRun bool, res *Result) error {
	var retry [][]string
	for i, o := range outcomes {
		if o.Status.NeedsRetry() {
			retry = append(retry, f.Rows[i].Record)
		}
	}
	if len(retry) > 0 {
		if err := report.WriteRetry(retryPath, f.Header, retry, true); err != nil {
			return fmt.Errorf("write retry file: %w", err)
		}
		res.RetryPath, res.RetryRows = retryPath, len(retry)
		return nil
	}
	if !dryRun {
		if err := os.Remove(retryPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the stale retry file: %w", err)
		}
	}
	return nil
}
