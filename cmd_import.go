package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

const importUsage = `Usage: bulkagents import FILE [--instance-id ID|ARN] [--out FILE] [--dry-run] [--resume] [--force]
                         [--update] [--create-hierarchy] [--traffic-distribution-group ID|ARN] [--apply PLAN]
                         [--sso | --identity-store-id ID] [--sso-group NAME] [--sso-application-arn ARN]
                         [--split-by KEY] [--handout-template FILE] [--protect]
                         [--concurrency N] [--rate-scale X] [--no-progress] [--format text|json]
                         [--encoding utf-8|windows-1252]
                         [--profile NAME] [--region NAME] [--endpoint-url URL] [--sandbox]

Creates the agents of FILE (Connect's bulk-upload CSV template) in an Amazon
Connect instance, as fast as the API quotas allow, and writes a results file
(agents-results.csv for agents.csv, mode 0600) with each row's outcome and the password of each
user it created. A re-run reports existing users as "exists" and never creates
them twice; --resume finishes an interrupted run.

With --update, an existing user whose fields differ from the file is changed
to match it, one Connect update API per aspect (routing profile, security
profiles, hierarchy, phone settings, names and email, tags), each at its own
quota. A blank cell leaves a field as it is; "(none)" clears hierarchy, tags,
secondary email or mobile; a security profiles or tags cell replaces the set.
A password is never changed. The changes column says, per row, what changed
(with --dry-run: what would); without --update it says what differs.

With --apply PLAN (the results file of a --dry-run, made with --out so that
it is kept), the run carries out exactly the creates and updates PLAN lists:
a row whose user was created, deleted or edited by someone else since the
plan is "stale" and not touched, and its changes column says what changed.

Credentials and region follow the AWS conventions: the default credential
chain, --profile, AWS_REGION, AWS_ENDPOINT_URL. --sandbox imports into a local
emulator instead, with no account needed.

With --sso (or --identity-store-id) on a SAML instance, each agent also gets
an IAM Identity Center user (user name = the user login) in the group
--sso-group (default ConnectAgents), which --sso-application-arn assigns to
the Amazon Connect application. No API sets their password: the results file
gives the access-portal URL, and the summary says how agents get a one-time
password.

With --split-by KEY (hierarchy, routing-profile, or the name of a column of
FILE such as "team lead"), the results are also split into one file and one
printable handout per team, beside the results file, for the team leads;
--protect writes each team's file as a password-protected workbook instead.
'bulkagents handout' does the same for a finished run.

Exit status: 0 every row created, existing, updated, would-create or would-update; 1 some rows invalid,
failed or not attempted (see the retry file); 2 nothing could be done; 130
interrupted (the results file is complete up to that point).

Examples:
    bulkagents import agents.csv --sandbox
    bulkagents import agents.csv --instance-id 11111111-2222-3333-4444-555555555555 --dry-run
    bulkagents import agents.csv --instance-id arn:aws:connect:eu-west-2:123456789012:instance/11111111-2222-3333-4444-555555555555
    bulkagents import agents.csv --instance-id ID --resume
    bulkagents import agents.csv --instance-id ID --update --dry-run
    bulkagents import agents.csv --instance-id ID --split-by hierarchy --protect
    bulkagents import agents.csv --instance-id ID --sso --sso-application-arn arn:aws:sso::123456789012:application/ssoins-EXAMPLE/apl-EXAMPLE
`

var importCommand = &command{
	name:  "import",
	usage: importUsage,
	run:   runImport,
}

// importFlags are the import command's flags.
type importFlags struct {
	awsFlags
	splitFlags
	out    string
	dryRun bool
	resume bool
	force  bool
	update bool
	// createHierarchy: --create-hierarchy.
	createHierarchy bool
	// trafficGroup: --traffic-distribution-group.
	trafficGroup string
	concurrency  int
	rateScale    float64
	noProgress   bool
	sandbox      bool
	format       string
	encoding     string
	// givenScale is --rate-scale when given, 0 otherwise (then the rates
	// come from Service Quotas).
	givenScale float64
	// apply is --apply PLAN.
	apply string

	// IAM Identity Center (SAML instances).
	ssoFlags
	ssoAppARN string
}

