package remover

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

// remover deletes the planned users, one row per worker at a time. Each
// call waits for its own API's limiter, so while one row's DeleteUser waits
// for the DeleteUser bucket, other rows' quick connect and Identity Center
// calls go out beside it: the run is paced by DeleteUser alone.
type remover struct {
	api              ConnectRemoveAPI
	inst             importer.Instance
	log              *report.Log
	ic               *removeIdentityCenter
	trafficGroup     *importer.TrafficGroup // --traffic-distribution-group; nil when off
	quick            *quickConnectIndex
	limits           *importer.Limits // nil: nothing paced
	deleteStoreUsers bool
	describeEmails   bool // a DescribeUser per deleted user fills the email column
	onOutcome        func(report.Outcome)
	// endpoint names where the calls go, for the rows the circuit breaker
	// stops (importer.BreakerMessage).
	endpoint string

	mu                 sync.Mutex
	err                error // the first results-file failure: no row starts after it
	deletes            int
	quickDeleted       int
	membershipsRemoved int
	storeUsersDeleted  int
	storeUsersKept     int
}

func (r *remover) logErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

func (r *remover) count(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
}

// append writes an outcome; a failure stops the run (the row's state is no
// longer on disk).
func (r *remover) append(o report.Outcome, sync bool) bool {
	err := r.log.Append(o)
	if err == nil && sync {
		err = r.log.Sync()
	}
	if err != nil {
		r.mu.Lock()
		if r.err == nil {
			r.err = fmt.Errorf("write results file: %w", err)
		}
		r.mu.Unlock()
		return false
	}
	return true
}

func (t *removeTarget) outcome(inst importer.Instance) report.Outcome {
	return report.Outcome{Line: t.row.Line, Login: t.row.Login, FirstName: t.first, LastName: t.last, Email: t.email,
		RoutingProfile: t.routing, ConnectUserID: t.userID, Instance: inst.ID}
}

func quickNames(q []quickConnectRef) string {
	names := make([]string, len(q))
	for i, x := range q {
		names[i] = x.name
	}
	return strings.Join(names, ", ")
}

// email is the user's email as Connect holds it, for the results file: the
// listing (SearchUsers) gives names but no email, so one DescribeUser, at
// its own rate, beside the slower DeleteUser. "" when it cannot be read:
// the row is deleted all the same.
func (r *remover) email(ctx context.Context, userID string) string {
	out, err := r.api.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(r.inst.ID), UserId: aws.String(userID)})
	if err != nil || out.User == nil || out.User.IdentityInfo == nil {
		return ""
	}
	return aws.ToString(out.User.IdentityInfo.Email)
}

// dryRun writes what would be deleted, with the read calls the Identity
// Center side needs to say what it would do.
func (r *remover) dryRun(calls context.Context, targets []*removeTarget, outcomes []report.Outcome) {
	for _, t := range targets {
		o := t.outcome(r.inst)
		o.Status = report.WouldDelete
		var changes []string
		if t.admin {
			changes = append(changes, adminNote)
		}
		quick, _ := r.quick.of(calls, t.userID) // complete: the dry run described them all
		if len(quick) > 0 {
			r.count(func() { r.quickDeleted += len(quick) })
			changes = append(changes, "quick connects: "+quickNames(quick))
		}
		if r.ic != nil {
			id, found, err := r.ic.findUser(calls, t.row.Login)
			switch {
			case err != nil:
				o.Status, o.Error = report.Failed, err.Error()
			case !found:
				changes = append(changes, "identity center: no user "+t.row.Login)
			default:
				o.SSOUserID = id
				what := "identity center: remove from group " + r.ic.group
				if r.deleteStoreUsers {
					what += ", then delete the user unless it is in other groups"
				}
				changes = append(changes, what)
			}
		}
		o.Changes = strings.Join(changes, "; ")
		outcomes[t.slot] = o
		r.append(o, false)
		r.onOutcome(o)
	}
}

