package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// Config is one import as the command line asks for it.
type Config struct {
	Input      string // the CSV file
	Out        string // the results file; "" means next to the input
	InstanceID string // an instance id (an ARN is parsed by the caller)

	DryRun bool // read calls only; rows that would be created are would-create
	Resume bool // continue from the results file of an earlier run
	Force  bool // replace an existing results file
	// Update changes existing users whose fields differ from the file
	// (--update); without it their changes column only says what differs.
	Update bool

	Concurrency int // rows provisioned at once; 0: enough for the CreateUser rate

	// Sandbox: the instance is bulkagents' own sandbox, so messages about
	// its quotas speak of the sandbox, not of Service Quotas.
	Sandbox bool

	// Keep names columns outside the template to accept (the column a
	// --split-by names); every other unknown column is still refused.
	Keep []string

	// IdentityCenter: also make each agent's IAM Identity Center user and
	// group membership (--sso, --identity-store-id).
	IdentityCenter IdentityCenterConfig

	// Progress is where progress and warnings go (stderr); nil: nowhere.
	Progress     io.Writer
	ProgressMode ProgressMode
}

// Result is what an import did.
type Result struct {
	Instance    Instance
	Counts      report.Counts
	ResultsPath string
	RetryPath   string // "" when no row needs a retry
	RetryRows   int
	RetryKept   string // an earlier retry file left as it is: the user's now
	Elapsed     time.Duration
	// SetupElapsed is the part of Elapsed before the first row was sent:
	// the quotas, the instance, the listings.
	SetupElapsed time.Duration
	Stats        Stats
	// ConfiguredCreateRate is the CreateUser rate the limiter was set to;
	// FinalCreateRate is where throttling left it, and CreateThrottles
	// counts the throttling answers.
	ConfiguredCreateRate float64
	FinalCreateRate      float64
	CreateThrottles      int
	DryRun               bool
	// Interrupted: a Ctrl-C stopped the run before every row was started.
	Interrupted bool
	// ExistingUsers is how many users the instance held before (-1:
	// unknown).
	ExistingUsers int
	// Rates are the rates the run was paced to and where they came from,
	// with the users-per-instance quota; UsersQuotaNote, when not "", says
	// that the users the run creates would pass that quota.
	Rates          *Rates
	UsersQuotaNote string
	// Problems are the first problems of the invalid rows, for the
	// summary; MoreProblems counts the rest.
	Problems     []agentfile.Problem
	MoreProblems int
	// Warnings are the first warnings of the rows (a value ignored, a
	// login longer than the documentation allows, a user whose name
	// differs only in case), for the summary; MoreWarnings counts the rest.
	Warnings     []agentfile.Problem
	MoreWarnings int
	// IdentityCenter is what the Identity Center side did; nil when off.
	IdentityCenter *IdentityCenterReport
	// Update is how many existing users differ from the file, and the
	// changes per field; nil when no existing user was compared.
	Update *UpdateCounts
	// UpdateRequested: the run had --update.
	UpdateRequested bool

	// Halted says why the run stopped sending before the end (the endpoint
	// stopped answering, the instance vanished); "" when it did not.
	Halted string
	// InDoubt counts the rows whose CreateUser may have gone through
	// without the run learning it: kept out of the retry file, for
	// --resume to settle.
	InDoubt int
	// ResultsErr: the results file could not be finished; it holds what
	// was appended (the last row per line counts). RetryErr: the retry
	// file could not be written. Either makes the run exit 1.
	ResultsErr error
	RetryErr   error

	// File, Checked and Outcomes are the input as read and validated and
	// the final outcome of each of its rows, in input order, for what is
	// made from them afterwards (the team hand-outs).
	File     *agentfile.File
	Checked  []agentfile.Checked
	Outcomes []report.Outcome
}

// summaryProblems is how many problems the summary shows.
const summaryProblems = 10

// SetupError says why an import could not start. Nothing was changed in
// AWS (exit status 2).
type SetupError struct {
	Message string
	Hint    string
	Err     error
}

func (e *SetupError) Error() string { return e.Message }
func (e *SetupError) Unwrap() error { return e.Err }

// ErrInterrupted is returned when a Ctrl-C came before any user was sent.
var ErrInterrupted = errors.New("interrupted before anything was changed")

