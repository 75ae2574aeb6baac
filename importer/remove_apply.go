package importer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// removal is the delete kind of change of one run: the state its steps
// (the delete lines of the step table, steps.go) share. Each call waits for
// its own API's limiter, so while one row's DeleteUser waits for the
// DeleteUser bucket, other rows' quick connect and Identity Center calls go
// out beside it: the run is paced by DeleteUser alone.
type removal struct {
	p                *Provisioner // the worker loop running the rows
	api              ConnectRemoveAPI
	inst             Instance
	ic               *IdentityCenter
	quick            *quickConnectIndex
	deleteStoreUsers bool
	describeEmails   bool          // a DescribeUser per deleted user fills the email column
	trafficGroup     *TrafficGroup // --traffic-distribution-group; nil when off

	mu                 sync.Mutex
	deletes            int
	quickDeleted       int
	membershipsRemoved int
	storeUsersDeleted  int
	storeUsersKept     int
}

func (r *removal) count(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f()
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
func (r *removal) email(ctx context.Context, userID string) string {
	out, err := r.api.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(r.inst.ID), UserId: aws.String(userID)})
	if err != nil || out.User == nil || out.User.IdentityInfo == nil {
		return ""
	}
	return aws.ToString(out.User.IdentityInfo.Email)
}

// dryRunOutcome says what would be deleted for a planned delete, with the
// read calls the Identity Center side needs to say what it would do.
func (r *removal) dryRunOutcome(calls context.Context, pr *PlannedRow) report.Outcome {
	t := pr.Delete
	o := t.outcome(pr.Row.Line, r.inst)
	o.Status = report.WouldDelete
	var changes []string
	if t.Admin {
		changes = append(changes, adminNote)
	}
	quick, _ := r.quick.of(calls, t.UserID) // complete: the dry run described them all
	if len(quick) > 0 {
		r.count(func() { r.quickDeleted += len(quick) })
		changes = append(changes, "quick connects: "+quickNames(quick))
	}
	if r.ic != nil {
		id, found, err := r.ic.findUser(calls, t.Login)
		switch {
		case err != nil:
			o.Status, o.Error = report.Failed, err.Error()
		case !found:
			changes = append(changes, "identity center: no user "+t.Login)
		default:
			o.SSOUserID = id
			what := "identity center: remove from group " + r.ic.Group
			if r.deleteStoreUsers {
				what += ", then delete the user unless it is in other groups"
			}
			changes = append(changes, what)
		}
	}
	o.Changes = strings.Join(changes, "; ")
	return o
}

// notWritten is the error of a row not started because the results file
// could not be written (a full disk): no delete goes out unrecorded.
const notWritten = "not started: the results file could not be written; run again with --resume"

// deleteOutcome is a planned delete's outcome before its steps: a row not
// started names no user id, unless an earlier run deleted the user.
func deleteOutcome(pr *PlannedRow, inst Instance) report.Outcome {
	t := pr.Delete
	o := t.outcome(pr.Row.Line, inst)
	o.Status, o.ConnectUserID = report.NotAttempted, ""
	if t.AlreadyDeleted {
		o.ConnectUserID, o.Error = t.UserID, sentMarker+" by an earlier run; "
	}
	return o
}

