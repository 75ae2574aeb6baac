package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// sortRows decides each row from the plan: rows done by an earlier run keep
// their outcome, invalid rows and a dry run's rows are written now, and the
// rest become create jobs (the Provisioner's) or update jobs (the
// Updater's).
func (r *importRun) sortRows() error {
	r.outcomes = make([]report.Outcome, len(r.plan.Rows))
	r.upd = newUpdater(r.cfg, r.clients, r.inst, r.f, r.log)
	if r.upd != nil {
		r.upd.InstanceUsers, r.upd.SSO = r.plan.ExistingUsers, r.sso
	}
	for i := range r.plan.Rows {
		pr := &r.plan.Rows[i]
		warnPasswordIgnored(r.f, pr)
		if pr.Action != ActionInvalid {
			r.res.Warnings, r.res.MoreWarnings = firstProblems(r.res.Warnings, r.res.MoreWarnings, pr.Warnings)
		}
		o, settled := r.sortRow(i, pr)
		if !settled {
			continue
		}
		if o.Status == "" {
			continue // kept from the earlier run as it was
		}
		o.Instance = r.inst.ID
		r.outcomes[i] = o
		if err := r.log.Append(o); err != nil {
			return fmt.Errorf("write results file: %w", err)
		}
	}
	return nil
}

// sortRow gives row i's outcome when the plan settles it (settled), or
// queues it as a job. A zero outcome that is settled is the earlier run's,
// already in r.outcomes.
func (r *importRun) sortRow(i int, pr *PlannedRow) (o report.Outcome, settled bool) {
	cfg, prev, line := r.cfg, r.prev, pr.Row.Line
	// A row done by a run without Identity Center is not done for one
	// with it: it still needs its Identity Center user.
	if p, ok := prev[line]; ok && p.Status.Done() && (r.sso == nil || p.SSOUserID != "") && !(cfg.Update && p.Status == report.Exists) {
		r.outcomes[i] = p
		return report.Outcome{}, true
	}
	var planned *report.Outcome
	if r.applyPlan != nil {
		login := r.f.Login(pr.Row)
		if what := applyCheck(r.applyPlan, pr, login, r.cfg.Apply); what != "" {
			o := plannedOutcome(pr, report.Stale)
			o.Login, o.ConnectUserID = login, pr.ExistingUserID
			return report.StaleOutcome(o, what), true
		}
		p := r.applyPlan[line]
		planned = &p
	}
	if r.upd != nil && pr.Action == ActionExists && r.sso == nil && prev[line].Password == "" && !unsettled(prev[line]) {
		r.updJobs = append(r.updJobs, UpdateJob{Planned: pr, Base: existsOutcome(pr, r.inst), Prev: prev[line], Plan: planned})
		r.updIndex = append(r.updIndex, i)
		return report.Outcome{}, false
	}
	switch {
	case pr.Action == ActionInvalid:
		o = invalidOutcome(r.f, pr)
		if p, ok := prev[line]; ok && p.Password != "" {
			o = settleWrittenAhead(r.calls, r.clients.Connect, r.inst, o, p, r.cfg.LagBackoff)
			if o.Status == report.Created {
				return o, true
			}
		}
		r.res.Problems, r.res.MoreProblems = firstProblems(r.res.Problems, r.res.MoreProblems, pr.Problems)
	case cfg.DryRun && r.sso != nil:
		o = r.sso.DryRunOutcome(pr)
		if r.upd != nil && pr.Action == ActionExists && o.Status == report.Exists {
			// Both sides exist: compare them with the row.
			r.updJobs = append(r.updJobs, UpdateJob{Planned: pr, Base: o, Prev: prev[line]})
			r.updIndex = append(r.updIndex, i)
			return report.Outcome{}, false
		}
	case cfg.DryRun && pr.Action == ActionExists:
		o = plannedOutcome(pr, report.Exists)
		o.ConnectUserID = pr.ExistingUserID
		o.SignInURL = dryRunSignInURL(r.inst)
	case cfg.DryRun:
		o = plannedOutcome(pr, report.WouldCreate)
		o.SignInURL = dryRunSignInURL(r.inst)
		if len(pr.NewGroup) > 0 {
			// --create-hierarchy: the row's group is made first.
			o.Changes = "would-create group " + strings.Join(pr.NewGroup, "|")
		}
	default:
		// A password written ahead by an interrupted run is the one
		// its CreateUser may have set: keep it.
		r.jobs = append(r.jobs, Job{Planned: pr, Password: prev[line].Password, MayExist: unsettled(prev[line]), PrevSteps: prev[line].Steps,
			PrevToken: prev[line].CreationToken})
		r.jobIndex = append(r.jobIndex, i)
		return report.Outcome{}, false
	}
	return o, true
}

