package importer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go"
	"golang.org/x/sync/errgroup"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// DefaultConcurrency is the fewest rows provisioned at once when the
// caller leaves it to the rate. The limiters, not the workers, set the
// pace; the workers only have to cover the latency of a row's calls at the
// configured rate.
const DefaultConcurrency = 16

// maxAutoConcurrency bounds the workers chosen for a raised rate.
const maxAutoConcurrency = 256

// AutoConcurrency is enough workers for rows taking up to a second each at
// the configured CreateUser rate: a row is a CreateUser, and with Identity
// Center a few more calls, each some tens of milliseconds away.
func AutoConcurrency(createRate float64) int {
	n := int(math.Ceil(createRate))
	return min(max(n, DefaultConcurrency), maxAutoConcurrency)
}

// sandboxQuotaMessage is quotaMessage for bulkagents' own sandbox.
const sandboxQuotaMessage = "create connect user: the sandbox's users-per-instance quota is reached " +
	"(LimitExceededException); start 'bulkagents sandbox' with a higher --users-quota"

func (p *Provisioner) quotaFailure() string {
	if p.QuotaMessage != "" {
		return p.QuotaMessage
	}
	return quotaMessage
}

// quotaMessage is the error of the rows a users-per-instance quota stopped.
const quotaMessage = "create connect user: the instance's users-per-instance quota is reached " +
	"(LimitExceededException); ask AWS to raise \"Users per instance\" in Service Quotas, then run again with --resume"

// interruptedCreating is the error of a row whose CreateUser may or may
// not have gone through when the run ended; --resume settles it.
const interruptedCreating = "interrupted while creating the user: run again with --resume to settle it"

// notStarted is the error of the rows an interruption kept from starting.
const NotStarted = "not started: the run was interrupted; run again with --resume"

// OutcomeLog takes each outcome the moment it is known; *report.Log is one.
type OutcomeLog interface {
	Append(report.Outcome) error
}

// Job is one row to provision.
type Job struct {
	Planned *PlannedRow
	// Password is the password to set; blank on a Connect-managed instance
	// means "generate one". A resumed row whose earlier CreateUser may have
	// gone through keeps the password written ahead of it.
	Password string
	// MayExist: an interrupted run sent this row's CreateUser without
	// learning its outcome, so an existing user is probably its doing
	// (on a SAML instance there is no password to tell).
	MayExist bool
	// PrevSteps is the steps column of the row's outcome in the results
	// file being resumed ("" when there is none): which steps are done. Only
	// that is kept of the outcome, as a job is held for every row to create.
	PrevSteps string
	// PrevToken is the creation token the interrupted run's CreateUser
	// carried ("" when none is recorded): a user that carries it is that
	// run's (creation.go).
	PrevToken string
}

// Provisioner creates the users of a plan: a bounded pool of workers, each
// row a sequence of steps (the Connect user now; the Identity Center user
// and its group membership can follow as further steps), each row's
// failure an outcome, never a reason to stop the others.
type Provisioner struct {
	Connect ConnectAPI
	Limits  *Limits // may be nil: nothing paced
	// QuotaMessage is the error of the rows the users quota stopped; ""
	// means quotaMessage.
	QuotaMessage string
	// LagBackoff is the waits before searching again for a user that
	// CreateUser calls a duplicate and the search does not show yet (nil:
	// DefaultLagBackoff).
	LagBackoff  []time.Duration
	Instance    Instance
	Log         OutcomeLog
	Concurrency int
	// OnOutcome, when set, hears each row's final outcome (for progress).
	OnOutcome func(report.Outcome)
	// IdentityCenter, when set, gives each row its Identity Center user and
	// group membership after its Connect user.
	IdentityCenter *IdentityCenter
	// Remove, when set, is the delete kind of change's state: the jobs
	// of ActionDelete take the delete steps of the table (steps.go).
	Remove *removal
	// Endpoint names where the calls go, for the message of the rows the
	// circuit breaker stops.
	Endpoint string
	// Groups makes the hierarchy groups the plan creates
	// (--create-hierarchy); nil when there are none.
	Groups *GroupMaker
	// TrafficGroup, when set, has each created user associated with it
	// (--traffic-distribution-group, traffic_group.go).
	TrafficGroup *TrafficGroup

	// token marks the users this run's own CreateUser made (creation.go).
	tokenOnce sync.Once
	token     string
	// noToken: CreateUser was refused for want of connect:TagResource, so
	// the rows without tags of their own are created without the token.
	noToken atomic.Bool

	quotaReached atomic.Bool
	// gone holds the message of the rows not started because the instance
	// no longer exists.
	gone     atomic.Pointer[string]
	goneOnce sync.Once
	// refused holds the message of a CreateUser refused for a reason every
	// other row would meet too (no permission, credentials that expired):
	// sending the rest only fails them one by one at the quota's pace.
	refused    atomic.Pointer[string]
	logFailed  atomic.Bool
	logErr     error
	logErrOnce sync.Once

	mu          sync.Mutex
	createCalls int
	firstCreate time.Time
	lastCreate  time.Time
}

