package importer

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"golang.org/x/sync/errgroup"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// ConnectUpdater is the part of the Connect API that import --update (and
// the changes column of a plain re-run) uses beyond ConnectAPI.
// *connect.Client satisfies it.
type ConnectUpdater interface {
	ConnectReader
	DescribeUser(ctx context.Context, in *connect.DescribeUserInput, optFns ...func(*connect.Options)) (*connect.DescribeUserOutput, error)
	UpdateUserIdentityInfo(ctx context.Context, in *connect.UpdateUserIdentityInfoInput, optFns ...func(*connect.Options)) (*connect.UpdateUserIdentityInfoOutput, error)
	UpdateUserRoutingProfile(ctx context.Context, in *connect.UpdateUserRoutingProfileInput, optFns ...func(*connect.Options)) (*connect.UpdateUserRoutingProfileOutput, error)
	UpdateUserSecurityProfiles(ctx context.Context, in *connect.UpdateUserSecurityProfilesInput, optFns ...func(*connect.Options)) (*connect.UpdateUserSecurityProfilesOutput, error)
	UpdateUserHierarchy(ctx context.Context, in *connect.UpdateUserHierarchyInput, optFns ...func(*connect.Options)) (*connect.UpdateUserHierarchyOutput, error)
	UpdateUserPhoneConfig(ctx context.Context, in *connect.UpdateUserPhoneConfigInput, optFns ...func(*connect.Options)) (*connect.UpdateUserPhoneConfigOutput, error)
	TagResource(ctx context.Context, in *connect.TagResourceInput, optFns ...func(*connect.Options)) (*connect.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *connect.UntagResourceInput, optFns ...func(*connect.Options)) (*connect.UntagResourceOutput, error)
}

// updateFailurePrefix begins the error of a row an update call failed: the
// call was sent, and may have landed.
const updateFailurePrefix = "update "

// interruptedUpdating is the error written ahead of a row's updates: a
// kill leaves it, and --resume settles the row by reading the user again.
const interruptedUpdating = "interrupted while updating the user: run again with --resume to settle it"

// invalidPrefix marks compare's message of a problem of the row
// (RowProblemError): the row is invalid, not failed.
const invalidPrefix = "\x00invalid: "

// UpdateJob is one existing user's row: read the user, compare, and (with
// Apply) change what differs.
type UpdateJob struct {
	Planned *PlannedRow
	Base    report.Outcome // the row's outcome so far (exists)
	// Prev is the row's outcome in the results file resumed from, if any:
	// an update written ahead there and not finished keeps its changes.
	Prev report.Outcome
	// Known: CreateUser called the user a duplicate though the listing
	// lacked it, so it exists; a DescribeUser that answers
	// ResourceNotFound lags, and is asked again (LagBackoff).
	Known bool
	// Gone is set by Run when DescribeUser answered ResourceNotFound for
	// a user the listing showed (and not Known): it was deleted, the
	// listing lags, and the row is the creation's; Run gives it no
	// outcome, writes nothing and tells OnOutcome nothing.
	Gone bool
	// Plan is the plan's row (--apply): the user's changes now must be the
	// plan's, or the row is stale and not sent.
	Plan *report.Outcome

	// up and msg are the row's change, or why it could not be worked
	// out, when Plan made them from the pages (planned).
	up      *UserUpdate
	msg     string
	planned bool
}

