package importer

// A remove deletes the agents a file names: their Connect users, the quick
// connects that point at them and, with --sso, their IAM Identity Center
// users, after a plan that says exactly what will go (docs/remove.md).

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
	"golang.org/x/sync/errgroup"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// ConnectRemoveAPI is the part of the Amazon Connect API that remove uses.
// *connect.Client satisfies it.
type ConnectRemoveAPI interface {
	ConnectReader
	DescribeUser(ctx context.Context, in *connect.DescribeUserInput, optFns ...func(*connect.Options)) (*connect.DescribeUserOutput, error)
	DeleteUser(ctx context.Context, in *connect.DeleteUserInput, optFns ...func(*connect.Options)) (*connect.DeleteUserOutput, error)
	ListQuickConnects(ctx context.Context, in *connect.ListQuickConnectsInput, optFns ...func(*connect.Options)) (*connect.ListQuickConnectsOutput, error)
	DescribeQuickConnect(ctx context.Context, in *connect.DescribeQuickConnectInput, optFns ...func(*connect.Options)) (*connect.DescribeQuickConnectOutput, error)
	DeleteQuickConnect(ctx context.Context, in *connect.DeleteQuickConnectInput, optFns ...func(*connect.Options)) (*connect.DeleteQuickConnectOutput, error)
}

// RemoveConfig is one remove as the command line asks for it.
type RemoveConfig struct {
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
	IdentityCenter            IdentityCenterConfig
	DeleteIdentityCenterUsers bool

	// TrafficDistributionGroup (an id or ARN): each user is disassociated
	// from this Global Resiliency group before it is deleted
	// (--traffic-distribution-group); it must be ACTIVE.
	TrafficDistributionGroup string

	// LagBackoff is the waits before listing again the users the file
	// names and the listing lacks (nil: DefaultLagBackoff; lag.go).
	LagBackoff []time.Duration

	Concurrency int // rows at once; 0: enough for the DeleteUser rate
	// Events hears the set-up, then each row's status, and takes the
	// notes (the command line shows them); nil: nothing is shown.
	Events Events
}

