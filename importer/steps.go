package importer

import (
	"context"
	"github.com/bulkagents/bulkagents/awsclient"

	"github.com/bulkagents/bulkagents/report"
)

// The steps of making an agent, as the results file's steps column names
// them.
const (
	StepConnectUser        = "connect user"
	StepProficiencies      = "proficiencies"
	StepIdentityCenterUser = "identity center user"
	StepGroupMembership    = "group membership"

	// The steps of removing an agent.
	StepUserDeleted      = "connect user deleted"
	StepQuickConnects    = "quick connects deleted"
	StepLeftGroup        = "left group"
	StepStoreUserDeleted = "identity center user deleted"
)

// Change is the kind of change a step applies to.
type Change int

const (
	// ChangeCreate: a row the instance must have (create, or exists and
	// its missing parts made).
	ChangeCreate Change = iota
	// ChangeUpdate: one aspect of an existing user that differs from its
	// row (the Updater's, update.go).
	ChangeUpdate
	// ChangeDelete: a row the instance must no longer have.
	ChangeDelete
)

// change is the kind of change of a planned action.
func (a Action) change() Change {
	if a == ActionDelete {
		return ChangeDelete
	}
	return ChangeCreate
}

// Step is one per-row AWS step of making an agent. Adding a step is its
// function and one line in the table of steps below (and, for Identity
// Center's, in IdentityCenter.steps).
type Step struct {
	// Change is the kind of change whose rows take the step.
	Change Change
	// IdentityCenter: the step is the Identity Center side, taken only
	// with --sso.
	IdentityCenter bool
	Name           string // as the steps column records it
	// API is the operation the step sends, its key in the table of APIs
	// (awsclient.APIs): the limiter whose token the step takes ahead of its
	// call (TestStepAPIsInTheTable).
	API string
	// Run fills in the row's outcome and says whether the row goes on to
	// its next step.
	Run rowStep
	// Only, when set, says whether the run takes the step at all (an
	// option of the run's, such as --create-hierarchy).
	Only func(p *Provisioner) bool
	// Aspect and Send are an update step's (ChangeUpdate): the part of the
	// user it changes, and its call.
	Aspect Aspect
	Send   func(ctx context.Context, up *UserUpdate) error
	// SkipWhenDone: the step sets nothing in the outcome, so a row whose
	// resumed outcome records it done skips it without a call. The other
	// steps run again and find their work done (they fill in ids).
	SkipWhenDone bool
	// Nothing, when set, says the row has nothing for the step to do (a
	// row without proficiencies): the step is then not recorded, so that
	// the steps column names only what was done.
	Nothing func(r *rowRun) bool
}

// rowStep is one step's work on a row.
type rowStep func(stop, calls context.Context, r *rowRun) bool