// rowRun is one row being provisioned.
type rowRun struct {
	job     *Job
	outcome report.Outcome
	// token is the creation token this row's CreateUser carried ("" when
	// it carried none); untagARN is the user to take it off once the
	// outcome is on disk.
	token    string
	untagARN string
	// api is the running step's API (Step.API): the limiter whose token
	// the step takes ahead of its call.
	api string
	// removed is what a delete's Identity Center steps did so far.
	removed []string
	// nothing: the step found nothing to do (no quick connect, not in the
	// group), so the steps column does not name it.
	nothing bool
}

// Stats is what the provisioning measured.
type Stats struct {
	CreateCalls int           // CreateUser calls that returned (any outcome)
	CreateSpan  time.Duration // from the first CreateUser sent to the last answered
}

// CreateRate is the achieved CreateUser rate per second.
func (s Stats) CreateRate() float64 {
	if s.CreateCalls < 2 || s.CreateSpan <= 0 {
		return 0
	}
	// n calls span n-1 intervals at the rate they were paced at.
	return float64(s.CreateCalls-1) / s.CreateSpan.Seconds()
}

// Stats reports the CreateUser calls made so far.
func (p *Provisioner) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{CreateCalls: p.createCalls, CreateSpan: p.lastCreate.Sub(p.firstCreate)}
}

// LogErr is the first error writing the results file, if any: the run
// stopped starting rows when it happened.
func (p *Provisioner) LogErr() error {
	if p.logFailed.Load() {
		return p.logErr
	}
	return nil
}

// Run provisions the jobs and returns one outcome per job, in the jobs'
// order. stop ends the starting of rows (the first Ctrl-C); calls ends the
// calls in flight (a second Ctrl-C). Rows not started are not-attempted,
// or failed when the users quota stopped the run.
func (p *Provisioner) Run(stop, calls context.Context, jobs []Job) []report.Outcome {
	outcomes := make([]report.Outcome, len(jobs))
	p.RunEach(stop, calls, jobs, func(i int, o report.Outcome) { outcomes[i] = o })
	return outcomes
}

// RunEach is Run handing each job's final outcome to done, with the job's
// index, as it becomes known (done may be called from several goroutines at
// once, for different indexes), so that the caller can keep it where it
// belongs, and let go of what the row needed, without a second copy of
// every outcome.
func (p *Provisioner) RunEach(stop, calls context.Context, jobs []Job, done func(i int, o report.Outcome)) {
	n := p.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
		if p.Limits != nil {
			// Enough rows at once for the rate of the API that paces the
			// run: CreateUser, or DeleteUser for deletes alone.
			lead := "Connect.CreateUser"
			if !hasChange(jobs, ChangeCreate) {
				lead = "Connect.DeleteUser"
			}
			n = AutoConcurrency(p.Limits.For(lead).Configured())
		}
	}
	steps, stopSteps := p.steps(stop, calls, jobs)
	defer stopSteps()
	var g errgroup.Group
	g.SetLimit(n)
	for i := range jobs {
		job := &jobs[i]
		why, ok := p.halted(stop)
		if !ok && why.createOnly && job.Planned.Action == ActionExists {
			ok = true // the users quota or a refusal stops CreateUser only; this user exists
		}
		if !ok {
			o := p.baseOutcome(job)
			o.Status, o.Error = why.status, o.Error+why.msg
			if why.status == report.Failed {
				p.finish(o)
			}
			done(i, o)
			continue
		}
		g.Go(func() error {
			r := &rowRun{job: job, outcome: p.baseOutcome(job)}
			runSteps(stop, calls, steps, r)
			if st := r.outcome.Status; st == report.Created || st == report.Exists {
				r.outcome.CreationToken = "" // settled: nothing left to tell
			}
			p.finish(r.outcome)
			p.removeToken(calls, r)
			done(i, r.outcome)
			return nil
		})
	}
	_ = g.Wait() // a row's failure is its outcome: the workers return no error
}