// Updater reads existing users and, when Apply is set, updates them. Each
// row is a pipeline: DescribeUser (paced at its own rate), the diff, then
// one call per changed aspect, all at once, each paced by its own API's
// limiter, so a row with three changes costs three calls in three buckets
// at the same time, and the reads of later rows go on meanwhile.
type Updater struct {
	Connect  ConnectUpdater
	Instance Instance
	File     *agentfile.File
	Log      OutcomeLog
	// Update changes what differs (--update); without it, or with DryRun,
	// the changes column only says what differs or would change.
	Update      bool
	DryRun      bool
	Concurrency int
	OnOutcome   func(report.Outcome)
	// SSO is the Identity Center side (--sso), or nil: the row's Identity
	// Center user is compared too.
	SSO *IdentityCenter
	// Limits are the client's limiters (nil: the documented rates), to
	// choose how proficiencies are read.
	Limits *Limits
	// held are the users' proficiencies found by search, by user id, or
	// nil: each row lists its own (update_proficiency.go).
	held map[string][]HeldProficiency
	// searched: the proficiencies were searched for (held set or not).
	searched bool
	// pages are the users the SearchUsers pages gave, by id, once read.
	pages map[string]*UserSnapshot
	// InstanceUsers is how many users the instance holds (-1: unknown):
	// it decides whether the pages are worth reading to order the rows.
	InstanceUsers int
	// LagBackoff is the waits before describing a Known user again (nil:
	// DefaultLagBackoff).
	LagBackoff []time.Duration

	names *names

	mu     sync.Mutex
	fields map[string]int // changes per field, of the rows that differ
	differ int
	late   []agentfile.Problem // the problems of rows found once their users were read

	// logFailed: a row's outcome could not be written; logErr is why.
	logFailed  atomic.Bool
	logErr     error
	logErrOnce sync.Once
}

// UpdateCounts is what the comparison found: how many rows differ, and
// how many changes each field has.
type UpdateCounts struct {
	Differ int
	Fields map[string]int
}

// Counts reports the rows that differ and the changes per field.
func (u *Updater) Counts() UpdateCounts {
	u.mu.Lock()
	defer u.mu.Unlock()
	f := make(map[string]int, len(u.fields))
	for k, v := range u.fields {
		f[k] = v
	}
	return UpdateCounts{Differ: u.differ, Fields: f}
}

// prepare lists what turns ids into names: profiles and hierarchy groups,
// a page each.
func (u *Updater) prepare(ctx context.Context) error {
	if u.names != nil {
		return nil
	}
	r, err := listRoutingProfiles(ctx, u.Connect, u.Instance.ID)
	if err != nil {
		return err
	}
	s, err := listSecurityProfiles(ctx, u.Connect, u.Instance.ID)
	if err != nil {
		return err
	}
	h, err := newHierarchyIndex(ctx, u.Connect, u.Instance.ID)
	if err != nil {
		return err
	}
	u.names = &names{routing: r, security: s, hierarchy: h}
	u.fields = map[string]int{}
	return nil
}