// run deletes the targets with workers rows at once.
func (r *remover) run(stop, calls context.Context, workers int, targets []*removeTarget, outcomes []report.Outcome) {
	jobs := make(chan *removeTarget)
	var wg sync.WaitGroup
	for range min(workers, max(len(targets), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range jobs {
				o := r.removeOne(stop, calls, t)
				outcomes[t.slot] = o
				r.onOutcome(o)
			}
		}()
	}
	next := 0
feed:
	for ; next < len(targets); next++ {
		if r.logErr() != nil || r.halted() != "" {
			break
		}
		select {
		case jobs <- targets[next]:
		case <-stop.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	for _, t := range targets[next:] {
		o := t.outcome(r.inst)
		o.ConnectUserID = "" // nothing was sent for it
		if t.alreadyOff {
			o.ConnectUserID = t.userID
			o.Error = sentMarker + " by an earlier run; "
		}
		o.Status = report.NotAttempted
		switch {
		case r.logErr() != nil:
			o.Error += notWritten
		case r.halted() != "":
			o.Error += r.halted()
		default:
			o.Error += importer.NotStarted
		}
		outcomes[t.slot] = o
	}
}

// halted is the error of the rows not started because the circuit breaker
// stopped the calls (the endpoint stopped answering), or "".
func (r *remover) halted() string {
	if r.limits == nil {
		return ""
	}
	if open, _ := r.limits.Breaker.Open(); open {
		return importer.BreakerMessage(r.endpointName())
	}
	return ""
}

func (r *remover) endpointName() string {
	if r.endpoint == "" {
		return "the AWS endpoint"
	}
	return r.endpoint
}

// notWritten is the error of a row not started because the results file
// could not be written (a full disk): no delete goes out unrecorded.
const notWritten = "not started: the results file could not be written; run again with --resume"

// removeOne deletes one user, then its quick connects, then its Identity
// Center membership (and user). The row is written ahead, synced, before
// DeleteUser is sent, so that a kill at any instant leaves a row that
// --resume settles by looking the user up.
func (r *remover) removeOne(stop, calls context.Context, t *removeTarget) report.Outcome {
	o := t.outcome(r.inst)
	// Take DeleteUser's token while a Ctrl-C can still leave the row
	// untouched: a worker may wait here long at a low rate.
	trace := &importer.CallTrace{Stop: stop}
	if r.limits != nil && !t.alreadyOff {
		if err := r.limits.For("Connect.DeleteUser").Wait(stop); err != nil {
			o.Status, o.Error, o.ConnectUserID = report.NotAttempted, importer.NotStarted, ""
			return o
		}
		trace.Prepaid = true
	}
	if msg := r.halted(); msg != "" && !t.alreadyOff {
		o.Status, o.Error, o.ConnectUserID = report.NotAttempted, msg, ""
		return o
	}
	if !t.alreadyOff && r.describeEmails && !t.described {
		o.Email = r.email(calls, t.userID)
	}
	if !t.alreadyOff && r.trafficGroup != nil {
		// Global Resiliency: the user leaves the group before it goes.
		if err := r.trafficGroup.Disassociate(calls, r.inst.ID, t.userID); err != nil {
			o.Status = report.Failed
			o.Error = importer.ErrText(err) + " (the user was not deleted; run again with --resume)"
			r.append(o, false)
			return o
		}
	}
	o.Status = report.NotAttempted
	o.Error = sentMarker + ": interrupted while deleting the user; run again with --resume to settle it"
	if !r.append(o, true) {
		// Nothing is sent for a row the results file does not hold.
		o.Error, o.ConnectUserID = notWritten, ""
		return o
	}
	fail := func(step string, err error) report.Outcome {
		o.Status = report.Failed
		o.Error = fmt.Sprintf("%s: %s (%s; run again with --resume to finish)", step, importer.ErrText(err), sentMarker)
		r.append(o, false)
		return o
	}
	var changes []string
	if !t.alreadyOff && !r.deleteUser(calls, t, trace, &o) {
		return o
	}
	// A Ctrl-C while the quick connects are still being described leaves
	// them to --resume, which finds the user gone and finishes the row.
	quick, err := r.quick.of(stop, t.userID)
	if err != nil && stop.Err() != nil {
		o.Status = report.NotAttempted
		o.Error = sentMarker + " and the user deleted; interrupted before its quick connects were deleted: run again with --resume to finish"
		r.append(o, false)
		return o
	}
	if err != nil {
		return fail("find the user's quick connects", err)
	}
	gone, serr := r.deleteQuickConnects(calls, quick)
	if serr != nil {
		return fail(serr.step, serr.err)
	}
	if len(gone) > 0 {
		changes = append(changes, "quick connects deleted: "+strings.Join(gone, ", "))
	}
	if r.ic != nil {
		what, id, err := r.removeFromIdentityCenter(calls, t.row.Login)
		o.SSOUserID = id
		if err != nil {
			o.Changes = strings.Join(changes, "; ")
			return fail("identity center", err)
		}
		changes = append(changes, what)
	}
	o.Status, o.Error, o.Changes = report.Deleted, "", strings.Join(changes, "; ")
	r.append(o, false)
	return o
}

// removeIdentityCenter is the Identity Center side of a remove: the store
// and the agents' group.
type removeIdentityCenter struct {
	store   IdentityStoreRemoveAPI
	admin   SSOAdminRemoveAPI
	ssoARN  string // the SSO instance of the store, for a user's assignments ("" unless deleting users)
	storeID string
	group   string
	groupID string // "" when the group does not exist
}

func planRemoveIdentityCenter(ctx context.Context, clients *importer.Clients, cfg Config) (*removeIdentityCenter, error) {
	store, ok := clients.IdentityStore.(IdentityStoreRemoveAPI)
	if !ok {
		return nil, &importer.SetupError{Message: "this identity store client cannot remove users"}
	}
	ic := &removeIdentityCenter{store: store, storeID: cfg.IdentityCenter.IdentityStoreID, group: cfg.IdentityCenter.GroupName()}
	if ic.storeID == "" {
		id, err := importer.DiscoverIdentityStore(ctx, clients.SSOAdmin)
		if err != nil {
			return nil, err
		}
		ic.storeID = id
	}
	out, err := store.GetGroupId(ctx, &identitystore.GetGroupIdInput{IdentityStoreId: aws.String(ic.storeID),
		AlternateIdentifier: importer.UniqueAttribute("displayName", ic.group)})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
	case err != nil:
		return nil, &importer.SetupError{Message: fmt.Sprintf("identity store %s: find group %q: %s", ic.storeID, ic.group, importer.ErrText(err)), Err: err,
			Hint: importer.IdentityStoreHint(err, ic.storeID)}
	default:
		ic.groupID = aws.ToString(out.GroupId)
	}
	if cfg.DeleteIdentityCenterUsers {
		// A user is kept when it has application assignments of its own,
		// which are found per SSO instance.
		admin, ok := clients.SSOAdmin.(SSOAdminRemoveAPI)
		if !ok {
			return nil, &importer.SetupError{Message: "this SSO Admin client cannot list assignments"}
		}
		ic.admin = admin
		if ic.ssoARN, err = ssoInstanceOf(ctx, admin, ic.storeID); err != nil {
			return nil, err
		}
	}
	return ic, nil
}

// SSOAdminRemoveAPI is the part of SSO Admin that --sso-delete-users uses.
type SSOAdminRemoveAPI interface {
	ListInstances(ctx context.Context, in *ssoadmin.ListInstancesInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error)
	ListApplicationAssignmentsForPrincipal(ctx context.Context, in *ssoadmin.ListApplicationAssignmentsForPrincipalInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListApplicationAssignmentsForPrincipalOutput, error)
}

// ssoInstanceOf finds the ARN of the SSO instance whose identity store this is.
func ssoInstanceOf(ctx context.Context, admin SSOAdminRemoveAPI, storeID string) (string, error) {
	p := ssoadmin.NewListInstancesPaginator(admin, &ssoadmin.ListInstancesInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", &importer.SetupError{Message: "--sso-delete-users: find the IAM Identity Center instance: " + importer.ErrText(err), Err: err,
				Hint: "the credentials need sso:ListInstances and sso:ListApplicationAssignmentsForPrincipal, to see what else a user is assigned to before deleting it"}
		}
		for _, in := range page.Instances {
			if aws.ToString(in.IdentityStoreId) == storeID {
				return aws.ToString(in.InstanceArn), nil
			}
		}
	}
	return "", &importer.SetupError{Message: fmt.Sprintf("--sso-delete-users: no IAM Identity Center instance of this account uses identity store %s", storeID),
		Hint: "without it, what else a user is assigned to cannot be checked: drop --sso-delete-users, or check --identity-store-id and --region"}
}