type haltReason struct {
	status     report.Status
	msg        string
	createOnly bool // rows that need no CreateUser may still go on
}

// halted says whether rows may still start, and if not, what the rows
// that do not start become.
func (p *Provisioner) halted(stop context.Context) (haltReason, bool) {
	switch {
	case p.logFailed.Load():
		return haltReason{report.NotAttempted, "not attempted: the results file could not be written", false}, false
	case p.breakerOpen():
		return haltReason{report.NotAttempted, BreakerMessage(p.endpoint()), false}, false
	case p.gone.Load() != nil:
		return haltReason{report.NotAttempted, *p.gone.Load(), false}, false
	case p.quotaReached.Load():
		return haltReason{report.Failed, p.quotaFailure(), true}, false
	case p.refused.Load() != nil:
		return haltReason{report.NotAttempted, *p.refused.Load(), true}, false
	case stop.Err() != nil:
		return haltReason{report.NotAttempted, NotStarted, false}, false
	}
	return haltReason{}, true
}

func (p *Provisioner) baseOutcome(job *Job) report.Outcome {
	pr := job.Planned
	if pr.Action == ActionDelete {
		return deleteOutcome(pr, p.Instance)
	}
	o := report.Outcome{Line: pr.Row.Line, Status: report.NotAttempted, Instance: p.Instance.ID}
	if a := pr.Agent; a != nil {
		o.Login, o.FirstName, o.LastName, o.Email, o.RoutingProfile = a.Login, a.FirstName, a.LastName, a.Email, a.RoutingProfile
	}
	return o
}

// finish records a row's final outcome.
func (p *Provisioner) finish(o report.Outcome) {
	p.append(o)
	if p.OnOutcome != nil {
		p.OnOutcome(o)
	}
}

// append writes an outcome to the log; a failure stops the run, since the
// outcomes that follow could not be kept either.
func (p *Provisioner) append(o report.Outcome) bool {
	if p.Log == nil {
		return true
	}
	if err := p.Log.Append(o); err != nil {
		p.logErrOnce.Do(func() {
			p.logErr = fmt.Errorf("write results file: %w", err)
			p.logFailed.Store(true)
		})
		return false
	}
	return true
}

// appendSynced writes an outcome ahead of a call that cannot be undone and
// makes it durable before the call is sent.
func (p *Provisioner) appendSynced(o report.Outcome) bool {
	if !p.append(o) {
		return false
	}
	s, ok := p.Log.(interface{ Sync() error })
	if !ok {
		return true
	}
	if err := s.Sync(); err != nil {
		p.logErrOnce.Do(func() {
			p.logErr = fmt.Errorf("write results file: %w", err)
			p.logFailed.Store(true)
		})
		return false
	}
	return true
}

// signInURL is where an agent of this instance signs in: the access URL,
// except on a SAML instance, where the identity provider decides.
func (p *Provisioner) signInURL() string {
	if p.Instance.GlobalSignIn != "" {
		// Replicated (Global Resiliency): agents sign in at the global
		// endpoint, whatever the identity type.
		return p.Instance.GlobalSignIn
	}
	if p.Instance.Identity == agentfile.IdentitySAML {
		return ""
	}
	return p.Instance.AccessURL
}

// createConnectUser is the Connect step of a row: write the password ahead,
// send CreateUser once, and settle any ambiguous answer by looking the user
// up rather than by sending it again.
func (p *Provisioner) createConnectUser(stop, calls context.Context, r *rowRun) bool {
	if r.job.Planned.Action == ActionExists {
		return p.settleExisting(calls, r)
	}
	o := &r.outcome
	password, ok := p.rowPassword(r)
	if !ok {
		return false
	}
	trace, ok := p.firstToken(stop, r)
	if !ok {
		return false
	}
	// The write-ahead: the password is durably on disk before the call that
	// sets it is sent. Without a password (SAML, directory) the row still
	// says that its call was sent, so that --resume can tell the user made
	// by this run from one that existed before. The creation token goes
	// with it, so that --resume can tell this run's user from another's.
	in := createUserInput(p.Instance, r.job.Planned, password)
	r.token = p.markCreate(in, r.job.PrevToken)
	o.CreationToken = r.token
	ahead := *o
	ahead.Status, ahead.Password, ahead.Error = report.NotAttempted, password, interruptedCreating
	if !p.append(ahead) {
		o.Status, o.Error = report.NotAttempted, "not attempted: the results file could not be written"
		return false
	}
	out, err := p.sendCreate(calls, trace, in)
	if err != nil && p.tokenRefused(r, in, trace, err) {
		// Refused only for the creation token's tag (no connect:TagResource),
		// and a refusal made nothing: send it again without the token,
		// written ahead again without it.
		o.CreationToken = ""
		ahead.CreationToken = ""
		if !p.append(ahead) {
			o.Status, o.Error = report.NotAttempted, "not attempted: the results file could not be written"
			return false
		}
		trace = &CallTrace{Stop: stop}
		out, err = p.sendCreate(calls, trace, in)
	}
	if err == nil {
		o.Status, o.ConnectUserID, o.Password, o.SignInURL = report.Created, aws.ToString(out.UserId), password, p.signInURL()
		if r.token != "" {
			r.untagARN = aws.ToString(out.UserArn)
		}
		return true
	}
	return p.settle(calls, r, password, trace, err)
}