func runImport(ctx context.Context, env *environment, args []string) error {
	fl, input, err := parseImportFlags(env, args)
	if err != nil {
		return err
	}
	handoutTmpl, err := fl.checkFiles(ctx, env, input)
	if err != nil {
		return err
	}
	awsConfig, instanceID, closeSandbox, err := fl.target(ctx, env, input)
	if err != nil {
		return err
	}
	defer closeSandbox()
	clients, err := newClients(ctx, awsConfig)
	if err != nil {
		return err
	}
	defer clients.CloseIdleConnections()

	calls, abort := interruptible(ctx, env, !fl.noProgress, "calls")
	defer abort()
	res, err := importer.Import(ctx, calls, fl.config(input, instanceID, newDisplay(env.stderr, progressModeOf(fl.noProgress), "import", clients)), clients)
	if err != nil {
		return importError(input, err)
	}
	return fl.finish(ctx, env, input, res, handoutTmpl)
}

// parseImportFlags parses the command line: the flags, checked together,
// and the one input file.
func parseImportFlags(env *environment, args []string) (*importFlags, string, error) {
	fs := newFlagSet(env, "import", importUsage)
	fl := &importFlags{}
	awsFlagsVar(fs, &fl.awsFlags)
	outFlag(fs, &fl.out, "", "the results `FILE` (default: beside the input, agents-results.csv for agents.csv)")
	dryRunFlag(fs, &fl.dryRun, "make read calls only and write what would happen")
	resumeFlag(fs, &fl.resume)
	forceFlag(fs, &fl.force, "replace an existing results file (its passwords are lost)")
	updateFlag(fs, &fl.update, "also change existing users whose fields differ from the file (blank cells leave a field alone, (none) clears it; the file needs only the user login column and the columns it changes)")
	trafficGroupFlag(fs, &fl.trafficGroup, "associate each created user with this Global Resiliency traffic distribution group (`ID|ARN`, ACTIVE)")
	createHierarchyFlag(fs, &fl.createHierarchy)
	concurrencyFlag(fs, &fl.concurrency)
	rateScaleFlag(fs, &fl.rateScale, rateScaleUsage)
	noProgressFlag(fs, &fl.noProgress)
	formatFlag(fs, &fl.format, summaryFormatUsage)
	encodingFlag(fs, &fl.encoding)
	sandboxFlag(fs, &fl.sandbox, "import into a local, in-process sandbox instead of AWS")
	ssoFlagsVar(fs, &fl.ssoFlags, "also create each agent's IAM Identity Center user (SAML instance; the identity store is found with SSO Admin)",
		"like --sso, in this identity store `ID` (d-XXXXXXXXXX)",
		"the Identity Center group `NAME` of the agents, created when missing (default "+importer.DefaultSSOGroup+")")
	ssoAppFlag(fs, &fl.ssoAppARN)
	splitFlagsVar(fs, &fl.splitFlags)
	applyFlag(fs, &fl.apply)
	rest, err := fs.parse(args)
	if err != nil {
		return nil, "", err
	}
	if len(rest) != 1 {
		return nil, "", usageError("bulkagents import agents.csv --instance-id ID (or --sandbox to try it)", "import takes one file, got %d arguments", len(rest))
	}
	if err := fl.check(); err != nil {
		return nil, "", err
	}
	fl.givenScale = givenRateScale(fs.FlagSet, fl.rateScale)
	return fl, rest[0], nil
}