// deleteConnectUser is a delete's first step: the row is written ahead,
// synced, before DeleteUser is sent, so that a kill at any instant leaves a
// row that --resume settles by looking the user up. A user an earlier run
// deleted only has its row written ahead again.
func (r *removal) deleteConnectUser(stop, calls context.Context, rr *rowRun) bool {
	t, o := rr.job.Planned.Delete, &rr.outcome
	*o = t.outcome(rr.job.Planned.Row.Line, r.inst)
	// Take DeleteUser's token while a Ctrl-C can still leave the row
	// untouched: a worker may wait here long at a low rate.
	trace := &CallTrace{Stop: stop}
	if r.p.Limits != nil && !t.AlreadyDeleted {
		if err := r.p.Limits.For(rr.api).Wait(stop); err != nil {
			o.Status, o.Error, o.ConnectUserID = report.NotAttempted, NotStarted, ""
			return false
		}
		trace.Prepaid = true
	}
	if why, ok := r.p.halted(context.Background()); !ok && !t.AlreadyDeleted {
		o.Status, o.Error, o.ConnectUserID = report.NotAttempted, why.msg, ""
		return false
	}
	if !t.AlreadyDeleted && r.describeEmails && !t.Described {
		o.Email = r.email(calls, t.UserID)
	}
	if !t.AlreadyDeleted && r.trafficGroup != nil {
		// Global Resiliency: the user leaves the group before it goes.
		if err := r.trafficGroup.Disassociate(calls, r.inst.ID, t.UserID); err != nil {
			o.Status = report.Failed
			o.Error = ErrText(err) + " (the user was not deleted; run again with --resume)"
			return false
		}
	}
	o.Status = report.NotAttempted
	o.Error = sentMarker + ": interrupted while deleting the user; run again with --resume to settle it"
	if !r.p.appendSynced(*o) {
		// Nothing is sent for a row the results file does not hold.
		o.Error, o.ConnectUserID = notWritten, ""
		return false
	}
	if !t.AlreadyDeleted && !r.deleteUser(calls, t, trace, o) {
		return false
	}
	o.Status, o.Error = report.Deleted, ""
	return true
}

// failStep ends a delete whose user is gone at a later step.
func failStep(o *report.Outcome, step string, err error) bool {
	o.Status = report.Failed
	o.Error = fmt.Sprintf("%s: %s (%s; run again with --resume to finish)", step, ErrText(err), sentMarker)
	return false
}

// addChange adds what a step did to the row's changes column.
func addChange(o *report.Outcome, what string) {
	if o.Changes != "" {
		o.Changes += "; "
	}
	o.Changes += what
}

// deleteQuickConnects deletes the quick connects that point at the user;
// one already gone counts as deleted.
func (r *removal) deleteQuickConnects(stop, calls context.Context, rr *rowRun) bool {
	t, o := rr.job.Planned.Delete, &rr.outcome
	// A Ctrl-C while the quick connects are still being described leaves
	// them to --resume, which finds the user gone and finishes the row.
	quick, err := r.quick.of(stop, t.UserID)
	if err != nil && stop.Err() != nil {
		o.Status = report.NotAttempted
		o.Error = sentMarker + " and the user deleted; interrupted before its quick connects were deleted: run again with --resume to finish"
		return false
	}
	if err != nil {
		return failStep(o, "find the user's quick connects", err)
	}
	var gone []string
	for _, q := range quick {
		_, err := r.api.DeleteQuickConnect(calls, &connect.DeleteQuickConnectInput{InstanceId: aws.String(r.inst.ID), QuickConnectId: aws.String(q.id)})
		if err != nil && awsclient.Classify(err) != awsclient.NotFound {
			if len(gone) > 0 {
				addChange(o, "quick connects deleted: "+strings.Join(gone, ", "))
			}
			return failStep(o, fmt.Sprintf("delete quick connect %q", q.name), err)
		}
		if err == nil {
			r.count(func() { r.quickDeleted++ })
		}
		gone = append(gone, q.name)
	}
	if len(gone) > 0 {
		addChange(o, "quick connects deleted: "+strings.Join(gone, ", "))
	}
	rr.nothing = len(gone) == 0
	return true
}

// leaveGroup takes the user's Identity Center user out of the agents'
// group.
func (r *removal) leaveGroup(_, calls context.Context, rr *rowRun) bool {
	o, login := &rr.outcome, rr.job.Planned.Delete.Login
	what, err := r.ic.leaveGroup(calls, login, func() { r.count(func() { r.membershipsRemoved++ }) })
	o.SSOUserID = what.userID
	if err != nil {
		return failStep(o, "identity center", err)
	}
	rr.nothing = !slices.Contains(what.did, "removed from group "+r.ic.Group)
	if what.userID == "" {
		addChange(o, "identity center: no user "+login)
		return true
	}
	rr.removed = what.did
	if !r.deleteStoreUsers {
		addChange(o, "identity center: "+strings.Join(what.did, ", "))
	}
	return true
}