// RemoveResult is what a remove did.
type RemoveResult struct {
	Instance Instance
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
	Rates *Rates

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
func RemovePaths(input, out string) (results, retry string) {
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

// DeleteTarget is the user a planned delete removes, as the listing (or
// the results file of the run resumed) showed it.
type DeleteTarget struct {
	Login, UserID, FirstName, LastName, RoutingProfile string
	Email                                              string   // the user's email, when described
	Described                                          bool     // a DescribeUser of the planning gave the email
	Security                                           []string // the user's security profile ids (remove_admin.go)
	Admin                                              bool     // the user holds the Admin security profile
	// AlreadyDeleted: an earlier run's DeleteUser went through; only the
	// cleanup is left.
	AlreadyDeleted bool
}

// outcome is the row's outcome before anything is done.
func (t *DeleteTarget) outcome(line int, inst Instance) report.Outcome {
	return report.Outcome{Line: line, Login: t.Login, FirstName: t.FirstName, LastName: t.LastName, Email: t.Email,
		RoutingProfile: t.RoutingProfile, ConnectUserID: t.UserID, Instance: inst.ID}
}

// sentMarker is in the error of a row whose DeleteUser was sent, for
// --resume to find.
const sentMarker = "DeleteUser sent"

// Remove deletes the Connect users a file names (and their USER quick
// connects, and with Identity Center their group membership and user). stop
// is the first Ctrl-C (no row starts), calls the second (calls in flight are
// abandoned).
func Remove(stop, calls context.Context, cfg RemoveConfig, clients *Clients) (*RemoveResult, error) {
	api, ok := clients.Connect.(ConnectRemoveAPI)
	if !ok {
		return nil, &SetupError{Message: "this Connect client cannot delete users"}
	}
	r := &removeRun{stop: stop, calls: calls, cfg: cfg, clients: clients, api: api, start: time.Now(), ev: EventsOf(cfg.Events)}
	r.resultsPath, r.retryPath = RemovePaths(cfg.Input, cfg.Out)
	resolved, err := report.ResolveLink(r.resultsPath)
	if err != nil {
		return nil, &SetupError{Message: err.Error(), Err: &OutputError{Problem: BadLink, Results: r.resultsPath, Remove: true, Err: err}}
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
	// still ends with its summary, which says so (RemoveResult.ResultsErr).
	r.res.ResultsErr = r.apply()
	return r.finish(), nil
}

// removeRun is one remove as it goes through its stages.
type removeRun struct {
	stop, calls context.Context
	cfg         RemoveConfig
	clients     *Clients
	api         ConnectRemoveAPI
	start       time.Time
	// replaceDryRun: the results file in the way holds only a dry run's rows.
	replaceDryRun bool

	resultsPath, retryPath string
	lock                   *report.Lock
	in                     *os.File
	f                      *agentfile.LoginFile
	inst                   Instance
	rates                  *Rates
	prev                   map[int]report.Outcome
	res                    *RemoveResult
	outcomes               []report.Outcome
	rows                   []PlannedRow // the plan: one row per data row
	jobs                   []Job        // the rows to delete
	jobIndex               []int        // each job's row
	quick                  *quickConnectIndex
	stopDescribing         context.CancelFunc
	ic                     *IdentityCenter
	trafficGroup           *TrafficGroup
	log                    *report.Log
	removal                *removal
	// ev hears the set-up (until the prompt or the bar), then each row's
	// status, and takes the notes.
	ev Events
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
		return ErrInterrupted
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
	if !r.cfg.Resume && !r.cfg.Force && FileExists(r.resultsPath) {
		// checkRemovePaths let it through: it holds only a dry run's rows.
		r.replaceDryRun = true
		fmt.Fprintf(r.ev, "note: replacing %s: it holds only a dry run's rows (no outcome)\n", r.resultsPath)
	}
	lock, err := lockResults(r.resultsPath, r.retryPath)
	r.lock = lock
	return err
}

func (r *removeRun) readInput() error {
	cfg := r.cfg
	in, err := os.Open(cfg.Input)
	if err != nil {
		return &SetupError{Message: fmt.Sprintf("open %s: %v", cfg.Input, UnwrapPath(err)), Err: err}
	}
	r.in = in
	if r.f, err = agentfile.ReadLogins(r.stop, agentfile.Decode(in, cfg.Encoding)); err != nil {
		var fe *agentfile.FileError
		if errors.As(err, &fe) {
			return err
		}
		return &SetupError{Message: fmt.Sprintf("cannot read %s: %v", cfg.Input, UnwrapPath(err)), Err: err}
	}
	r.ev.Setup()
	// The instance first: a credentials problem is the first thing said.
	r.inst, err = DescribeInstance(r.stop, r.api, cfg.InstanceID)
	if err != nil {
		return r.interrupted(DescribeError(err, cfg.InstanceID, r.clients.Region, r.clients.Profile))
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
	if !r.cfg.Resume || !FileExists(r.resultsPath) {
		return nil
	}
	prev, err := report.Load(r.resultsPath)
	if err != nil {
		return &SetupError{Message: err.Error(), Err: &ResumeMismatch{Problem: Unreadable, Path: r.resultsPath, Remove: true, Err: err}}
	}
	r.prev = prev
	return checkRemoveResumable(r.f, prev, r.inst, r.resultsPath)
}

func (r *removeRun) plan() error {
	snap, err := snapshotUsers(r.stop, r.api, r.inst.ID)
	if err != nil {
		return r.interrupted(&SetupError{Message: "cannot list the instance's users: " + ErrSummary(err),
			Err: &CallError{Err: err, InstanceID: r.cfg.InstanceID, Region: r.clients.Region, Profile: r.clients.Profile}})
	}
	if err := r.recheckMissing(snap); err != nil {
		return r.interrupted(&SetupError{Message: "cannot look up the users the listing lacks: " + ErrSummary(err),
			Err: &CallError{Err: err, InstanceID: r.cfg.InstanceID, Region: r.clients.Region, Profile: r.clients.Profile}})
	}
	r.res = &RemoveResult{Instance: r.inst, ResultsPath: r.resultsPath, DryRun: r.cfg.DryRun, Rates: r.rates}
	r.rows = planRemove(r.f, snap, r.prev)
	r.outcomes = make([]report.Outcome, len(r.rows))
	for i := range r.rows {
		pr := &r.rows[i]
		if p, ok := r.prev[pr.Row.Line]; ok && p.Status.Done() {
			r.outcomes[i] = p // an earlier run finished the row
			continue
		}
		switch pr.Action {
		case ActionDelete:
			r.jobs, r.jobIndex = append(r.jobs, Job{Planned: pr}), append(r.jobIndex, i)
		case ActionAbsent:
			r.outcomes[i] = report.Outcome{Line: pr.Row.Line, Login: r.f.Rows[i].Login, Instance: r.inst.ID,
				Status: report.Absent, Changes: "no such user"}
		default:
			p := pr.Problems[0]
			r.outcomes[i] = report.Outcome{Line: pr.Row.Line, Login: r.f.Rows[i].Login, Instance: r.inst.ID,
				Status: report.Invalid, Error: p.Column + ": " + p.Message}
		}
	}
	return r.guardAdmins()
}

// listQuickConnects lists the USER quick connects and describes a first one
// before anything is deleted, so that a missing permission stops the run
// while nothing is changed. The dry run needs every description; the real
// run describes the rest beside the deletes (a user's quick connects still
// name it once it is deleted), so that describing them one at a time does
// not hold the first DeleteUser back.
func (r *removeRun) listQuickConnects() error {
	if len(r.jobs) == 0 {
		return nil
	}
	refs, err := listUserQuickConnects(r.stop, r.api, r.inst.ID)
	if err == nil {
		var describing context.Context
		describing, r.stopDescribing = context.WithCancel(r.calls)
		r.quick, err = startQuickConnectIndex(r.stop, describing, r.api, r.inst.ID, refs, !r.cfg.DryRun)
	}
	if err != nil {
		return r.interrupted(&SetupError{Message: "cannot list the quick connects: " + ErrSummary(err), Err: err,
			Hint: "the credentials need connect:ListQuickConnects and connect:DescribeQuickConnect"})
	}
	return nil
}

func (r *removeRun) planIdentityCenter() error {
	if !r.cfg.IdentityCenter.Enabled() {
		return nil
	}
	ic, err := planIdentityCenterRemoval(r.stop, r.clients, r.cfg)
	if err != nil {
		return r.interrupted(err)
	}
	r.ic = ic
	r.res.IdentityStoreID, r.res.Group = ic.StoreID, ic.Group
	return nil
}

func (r *removeRun) confirm() error {
	r.ev.SetupDone() // the prompt, or the bar, takes the line
	if r.cfg.DryRun || r.cfg.Confirm == nil || len(r.jobs) == 0 {
		return nil
	}
	return r.cfg.Confirm(r.stop, len(r.jobs))
}

func (r *removeRun) openResults() error {
	var err error
	if r.log, err = openResults(r.resultsPath, r.inst.ID, r.cfg.Resume && FileExists(r.resultsPath), r.cfg.Force || r.replaceDryRun, true, report.CarriedColumns{}); err != nil {
		return err
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

// apply deletes (or, in a dry run, describes what would go): the rows are
// jobs of the one worker loop, the Provisioner, which runs the delete lines
// of the step table (steps.go).
func (r *removeRun) apply() error {
	cfg, res, clients := r.cfg, r.res, r.clients
	if lim := clients.Limits; lim != nil {
		res.ConfiguredDeleteRate = lim.For("Connect.DeleteUser").Configured()
	}
	r.ev.Rows(len(r.outcomes))
	defer r.ev.Stop()
	for _, o := range r.outcomes {
		if o.Status != "" {
			r.ev.Settled(o.Status)
		}
	}
	// The email comes from a DescribeUser beside each DeleteUser, unless
	// its rate is below DeleteUser's: then it would slow the run, and the
	// email column stays empty.
	describeEmails := clients.Limits == nil ||
		clients.Limits.For("Connect.DescribeUser").Configured() >= clients.Limits.For("Connect.DeleteUser").Configured()
	rm := &removal{api: r.api, inst: r.inst, ic: r.ic, quick: r.quick, deleteStoreUsers: cfg.DeleteIdentityCenterUsers, describeEmails: describeEmails,
		trafficGroup: r.trafficGroup}
	p := &Provisioner{Connect: clients.Connect, Limits: clients.Limits, Instance: r.inst, Log: r.log, Concurrency: cfg.Concurrency,
		OnOutcome: func(o report.Outcome) { r.ev.Done(o.Status) }, Endpoint: clients.Endpoint(), IdentityCenter: r.ic, Remove: rm}
	rm.p, r.removal = p, rm
	if cfg.DryRun {
		for k := range r.jobs {
			o := rm.dryRunOutcome(r.calls, r.jobs[k].Planned)
			r.outcomes[r.jobIndex[k]] = o
			p.finish(o)
		}
		return p.LogErr()
	}
	phase := time.Now()
	p.RunEach(r.stop, r.calls, r.jobs, func(k int, o report.Outcome) { r.outcomes[r.jobIndex[k]] = o })
	res.DeletePhase = time.Since(phase)
	return p.LogErr()
}

func (r *removeRun) finish() *RemoveResult {
	res, rm, outcomes := r.res, r.removal, r.outcomes
	if lim := r.clients.Limits; lim != nil {
		l := lim.For("Connect.DeleteUser")
		res.FinalDeleteRate, res.DeleteThrottles = l.Rate(), l.Throttles()
	}
	res.Deletes, res.QuickConnectsDeleted = rm.deletes, rm.quickDeleted
	res.MembershipsRemoved, res.StoreUsersDeleted, res.StoreUsersKept = rm.membershipsRemoved, rm.storeUsersDeleted, rm.storeUsersKept
	res.Interrupted = r.stop.Err() != nil && CountStatus(outcomes, report.NotAttempted) > 0
	if !r.cfg.DryRun {
		res.Halted = rm.p.haltMessage()
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

func checkRemovePaths(cfg RemoveConfig, resultsPath string) error {
	if cfg.DryRun && cfg.Resume {
		return &SetupError{Message: "a dry run cannot resume a run", Hint: "a dry run deletes nothing",
			Err: &OutputError{Problem: DryRunResume, Results: resultsPath, Remove: true}}
	}
	if err := checkResultsPath(cfg.Input, resultsPath, "", "agents-removed.csv", true); err != nil {
		return err
	}
	if FileExists(resultsPath) && !cfg.Resume && !cfg.Force && !report.DryRunOnly(resultsPath) {
		return &SetupError{Message: fmt.Sprintf("results file %s already exists", resultsPath), Err: InTheWay(resultsPath, cfg.DryRun, true)}
	}
	return nil
}

// checkRemoveResumable refuses a results file of another instance or of
// another version of the input.
func checkRemoveResumable(f *agentfile.LoginFile, prev map[int]report.Outcome, inst Instance, path string) error {
	byLine := map[int]string{}
	for _, r := range f.Rows {
		byLine[r.Line] = r.Login
	}
	for line, o := range prev {
		if o.Instance != "" && o.Instance != inst.ID {
			return &SetupError{Message: fmt.Sprintf("results file %s belongs to instance %s, not %s", path, o.Instance, inst.ID),
				Err: &ResumeMismatch{Problem: OtherInstance, Path: path, Instance: inst.ID, Remove: true}}
		}
		if login, ok := byLine[line]; o.Status != report.Invalid && (!ok || strings.TrimSpace(login) != o.Login) {
			return &SetupError{Message: fmt.Sprintf("results file %s does not match the input: its line %d is user %q, the input's is %q", path, line, o.Login, login),
				Err: &ResumeMismatch{Problem: OtherInput, Path: path, Remove: true}}
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
func snapshotUsers(ctx context.Context, api ConnectReader, instanceID string) (*userSnapshot, error) {
	rp, err := listRoutingProfiles(ctx, api, instanceID)
	if err != nil {
		return nil, err
	}
	profiles := map[string]string{}
	for name, id := range rp.exact {
		profiles[id] = name
	}
	s := &userSnapshot{exact: map[string]snapshotUser{}, fold: map[string][]string{}, profiles: profiles}
	if err := ScanUsers(ctx, api, instanceID, FullUsers, nil, s.add, nil); err != nil {
		return nil, err
	}
	return s, nil
}

// add takes one user of the listing.
func (s *userSnapshot) add(u *UserSnapshot) {
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
		MaxResults: aws.Int32(PageSize), QuickConnectTypes: []types.QuickConnectType{types.QuickConnectTypeUser}})
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
	var g errgroup.Group
	g.SetLimit(DefaultConcurrency)
	for _, q := range refs {
		g.Go(func() error {
			out, err := api.DescribeQuickConnect(ctx, &connect.DescribeQuickConnectInput{InstanceId: aws.String(instanceID), QuickConnectId: aws.String(q.id)})
			switch {
			case awsclient.Classify(err) == awsclient.NotFound:
				return nil // deleted since the listing
			case err != nil:
				return fmt.Errorf("describe quick connect %q: %w", q.name, err)
			}
			if c := out.QuickConnect; c != nil && c.QuickConnectConfig != nil && c.QuickConnectConfig.UserConfig != nil {
				uid := aws.ToString(c.QuickConnectConfig.UserConfig.UserId)
				mu.Lock()
				x.byUser[uid] = append(x.byUser[uid], q)
				mu.Unlock()
			}
			return nil
		})
	}
	return g.Wait()
}

// planRemove plans each row from the listing: a user to delete, absent,
// or invalid (blank, a second row for one login, or a login that matches a
// user only when case is ignored, which is never deleted). A row an
// earlier run finished is planned too, but its outcome stands (and it
// does not count as the first row of its login).
func planRemove(f *agentfile.LoginFile, snap *userSnapshot, prev map[int]report.Outcome) []PlannedRow {
	rows := make([]PlannedRow, len(f.Rows))
	seen := map[string]int{}
	for i, row := range f.Rows {
		pr := &rows[i]
		pr.Row = agentfile.Row{Line: row.Line, Record: row.Record}
		invalid := func(msg string) {
			pr.Action, pr.Problems = ActionInvalid, []agentfile.Problem{{Line: row.Line, Column: "user login", Value: row.Login, Message: msg}}
		}
		p, hasPrev := prev[row.Line]
		if hasPrev && p.Status.Done() {
			continue
		}
		login := strings.TrimSpace(row.Login)
		if first, dup := seen[login]; dup && login != "" {
			invalid(fmt.Sprintf("%q is also on line %d, which removes that user", login, first))
			continue
		}
		seen[login] = row.Line
		u, found := snap.exact[login]
		switch {
		case login == "":
			invalid("blank (give the login of the user to remove)")
		case found:
			pr.Action, pr.Delete = ActionDelete, &DeleteTarget{Login: row.Login, UserID: u.id, FirstName: u.first, LastName: u.last, RoutingProfile: u.routing,
				Email: u.email, Described: u.described, Security: u.security}
		case hasPrev && p.ConnectUserID != "" && strings.Contains(p.Error, sentMarker):
			// An earlier run's DeleteUser went through: what was left of
			// the row (quick connects, Identity Center) is done now.
			pr.Action, pr.Delete = ActionDelete, &DeleteTarget{Login: row.Login, UserID: p.ConnectUserID, FirstName: p.FirstName, LastName: p.LastName,
				RoutingProfile: p.RoutingProfile, AlreadyDeleted: true}
		case len(snap.fold[strings.ToLower(login)]) > 0:
			names := snap.fold[strings.ToLower(login)]
			invalid(fmt.Sprintf("no user %q; the instance has %s, which differs only in case: logins are case-sensitive, "+
				"so nothing was deleted (hint: to remove that user, write its login exactly: %s)", login, QuoteAll(names), QuoteAll(names)))
		default:
			pr.Action = ActionAbsent
		}
	}
	return rows
}

func writeRemoveRetry(f *agentfile.LoginFile, outcomes []report.Outcome, retryPath string, dryRun bool, res *RemoveResult) error {
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

// DeleteRate is the DeleteUser calls per second of the delete phase.
func (res *RemoveResult) DeleteRate() float64 {
	if res.Deletes == 0 || res.DeletePhase <= 0 {
		return 0
	}
	return float64(res.Deletes) / res.DeletePhase.Seconds()
}