// OutputPaths gives the results and retry files of an import: next to the
// input unless out names the results file, then the retry file goes beside
// it.
func OutputPaths(input, out string) (results, retry string) {
	if out == "" {
		return report.Paths(input)
	}
	stem := strings.TrimSuffix(out, filepath.Ext(out))
	stem = strings.TrimSuffix(stem, "-results")
	return out, stem + "-retry.csv"
}

// Import runs one import: read and validate the file for the instance's
// identity type, plan with read calls, then create the users and write the
// results file (and the retry file when a row needs one). stop is cancelled
// by the first Ctrl-C: no new row starts, the calls in flight finish, the
// results are written. calls is cancelled by a second one: the calls in
// flight are abandoned, and the results file still says, for each row,
// what is known.
func Import(stop, calls context.Context, cfg Config, clients *Clients) (*Result, error) {
	start := time.Now()
	resultsPath, retryPath := OutputPaths(cfg.Input, cfg.Out)
	if cfg.DryRun && cfg.Resume {
		return nil, &SetupError{Message: "--dry-run and --resume do not go together",
			Hint: "a dry run writes no users; run it without --resume, with --out elsewhere to keep the earlier results file"}
	}
	switch {
	case samePath(cfg.Input, resultsPath):
		return nil, &SetupError{Message: fmt.Sprintf("--out %s is the input file", resultsPath),
			Hint: "give the results file another name: the input stays as it is"}
	case samePath(cfg.Input, retryPath):
		return nil, &SetupError{Message: fmt.Sprintf("the retry file of --out %s would be %s, the input file", resultsPath, retryPath),
			Hint: "give --out another name, such as " + filepath.Join(filepath.Dir(resultsPath), "second-results.csv") + ": the input stays as it is"}
	}
	if isDir(resultsPath) {
		return nil, &SetupError{Message: fmt.Sprintf("--out %s is a folder", resultsPath),
			Hint: "give the results file's name, such as " + filepath.Join(resultsPath, filepath.Base(defaultResults(cfg.Input)))}
	}
	if dir := filepath.Dir(resultsPath); !isDir(dir) {
		return nil, &SetupError{Message: fmt.Sprintf("the folder of the results file %s does not exist", resultsPath),
			Hint: fmt.Sprintf("create %s, or give --out a file in a folder that exists", dir)}
	}
	// One run per results file, from before it is first read to after its
	// last rewrite (docs/aws.md §8).
	lock, err := report.AcquireLock(resultsPath)
	if err != nil {
		return nil, lockError(err, resultsPath)
	}
	defer lock.Release()
	// What a killed run's atomic rewrite left behind: each holds passwords.
	if err := report.RemoveStaleTemps(resultsPath, retryPath); err != nil {
		return nil, &SetupError{Message: err.Error(), Err: err, Hint: writeHint(resultsPath)}
	}
	resultsExist := fileExists(resultsPath)
	retryOwner := checkRetryFile(resultsPath, retryPath)
	if resultsExist && !cfg.Resume && !cfg.Force {
		return nil, &SetupError{Message: fmt.Sprintf("results file %s already exists", resultsPath),
			Hint: existingResultsHint(resultsPath, cfg.DryRun)}
	}

	input, err := os.Open(cfg.Input)
	if err != nil {
		return nil, &SetupError{Message: fmt.Sprintf("open %s: %v", cfg.Input, unwrapPath(err)), Err: err}
	}
	defer input.Close()
	if st, err := input.Stat(); err == nil && st.IsDir() {
		return nil, &SetupError{Message: fmt.Sprintf("%s is a folder, not a file", cfg.Input),
			Hint: "give the CSV file of the agents, such as " + filepath.Join(cfg.Input, "agents.csv")}
	}

	// On a terminal, the set-up's calls are shown until the bar appears.
	status := StartSetupStatus(cfg.Progress, cfg.ProgressMode, "import", start, clients)
	defer status.Stop()
	rates := clients.Rates()
	if rates == nil {
		rates = clients.ConfigureRates(stop, ImportAPIs, status.Out(cfg.Progress))
	}
	inst, err := DescribeInstance(stop, clients.Connect, cfg.InstanceID)
	if err != nil {
		if stop.Err() != nil {
			return nil, ErrInterrupted
		}
		return nil, describeError(err, cfg.InstanceID, clients.Region, clients.Profile)
	}
	f, err := agentfile.Read(stop, input, agentfile.ReadOptions{Identity: inst.Identity, Keep: cfg.Keep})
	if err != nil {
		var fe *agentfile.FileError
		switch {
		case errors.As(err, &fe):
			return nil, err
		case stop.Err() != nil:
			return nil, ErrInterrupted
		}
		// The file could not be read at all: nothing was changed.
		return nil, &SetupError{Message: fmt.Sprintf("cannot read %s: %v", cfg.Input, unwrapPath(err)), Err: err}
	}
	checked := agentfile.Validate(f, agentfile.ValidateOptions{Identity: inst.Identity, IdentityCenter: cfg.IdentityCenter.Enabled()})

	var prev map[int]report.Outcome
	if cfg.Resume && resultsExist {
		if prev, err = report.Load(resultsPath); err != nil {
			return nil, &SetupError{Message: err.Error(), Err: err,
				Hint: "resume from the file as bulkagents wrote it (a spreadsheet that saved it may have changed it),\n" +
					"or run with --out NEW-results.csv: users already made are then reported as exists, so keep this file for their passwords"}
		}
		if err := checkResumable(f, checked, prev, resultsPath); err != nil {
			return nil, err
		}
		if err := checkInstance(prev, inst, resultsPath, status.Out(cfg.Progress)); err != nil {
			return nil, err
		}
	}

	plan, err := MakePlan(stop, clients.Connect, inst, f, checked)
	if err != nil {
		if stop.Err() != nil {
			return nil, ErrInterrupted
		}
		msg := err.Error()
		var pe *PlanError
		if errors.As(err, &pe) {
			msg = fmt.Sprintf("cannot plan the import: %s: %s", pe.Step, errSummary(pe.Err))
		}
		return nil, &SetupError{Message: msg, Err: err, Hint: apiHint(err, cfg.InstanceID, clients.Region, clients.Profile)}
	}
	var sso *IdentityCenter
	if cfg.IdentityCenter.Enabled() {
		sso, err = PlanIdentityCenter(stop, clients.IdentityStore, clients.SSOAdmin, cfg.IdentityCenter, f, plan, cfg.DryRun)
		if err != nil {
			if stop.Err() != nil {
				return nil, ErrInterrupted
			}
			return nil, err
		}
	}

	// The results file is made (or opened) before the first change to AWS,
	// the Identity Center group included: a folder that cannot be written
	// stops the run while nothing was changed.
	var log *report.Log
	if cfg.Resume && resultsExist {
		log, _, err = report.Resume(resultsPath)
	} else {
		log, err = report.Create(resultsPath, cfg.Force)
	}
	if err != nil {
		hint := writeHint(resultsPath)
		if errors.Is(err, report.ErrExists) {
			hint = "add --resume to continue that run, or --force to replace it"
		}
		return nil, &SetupError{Message: err.Error(), Hint: hint, Err: err}
	}
	defer log.Close()
	stamp := func(o report.Outcome) report.Outcome {
		o.Instance = inst.ID
		return o
	}

	if sso != nil {
		if err := sso.Prepare(stop, status.Out(cfg.Progress)); err != nil {
			if stop.Err() != nil {
				return nil, ErrInterrupted
			}
			return nil, err
		}
	}

	res := &Result{Instance: inst, ResultsPath: resultsPath, DryRun: cfg.DryRun, ExistingUsers: plan.ExistingUsers, Rates: rates}
	if clients.Limits != nil {
		res.ConfiguredCreateRate = clients.Limits.For("Connect.CreateUser").Configured()
	}

	outcomes := make([]report.Outcome, len(plan.Rows))
	var jobs []Job
	var jobIndex []int
	upd := newUpdater(cfg, clients, inst, f, log)
	if upd != nil {
		upd.InstanceUsers = plan.ExistingUsers
	}
	var updJobs []UpdateJob
	var updIndex []int
	for i := range plan.Rows {
		pr := &plan.Rows[i]
		line := pr.Row.Line
		warnPasswordIgnored(f, pr)
		if pr.Action != ActionInvalid {
			for _, w := range pr.Warnings {
				if len(res.Warnings) < summaryProblems {
					res.Warnings = append(res.Warnings, w)
				} else {
					res.MoreWarnings++
				}
			}
		}
		// A row done by a run without Identity Center is not done for one
		// with it: it still needs its Identity Center user.
		if p, ok := prev[line]; ok && p.Status.Done() && (sso == nil || p.SSOUserID != "") && !(cfg.Update && p.Status == report.Exists) {
			outcomes[i] = p
			continue
		}
		if upd != nil && pr.Action == ActionExists && sso == nil && prev[line].Password == "" && !unsettled(prev[line]) {
			updJobs = append(updJobs, UpdateJob{Planned: pr, Base: existsOutcome(pr, inst), Prev: prev[line]})
			updIndex = append(updIndex, i)
			continue
		}
		switch {
		case pr.Action == ActionInvalid:
			outcomes[i] = invalidOutcome(f, pr)
			if p, ok := prev[line]; ok && p.Password != "" {
				outcomes[i] = settleWrittenAhead(calls, clients.Connect, inst, outcomes[i], p)
				if outcomes[i].Status == report.Created {
					break
				}
			}
			for _, p := range pr.Problems {
				if len(res.Problems) < summaryProblems {
					res.Problems = append(res.Problems, p)
				} else {
					res.MoreProblems++
				}
			}
		case cfg.DryRun && sso != nil:
			outcomes[i] = sso.DryRunOutcome(pr)
		case cfg.DryRun && pr.Action == ActionExists:
			outcomes[i] = plannedOutcome(pr, report.Exists)
			outcomes[i].ConnectUserID = pr.ExistingUserID
			outcomes[i].SignInURL = dryRunSignInURL(inst)
		case cfg.DryRun:
			outcomes[i] = plannedOutcome(pr, report.WouldCreate)
			outcomes[i].SignInURL = dryRunSignInURL(inst)
		default:
			// A password written ahead by an interrupted run is the one
			// its CreateUser may have set: keep it.
			jobs = append(jobs, Job{Planned: pr, Password: prev[line].Password, MayExist: unsettled(prev[line])})
			jobIndex = append(jobIndex, i)
			continue
		}
		outcomes[i] = stamp(outcomes[i])
		if err := log.Append(outcomes[i]); err != nil {
			return nil, fmt.Errorf("write results file: %w", err)
		}
	}

	// Before the first create: a run that would pass the users quota is
	// said with its numbers, not found out user by user.
	res.UsersQuotaNote = usersQuotaNote(plan, outcomes, jobs, rates, cfg.DryRun, cfg.Sandbox)
	status.Stop()
	res.SetupElapsed = time.Since(start)
	if res.UsersQuotaNote != "" && cfg.Progress != nil && !cfg.DryRun {
		fmt.Fprintln(cfg.Progress, res.UsersQuotaNote)
	}
	progress := StartProgress(cfg.Progress, cfg.ProgressMode, len(plan.Rows))
	for i := range outcomes {
		if outcomes[i].Status != "" {
			progress.Settled(outcomes[i].Status)
		}
	}
	prov := &Provisioner{
		Connect:     clients.Connect,
		Limits:      clients.Limits,
		Instance:    inst,
		Log:         log,
		Concurrency: cfg.Concurrency,
		OnOutcome:   func(o report.Outcome) { progress.Add(o.Status) },
		Endpoint:    clients.Endpoint(),

		IdentityCenter: sso,
	}
	if cfg.Sandbox {
		prov.QuotaMessage = sandboxQuotaMessage
	}
	if upd != nil {
		upd.OnOutcome = func(o report.Outcome) { progress.Add(o.Status) }
	}
	// Creates and updates go at once: they draw on different buckets.
	var updDone []report.Outcome
	var updErr error
	updFinished := make(chan struct{})
	go func() {
		defer close(updFinished)
		if len(updJobs) > 0 {
			updDone, updErr = upd.Run(stop, calls, updJobs)
		}
	}()
	if len(jobs) > 0 {
		done := prov.Run(stop, calls, jobs)
		for k, o := range done {
			outcomes[jobIndex[k]] = o
		}
	}
	<-updFinished
	if updErr == nil && upd != nil && sso != nil {
		// With Identity Center, an existing user first gets its Identity
		// Center side, then its Connect fields are compared.
		updJobs, updIndex = nil, nil
		for k, i := range jobIndex {
			if pr := jobs[k].Planned; pr.Action == ActionExists && outcomes[i].Status == report.Exists {
				updJobs = append(updJobs, UpdateJob{Planned: pr, Base: outcomes[i], Prev: prev[pr.Row.Line]})
				updIndex = append(updIndex, i)
			}
		}
		if len(updJobs) > 0 {
			updDone, updErr = upd.Run(stop, calls, updJobs)
		}
	}
	if updErr != nil {
		return nil, updErr
	}
	for k, o := range updDone {
		outcomes[updIndex[k]] = o
	}
	if upd != nil && upd.names != nil {
		c := upd.Counts()
		res.Update = &c
	}
	res.UpdateRequested = cfg.Update
	progress.Stop()
	res.Stats = prov.Stats()
	if clients.Limits != nil {
		lim := clients.Limits.For("Connect.CreateUser")
		res.FinalCreateRate, res.CreateThrottles = lim.Rate(), lim.Throttles()
	}
	res.IdentityCenter = sso.Report()
	res.Interrupted = stop.Err() != nil && len(jobs) > 0 && countStatus(outcomes, report.NotAttempted) > 0

	// Rows whose CreateUser may have gone through: a last look settles
	// those it can, while the endpoint still answers.
	if len(jobs) > 0 {
		settleInDoubt(calls, prov, inst, outcomes)
	}
	res.Halted = prov.haltMessage()

	// Once provisioning began, something may have changed in AWS: whatever
	// fails now, the summary is printed and the retry file written (exit 1).
	if err := prov.LogErr(); err != nil {
		res.ResultsErr = err
	} else if err := log.Finish(outcomes); err != nil {
		res.ResultsErr = fmt.Errorf("rewrite results file: %w", err)
	}
	res.Counts = report.Count(outcomes)
	res.File, res.Checked, res.Outcomes = f, checked, outcomes

	var retry [][]string
	for i, o := range outcomes {
		switch {
		case inDoubt(o):
			// Its CreateUser may have made the user: importing it again
			// would report it exists, its password only in this file.
			res.InDoubt++
		case o.Status.NeedsRetry():
			retry = append(retry, plan.Rows[i].Row.Record)
		}
	}
	if len(retry) > 0 {
		// The retry file is made from the input alone (it holds the
		// passwords the input supplied, and is mode 0600, like the input
		// should be): each run replaces it.
		path := freeRetryPath(retryPath, retryOwner)
		if err := report.WriteRetry(path, f.Header, retry, true); err != nil {
			res.RetryErr = fmt.Errorf("write retry file: %w", err)
		} else if path == retryPath {
			if err := stampRetryFile(resultsPath, path); err != nil {
				res.RetryErr = fmt.Errorf("write retry file: %w", err)
			}
		}
		if res.RetryErr == nil {
			res.RetryPath, res.RetryRows = path, len(retry)
		}
	} else if !cfg.DryRun && res.InDoubt == 0 {
		// A retry file left by an earlier run of this input is stale now,
		// unless the user edited or imported it.
		if err := removeStaleRetry(retryPath, retryOwner); err != nil {
			res.RetryErr = err
		}
	}
	if retryOwner.userOwned {
		res.RetryKept = retryPath + " (" + retryOwner.why + " since a run wrote it)"
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func countStatus(outcomes []report.Outcome, s report.Status) int {
	n := 0
	for _, o := range outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

// plannedOutcome is a row's outcome from its plan alone.
func plannedOutcome(pr *PlannedRow, s report.Status) report.Outcome {
	o := report.Outcome{Line: pr.Row.Line, Status: s}
	if a := pr.Agent; a != nil {
		o.Login, o.FirstName, o.LastName, o.Email, o.RoutingProfile = a.Login, a.FirstName, a.LastName, a.Email, a.RoutingProfile
	}
	return o
}

// dryRunSignInURL is where a dry run's agents would sign in: the access URL,
// except on a SAML instance, where the identity provider decides (as the real
// run's outcomes say).
func dryRunSignInURL(inst Instance) string {
	if inst.Identity == agentfile.IdentitySAML {
		return ""
	}
	return inst.AccessURL
}

// invalidOutcome is an invalid row: its cells as typed, its problems.
func invalidOutcome(f *agentfile.File, pr *PlannedRow) report.Outcome {
	o := plannedOutcome(pr, report.Invalid)
	if pr.Agent == nil {
		o.Login = f.Value(pr.Row, agentfile.ColLogin)
		o.FirstName = f.Value(pr.Row, agentfile.ColFirstName)
		o.LastName = f.Value(pr.Row, agentfile.ColLastName)
		o.Email = f.Value(pr.Row, agentfile.ColEmail)
		o.RoutingProfile = f.Value(pr.Row, agentfile.ColRoutingProfile)
	}
	msgs := make([]string, 0, len(pr.Problems))
	for _, p := range pr.Problems {
		m := p.Message
		if p.Column != "" {
			m = p.Column + ": " + m
		}
		if p.Hint != "" {
			m += " (" + p.Hint + ")"
		}
		msgs = append(msgs, m)
	}
	o.Error = strings.Join(msgs, "; ")
	return o
}

// checkResumable refuses to resume from a results file that belongs to
// another version of the input: its lines would name other users. Only rows
// on which something was done, or whose password was written ahead, bind
// the input; they must name the same user, and user names are
// case-sensitive. A row on which nothing was done may have been fixed.
func checkResumable(f *agentfile.File, checked []agentfile.Checked, prev map[int]report.Outcome, path string) error {
	byLine := make(map[int]agentfile.Row, len(checked))
	for _, c := range checked {
		byLine[c.Row.Line] = c.Row
	}
	lines := make([]int, 0, len(prev))
	for line := range prev {
		lines = append(lines, line)
	}
	sort.Ints(lines) // the first mismatch is the one named
	for _, line := range lines {
		o := prev[line]
		if nothingDone(o) {
			continue
		}
		row, ok := byLine[line]
		login := f.Value(row, agentfile.ColLogin)
		if !ok || strings.TrimSpace(login) != strings.TrimSpace(o.Login) {
			return &SetupError{
				Message: fmt.Sprintf("results file %s does not match the input: its line %d is user %q, the input's is %q", path, line, o.Login, login),
				Hint: "resume with the same input file as the interrupted run, or --out a new results file to import this one\n" +
					"(keep the old results file: it holds the passwords of the users it created)",
			}
		}
	}
	return nil
}

// unsettled says whether an earlier run's row sent a CreateUser whose
// outcome it did not learn (interrupted, or the lookup after an ambiguous
// answer failed).
func unsettled(o report.Outcome) bool {
	if o.Error == interruptedUpdating {
		return false // an update of an existing user, not a CreateUser: the updater settles it
	}
	return !o.Status.Done() && (o.Password != "" || strings.Contains(o.Error, "--resume to settle it"))
}

// nothingDone says whether a row of an earlier run's results file is known
// to have changed nothing: invalid, a dry run's, or never sent. (A SAML
// user's CreateUser abandoned in flight leaves no password, but binds.)
func nothingDone(o report.Outcome) bool {
	if o.Password != "" || o.ConnectUserID != "" || o.SSOUserID != "" {
		return false
	}
	switch o.Status {
	case report.Invalid, report.WouldCreate:
		return true
	case report.NotAttempted:
		return strings.HasPrefix(o.Error, "not started") || strings.HasPrefix(o.Error, "not attempted")
	}
	return false
}

// settleWrittenAhead decides a row that an interrupted run wrote a password
// ahead for but that is invalid now (edited, or a name it uses renamed
// since): if that run made the user, the user has that password, which must
// stay in the results file.
func settleWrittenAhead(ctx context.Context, api ConnectReader, inst Instance, invalid, prev report.Outcome) report.Outcome {
	id, found, err := findUser(ctx, api, inst.ID, prev.Login)
	switch {
	case err != nil:
		o := invalid
		o.Status, o.Password = report.Failed, prev.Password
		o.Error = fmt.Sprintf("an interrupted run may have created this user with the password in this row, and looking it up failed (%s): "+
			"run again with --resume to settle it; the row is invalid now: %s", errText(err), invalid.Error)
		return o
	case found:
		o := prev
		o.Status, o.ConnectUserID, o.Error = report.Created, id, ""
		if inst.Identity != agentfile.IdentitySAML {
			o.SignInURL = inst.AccessURL
		}
		return o
	}
	return invalid
}

// existingResultsHint says what to do about a results file in the way,
// after a look at what it holds: a dry run's may simply be replaced, but
// replacing one with passwords loses them.
func existingResultsHint(path string, dryRun bool) string {
	rows, err := report.Load(path)
	if err != nil {
		return "--out to write elsewhere, or --force to replace it"
	}
	passwords, done := 0, 0
	for _, o := range rows {
		if o.Password != "" {
			passwords++
		}
		if o.Status.Done() {
			done++
		}
	}
	switch {
	case passwords == 0 && done == 0:
		return "it records no user made (a dry run's results?): add --force to replace it, or --out to write elsewhere"
	case dryRun && passwords > 0:
		return fmt.Sprintf("it holds the passwords of %s: give the dry run another file with --out (--force would lose them)", report.Plural(passwords, "user"))
	case dryRun:
		return "give the dry run another file with --out, or --force to replace it"
	case passwords > 0:
		lost := "the 1 password it holds is lost"
		if passwords > 1 {
			lost = fmt.Sprintf("the %d passwords it holds are lost", passwords)
		}
		return "add --resume to continue that run (rows done stay done, with their passwords), or --out to write elsewhere;\n" +
			"--force replaces it, and " + lost
	}
	return "add --resume to continue that run (rows done stay done), --force to replace it, or --out to write elsewhere"
}

// samePath says whether two paths name one file, or would.
func samePath(a, b string) bool {
	if ai, err := os.Stat(a); err == nil {
		if bi, err := os.Stat(b); err == nil {
			return os.SameFile(ai, bi)
		}
	}
	aa, errA := filepath.Abs(a)
	ba, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == ba
}

func defaultResults(input string) string {
	results, _ := report.Paths(input)
	return results
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// describeError turns a failed DescribeInstance into one line and a hint:
// it is the first call, so it is the one that meets missing credentials, a
// wrong region or a wrong instance id.
func describeError(err error, instanceID, region, profile string) error {
	msg := fmt.Sprintf("cannot use instance %s: %s", instanceID, errSummary(err))
	return &SetupError{Message: msg, Hint: apiHint(err, instanceID, region, profile), Err: err}
}

// errSummary is an AWS error without the SDK's operation and request-id
// wrapping.
func errSummary(err error) string {
	var ue *UnreachableError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return errText(err)
	}
	var re *smithyhttp.RequestSendError
	if errors.As(err, &re) {
		return "cannot reach the endpoint: " + unwrapAll(re.Err).Error()
	}
	switch text := strings.ToLower(err.Error()); {
	case strings.Contains(text, "missing region"):
		return "no AWS Region set"
	case isSSOSessionError(text):
		return "the AWS SSO session has expired or was never started"
	case strings.Contains(text, "get credentials"), strings.Contains(text, "retrieve credentials"):
		return "no AWS credentials found"
	}
	return err.Error()
}

// isSSOSessionError says whether a lower-case error text is an SSO
// profile's missing or expired token: the most common failure of an
// administrator's profile, fixed by signing in again.
func isSSOSessionError(text string) bool {
	return (strings.Contains(text, "get credentials") || strings.Contains(text, "retrieve credentials") ||
		strings.Contains(text, "refresh cached credentials")) &&
		strings.Contains(text, "sso") && (strings.Contains(text, "token") || strings.Contains(text, "session"))
}

func unwrapAll(err error) error {
	for {
		var ne *net.OpError
		if errors.As(err, &ne) {
			return ne
		}
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// apiHint says what the user can do about an AWS error.
func apiHint(err error, instanceID, region, profile string) string {
	text := strings.ToLower(err.Error())
	login := "aws sso login --profile NAME"
	if profile != "" {
		login = "aws sso login --profile " + profile
	}
	var ue *UnreachableError
	if errors.As(err, &ue) {
		return ue.Hint()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ResourceNotFoundException":
			return fmt.Sprintf("no instance %s in region %s: check --instance-id and --region (an instance ARN carries its region)", instanceID, orUnset(region))
		case "AccessDeniedException", "UnauthorizedException", "AccessDenied":
			return "the credentials are not allowed this call: they need connect:DescribeInstance, connect:List*, connect:SearchUsers and connect:CreateUser on the instance"
		case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "InvalidClientTokenId":
			return "the credentials are not valid (expired?): refresh them (" + login + ") or pick others with --profile"
		}
	}
	switch {
	case isSSOSessionError(text):
		return "sign in again: " + login + "; then run the same command"
	case strings.Contains(text, "region"):
		return "set a region: --region NAME, AWS_REGION, the profile's region, or give --instance-id as an instance ARN"
	case strings.Contains(text, "credentials"), strings.Contains(text, "imds"):
		return "run 'aws sso login --profile NAME' and add --profile NAME, or set AWS_ACCESS_KEY_ID and\n" +
			"AWS_SECRET_ACCESS_KEY; or try it first with --sandbox"
	case strings.Contains(text, "connection refused"), strings.Contains(text, "no such host"), strings.Contains(text, "dial tcp"):
		return "check --endpoint-url (or AWS_ENDPOINT_URL) and the network"
	}
	return ""
}

func orUnset(region string) string {
	if region == "" {
		return "(none set)"
	}
	return region
}
