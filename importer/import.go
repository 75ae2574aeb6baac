package importer

import (
	"context"
	"errors"
	"fmt"
	"github.com/bulkagents/bulkagents/awsclient"
	"os"
	"path/filepath"
	"time"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// importRun is one import as it goes through its stages. Each stage reads
// what the ones before it left here and adds its own part.
type importRun struct {
	// applyPlan is the plan's rows by line (--apply), nil otherwise.
	applyPlan   map[int]report.Outcome
	stop, calls context.Context
	cfg         Config
	clients     *Clients
	start       time.Time

	resultsPath, retryPath string
	resultsExist           bool
	replaceDryRun          bool // the results file in the way holds only a dry run's rows
	retryOwner             report.RetryOwner
	lock                   *report.Lock
	input                  *os.File

	rates   *Rates
	inst    Instance
	f       *agentfile.File
	checked []agentfile.Checked
	prev    map[int]report.Outcome // --resume: the earlier run's outcomes by line
	carried report.CarriedColumns  // the input's columns of the user's own, for the results file
	plan    *Plan
	sso     *IdentityCenter
	// trafficGroup: --traffic-distribution-group, found ACTIVE.
	trafficGroup *TrafficGroup
	log          *report.Log
	res          *Result

	// outcomes has one entry per planned row. Rows the plan settles are
	// filled at once; the rest become create jobs or update jobs, and the
	// index slices map each job back to its row.
	outcomes []report.Outcome
	jobs     []Job
	jobIndex []int
	upd      *Updater
	updJobs  []UpdateJob
	updIndex []int
	updDone  []report.Outcome
	prov     *Provisioner
	// ev hears the set-up, then each row's status (the command line's
	// progress), and takes the run's notes.
	ev Events
}

// Import runs one import: read and validate the file for the instance's
// identity type, plan with read calls, then create the users and write the
// results file (and the retry file when a row needs one). stop is cancelled
// by the first Ctrl-C: no new row starts, the calls in flight finish, the
// results are written. calls is cancelled by a second one: the calls in
// flight are abandoned, and the results file still says, for each row,
// what is known.
//
// Until the first change to AWS, a stage that fails returns a SetupError
// and nothing was changed. Once provisioning began, whatever fails is
// recorded in the Result, which is always returned, so that the summary
// is printed and the retry file written.
func Import(stop, calls context.Context, cfg Config, clients *Clients) (*Result, error) {
	r := &importRun{stop: stop, calls: calls, cfg: cfg, clients: clients, start: time.Now(), ev: EventsOf(cfg.Events)}
	r.resultsPath, r.retryPath = OutputPaths(cfg.Input, cfg.Out)
	resolved, err := report.ResolveLink(r.resultsPath)
	if err != nil {
		return nil, &SetupError{Message: err.Error(), Err: &OutputError{Problem: BadLink, Results: r.resultsPath, Err: err}}
	}
	r.resultsPath = resolved
	defer r.close()
	for _, stage := range []func() error{
		r.checkOutputs,          // flags and paths that cannot work
		r.lockResults,           // one run per results file
		r.openInput,             // the file exists and is a file
		r.readInput,             // describe the instance; read and validate the file for its identity type
		r.loadPrevious,          // --resume: the earlier run's outcomes, for the same input and instance
		r.configureRates,        // Service Quotas: only once the run is known to belong here
		r.makePlan,              // read calls: what each row needs
		r.checkTrafficGroup,     // --traffic-distribution-group: ACTIVE, before any change
		r.openResults,           // made before the first change, so a folder that cannot be written changes nothing
		r.prepareIdentityCenter, // the group, before the first user
		r.sortRows,              // rows the plan settles are written; the others become jobs
		r.planUpdates,           // read calls: what differs for each existing user's row, from the pages
	} {
		if err := stage(); err != nil {
			return nil, err
		}
	}
	if err := r.apply(); err != nil {
		return nil, err
	}
	r.finish()
	return r.res, nil
}

func (r *importRun) close() {
	r.ev.SetupDone()
	if r.log != nil {
		r.log.Close()
	}
	if r.input != nil {
		r.input.Close()
	}
	if r.lock != nil {
		r.lock.Release()
	}
}

// interrupted turns a stage's error into ErrInterrupted when a Ctrl-C came
// first: the error is then the interruption's, not a fault to report.
func (r *importRun) interrupted(err error) error {
	if err != nil && r.stop.Err() != nil {
		return ErrInterrupted
	}
	return err
}

func (r *importRun) checkOutputs() error {
	cfg, resultsPath, retryPath := r.cfg, r.resultsPath, r.retryPath
	if cfg.DryRun && cfg.Apply != "" {
		return &SetupError{Message: "--dry-run and --apply do not go together", Hint: "--apply carries out a dry run's plan: run it without --dry-run"}
	}
	if cfg.Apply != "" && SamePath(cfg.Apply, resultsPath) {
		return &SetupError{Message: fmt.Sprintf("--apply %s is the results file this run writes", cfg.Apply),
			Hint: "make the plan with --dry-run --out PLAN.csv (or keep the plan under another name), then --apply PLAN.csv"}
	}
	if cfg.DryRun && cfg.Resume {
		return &SetupError{Message: "a dry run cannot resume a run", Err: &OutputError{Problem: DryRunResume, Results: resultsPath, Retry: retryPath}}
	}
	return checkResultsPath(cfg.Input, resultsPath, retryPath, filepath.Base(defaultResults(cfg.Input)), false)
}

// checkResultsPath refuses a results file that is the input, whose retry
// file would be the input (retryPath "": none to check), a folder, or in a
// folder that does not exist; example names a results file. remove: it is
// remove's results file.
func checkResultsPath(input, resultsPath, retryPath, example string, remove bool) error {
	out := func(p OutputProblem, msg, hint, suggest string) error {
		return &SetupError{Message: msg, Hint: hint, Err: &OutputError{Problem: p, Results: resultsPath, Retry: retryPath, Remove: remove, Suggest: suggest}}
	}
	again := "give the results file another name: the input stays as it is"
	if remove {
		again = "give the results file another name"
	}
	switch dir := filepath.Dir(resultsPath); {
	case SamePath(input, resultsPath):
		return out(OutIsInput, fmt.Sprintf("results file %s is the input file", resultsPath), again, "")
	case retryPath != "" && SamePath(input, retryPath):
		suggest := filepath.Join(dir, "second-results.csv")
		return out(RetryIsInput, fmt.Sprintf("the retry file of %s would be %s, the input file", resultsPath, retryPath),
			"give the results file another name, such as "+suggest+": the input stays as it is", suggest)
	case IsDir(resultsPath):
		suggest := filepath.Join(resultsPath, example)
		return out(OutIsFolder, fmt.Sprintf("results file %s is a folder", resultsPath), "give the results file's name, such as "+suggest, suggest)
	case !IsDir(dir):
		return out(NoFolder, fmt.Sprintf("the folder of the results file %s does not exist", resultsPath), "create "+dir, "")
	}
	return nil
}

// lockResults holds the results file for one run, from before it is first
// read to after its last rewrite (docs/aws.md §8), and clears what a killed
// run's atomic rewrite left behind (each holds passwords).
func (r *importRun) lockResults() error {
	lock, err := lockResults(r.resultsPath, r.retryPath)
	if r.lock = lock; err != nil {
		return err
	}
	r.resultsExist = FileExists(r.resultsPath)
	r.retryOwner = report.CheckRetryFile(r.resultsPath, r.retryPath)
	if r.resultsExist && !r.cfg.Resume && !r.cfg.Force && report.DryRunOnly(r.resultsPath) {
		// A dry run's: no password, no outcome; this run's rows replace it.
		r.replaceDryRun = true
		fmt.Fprintf(r.ev, "note: replacing %s: it holds only a dry run's rows (no outcome, no password)\n", r.resultsPath)
	}
	if r.resultsExist && !r.cfg.Resume && !r.cfg.Force && !r.replaceDryRun {
		return &SetupError{Message: fmt.Sprintf("results file %s already exists", r.resultsPath),
			Err: InTheWay(r.resultsPath, r.cfg.DryRun, false)}
	}
	return nil
}

func (r *importRun) openInput() error {
	input, err := os.Open(r.cfg.Input)
	if err != nil {
		return &SetupError{Message: fmt.Sprintf("open %s: %v", r.cfg.Input, UnwrapPath(err)), Err: err}
	}
	r.input = input
	if st, err := input.Stat(); err == nil && st.IsDir() {
		return &SetupError{Message: fmt.Sprintf("%s is a folder, not a file", r.cfg.Input),
			Hint: "give the CSV file of the agents, such as " + filepath.Join(r.cfg.Input, "agents.csv")}
	}
	return nil
}

func (r *importRun) readInput() error {
	cfg, clients := r.cfg, r.clients
	r.ev.Setup()
	// The instance first: a credentials problem is the first thing said,
	// not a Service Quotas line that follows from it.
	inst, err := DescribeInstance(r.stop, clients.Connect, cfg.InstanceID)
	if err != nil {
		return r.interrupted(DescribeError(err, cfg.InstanceID, clients.Region, clients.Profile))
	}
	r.inst = inst
	f, err := agentfile.Read(r.stop, r.input, agentfile.ReadOptions{Identity: inst.Identity, Keep: cfg.Keep, Encoding: cfg.Encoding, Update: cfg.Update})
	if err != nil {
		var fe *agentfile.FileError
		if errors.As(err, &fe) {
			return err
		}
		// The file could not be read at all: nothing was changed.
		return r.interrupted(&SetupError{Message: fmt.Sprintf("cannot read %s: %v", cfg.Input, UnwrapPath(err)), Err: err})
	}
	r.f = f
	if cfg.OnRead != nil {
		cfg.OnRead(len(f.Rows))
	}
	r.checked = agentfile.Validate(f, agentfile.ValidateOptions{Identity: inst.Identity, IdentityCenter: cfg.IdentityCenter.Enabled(), EmailWhenCreating: true, Update: cfg.Update,
		SSOHint: cfg.IdentityCenter.ColumnsHint})
	f.Rows = nil // r.checked holds them (run_memory.go)
	if names, cells := agentfile.CarriedCells(f, r.checked, cfg.Keep); names != nil {
		r.carried = report.CarriedColumns{Names: names, Cells: func(line int) []string { return cells[line] }}
	}
	return nil
}

// configureRates asks Service Quotas for the rates, unless the clients
// already know them. It follows loadPrevious, so that --resume on the wrong
// instance is refused with no call to AWS but DescribeInstance.
func (r *importRun) configureRates() error {
	r.rates = r.clients.Rates()
	if r.rates == nil {
		r.rates = r.clients.ConfigureRates(r.stop, awsclient.KeysFor(ImportUses(r.cfg)), r.ev)
	}
	return nil
}

func (r *importRun) loadPrevious() error {
	if r.cfg.Apply != "" {
		plan, err := loadPlan(r.cfg.Apply, r.inst)
		if err != nil {
			return err
		}
		r.applyPlan = plan
	}
	if !r.cfg.Resume || !r.resultsExist {
		return nil
	}
	prev, err := report.Load(r.resultsPath)
	if err != nil {
		return &SetupError{Message: err.Error(), Err: err,
			Hint: "resume from the file as bulkagents wrote it (a spreadsheet that saved it may have changed it),\n" +
				"or run with --out NEW-results.csv: users already made are then reported as exists, so keep this file for their passwords"}
	}
	r.prev = prev
	if err := checkResumable(r.f, r.checked, prev, r.resultsPath); err != nil {
		return err
	}
	return checkInstance(prev, r.inst, r.resultsPath, r.ev)
}

func (r *importRun) makePlan() error {
	cfg, clients := r.cfg, r.clients
	var groups *groupPlan
	if cfg.CreateHierarchy {
		groups = newGroupPlan(clients.Hierarchy, r.inst.ID)
	}
	plan, err := makePlan(r.stop, clients.Connect, r.inst, r.f, r.checked, groups)
	if err != nil {
		msg := err.Error()
		var pe *PlanError
		if errors.As(err, &pe) {
			msg = fmt.Sprintf("cannot plan the import: %s: %s", pe.Step, ErrSummary(pe.Err))
		}
		return r.interrupted(&SetupError{Message: msg, Err: &CallError{Err: err, InstanceID: cfg.InstanceID, Region: clients.Region, Profile: clients.Profile}})
	}
	r.plan = plan
	if cfg.Guard != nil {
		if err := cfg.Guard(r.stop, r.f, plan); err != nil {
			return r.interrupted(err)
		}
	}
	if !cfg.KeepRows {
		r.checked = nil // the plan holds the rows (run_memory.go)
	}
	if cfg.IdentityCenter.Enabled() {
		r.sso, err = PlanIdentityCenter(r.stop, clients.IdentityStore, clients.SSOAdmin, cfg.IdentityCenter, r.f, plan, cfg.DryRun)
		if err != nil {
			return r.interrupted(err)
		}
	}
	r.res = &Result{Instance: r.inst, ResultsPath: r.resultsPath, DryRun: cfg.DryRun, ExistingUsers: plan.ExistingUsers, Rates: r.rates}
	for _, g := range plan.NewGroups {
		r.res.NewGroups = append(r.res.NewGroups, g.Name())
	}
	if clients.Limits != nil {
		r.res.ConfiguredCreateRate = clients.Limits.For("Connect.CreateUser").Configured()
	}
	return nil
}

// openResults makes (or, resuming, opens) the results file before the
// first change to AWS, the Identity Center group included: a folder that
// cannot be written stops the run while nothing was changed.
func (r *importRun) openResults() error {
	var err error
	r.log, err = openResults(r.resultsPath, r.inst.ID, r.cfg.Resume && r.resultsExist, r.cfg.Force || r.replaceDryRun, false, r.carried)
	return err
}

// lockResults holds a results file for one run and clears what a killed
// run's atomic rewrite left behind (each holds passwords).
func lockResults(resultsPath, retryPath string) (*report.Lock, error) {
	lock, err := report.AcquireLock(resultsPath)
	if err != nil {
		return nil, LockError(err, resultsPath)
	}
	if err := report.RemoveStaleTemps(resultsPath, retryPath); err != nil {
		return lock, &SetupError{Message: err.Error(), Err: &UnwritableResults{Path: resultsPath, Err: err}}
	}
	return lock, nil
}

// openResults makes a results file of the instance (force: in place of
// one there), or opens it to go on (resume); remove: remove's results file.
func openResults(path, instanceID string, resume, force, remove bool, carry report.CarriedColumns) (*report.Log, error) {
	var log *report.Log
	var err error
	if resume {
		log, _, err = report.ResumeCarrying(path, carry)
	} else {
		log, err = report.CreateCarrying(path, force, carry)
	}
	if err != nil {
		return nil, &SetupError{Message: err.Error(), Err: ResultsError(err, path, remove)}
	}
	log.SetInstance(instanceID)
	return log, nil
}

func (r *importRun) prepareIdentityCenter() error {
	if r.sso == nil {
		return nil
	}
	return r.interrupted(r.sso.Prepare(r.stop, r.ev))
}