// deleteStoreUser deletes the user's Identity Center user
// (--sso-delete-users) unless it is in other groups or has application
// assignments of its own.
func (r *removal) deleteStoreUser(_, calls context.Context, rr *rowRun) bool {
	o := &rr.outcome
	if !r.deleteStoreUsers || o.SSOUserID == "" {
		rr.nothing = true
		return true
	}
	did, err := r.ic.deleteStoreUser(calls, rr.job.Planned.Delete.Login, o.SSOUserID, func(kept bool) {
		r.count(func() {
			if kept {
				r.storeUsersKept++
			} else {
				r.storeUsersDeleted++
			}
		})
	})
	if err != nil {
		return failStep(o, "identity center", err)
	}
	addChange(o, "identity center: "+strings.Join(append(rr.removed, did), ", "))
	rr.nothing = did != "user deleted"
	return true
}

// planIdentityCenterRemoval finds the identity store and the agents' group
// of a remove, and with --sso-delete-users the SSO instance whose
// assignments say whether a user may go: the one Identity Center client,
// set for deletes.
func planIdentityCenterRemoval(ctx context.Context, clients *Clients, cfg RemoveConfig) (*IdentityCenter, error) {
	if clients.IdentityStore == nil {
		return nil, &SetupError{Message: "identity center: no identity store client"}
	}
	ic := &IdentityCenter{store: clients.IdentityStore, admin: clients.SSOAdmin, cfg: cfg.IdentityCenter,
		StoreID: cfg.IdentityCenter.IdentityStoreID, Group: cfg.IdentityCenter.GroupName()}
	if ic.StoreID == "" {
		id, err := DiscoverIdentityStore(ctx, clients.SSOAdmin)
		if err != nil {
			return nil, err
		}
		ic.StoreID = id
	}
	groupID, found, err := ic.findGroup(ctx)
	if err != nil {
		return nil, &SetupError{Message: err.Error(), Err: err, Hint: IdentityStoreHint(err, ic.StoreID)}
	}
	if found {
		ic.groupID = groupID
	}
	if cfg.DeleteIdentityCenterUsers {
		// A user is kept when it has application assignments of its own,
		// which are found per SSO instance.
		if ic.ssoARN, err = ssoInstanceOf(ctx, clients.SSOAdmin, ic.StoreID); err != nil {
			return nil, err
		}
	}
	return ic, nil
}

// ssoInstanceOf finds the ARN of the SSO instance whose identity store this is.
func ssoInstanceOf(ctx context.Context, admin SSOAdminAPI, storeID string) (string, error) {
	p := ssoadmin.NewListInstancesPaginator(admin, &ssoadmin.ListInstancesInput{MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", &SetupError{Message: "--sso-delete-users: find the IAM Identity Center instance: " + ErrText(err), Err: err,
				Hint: "the credentials need sso:ListInstances and sso:ListApplicationAssignmentsForPrincipal, to see what else a user is assigned to before deleting it"}
		}
		for _, in := range page.Instances {
			if aws.ToString(in.IdentityStoreId) == storeID {
				return aws.ToString(in.InstanceArn), nil
			}
		}
	}
	return "", &SetupError{Message: fmt.Sprintf("--sso-delete-users: no IAM Identity Center instance of this account uses identity store %s", storeID),
		Hint: "without it, what else a user is assigned to cannot be checked: drop --sso-delete-users, or check --identity-store-id and --region"}
}

// leftGroup is what leaving the group found and did.
type leftGroup struct {
	userID string   // "" when the store has no user of that name
	did    []string // "removed from group X", "not in group X"
}