// checkFiles tells what the files alone can tell before a sandbox starts or
// a call is made: the input's header, and the hand-out's key and template,
// so that a typo cannot surface only after the users exist.
func (fl *importFlags) checkFiles(ctx context.Context, env *environment, input string) (*report.HandoutTemplate, error) {
	if err := checkAgentsHeader(ctx, env, input, agentfile.SplitKeep(fl.splitBy), fl.encoding, fl.update); err != nil {
		return nil, err
	}
	if fl.splitBy == "" {
		return nil, nil
	}
	file, err := readTemplate(ctx, input, agentfile.ReadOptions{Keep: agentfile.SplitKeep(fl.splitBy), Encoding: fl.encoding})
	if err != nil {
		return nil, err
	}
	if _, err := agentfile.TeamKey(file, nil, fl.splitBy); err != nil {
		return nil, usageError(splitByHint, "%v", err)
	}
	return handoutTemplate(ctx, fl.template)
}

// target gives the AWS configuration and instance to import into: the one
// --instance-id names, or an in-process sandbox (with --sandbox), which the
// returned function stops.
func (fl *importFlags) target(ctx context.Context, env *environment, input string) (importer.AWSConfig, string, func(), error) {
	awsConfig := fl.awsConfig(fl.givenScale)
	if !fl.sandbox {
		id, region, err := fl.instance()
		awsConfig.Region = region
		return awsConfig, id, func() {}, err
	}
	// The sandbox outlives the first Ctrl-C: the calls in flight finish.
	// Room for every row of the file besides what the sandbox seeds.
	sbOpts := sandbox.Options{RateScale: fl.rateScale, UserQuota: sandboxUsersQuota(ctx, input)}
	if fl.sso {
		// Identity Center users go with a SAML instance.
		sbOpts.Identity = "SAML"
	}
	sb, err := startSandbox(ctx, sbOpts, &awsConfig)
	if err != nil {
		return awsConfig, "", nil, err
	}
	fmt.Fprintf(env.stderr, "sandbox: importing into a local Amazon Connect emulator at %s (nothing is sent to AWS)\n", sb.URL())
	if fl.sso && fl.ssoAppARN == "" {
		// The sandbox's Amazon Connect application: its ARN is new each time.
		fl.ssoAppARN = sb.ConnectApplicationARN()
	}
	return awsConfig, sb.InstanceID(), func() { sb.Close() }, nil
}

// config is the import's configuration from the flags.
func (fl *importFlags) config(input, instanceID string, events importer.Events) importer.Config {
	ic := fl.identityCenter()
	ic.ApplicationARN = fl.ssoAppARN
	return importer.Config{
		Input:      input,
		Out:        fl.out,
		InstanceID: instanceID,
		DryRun:     fl.dryRun,
		Resume:     fl.resume,
		Force:      fl.force,
		Update:     fl.update,
		Apply:      fl.apply,
		// The organisation: hierarchy groups, traffic distribution.
		CreateHierarchy:          fl.createHierarchy,
		TrafficDistributionGroup: fl.trafficGroup,
		Concurrency:              fl.concurrency,
		Sandbox:                  fl.sandbox,
		Keep:                     agentfile.SplitKeep(fl.splitBy),
		Encoding:                 fl.encoding,
		KeepRows:                 fl.splitBy != "", // the team hand-outs read every row
		// The memory limit is sized by the rows (memlimit.go); an
		// in-process sandbox holds its users in this process too.
		OnRead: func(rows int) {
			if !fl.sandbox {
				setImportMemoryLimit(rows)
			}
		},
		Events:         events,
		IdentityCenter: ic,
	}
}

// finish prints the summary, writes the team files and gives the exit
// status of a run that got as far as its Result.
func (fl *importFlags) finish(ctx context.Context, env *environment, input string, res *importer.Result, handoutTmpl *report.HandoutTemplate) error {
	if fl.format == formatJSON {
		if err := writeImportJSON(env.stdout, res, fl.splitBy); err != nil {
			return err
		}
	} else {
		writeImportSummary(env.stderr, res)
	}
	if fl.splitBy != "" && !res.Interrupted {
		err := handOut(ctx, env, res.File, res.Checked, res.Outcomes, report.HandoutDir(res.ResultsPath), report.HandoutOptions{
			SplitBy: fl.splitBy, Template: handoutTmpl, Protect: fl.protect, Force: fl.force || fl.resume,
		})
		if err != nil {
			return handoutAfterImport(err, res, input, fl.splitBy)
		}
	}
	if err := unfinishedFiles(res.ResultsErr, res.RetryErr, res.ResultsPath, "every password set so far"); err != nil {
		return err
	}
	switch {
	case res.Interrupted:
		return &exitError{code: exitInterrupted}
	case !res.Counts.Success() || res.Halted != "":
		return &exitError{code: exitRowsFailed}
	}
	return nil
}