// planUpdates works out, before any change, what differs for each existing
// user's row that the SearchUsers pages can say (Updater.Plan); the other
// rows are described when they start.
func (r *importRun) planUpdates() error {
	if r.upd == nil || len(r.updJobs) == 0 {
		return nil
	}
	err := r.upd.Plan(r.stop, r.updJobs)
	if err == nil {
		return nil
	}
	msg := "cannot plan the updates: " + ErrSummary(err)
	var pe *PlanError
	if errors.As(err, &pe) {
		msg = fmt.Sprintf("cannot plan the updates: %s: %s", pe.Step, ErrSummary(pe.Err))
	}
	return r.interrupted(&SetupError{Message: msg, Err: &CallError{Err: err, InstanceID: r.cfg.InstanceID, Region: r.clients.Region, Profile: r.clients.Profile}})
}

// firstProblems keeps the first summaryProblems problems for the summary
// and counts the rest.
func firstProblems[P any](kept []P, more int, add []P) ([]P, int) {
	for _, p := range add {
		if len(kept) < summaryProblems {
			kept = append(kept, p)
		} else {
			more++
		}
	}
	return kept, more
}

// apply makes the changes: creates and updates at once, since they draw on
// different buckets. With Identity Center, an existing user first gets its
// Identity Center side, then its Connect fields are compared.
func (r *importRun) apply() error {
	r.ev.SetupDone()
	r.res.SetupElapsed = time.Since(r.start)
	r.res.UsersQuotaNote = usersQuotaNote(r.plan, r.outcomes, r.jobs, r.rates, r.cfg.DryRun, r.cfg.Sandbox)
	if r.res.UsersQuotaNote != "" && !r.cfg.DryRun {
		// Before the first create: a run that would pass the users quota
		// is said with its numbers, not found out user by user.
		fmt.Fprintln(r.ev, r.res.UsersQuotaNote)
	}
	r.startProgress()
	var updErr error
	updFinished := make(chan struct{})
	go func() {
		defer close(updFinished)
		if len(r.updJobs) > 0 {
			r.updDone, updErr = r.upd.Run(r.stop, r.calls, r.updJobs)
		}
	}()
	if len(r.jobs) > 0 {
		r.provision()
	}
	<-updFinished
	for k, o := range r.updDone {
		r.outcomes[r.updIndex[k]] = o
	}
	r.updDone = nil
	if updErr == nil {
		r.createGone()
	}
	if updErr == nil && r.upd != nil && r.sso != nil {
		updErr = r.updateAfterIdentityCenter()
	}
	if updErr != nil {
		return updErr
	}
	for k, o := range r.updDone {
		r.outcomes[r.updIndex[k]] = o
	}
	r.createGone()
	return r.updateKnown()
}

// createGone creates the rows whose user the listing showed and
// DescribeUser said is gone: deleted, with the listing behind (docs/aws.md
// §10). A dry run says it would create them.
func (r *importRun) createGone() {
	var jobs []Job
	var index []int
	for k := range r.updJobs {
		if !r.updJobs[k].Gone {
			continue
		}
		r.updJobs[k].Gone = false // settled here, once
		i := r.updIndex[k]
		pr := &r.plan.Rows[i]
		pr.Action, pr.ExistingUserID = ActionCreate, ""
		if r.cfg.DryRun {
			o := plannedOutcome(pr, report.WouldCreate)
			o.SignInURL, o.Instance = dryRunSignInURL(r.inst), r.inst.ID
			r.outcomes[i] = o
			r.ev.Done(o.Status)
			if err := r.log.Append(o); err != nil {
				r.res.ResultsErr = fmt.Errorf("write results file: %w", err)
			}
			continue
		}
		prev := r.prev[pr.Row.Line]
		jobs = append(jobs, Job{Planned: pr, PrevSteps: prev.Steps})
		index = append(index, i)
	}
	if len(jobs) == 0 || r.stop.Err() != nil && r.markNotStarted(index) {
		return
	}
	first := len(r.jobs)
	r.jobs, r.jobIndex = append(r.jobs, jobs...), append(r.jobIndex, index...)
	r.prov.RunEach(r.stop, r.calls, r.jobs[first:], func(k int, o report.Outcome) {
		r.outcomes[r.jobIndex[first+k]] = o
	})
}

// markNotStarted gives the rows of index their not-started outcome.
func (r *importRun) markNotStarted(index []int) bool {
	for _, i := range index {
		o := plannedOutcome(&r.plan.Rows[i], report.NotAttempted)
		o.Error, o.Instance = NotStarted, r.inst.ID
		r.outcomes[i] = o
	}
	return true
}

