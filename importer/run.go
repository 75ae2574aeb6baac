package importer

import (
	"context"
	"errors"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/aws"
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
	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// Config is one import as the command line asks for it.
type Config struct {
	Input      string // the CSV file
	Out        string // the results file; "" means next to the input
	InstanceID string // an instance id (an ARN is parsed by the caller)
	Encoding   string // the input's encoding (agentfile.Encodings; "" is UTF-8)

	DryRun bool // read calls only; rows that would be created are would-create
	Resume bool // continue from the results file of an earlier run
	Force  bool // replace an existing results file
	// Update changes existing users whose fields differ from the file
	// (--update); without it their changes column only says what differs.
	Update bool
	// LagBackoff is the waits before asking again for a user a listing
	// lags behind (nil: DefaultLagBackoff; users.go).
	LagBackoff []time.Duration

	Concurrency int // rows provisioned at once; 0: enough for the CreateUser rate

	// CreateHierarchy creates the hierarchy groups the file's paths name
	// that the instance lacks, parents first, before the rows that need
	// them (--create-hierarchy).
	CreateHierarchy bool
	// TrafficDistributionGroup (an id or ARN) is the Global Resiliency
	// group each created user is associated with
	// (--traffic-distribution-group); it must be ACTIVE.
	TrafficDistributionGroup string

	// Sandbox: the instance is bulkagents' own sandbox, so messages about
	// its quotas speak of the sandbox, not of Service Quotas.
	Sandbox bool

	// Keep names columns outside the template to accept (the column a
	// --split-by names); every other unknown column is still refused.
	Keep []string
	// KeepRows: Result.File and Result.Checked are read afterwards (the
	// team hand-outs), so every row stays whole to the end; otherwise rows
	// are let go of as they are done (run_memory.go).
	KeepRows bool
	// OnRead, when set, hears how many data rows the file holds, once it
	// is read and before anything is planned (the command sizes the
	// process's memory limit by it).
	OnRead func(rows int)

	// IdentityCenter: also make each agent's IAM Identity Center user and
	// group membership (--sso, --identity-store-id).
	IdentityCenter IdentityCenterConfig

	// Events hears what the run does as it goes (the command line shows
	// it: progress, notes); nil: nothing is shown.
	Events Events
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
	// NewGroups are the hierarchy groups the plan creates (a dry run's:
	// would create), by path; GroupsCreated those the run created.
	NewGroups     []string
	GroupsCreated []string
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

// CountStatus counts the outcomes with status s.
func CountStatus(outcomes []report.Outcome, s report.Status) int {
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
	if inst.GlobalSignIn != "" {
		return inst.GlobalSignIn
	}
	if inst.Identity == agentfile.IdentitySAML {
		return ""
	}
	return inst.AccessURL
}

// invalidOutcome is an invalid row: its cells as typed, its problems.
func invalidOutcome(f *agentfile.File, pr *PlannedRow) report.Outcome {
	o := plannedOutcome(pr, report.Invalid)
	if pr.Agent == nil {
		e := f.Echo(pr.Row)
		o.Login, o.FirstName, o.LastName, o.Email, o.RoutingProfile = e.Login, e.FirstName, e.LastName, e.Email, e.RoutingProfile
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
		login := f.Login(row)
		if !ok || strings.TrimSpace(login) != strings.TrimSpace(o.Login) {
			return &SetupError{
				Message: fmt.Sprintf("results file %s does not match the input: its line %d is user %q, the input's is %q", path, line, o.Login, login),
				Err:     &ResumeMismatch{Problem: OtherInput, Path: path},
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
// stay in the results file. The look-up waits out a listing that lags
// (backoff), as remove does before it calls a user absent: a user it still
// does not find was never made.
func settleWrittenAhead(ctx context.Context, api ConnectReader, inst Instance, invalid, prev report.Outcome, backoff []time.Duration) report.Outcome {
	id, found, err := FindUserWithBackoff(ctx, api, inst.ID, prev.Login, backoff)
	if found && err == nil && prev.CreationToken != "" {
		// The interrupted CreateUser carried a creation token: the user is
		// that run's only if it carries the token too.
		var u createdUser
		u, found, err = lookUpCreated(ctx, api, inst.ID, prev.Login)
		if err == nil && found && u.tags[CreationTagKey] != prev.CreationToken {
			o := invalid
			o.Error += "; " + madeByAnother
			return o
		}
	}
	switch {
	case err != nil:
		o := invalid
		o.Status, o.Password, o.CreationToken = report.Failed, prev.Password, prev.CreationToken
		o.Error = fmt.Sprintf("an interrupted run may have created this user with the password in this row, and looking it up failed (%s): "+
			"run again with --resume to settle it; the row is invalid now: %s", ErrText(err), invalid.Error)
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

// ResultsInTheWay is a results file where a run would write its own, with
// neither --resume nor --force, and what it holds: the command line words
// the choices (continue that run, replace it, write elsewhere). A
// SetupError carries it as its Err.
type ResultsInTheWay struct {
	Path string
	// Remove: remove's results file; DryRun: the run it stopped is a dry
	// run. Raced: it appeared only as the run made its own (another run).
	Remove, DryRun, Raced bool
	// Unreadable: not a results file bulkagents can read; otherwise its
	// rows with a password, done, and left to finish (not done, not a dry
	// run's, not invalid).
	Unreadable                  bool
	Passwords, Done, Unfinished int
	Err                         error
}

func (e *ResultsInTheWay) Error() string {
	return fmt.Sprintf("results file %s already exists", e.Path)
}
func (e *ResultsInTheWay) Unwrap() error { return e.Err }

// InTheWay looks at the results file in the way at path.
func InTheWay(path string, dryRun, remove bool) *ResultsInTheWay {
	e := &ResultsInTheWay{Path: path, DryRun: dryRun, Remove: remove}
	rows, err := report.Load(path)
	if err != nil {
		e.Unreadable = true
		return e
	}
	for _, o := range rows {
		if o.Password != "" {
			e.Passwords++
		}
		if o.Status.Done() {
			e.Done++
		}
		if !o.Status.Done() && !o.Status.DryRun() && o.Status != report.Invalid {
			e.Unfinished++
		}
	}
	return e
}

// OutputProblem is what is wrong with where a run would write.
type OutputProblem int

const (
	DryRunResume OutputProblem = iota + 1 // a dry run asked to resume
	OutIsInput                            // the results file is the input
	RetryIsInput                          // the retry file would be the input
	OutIsFolder                           // the results file is a folder
	NoFolder                              // the results file's folder does not exist
	BadLink                               // the results file is a link that names no file
)

// OutputError is a results file that cannot be where it was asked to be;
// the command line words it (naming its flags). A SetupError carries it as
// its Err; the SetupError's own Message and Hint name no flag.
type OutputError struct {
	Problem        OutputProblem
	Results, Retry string
	Remove         bool   // remove's results file
	Suggest        string // a results file's name to offer instead, "" when none
	Err            error
}

func (e *OutputError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("results file %s: problem %d", e.Results, e.Problem)
}
func (e *OutputError) Unwrap() error { return e.Err }

// ResumeProblem is why a results file cannot be resumed from.
type ResumeProblem int

const (
	OtherInput    ResumeProblem = iota + 1 // its rows are not the input's
	OtherInstance                          // another instance's run wrote it
	Unreadable                             // not a results file bulkagents can read
)

// ResumeMismatch is a results file --resume cannot continue; the command
// line says what to give instead. A SetupError carries it as its Err.
type ResumeMismatch struct {
	Problem  ResumeProblem
	Path     string
	Instance string // this run's instance (OtherInstance)
	Remove   bool   // remove's results file
	Err      error
}

func (e *ResumeMismatch) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("results file %s cannot be resumed (problem %d)", e.Path, e.Problem)
}
func (e *ResumeMismatch) Unwrap() error { return e.Err }

// UnwritableResults is a results file the run cannot write or hold: its
// folder is read-only or full (Err says), or another run holds it
// (Locked). A SetupError carries it as its Err.
type UnwritableResults struct {
	Path   string
	Locked bool
	Err    error
}

func (e *UnwritableResults) Error() string { return e.Err.Error() }
func (e *UnwritableResults) Unwrap() error { return e.Err }

// SamePath says whether two paths name one file, or would.
func SamePath(a, b string) bool {
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

func IsDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func FileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func UnwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// DescribeError turns a failed DescribeInstance into one line and a hint:
// it is the first call, so it is the one that meets missing credentials, a
// wrong region or a wrong instance id.
func DescribeError(err error, instanceID, region, profile string) error {
	msg := fmt.Sprintf("cannot use instance %s: %s", instanceID, ErrSummary(err))
	return &SetupError{Message: msg, Err: &CallError{Err: err, InstanceID: instanceID, Region: region, Profile: profile}}
}

// CallError is a call of the set-up that AWS (or the network) refused,
// with what the command line needs to say what to check: the instance, the
// region and the profile the call was made with. A SetupError carries it
// as its Err; the command line finds it with errors.As and words the hint.
type CallError struct {
	Err                         error
	InstanceID, Region, Profile string
}

func (e *CallError) Error() string { return e.Err.Error() }
func (e *CallError) Unwrap() error { return e.Err }

// ErrSummary is an AWS error without the SDK's operation and request-id
// wrapping.
func ErrSummary(err error) string {
	var ue *UnreachableError
	if errors.As(err, &ue) {
		return ue.Error()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ErrText(err)
	}
	var re *smithyhttp.RequestSendError
	if errors.As(err, &re) {
		return "cannot reach the endpoint: " + unwrapAll(re.Err).Error()
	}
	var ce *awsclient.CredentialsError
	var mr *aws.MissingRegionError
	switch {
	case errors.As(err, &mr):
		return "no AWS Region set"
	case errors.As(err, &ce) && ce.SSO():
		return "the AWS SSO session has expired or was never started"
	case errors.As(err, &ce):
		return "no AWS credentials found"
	}
	return err.Error()
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