// settleExisting settles a row whose user the plan found: created, when an
// earlier run that was cut short wrote its password ahead (its user
// exists, so that run created it), otherwise exists.
func (p *Provisioner) settleExisting(calls context.Context, r *rowRun) bool {
	o := &r.outcome
	o.ConnectUserID = r.job.Planned.ExistingUserID
	if r.job.PrevToken != "" {
		return p.settleResumed(calls, r)
	}
	if r.job.Password != "" || r.job.MayExist {
		o.Status, o.Password, o.SignInURL = report.Created, r.job.Password, p.signInURL()
	} else {
		// Where the agent signs in, so that a handout of existing
		// agents has the address too.
		o.Status, o.SignInURL = report.Exists, p.signInURL()
	}
	return true
}

// rowPassword is the password a new user gets: the one an interrupted run
// wrote ahead, the input's, or a generated one (Connect-managed instances
// only; the others have none).
func (p *Provisioner) rowPassword(r *rowRun) (string, bool) {
	if p.Instance.Identity != agentfile.IdentityConnect {
		return "", true
	}
	password := r.job.Password // written ahead by an interrupted run
	if password == "" {
		password = r.job.Planned.Agent.Password // supplied in the input: used as given
	}
	if password == "" {
		pw, err := agentfile.GeneratePassword()
		if err != nil {
			r.outcome.Status, r.outcome.Error = report.Failed, fmt.Sprintf("generate password: %v", err)
			return "", false
		}
		password = pw
	}
	return password, true
}

// firstToken takes the first attempt's token while a Ctrl-C can still
// leave the row untouched (a worker may wait here long at a low rate), and
// checks that the run still sends.
func (p *Provisioner) firstToken(stop context.Context, r *rowRun) (*CallTrace, bool) {
	o := &r.outcome
	trace := &CallTrace{Stop: stop}
	if p.Limits != nil {
		if err := p.Limits.For(r.api).Wait(stop); err != nil {
			o.Status, o.Error = report.NotAttempted, NotStarted
			return nil, false
		}
		trace.Prepaid = true
	}
	if why, ok := p.halted(context.Background()); !ok {
		o.Status, o.Error = why.status, why.msg
		return nil, false
	}
	return trace, true
}

// sendCreate sends one CreateUser, counted while in flight.
func (p *Provisioner) sendCreate(calls context.Context, trace *CallTrace, in *connect.CreateUserInput) (*connect.CreateUserOutput, error) {
	p.noteCreate(true)
	out, err := p.Connect.CreateUser(WithCallTrace(calls, trace), in)
	if !errors.Is(err, ErrStopped) { // a dropped call says nothing of the pace
		p.noteCreate(false)
	}
	return out, err
}