// Run handles the jobs and gives one outcome each, in order. stop ends the
// starting of rows; calls ends the calls in flight.
func (u *Updater) Run(stop, calls context.Context, jobs []UpdateJob) ([]report.Outcome, error) {
	if err := u.Plan(stop, jobs); err != nil {
		return nil, err
	}
	outcomes := make([]report.Outcome, len(jobs))
	n := u.Concurrency
	if n <= 0 {
		n = 64
	}
	var g errgroup.Group
	g.SetLimit(n)
	for _, i := range u.readOrder(stop, jobs) {
		if stop.Err() != nil || u.logFailed.Load() {
			o := jobs[i].Base
			o.Status, o.Error = report.NotAttempted, NotStarted
			if u.logFailed.Load() {
				o.Error = "not attempted: the results file could not be written"
			}
			outcomes[i] = o
			continue
		}
		g.Go(func() error {
			outcomes[i] = u.row(stop, calls, &jobs[i])
			if jobs[i].Gone {
				return nil
			}
			if u.Log != nil {
				if err := u.Log.Append(outcomes[i]); err != nil {
					// No row starts after it: its changes could not be
					// kept. The run ends with its summary (LogErr).
					u.logErrOnce.Do(func() {
						u.logErr = fmt.Errorf("write results file: %w", err)
						u.logFailed.Store(true)
					})
				}
			}
			if u.OnOutcome != nil {
				u.OnOutcome(outcomes[i])
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return outcomes, nil
}

// LateProblems are the problems of rows that their users showed (a set
// of security profiles an edit would take out of 1..10), in line order,
// for the summary.
func (u *Updater) LateProblems() []agentfile.Problem {
	if u == nil {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	out := append([]agentfile.Problem(nil), u.late...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Line < out[j].Line })
	return out
}

// LogErr is the first error writing the results file, if any: no row
// started after it.
func (u *Updater) LogErr() error {
	if u.logFailed.Load() {
		return u.logErr
	}
	return nil
}

// resumedChanges is the changes cell an earlier run wrote for this row
// whose calls it sent without learning that they all landed, if it did:
// written ahead by a run that was interrupted, or a row failed by an update
// call (its answer lost, the endpoint stopped: the call may land later).
// What the instance now shows of it is this file's update.
func resumedChanges(p report.Outcome) string {
	switch {
	case p.Status == report.NotAttempted && p.Error == interruptedUpdating:
		return p.Changes
	case p.Status == report.Failed && strings.HasPrefix(p.Error, updateFailurePrefix):
		return p.Changes
	}
	return ""
}

func (u *Updater) row(stop, calls context.Context, job *UpdateJob) report.Outcome {
	o := job.Base
	earlier := resumedChanges(job.Prev)
	up, msg := job.up, job.msg
	if !job.planned {
		up, msg = u.compare(calls, job, o.SSOUserID, earlier != "")
	}
	if job.Gone {
		return report.Outcome{}
	}
	if msg, ok := strings.CutPrefix(msg, invalidPrefix); ok {
		// A problem of the row that only its user showed: nothing sent.
		o.Status, o.Error = report.Invalid, msg
		return o
	}
	if msg != "" {
		o.Status, o.Error = report.Failed, msg
		if earlier != "" {
			o.Changes = earlier
		}
		return o
	}
	o.Changes = up.Cell()
	if job.Plan != nil && earlier == "" {
		if what := applyUpdateCheck(job.Plan, o.Changes); what != "" {
			return report.StaleOutcome(o, what)
		}
	}
	u.count(up)
	switch {
	case up.Empty() && earlier != "":
		// An interrupted run applied it all before the kill.
		o.Status, o.Changes = report.Updated, earlier
		return o
	case up.Empty():
		return o // exists, as it was
	case u.DryRun && u.Update:
		o.Status = report.WouldUpdate
		return o
	case !u.Update:
		return o // exists; the changes cell says what differs
	}
	if stop.Err() != nil {
		o.Status, o.Error = report.NotAttempted, NotStarted
		return o
	}
	ahead := o
	ahead.Status, ahead.Error = report.NotAttempted, interruptedUpdating
	if earlier != "" {
		ahead.Changes = earlier
	}
	if u.Log != nil {
		if err := u.Log.Append(ahead); err != nil {
			o.Status, o.Error = report.NotAttempted, "write results file: "+err.Error()
			return o
		}
	}
	if msg := u.apply(calls, job, up); msg != "" {
		if job.Gone {
			u.uncount(up) // not an update: the row is created
			return report.Outcome{}
		}
		o.Status, o.Error = report.Failed, msg
		return o
	}
	if o.Status != report.Created {
		// Created stays: this run made its Identity Center user or
		// membership, and the changes column says what else changed.
		o.Status = report.Updated
	}
	if earlier != "" {
		o.Changes = earlier
	}
	return o
}

// compare reads the user and gives what differs from the row, or why it
// could not.
func (u *Updater) compare(ctx context.Context, job *UpdateJob, ssoUserID string, resumed bool) (*UserUpdate, string) {
	out, err := u.describe(ctx, job)
	if job.Gone {
		return nil, ""
	}
	if err == nil && out.User == nil {
		err = errors.New("the answer holds no user")
	}
	if err != nil {
		return nil, "describe user: " + ErrSummary(err)
	}
	return u.diffRead(ctx, job, out.User, ssoUserID, resumed)
}

// diffRead gives what differs between the job's row and its user as read
// (described, or from a page: pageUser), or why it could not.
func (u *Updater) diffRead(ctx context.Context, job *UpdateJob, user *types.User, ssoUserID string, resumed bool) (*UserUpdate, string) {
	pr := job.Planned
	up, err := diffUser(ctx, u.File, u.Instance, pr, user, u.names)
	if errors.As(err, new(DeskNeedsNumberError)) {
		return nil, err.Error()
	}
	if rp := new(RowProblemError); errors.As(err, &rp) {
		u.mu.Lock()
		u.late = append(u.late, rp.Problem)
		u.mu.Unlock()
		return nil, invalidPrefix + rp.Error()
	}
	if err != nil {
		return nil, "describe the user's hierarchy group: " + ErrSummary(err)
	}
	if err := u.diffExtensions(ctx, pr, user, up, resumed); err != nil {
		return nil, "list user proficiencies: " + ErrSummary(err)
	}
	if err := u.diffSSO(ctx, pr, ssoUserID, up); err != nil {
		return nil, "describe identity center user: " + ErrSummary(err)
	}
	return up, ""
}

// describe reads the job's user. ResourceNotFound for a user the listing
// showed means it was deleted (the listing lags deletes): the job is
// marked Gone. For a Known user it means DescribeUser lags its creation:
// it is asked again after each wait of the backoff.
func (u *Updater) describe(ctx context.Context, job *UpdateJob) (*connect.DescribeUserOutput, error) {
	in := &connect.DescribeUserInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(job.Planned.ExistingUserID)}
	out, err := u.Connect.DescribeUser(ctx, in)
	if !job.Known {
		if awsclient.Classify(err) == awsclient.NotFound {
			job.Gone = true
		}
		return out, err
	}
	for _, wait := range lagBackoff(u.LagBackoff) {
		if awsclient.Classify(err) != awsclient.NotFound || sleep(ctx, wait) != nil {
			break
		}
		out, err = u.Connect.DescribeUser(ctx, in)
	}
	return out, err
}

func (u *Updater) count(up *UserUpdate) {
	if up.Empty() {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.differ++
	for _, c := range up.Changes {
		u.fields[c.Field]++
	}
}

// uncount takes back a row count counted.
func (u *Updater) uncount(up *UserUpdate) {
	if up.Empty() {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.differ--
	for _, c := range up.Changes {
		u.fields[c.Field]--
		if u.fields[c.Field] == 0 {
			delete(u.fields, c.Field)
		}
	}
}

// apply sends one call per changed aspect, all at once; it gives the
// errors of the refused ones, each naming its fields, or "". A call that
// answers ResourceNotFoundException may mean the user is gone (deleted,
// the listing the plan read behind): one DescribeUser settles it, and a
// user gone marks the job Gone.
func (u *Updater) apply(ctx context.Context, job *UpdateJob, up *UserUpdate) string {
	aspects := up.Aspects()
	errs := make([]string, len(aspects))
	var notFound atomic.Bool
	var wg sync.WaitGroup
	for i, a := range aspects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := u.send(ctx, up, a); err != nil {
				errs[i] = fmt.Sprintf("%s%s: %s", updateFailurePrefix, up.fieldsOf(a), ErrSummary(err))
				if awsclient.Classify(err) == awsclient.NotFound {
					notFound.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if notFound.Load() && !job.Known && u.userGone(ctx, up.UserID) {
		job.Gone = true
		return "gone"
	}
	msg := ""
	for _, e := range errs {
		if e == "" {
			continue
		}
		if msg != "" {
			msg += "; "
		}
		msg += e
	}
	return msg
}

// send makes one changed aspect's call: its line of the step table
// (steps.go).
func (u *Updater) send(ctx context.Context, up *UserUpdate, a Aspect) error {
	for _, s := range stepTable(nil, u, nil, nil) {
		if s.Change == ChangeUpdate && s.Aspect == a {
			return s.Send(ctx, up)
		}
	}
	return fmt.Errorf("no step updates aspect %d", a)
}

// userGone says whether DescribeUser answers ResourceNotFoundException
// for the user.
func (u *Updater) userGone(ctx context.Context, userID string) bool {
	_, err := u.Connect.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(userID)})
	return awsclient.Classify(err) == awsclient.NotFound
}

func (u *Updater) sendIdentity(ctx context.Context, up *UserUpdate) error {
	info := up.identity
	_, err := u.Connect.UpdateUserIdentityInfo(ctx, &connect.UpdateUserIdentityInfoInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(up.UserID), IdentityInfo: &info})
	return err
}

func (u *Updater) sendRouting(ctx context.Context, up *UserUpdate) error {
	_, err := u.Connect.UpdateUserRoutingProfile(ctx, &connect.UpdateUserRoutingProfileInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(up.UserID), RoutingProfileId: aws.String(up.routing)})
	return err
}

func (u *Updater) sendSecurity(ctx context.Context, up *UserUpdate) error {
	_, err := u.Connect.UpdateUserSecurityProfiles(ctx, &connect.UpdateUserSecurityProfilesInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(up.UserID), SecurityProfileIds: up.security})
	return err
}

// sendHierarchy: an empty id takes the user out of its group.
func (u *Updater) sendHierarchy(ctx context.Context, up *UserUpdate) error {
	_, err := u.Connect.UpdateUserHierarchy(ctx, &connect.UpdateUserHierarchyInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(up.UserID), HierarchyGroupId: aws.String(up.hierarchy)})
	return err
}

func (u *Updater) sendPhone(ctx context.Context, up *UserUpdate) error {
	pc := up.phone
	_, err := u.Connect.UpdateUserPhoneConfig(ctx, &connect.UpdateUserPhoneConfigInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(up.UserID), PhoneConfig: &pc})
	if err == nil && up.clearsNumber {
		err = u.checkNumberCleared(ctx, up.UserID)
	}
	return err
}

