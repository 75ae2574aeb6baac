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
)

// Step is one per-row AWS step of making an agent. Adding a step is its
// function and one line in the table of steps below (and, for Identity
// Center's, in IdentityCenter.steps).
type Step struct {
	Name string // as the steps column records it
	// API is the operation the step sends, its key in the table of APIs
	// (awsclient.APIs): the limiter whose token the step takes ahead of its
	// call (TestStepAPIsInTheTable).
	API string
	// Run fills in the row's outcome and says whether the row goes on to
	// its next step.
	Run rowStep
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

// steps is the table of a create's steps, in the order they run; done
// ends what the table started for the jobs.
func (p *Provisioner) steps(stop, calls context.Context, jobs []Job) (steps []Step, done func()) {
	steps = []Step{
		{Name: StepConnectUser, API: "Connect.CreateUser", Run: p.createConnectUser},
		{Name: StepProficiencies, API: "Connect.AssociateUserProficiencies", Run: p.associateProficiencies, SkipWhenDone: true,
			Nothing: func(r *rowRun) bool { return r.job.Planned.Agent == nil || len(r.job.Planned.Agent.Proficiencies) == 0 }},
	}
	if p.TrafficGroup != nil {
		// Global Resiliency: the created user joins the traffic
		// distribution group (traffic_group.go).
		steps = append(steps, Step{Name: StepTrafficGroup, API: "Connect.AssociateTrafficDistributionGroupUser", Run: p.associateTrafficGroup, SkipWhenDone: true,
			Nothing: func(r *rowRun) bool { return !madeByTheRun(r) }})
	}
	if p.Groups != nil {
		// The hierarchy group the row needs, made once for all the rows
		// that need it (--create-hierarchy, hierarchy_create.go): a
		// check for the others, so it is not recorded.
		steps = append([]Step{{API: "Connect.CreateUserHierarchyGroup", Run: p.ensureHierarchyGroup}}, steps...)
	}
	if p.IdentityCenter == nil {
		return steps, func() {}
	}
	// Each row's Identity Center conflicts are known before its Connect
	// user is made (sso_lookahead.go).
	la := p.IdentityCenter.startLookahead(stop, calls, jobs)
	// A check, not a change: it has no name, so it is never recorded.
	lookups := Step{API: "identitystore.GetUserId", Run: la.step(p)}
	steps = append([]Step{lookups}, steps...)
	return append(steps, p.IdentityCenter.steps()...), la.close
}

// runSteps runs a row's steps in order until one stops the row, recording
// each that is done in the outcome's steps column.
func runSteps(stop, calls context.Context, steps []Step, r *rowRun) {
	for _, step := range steps {
		if step.SkipWhenDone && report.StepsHave(r.job.PrevSteps, step.Name) && r.job.Planned.Action == ActionExists {
			r.outcome.AddStep(step.Name)
			continue
		}
		r.api = awsclient.Key(step.API)
		if !step.Run(stop, calls, r) {
			return
		}
		if step.Name != "" && (step.Nothing == nil || !step.Nothing(r)) {
			r.outcome.AddStep(step.Name)
		}
	}
}