// settle decides a row whose CreateUser returned an error. When an earlier
// attempt may have reached Connect, the last attempt's error (a duplicate,
// the users quota that user filled, a refusal, a throttle that outlasted the
// retries) does not say whether the user was made: it is looked up.
func (p *Provisioner) settle(calls context.Context, r *rowRun, password string, trace *CallTrace, err error) bool {
	o := &r.outcome
	login := r.job.Planned.Agent.Login
	var dup *types.DuplicateResourceException
	isDup := errors.As(err, &dup)
	earlierMayHaveApplied := MayHaveApplied(trace.Attempts[:max(len(trace.Attempts)-1, 0)])
	switch {
	case calls.Err() != nil:
		// Aborted in flight: the call may or may not have reached Connect.
		// The row keeps the password written ahead; --resume settles it.
		o.Status, o.Password, o.Error = report.NotAttempted, password, interruptedCreating
		return false

	case errors.Is(err, ErrStopped):
		// Throttled, then stopped: no attempt reached Connect's users.
		o.Status, o.Error = report.NotAttempted, NotStarted
		return false

	case awsclient.Classify(err) == awsclient.NotSent && !earlierMayHaveApplied:
		// The breaker kept it from being sent, and no attempt before it
		// can have reached Connect.
		o.Status, o.Error = report.NotAttempted, BreakerMessage(p.endpoint())
		return false

	case awsclient.Classify(err) == awsclient.NotFound && !earlierMayHaveApplied && p.instanceGone(calls):
		// The instance went away: every other row would fail the same.
		o.Status, o.Error = report.NotAttempted, *p.gone.Load()
		return false

	case isDup && r.job.Password == "" && !r.job.MayExist && !earlierMayHaveApplied:
		// The first attempt that could have reached Connect found the name
		// taken: someone else made this user after the plan. (A password
		// written ahead by an interrupted run, whose call may have landed
		// after this run's listing, makes the user probably ours: it is
		// looked up below.)
		// The search lags writes: it is asked again until it shows the
		// user, whose id the row then has (and --update compares it).
		id, found, lerr := FindUserWithBackoff(calls, p.Connect, p.Instance.ID, login, p.LagBackoff)
		if !found {
			why := "the search did not show it after " + backoffTotal(lagBackoff(p.LagBackoff)).String()
			if lerr != nil {
				why = "then the search failed: " + ErrText(lerr)
			}
			o.Status, o.Error = report.Failed, "create connect user: the user exists (DuplicateResourceException), but "+why+
				"; nothing was changed: run again to read it"
			return false
		}
		o.Status, o.ConnectUserID, o.SignInURL = report.Exists, id, p.signInURL()
		o.Error = madeByAnother
		return true
	}

	failure := "create connect user: " + ErrText(err)
	if awsclient.Classify(err) == awsclient.Quota {
		p.quotaReached.Store(true)
		failure = p.quotaFailure()
	}
	if !isDup && awsclient.Classify(err) != awsclient.MaybeApplied && !earlierMayHaveApplied {
		p.refusedCreate(r, failure, err)
		return false
	}
	return p.settleByLookup(calls, r, password, failure, isDup)
}

// refusedCreate records a CreateUser that Connect refused and that no
// attempt can have made: the row failed; a refusal every row would meet
// stops the rows not yet started.
func (p *Provisioner) refusedCreate(r *rowRun, failure string, err error) {
	o := &r.outcome
	o.Status, o.Error = report.Failed, failure+loginLimitHint(p.Instance.Identity, r.job.Planned.Agent.Login, err)
	switch {
	case awsclient.Classify(err).Refused() && len(r.job.Planned.Agent.Tags) > 0 && strings.Contains(ErrText(err), "TagResource"):
		// Only the rows with tags need connect:TagResource: the others go on.
		o.Error += "; hint: tags need connect:TagResource on the instance: add it to the credentials' policy, or remove the row's tags"
	case awsclient.Classify(err).Refused():
		msg := fmt.Sprintf("not attempted: CreateUser was refused (%s); %s, then run again with --resume", ErrText(err), refusalFix)
		p.refused.CompareAndSwap(nil, &msg)
	}
}