func (ic *removeIdentityCenter) findUser(ctx context.Context, login string) (string, bool, error) {
	out, err := ic.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(ic.storeID),
		AlternateIdentifier: importer.UniqueAttribute("userName", login)})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("look up identity center user %q: %w", login, awsclient.Short(err))
	}
	return aws.ToString(out.UserId), true, nil
}

// removeFromIdentityCenter takes the user named login out of the agents'
// group and, when asked, deletes it unless it is in other groups. It says
// what it did.
func (r *remover) removeFromIdentityCenter(ctx context.Context, login string) (string, string, error) {
	ic := r.ic
	id, found, err := ic.findUser(ctx, login)
	if err != nil || !found {
		return "identity center: no user " + login, "", err
	}
	var did []string
	if ic.groupID != "" {
		m, err := ic.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: aws.String(ic.storeID),
			GroupId: aws.String(ic.groupID), MemberId: &istypes.MemberIdMemberUserId{Value: id}})
		switch {
		case awsclient.Classify(err) == awsclient.NotFound:
			did = append(did, "not in group "+ic.group)
		case err != nil:
			return "", id, fmt.Errorf("find the membership of %s in %s: %w", login, ic.group, awsclient.Short(err))
		default:
			_, err := ic.store.DeleteGroupMembership(ctx, &identitystore.DeleteGroupMembershipInput{IdentityStoreId: aws.String(ic.storeID), MembershipId: m.MembershipId})
			if err != nil && awsclient.Classify(err) != awsclient.NotFound {
				return "", id, fmt.Errorf("remove %s from group %s: %w", login, ic.group, awsclient.Short(err))
			}
			r.count(func() { r.membershipsRemoved++ })
			did = append(did, "removed from group "+ic.group)
		}
	}
	if r.deleteStoreUsers {
		why, err := ic.keepReason(ctx, id)
		if err != nil {
			return "", id, err
		}
		if why != "" {
			r.count(func() { r.storeUsersKept++ })
			did = append(did, "user kept: "+why)
		} else {
			_, err := ic.store.DeleteUser(ctx, &identitystore.DeleteUserInput{IdentityStoreId: aws.String(ic.storeID), UserId: aws.String(id)})
			if err != nil && awsclient.Classify(err) != awsclient.NotFound {
				return "", id, fmt.Errorf("delete identity center user %s: %w", login, awsclient.Short(err))
			}
			r.count(func() { r.storeUsersDeleted++ })
			did = append(did, "user deleted")
		}
	}
	return "identity center: " + strings.Join(did, ", "), id, nil
}