// updateKnown compares, as every existing user's row is, the users that
// the listing lacked and CreateUser called duplicates: they exist, the
// listing is behind (docs/aws.md §10). With --update what differs is
// changed; without, the changes column says it. Their cells, let go of
// when they were sent, are read again from the input.
func (r *importRun) updateKnown() error {
	if r.upd == nil {
		return nil
	}
	var jobs []UpdateJob
	var index []int
	want := map[int]string{}
	for k, i := range r.jobIndex {
		pr, o := r.jobs[k].Planned, r.outcomes[i]
		if pr.Action != ActionCreate || o.Status != report.Exists || o.ConnectUserID == "" || pr.Agent == nil {
			continue
		}
		if pr.Row.Record == nil {
			want[pr.Row.Line] = o.Login
		}
		jobs = append(jobs, UpdateJob{Planned: pr, Base: o, Prev: r.prev[pr.Row.Line], Known: true})
		index = append(index, i)
	}
	if len(jobs) == 0 {
		return nil
	}
	if len(want) > 0 {
		opts := agentfile.ReadOptions{Identity: r.inst.Identity, Keep: r.cfg.Keep, Update: r.cfg.Update}
		again, err := agentfile.ReadLines(r.calls, r.input, opts, want)
		if err != nil {
			// Left exists, with the id the search found, and no word
			// on what differs.
			return nil
		}
		for _, j := range jobs {
			if j.Planned.Row.Record == nil {
				j.Planned.Row.Record = again[j.Planned.Row.Line]
			}
		}
	}
	for _, j := range jobs {
		j.Planned.Action, j.Planned.ExistingUserID = ActionExists, j.Base.ConnectUserID
	}
	// Their exists was counted already: the progress hears nothing more.
	r.upd.OnOutcome = nil
	done, err := r.upd.Run(r.stop, r.calls, jobs)
	if err != nil {
		return err
	}
	for k, o := range done {
		r.outcomes[index[k]] = o
	}
	return nil
}

// provision runs the create jobs, each outcome put in its row's place as it
// is known; unless the rows must stay whole, each row lets go of its cells
// once sent and of its Agent once done (run_memory.go).
func (r *importRun) provision() {
	lean := lean(r.cfg, r.sso)
	if lean {
		dropRecords(r.jobs)
	}
	r.prov.RunEach(r.stop, r.calls, r.jobs, func(k int, o report.Outcome) {
		r.outcomes[r.jobIndex[k]] = o
		// A row CreateUser found a duplicate of keeps its agent, for
		// updateKnown to compare.
		if lean && !(o.Status == report.Exists && r.jobs[k].Planned.Action == ActionCreate) {
			letGo(r.jobs[k].Planned)
		}
	})
}

func (r *importRun) startProgress() {
	r.ev.Rows(len(r.plan.Rows))
	for i := range r.outcomes {
		if r.outcomes[i].Status != "" {
			r.ev.Settled(r.outcomes[i].Status)
		}
	}
	onOutcome := func(o report.Outcome) { r.ev.Done(o.Status) }
	r.prov = &Provisioner{
		Connect:     r.clients.Connect,
		Limits:      r.clients.Limits,
		Instance:    r.inst,
		Log:         r.log,
		Concurrency: r.cfg.Concurrency,
		OnOutcome:   onOutcome,
		Endpoint:    r.clients.Endpoint(),
		LagBackoff:  r.cfg.LagBackoff,

		IdentityCenter: r.sso,
	}
	if r.cfg.Sandbox {
		r.prov.QuotaMessage = sandboxQuotaMessage
	}
	r.prov.TrafficGroup = r.trafficGroup
	if len(r.plan.NewGroups) > 0 {
		var mu sync.Mutex
		r.prov.Groups = NewGroupMaker(r.clients.Hierarchy, r.clients.Connect, r.inst.ID, r.plan.NewGroups)
		r.prov.Groups.OnCreated = func(g NewGroup) {
			mu.Lock()
			defer mu.Unlock()
			r.res.GroupsCreated = append(r.res.GroupsCreated, g.Name())
		}
	}
	if r.upd != nil {
		r.upd.OnOutcome = onOutcome
		r.upd.LagBackoff = r.cfg.LagBackoff
	}
}