// sendTags sets before it unsets: a kill between them leaves a user with a
// tag too many, never one too few, and either way a resumed run reads the
// user again and finishes.
func (u *Updater) sendTags(ctx context.Context, up *UserUpdate) error {
	var err error
	if len(up.tagSet) > 0 {
		_, err = u.Connect.TagResource(ctx, &connect.TagResourceInput{ResourceArn: aws.String(up.UserARN), Tags: up.tagSet})
	}
	if err == nil && len(up.tagUnset) > 0 {
		_, err = u.Connect.UntagResource(ctx, &connect.UntagResourceInput{ResourceArn: aws.String(up.UserARN), TagKeys: up.tagUnset})
	}
	return err
}

// checkNumberCleared reads the user again after a phone update that left
// its number out: UpdateUserPhoneConfig replaces the configuration, so the
// number is gone, unless Connect merges what is left out (the API's
// documentation does not say), which the row's error then says, rather
// than a number reported cleared that stays.
func (u *Updater) checkNumberCleared(ctx context.Context, userID string) error {
	out, err := u.Connect.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(u.Instance.ID), UserId: aws.String(userID)})
	if err != nil {
		return fmt.Errorf("read the user again to check its phone number is cleared: %w", err)
	}
	if out.User != nil && out.User.PhoneConfig != nil && aws.ToString(out.User.PhoneConfig.DeskPhoneNumber) != "" {
		return errors.New("connect kept the phone number: UpdateUserPhoneConfig without a number does not clear it; clear it in the Connect admin website")
	}
	return nil
}