// keepReason says why an Identity Center user must stay ("" when nothing
// but the agents' group holds it): other groups, or application
// assignments of its own.
func (ic *removeIdentityCenter) keepReason(ctx context.Context, userID string) (string, error) {
	groups, err := ic.otherGroups(ctx, userID)
	if err != nil {
		return "", err
	}
	if groups > 0 {
		return fmt.Sprintf("it is in %d other group(s)", groups), nil
	}
	apps := 0
	p := ssoadmin.NewListApplicationAssignmentsForPrincipalPaginator(ic.admin, &ssoadmin.ListApplicationAssignmentsForPrincipalInput{
		InstanceArn: aws.String(ic.ssoARN), PrincipalId: aws.String(userID), PrincipalType: ssotypes.PrincipalTypeUser})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list the application assignments of identity center user %s: %w", userID, awsclient.Short(err))
		}
		apps += len(page.ApplicationAssignments)
	}
	if apps > 0 {
		return fmt.Sprintf("it has %d application assignment(s) of its own", apps), nil
	}
	return "", nil
}

// otherGroups counts the groups other than the agents' that a user is in.
func (ic *removeIdentityCenter) otherGroups(ctx context.Context, userID string) (int, error) {
	n := 0
	p := identitystore.NewListGroupMembershipsForMemberPaginator(ic.store, &identitystore.ListGroupMembershipsForMemberInput{
		IdentityStoreId: aws.String(ic.storeID), MemberId: &istypes.MemberIdMemberUserId{Value: userID}})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if awsclient.Classify(err) == awsclient.NotFound {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("list the groups of identity center user %s: %w", userID, awsclient.Short(err))
		}
		for _, m := range page.GroupMemberships {
			if aws.ToString(m.GroupId) != ic.groupID {
				n++
			}
		}
	}
	return n, nil
}