// updateAfterIdentityCenter compares the existing users whose Identity
// Center side the create jobs settled: exists, or created (its Identity
// Center user or membership was made now).
func (r *importRun) updateAfterIdentityCenter() error {
	r.updJobs, r.updIndex = nil, nil
	for k, i := range r.jobIndex {
		if pr, st := r.jobs[k].Planned, r.outcomes[i].Status; pr.Action == ActionExists && (st == report.Exists || st == report.Created) {
			r.updJobs = append(r.updJobs, UpdateJob{Planned: pr, Base: r.outcomes[i], Prev: r.prev[pr.Row.Line]})
			r.updIndex = append(r.updIndex, i)
		}
	}
	if len(r.updJobs) == 0 {
		return nil
	}
	var err error
	r.updDone, err = r.upd.Run(r.stop, r.calls, r.updJobs)
	return err
}

// finish settles what can be settled, rewrites the results file and writes
// the retry file. Something may have changed in AWS by now: whatever fails
// is recorded in the result (exit 1), never returned.
func (r *importRun) finish() {
	res, outcomes := r.res, r.outcomes
	if r.upd != nil && r.upd.names != nil {
		c := r.upd.Counts()
		res.Update = &c
	}
	res.UpdateRequested = r.cfg.Update
	r.ev.Stop()
	res.Stats = r.prov.Stats()
	if r.clients.Limits != nil {
		lim := r.clients.Limits.For("Connect.CreateUser")
		res.FinalCreateRate, res.CreateThrottles = lim.Rate(), lim.Throttles()
	}
	res.IdentityCenter = r.sso.Report()
	res.Problems, res.MoreProblems = firstProblems(res.Problems, res.MoreProblems, r.sso.LateProblems())
	res.Problems, res.MoreProblems = firstProblems(res.Problems, res.MoreProblems, r.upd.LateProblems())
	res.Interrupted = r.stop.Err() != nil && len(r.jobs) > 0 && CountStatus(outcomes, report.NotAttempted) > 0

	// Rows whose CreateUser may have gone through: a last look settles
	// those it can, while the endpoint still answers.
	if len(r.jobs) > 0 {
		settleInDoubt(r.calls, r.prov, r.inst, outcomes)
	}
	res.Halted = r.prov.haltMessage()
	if err := r.prov.LogErr(); err != nil {
		res.ResultsErr = err
	} else if err := r.updLogErr(); err != nil {
		res.ResultsErr = err
	} else if err := r.log.Finish(outcomes); err != nil {
		res.ResultsErr = fmt.Errorf("rewrite results file: %w", err)
	}
	res.Counts = report.Count(outcomes)
	res.File, res.Checked, res.Outcomes = r.f, r.checked, outcomes
	r.writeRetry()
	res.Elapsed = time.Since(r.start)
}

// updLogErr is the updater's first error writing the results file.
func (r *importRun) updLogErr() error {
	if r.upd == nil {
		return nil
	}
	return r.upd.LogErr()
}

// writeRetry writes the rows that need another run to the retry file,
// made from the input alone (it holds the passwords the input supplied,
// and is mode 0600, like the input should be): each run replaces it.
func (r *importRun) writeRetry() {
	res := r.res
	for _, o := range r.outcomes {
		if inDoubt(o) {
			// Its CreateUser may have made the user: importing it again
			// would report it exists, its password only in this file.
			res.InDoubt++
		}
	}
	// Written even after a second Ctrl-C, as the results file is: reading
	// the input again is local and quick.
	opts := agentfile.ReadOptions{Identity: r.inst.Identity, Keep: r.cfg.Keep, Encoding: r.cfg.Encoding, Update: r.cfg.Update}
	retry, err := retryRecords(context.WithoutCancel(r.calls), r.input, opts, r.plan.Rows, r.outcomes)
	switch {
	case err != nil:
		res.RetryErr = fmt.Errorf("write retry file: %w", err)
	case len(retry) > 0:
		path := report.FreeRetryPath(r.retryPath, r.retryOwner)
		if err := report.WriteRetry(path, r.f.Header, retry, true); err != nil {
			res.RetryErr = fmt.Errorf("write retry file: %w", err)
		} else if path == r.retryPath {
			if err := report.StampRetryFile(r.resultsPath, path); err != nil {
				res.RetryErr = fmt.Errorf("write retry file: %w", err)
			}
		}
		if res.RetryErr == nil {
			res.RetryPath, res.RetryRows = path, len(retry)
		}
	case !r.cfg.DryRun && res.InDoubt == 0:
		// A retry file left by an earlier run of this input is stale now,
		// unless the user edited or imported it.
		if err := report.RemoveStaleRetry(r.retryPath, r.retryOwner); err != nil {
			res.RetryErr = err
		}
	}
	if r.retryOwner.UserOwned {
		res.RetryKept = r.retryPath + " (" + r.retryOwner.Why + " since a run wrote it)"
	}
}