// handoutAfterImport is the error of the hand-out at the end of an import
// (a folder that cannot be written, a team folder in the way): the import
// itself is done and, unless it was a dry run, changed AWS, so the exit
// status is 1, not 2, and the hint says how to make the handouts alone.
func handoutAfterImport(err error, res *importer.Result, input, splitBy string) error {
	var ee *exitError
	if !errors.As(err, &ee) || res.DryRun {
		return err
	}
	hint := ee.hint
	if hint != "" {
		hint += "\n"
	}
	hint += fmt.Sprintf("the import itself is done: once that is fixed, 'bulkagents handout %s --results %s --split-by %q' makes the team files", input, res.ResultsPath, splitBy)
	return &exitError{code: exitRowsFailed, msg: ee.msg, hint: hint}
}

// unfinishedFiles is the error of a run whose results or retry file could
// not be written: exit 1, since users may have been made or deleted; holds
// says what the results file keeps.
func unfinishedFiles(resultsErr, retryErr error, resultsPath, holds string) error {
	switch {
	case resultsErr != nil:
		return &exitError{code: exitRowsFailed, msg: resultsErr.Error(),
			hint: fmt.Sprintf("%s holds %s (the last row of each line counts);\n"+
				"%s\nthen run the same command with --resume to finish it", resultsPath, holds,
				orDefault(writeErrorHint(resultsErr, resultsPath), "fix what stopped the writing"))}
	case retryErr != nil:
		return &exitError{code: exitRowsFailed, msg: retryErr.Error(),
			hint: orDefault(writeErrorHint(retryErr, resultsPath), "the results file is complete: its rows say which need another run")}
	}
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// check refuses flag combinations that cannot work, before anything runs.
func (fl *importFlags) check() error {
	switch {
	case fl.splitFlags.check() != nil:
		return fl.splitFlags.check()
	case fl.ssoFlags.check() != nil:
		return fl.ssoFlags.check()
	case (fl.ssoGroup != "" || fl.ssoAppARN != "") && !fl.sso && fl.identityStoreID == "":
		return usageError("add --sso (or --identity-store-id ID) to make the agents' IAM Identity Center users", "--sso-group and --sso-application-arn need --sso or --identity-store-id")
	case fl.ssoGroup != "" && ssoGroupProblem(fl.ssoGroup) != nil:
		return ssoGroupProblem(fl.ssoGroup)
	case fl.sandbox && fl.identityStoreID != "":
		return usageError("use --sso with --sandbox: the sandbox has its own identity store", "--sandbox and --identity-store-id do not go together")
	case fl.resume && fl.force:
		return usageError("--resume keeps the results file's rows; --force starts over: pick one", "--resume and --force do not go together")
	case fl.dryRun && fl.resume:
		return usageError("a dry run writes no users: run it without --resume (and --out elsewhere to keep the results file)", "--dry-run and --resume do not go together")
	case fl.dryRun && fl.apply != "":
		return usageError("--apply carries out a dry run's plan: run it without --dry-run", "--dry-run and --apply do not go together")
	case fl.sandbox && fl.instanceID != "":
		return usageError("drop --instance-id: the sandbox has its own instance", "--sandbox and --instance-id do not go together")
	case fl.sandbox && fl.endpointURL != "":
		return usageError("drop --endpoint-url: the sandbox runs in-process", "--sandbox and --endpoint-url do not go together")
	case !fl.sandbox && fl.instanceID == "":
		return usageError("add --instance-id ID (Amazon Connect console > your instance > Distribution settings),\nor try it first with --sandbox", "no instance: --instance-id is required")
	case fl.concurrency < 0 || fl.concurrency > 512:
		return usageError("use a number of workers from 1 to 512, or 0 to let the rate decide", "--concurrency %d is out of range", fl.concurrency)
	case checkRateScale(fl.rateScale) != nil:
		return checkRateScale(fl.rateScale)
	case checkFormat(fl.format) != nil:
		return checkFormat(fl.format)
	}
	return nil
}

// writeImportJSON prints the summary as one JSON object on stdout, for
// scripts: the same shape as remove's (counts per status, the rate used and
// achieved, the files written).
func writeImportJSON(w io.Writer, res *importer.Result, splitBy string) error {
	counts := map[string]int{}
	for _, s := range report.Statuses {
		counts[string(s)] = res.Counts[s]
	}
	var sources map[string]any
	if res.Rates != nil {
		u := res.Rates.Of("Connect.CreateUser")
		sources = map[string]any{"source": u.Source, "quota_code": u.QuotaCode}
	}
	rate := map[string]any{"api": "CreateUser", "configured_per_second": res.ConfiguredCreateRate,
		"final_per_second": res.FinalCreateRate, "achieved_per_second": res.Stats.CreateRate(),
		"create_calls": res.Stats.CreateCalls, "throttles": res.CreateThrottles}
	for k, v := range sources {
		rate[k] = v
	}
	files := map[string]any{"results": res.ResultsPath, "retry": res.RetryPath}
	if res.RetryKept != "" {
		files["retry_kept"] = res.RetryKept
	}
	if splitBy != "" && !res.Interrupted {
		files["teams"] = report.HandoutDir(res.ResultsPath)
	}
	v := map[string]any{
		"command": "import", "dry_run": res.DryRun, "instance": res.Instance.ID, "identity": string(res.Instance.Identity),
		"interrupted": res.Interrupted, "halted": res.Halted, "in_doubt": res.InDoubt,
		"counts": counts, "rows": res.Counts.Total(),
		"rate": rate, "rates_used": res.Rates,
		"elapsed_seconds": res.Elapsed.Seconds(), "setup_seconds": res.SetupElapsed.Seconds(),
		"problems": len(res.Problems) + res.MoreProblems, "warnings": len(res.Warnings) + res.MoreWarnings,
		"files": files,
	}
	if ic := res.IdentityCenter; ic != nil {
		v["identity_center"] = map[string]any{"identity_store_id": ic.StoreID, "portal_url": ic.PortalURL, "group": ic.Group,
			"group_created": ic.GroupCreated, "users_created": ic.UsersCreated, "memberships_created": ic.MembershipsCreated,
			"assignment": ic.Assignment, "warnings": len(ic.Warnings)}
	}
	return json.NewEncoder(w).Encode(v)
}

// importError turns an import's error into an exit status with a hint.
func importError(input string, err error) error {
	var fe *agentfile.FileError
	var se *importer.SetupError
	switch {
	case errors.Is(err, importer.ErrInterrupted):
		return &exitError{code: exitInterrupted, msg: "interrupted before anything was changed"}
	case errors.As(err, &fe):
		return &exitError{code: exitUnusable, msg: fmt.Sprintf("%s: %v", input, fe), hint: fe.Hint}
	case errors.As(err, &se):
		msg, hint := setupErrorWords(se)
		return &exitError{code: exitUnusable, msg: msg, hint: hint}
	}
	// Past the set-up, something may have been changed: exit 1.
	return &exitError{code: exitRowsFailed, msg: err.Error(), hint: writeFailureHint(err, input)}
}

// ssoGroupProblem refuses an --sso-group name that CreateGroup would refuse.
func ssoGroupProblem(name string) error {
	if msg, hint := importer.CheckGroupName(name); msg != "" {
		return usageError(hint, "--sso-group: %s", msg)
	}
	return nil
}