// stepTable is every kind of change's steps, one line a step, in the
// order a row of that kind runs them: a create's and a delete's run by the
// Provisioner p (rm: its deletes' state, la: the Identity Center look-ups
// of its creates), an update's aspects sent by the Updater u. Each names
// its API, a line of awsclient.APIs: its limiter and its Service Quotas
// look-up. A step of a party not given is never run.
func stepTable(p *Provisioner, u *Updater, rm *removal, la *lookahead) []Step {
	var ic *IdentityCenter
	if p != nil {
		ic = p.IdentityCenter
	}
	return []Step{
		// A check, not a change: it has no name, so it is never recorded.
		{Change: ChangeCreate, IdentityCenter: true, API: "identitystore.GetUserId", Run: la.step(p)},
		// The hierarchy group the row needs, made once for all the rows that
		// need it (--create-hierarchy, hierarchy_create.go): a check for the
		// others, so it is not recorded.
		{Change: ChangeCreate, Only: withGroups, API: "Connect.CreateUserHierarchyGroup", Run: p.ensureHierarchyGroup},
		{Change: ChangeCreate, Name: StepConnectUser, API: "Connect.CreateUser", Run: p.createConnectUser},
		{Change: ChangeCreate, Name: StepProficiencies, API: "Connect.AssociateUserProficiencies", Run: p.associateProficiencies, SkipWhenDone: true, Nothing: noProficiencies},
		// Global Resiliency: the created user joins the traffic distribution
		// group (traffic_group.go).
		{Change: ChangeCreate, Only: withTrafficGroup, Name: StepTrafficGroup, API: "Connect.AssociateTrafficDistributionGroupUser", Run: p.associateTrafficGroup,
			SkipWhenDone: true, Nothing: func(r *rowRun) bool { return !madeByTheRun(r) }},
		// The user is looked up again on --resume: the outcome must carry its id.
		{Change: ChangeCreate, IdentityCenter: true, Name: StepIdentityCenterUser, API: "identitystore.CreateUser", Run: ic.ensureUser},
		{Change: ChangeCreate, IdentityCenter: true, Name: StepGroupMembership, API: "identitystore.CreateGroupMembership", Run: ic.ensureMembership, SkipWhenDone: true},
		// An update is written ahead with its changes; --resume reads the
		// user again, so the changes column says what is done.
		{Change: ChangeUpdate, Aspect: AspectIdentity, API: "Connect.UpdateUserIdentityInfo", Send: u.sendIdentity},
		{Change: ChangeUpdate, Aspect: AspectRouting, API: "Connect.UpdateUserRoutingProfile", Send: u.sendRouting},
		{Change: ChangeUpdate, Aspect: AspectSecurity, API: "Connect.UpdateUserSecurityProfiles", Send: u.sendSecurity},
		{Change: ChangeUpdate, Aspect: AspectHierarchy, API: "Connect.UpdateUserHierarchy", Send: u.sendHierarchy},
		{Change: ChangeUpdate, Aspect: AspectPhone, API: "Connect.UpdateUserPhoneConfig", Send: u.sendPhone},
		{Change: ChangeUpdate, Aspect: AspectTags, API: "Connect.TagResource", Send: u.sendTags}, // and UntagResource
		{Change: ChangeUpdate, Aspect: AspectConfig, API: "Connect.UpdateUserConfig", Send: u.sendConfig},
		{Change: ChangeUpdate, Aspect: AspectProficiencies, API: "Connect.UpdateUserProficiencies", Send: u.sendProficiencies}, // and Associate, Disassociate
		{Change: ChangeUpdate, IdentityCenter: true, Aspect: AspectSSO, API: "identitystore.UpdateUser", Send: u.sendSSO},
		// Written ahead and synced before DeleteUser; an earlier run's
		// DeleteUser that went through is found by its "DeleteUser sent".
		{Change: ChangeDelete, Name: StepUserDeleted, API: "Connect.DeleteUser", Run: rm.deleteConnectUser},
		{Change: ChangeDelete, Name: StepQuickConnects, API: "Connect.DeleteQuickConnect", Run: rm.deleteQuickConnects},
		{Change: ChangeDelete, IdentityCenter: true, Name: StepLeftGroup, API: "identitystore.DeleteGroupMembership", Run: rm.leaveGroup},
		{Change: ChangeDelete, IdentityCenter: true, Name: StepStoreUserDeleted, API: "identitystore.DeleteUser", Run: rm.deleteStoreUser},
	}
}

// steps are the table's create and delete steps, those of Identity Center
// only with it; done ends what they started for the jobs.
func (p *Provisioner) steps(stop, calls context.Context, jobs []Job) (steps []Step, done func()) {
	var la *lookahead
	if p.IdentityCenter != nil && hasChange(jobs, ChangeCreate) {
		// Each row's Identity Center conflicts are known before its
		// Connect user is made (sso_lookahead.go).
		la = p.IdentityCenter.startLookahead(stop, calls, jobs)
	}
	for _, s := range stepTable(p, nil, p.Remove, la) {
		if s.Run != nil && (!s.IdentityCenter || p.IdentityCenter != nil) && (s.Only == nil || s.Only(p)) {
			steps = append(steps, s)
		}
	}
	return steps, la.close
}

func withGroups(p *Provisioner) bool       { return p.Groups != nil }
func withTrafficGroup(p *Provisioner) bool { return p.TrafficGroup != nil }

// noProficiencies: the row has no proficiencies to associate.
func noProficiencies(r *rowRun) bool {
	return r.job.Planned.Agent == nil || len(r.job.Planned.Agent.Proficiencies) == 0
}

// hasChange says whether some job is of that kind of change.
func hasChange(jobs []Job, c Change) bool {
	for i := range jobs {
		if jobs[i].Planned.Action.change() == c {
			return true
		}
	}
	return false
}

// runSteps runs a row's steps in order until one stops the row, recording
// each that is done in the outcome's steps column.
func runSteps(stop, calls context.Context, steps []Step, r *rowRun) {
	change := r.job.Planned.Action.change()
	for _, step := range steps {
		if step.Change != change {
			continue
		}
		if step.SkipWhenDone && report.StepsHave(r.job.PrevSteps, step.Name) && r.job.Planned.Action == ActionExists {
			r.outcome.AddStep(step.Name)
			continue
		}
		r.api, r.nothing = awsclient.Key(step.API), false
		if !step.Run(stop, calls, r) {
			return
		}
		if step.Name != "" && !r.nothing && (step.Nothing == nil || !step.Nothing(r)) {
			r.outcome.AddStep(step.Name)
		}
	}
}