// deleteUser sends the row's DeleteUser; false when the row ends there
// (its outcome set and written).
func (r *remover) deleteUser(calls context.Context, t *removeTarget, trace *importer.CallTrace, o *report.Outcome) bool {
	_, err := r.api.DeleteUser(importer.WithCallTrace(calls, trace), &connect.DeleteUserInput{InstanceId: aws.String(r.inst.ID), UserId: aws.String(t.userID)})
	switch {
	case err == nil:
	case errors.Is(err, importer.ErrStopped):
		// Throttled, then stopped by Ctrl-C before it went through.
		o.Status, o.Error, o.ConnectUserID = report.NotAttempted, importer.NotStarted, ""
		r.append(*o, false)
		return false
	case awsclient.Classify(err) == awsclient.NotSent && !importer.MayHaveApplied(trace.Attempts[:max(len(trace.Attempts)-1, 0)]):
		// The circuit breaker kept it from being sent, and no attempt
		// before it can have reached Connect: nothing was done.
		o.Status, o.Error, o.ConnectUserID = report.NotAttempted, importer.BreakerMessage(r.endpointName()), ""
		r.append(*o, false)
		return false
	case awsclient.Classify(err) == awsclient.NotFound && importer.MayHaveApplied(trace.Attempts[:len(trace.Attempts)-1]):
		// An attempt whose answer was lost went through.
	case awsclient.Classify(err) == awsclient.NotFound:
		// Deleted by someone else since the listing: this run changed nothing.
		o.Status, o.Error, o.Changes = report.Absent, "", "no such user (deleted since the listing)"
		r.append(*o, false)
		return false
	default:
		o.Status = report.Failed
		o.Error = "delete connect user: " + importer.ErrText(err)
		if importer.MayHaveApplied(trace.Attempts) {
			o.Error += " (" + sentMarker + "; it may have gone through: run again with --resume to settle it)"
		} else {
			o.ConnectUserID = t.userID
		}
		r.append(*o, false)
		return false
	}
	r.count(func() { r.deletes++ })
	return true
}

// stepError is a failed step of a row: which step, and why.
type stepError struct {
	step string
	err  error
}

// deleteQuickConnects deletes a user's quick connects; one already gone
// counts as deleted. It returns the names of those gone.
func (r *remover) deleteQuickConnects(calls context.Context, quick []quickConnectRef) ([]string, *stepError) {
	var gone []string
	for _, q := range quick {
		_, err := r.api.DeleteQuickConnect(calls, &connect.DeleteQuickConnectInput{InstanceId: aws.String(r.inst.ID), QuickConnectId: aws.String(q.id)})
		if err != nil && awsclient.Classify(err) != awsclient.NotFound {
			return gone, &stepError{fmt.Sprintf("delete quick connect %q", q.name), err}
		}
		if err == nil {
			r.count(func() { r.quickDeleted++ })
		}
		gone = append(gone, q.name)
	}
	return gone, nil
}

// DeleteRate is the DeleteUser calls per second of the delete phase.
func (res *Result) DeleteRate() float64 {
	if res.Deletes == 0 || res.DeletePhase <= 0 {
		return 0
	}
	return float64(res.Deletes) / res.DeletePhase.Seconds()
}