// settleByLookup decides a CreateUser that may have made the user (an
// ambiguous answer, or a duplicate after an attempt that may have gone
// through) by looking the user up: found, it was this run's, with the
// password written ahead.
func (p *Provisioner) settleByLookup(calls context.Context, r *rowRun, password, failure string, isDup bool) bool {
	o := &r.outcome
	login := r.job.Planned.Agent.Login
	// A duplicate says the user exists, so a search that misses it lags
	// behind (Connect's search index is eventually consistent): look again.
	// The look-up reads the user's tags too: the creation token.
	backoff := []time.Duration{}
	if isDup {
		backoff = lagBackoff(p.LagBackoff)
	}
	u, found, lerr := lookUpCreated(calls, p.Connect, p.Instance.ID, login)
	for _, wait := range backoff {
		if found || lerr != nil || sleep(calls, wait) != nil {
			break
		}
		u, found, lerr = lookUpCreated(calls, p.Connect, p.Instance.ID, login)
	}
	id := u.id
	switch {
	case lerr != nil:
		o.Status, o.Password = report.Failed, password
		o.Error = fmt.Sprintf("%s; then could not tell whether it was created (%s): run again with --resume to settle it", failure, ErrText(lerr))
		return false
	case found && r.token != "" && u.tags[CreationTagKey] != r.token && (r.job.PrevToken != "" || !r.job.MayExist && r.job.Password == ""):
		// The user is there, but without the token this row's CreateUser
		// carried: another run (or person) made it, and its password is
		// not the one written ahead. (A resumed row of a file that records
		// no token may be the interrupted run's, whose CreateUser carried
		// none: it keeps the password written ahead, as before.)
		o.Status, o.ConnectUserID, o.SignInURL, o.Error = report.Exists, id, p.signInURL(), madeByAnother
		return true
	case found:
		o.Status, o.ConnectUserID, o.Password, o.SignInURL, o.Error = report.Created, id, password, p.signInURL(), ""
		if r.token != "" && u.tags[CreationTagKey] == r.token {
			r.untagARN = u.arn
		}
		return true
	}
	// Not found, but an attempt may have made it after all and the search
	// not show it yet: the password stays, so that --resume (whose listing
	// finds such a user) can say it was created with it.
	o.Status, o.Password = report.Failed, password
	o.Error = failure + "; a search just after did not find the user, but it may lag: run again with --resume to settle it"
	return false
}

// backoffTotal is how long a backoff waits in all.
func backoffTotal(b []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range b {
		t += d
	}
	return t
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refusalFix is what to do about a refused CreateUser.
const refusalFix = "the credentials need connect:CreateUser (and connect:TagResource for tags) on the instance, and must be valid: " +
	"refresh them (aws sso login) or pick others with --profile"

// ErrText is an error as the results file's error column shows it: the
// API's code and message, without the SDK's request ids.
func ErrText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if m := ae.ErrorMessage(); m != "" {
			return ae.ErrorCode() + ": " + m
		}
		return ae.ErrorCode()
	}
	return err.Error()
}

func (p *Provisioner) noteCreate(sending bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if sending {
		if p.firstCreate.IsZero() {
			p.firstCreate = now
		}
		return
	}
	p.createCalls++
	p.lastCreate = now
}

// createUserInput is the CreateUser request for a planned row, shaped for
// the instance's identity type (docs/aws.md §2).
func createUserInput(inst Instance, pr *PlannedRow, password string) *connect.CreateUserInput {
	a := pr.Agent
	in := &connect.CreateUserInput{
		InstanceId:         aws.String(inst.ID),
		Username:           aws.String(a.Login),
		RoutingProfileId:   aws.String(pr.RoutingProfileID),
		SecurityProfileIds: pr.SecurityProfileIDs,
		PhoneConfig: &types.UserPhoneConfig{
			PhoneType:                 types.PhoneTypeSoftPhone,
			AutoAccept:                a.AutoAccept,
			AfterContactWorkTimeLimit: a.ACWTimeout,
		},
	}
	if a.PhoneType == string(types.PhoneTypeDeskPhone) {
		in.PhoneConfig.PhoneType = types.PhoneTypeDeskPhone
	}
	if a.PhoneNumber != "" {
		in.PhoneConfig.DeskPhoneNumber = aws.String(a.PhoneNumber)
	}
	if pr.HierarchyGroupID != "" {
		in.HierarchyGroupId = aws.String(pr.HierarchyGroupID)
	}
	if len(a.Tags) > 0 {
		in.Tags = a.Tags
	}
	addChannelConfigs(in, a)
	switch inst.Identity {
	case agentfile.IdentityConnect:
		in.Password = aws.String(password)
		in.IdentityInfo = &types.UserIdentityInfo{
			FirstName:      optional(a.FirstName),
			LastName:       optional(a.LastName),
			Email:          optional(a.Email),
			SecondaryEmail: optional(a.SecondaryEmail),
			Mobile:         optional(a.Mobile),
		}
	case agentfile.IdentitySAML:
		// Email is not sent for SAML users: the docs contradict each other
		// and sending it can fail; the secondary email is safe.
		in.IdentityInfo = &types.UserIdentityInfo{
			FirstName:      optional(a.FirstName),
			LastName:       optional(a.LastName),
			SecondaryEmail: optional(a.SecondaryEmail),
			Mobile:         optional(a.Mobile),
		}
	case agentfile.IdentityDirectory:
		// Names and email come from the directory.
	}
	return in
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