// newUpdater gives the updater of an import, or nil when the client cannot
// read users one at a time (a test double of ConnectAPI alone).
func newUpdater(cfg Config, clients *Clients, inst Instance, f *agentfile.File, log OutcomeLog) *Updater {
	api, ok := clients.Connect.(ConnectUpdater)
	if !ok {
		return nil
	}
	n := 0
	if clients.Limits != nil {
		// Enough rows in flight to keep DescribeUser busy while earlier
		// rows wait in the update buckets.
		n = int(4 * clients.Limits.For("Connect.DescribeUser").Configured())
	}
	return &Updater{Connect: api, Instance: inst, File: f, Log: log, Update: cfg.Update, DryRun: cfg.DryRun,
		Concurrency: min(max(n, 64), 1024), Limits: clients.Limits}
}

// existsOutcome is the outcome of an existing user's row before it is
// compared.
func existsOutcome(pr *PlannedRow, inst Instance) report.Outcome {
	o := plannedOutcome(pr, report.Exists)
	o.ConnectUserID = pr.ExistingUserID
	o.SignInURL = dryRunSignInURL(inst)
	return o
}

// warnPasswordIgnored warns that a password cell on an existing user's row
// is not applied: bulkagents never resets a password.
func warnPasswordIgnored(f *agentfile.File, pr *PlannedRow) {
	if pr.Action != ActionExists {
		return
	}
	if w, ok := f.PasswordIgnored(pr.Row); ok {
		pr.Warnings = append(pr.Warnings, w)
	}
}