// leaveGroup takes the Identity Center user named login out of the agents'
// group; removed hears each membership deleted.
func (ic *IdentityCenter) leaveGroup(ctx context.Context, login string, removed func()) (leftGroup, error) {
	id, found, err := ic.findUser(ctx, login)
	if err != nil || !found {
		return leftGroup{}, err
	}
	l := leftGroup{userID: id}
	if ic.groupID == "" {
		return l, nil
	}
	m, err := ic.store.GetGroupMembershipId(ctx, &identitystore.GetGroupMembershipIdInput{IdentityStoreId: aws.String(ic.StoreID),
		GroupId: aws.String(ic.groupID), MemberId: &istypes.MemberIdMemberUserId{Value: id}})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		l.did = append(l.did, "not in group "+ic.Group)
	case err != nil:
		return l, fmt.Errorf("find the membership of %s in %s: %w", login, ic.Group, awsclient.Short(err))
	default:
		_, err := ic.store.DeleteGroupMembership(ctx, &identitystore.DeleteGroupMembershipInput{IdentityStoreId: aws.String(ic.StoreID), MembershipId: m.MembershipId})
		if err != nil && awsclient.Classify(err) != awsclient.NotFound {
			return l, fmt.Errorf("remove %s from group %s: %w", login, ic.Group, awsclient.Short(err))
		}
		removed()
		l.did = append(l.did, "removed from group "+ic.Group)
	}
	return l, nil
}

// deleteStoreUser deletes the Identity Center user id unless it must stay;
// done hears which (kept or not) and it says what it did.
func (ic *IdentityCenter) deleteStoreUser(ctx context.Context, login, id string, done func(kept bool)) (string, error) {
	why, err := ic.keepReason(ctx, id)
	if err != nil {
		return "", err
	}
	if why != "" {
		done(true)
		return "user kept: " + why, nil
	}
	_, err = ic.store.DeleteUser(ctx, &identitystore.DeleteUserInput{IdentityStoreId: aws.String(ic.StoreID), UserId: aws.String(id)})
	if err != nil && awsclient.Classify(err) != awsclient.NotFound {
		return "", fmt.Errorf("delete identity center user %s: %w", login, awsclient.Short(err))
	}
	done(false)
	return "user deleted", nil
}

// keepReason says why an Identity Center user must stay ("" when nothing
// but the agents' group holds it): other groups, or application
// assignments of its own.
func (ic *IdentityCenter) keepReason(ctx context.Context, userID string) (string, error) {
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
func (ic *IdentityCenter) otherGroups(ctx context.Context, userID string) (int, error) {
	n := 0
	p := identitystore.NewListGroupMembershipsForMemberPaginator(ic.store, &identitystore.ListGroupMembershipsForMemberInput{
		IdentityStoreId: aws.String(ic.StoreID), MemberId: &istypes.MemberIdMemberUserId{Value: userID}})
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
// (its outcome set).
func (r *removal) deleteUser(calls context.Context, t *DeleteTarget, trace *CallTrace, o *report.Outcome) bool {
	_, err := r.api.DeleteUser(WithCallTrace(calls, trace), &connect.DeleteUserInput{InstanceId: aws.String(r.inst.ID), UserId: aws.String(t.UserID)})
	switch {
	case err == nil:
	case errors.Is(err, ErrStopped):
		// Throttled, then stopped by Ctrl-C before it went through.
		o.Status, o.Error, o.ConnectUserID = report.NotAttempted, NotStarted, ""
		return false
	case awsclient.Classify(err) == awsclient.NotSent && !MayHaveApplied(trace.Attempts[:max(len(trace.Attempts)-1, 0)]):
		// The circuit breaker kept it from being sent, and no attempt
		// before it can have reached Connect: nothing was done.
		o.Status, o.Error, o.ConnectUserID = report.NotAttempted, BreakerMessage(r.p.endpoint()), ""
		return false
	case awsclient.Classify(err) == awsclient.NotFound && MayHaveApplied(trace.Attempts[:len(trace.Attempts)-1]):
		// An attempt whose answer was lost went through.
	case awsclient.Classify(err) == awsclient.NotFound:
		// Deleted by someone else since the listing: this run changed nothing.
		o.Status, o.Error, o.Changes = report.Absent, "", "no such user (deleted since the listing)"
		return false
	default:
		o.Status = report.Failed
		o.Error = "delete connect user: " + ErrText(err)
		if MayHaveApplied(trace.Attempts) {
			o.Error += " (" + sentMarker + "; it may have gone through: run again with --resume to settle it)"
		}
		return false
	}
	r.count(func() { r.deletes++ })
	return true
}
