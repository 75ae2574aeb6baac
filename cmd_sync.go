package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

const syncUsage = `Usage: bulkagents sync FILE [--instance-id ID|ARN] [--out FILE] [--dry-run] [--apply PLAN] [--resume] [--force]
                         [--scope-hierarchy PATH] [--scope-routing-profile NAME] [--scope-tag KEY=VALUE]...
                         [--keep LOGIN[,LOGIN...]] [--max-deletes N] [--yes]
                         [--create-hierarchy] [--traffic-distribution-group ID|ARN]
                         [--sso | --identity-store-id ID] [--sso-group NAME] [--sso-application-arn ARN] [--sso-delete-users]
                         [--concurrency N] [--rate-scale X] [--no-progress] [--format text|json] [--encoding utf-8|windows-1252]
                         [--profile NAME] [--region NAME] [--endpoint-url URL]

Makes a part of an Amazon Connect instance (its scope) match a roster file
(Connect's bulk-upload template, such as an HR system's export): the users
FILE names are created or updated as "import --update" does, and the users
of the scope that FILE does not name are deleted as "remove" does (with
their quick connects; with --sso, out of the group, and --sso-delete-users
deletes the Identity Center user too). The deletes come last, and none is
made when a create or an update did not complete.

The scope is the whole instance unless narrowed (every part must hold):
--scope-hierarchy 'Example Corp|Support' (that group and every group below),
--scope-routing-profile NAME, --scope-tag KEY=VALUE (repeatable). A row of
FILE whose user is outside the scope (or would be put outside by the row) is
"invalid".

Guards, all checked before the first change (exit 2, nothing changed):
users holding the Admin security profile and the logins given to --keep are
never deleted ("kept"); more deletes than --max-deletes (default 10), a
FILE with no data rows, or a FILE none of whose users exist while the scope
holds users it would delete (a roster of another instance) refuse the run.
On a terminal a sync that deletes asks for the number of deletes to be typed
back; elsewhere a sync that deletes needs --yes (one that deletes nothing
does not). Run --dry-run first: it writes the plan.

Files, beside the input (agents.csv): agents-results.csv (the creates and
updates, as import's results file), agents-deletes.csv (the logins the sync
deletes or keeps: the plan of its deletes) and agents-removed.csv (the
deletes, as remove's results file; its line is the line of
agents-deletes.csv). --resume finishes an interrupted sync.

--apply PLAN carries out exactly a dry run's plan: PLAN is its results file
(made with --dry-run --out plan-results.csv), beside which the dry run wrote
plan-deletes.csv and plan-removed.csv; only the users those list are
created, updated and deleted, and a row whose user was created, deleted or
edited by someone else since is "stale" and not touched (exit 1).

Exit status: 0 every row done (created, exists, updated, deleted, kept, or
their would-); 1 some rows invalid, failed or not attempted; 2 nothing could
be done, a guard refused, or the deletes were not confirmed; 130 interrupted.

Examples:
    bulkagents sync roster.csv --instance-id ID --dry-run --out plan-results.csv
    bulkagents sync roster.csv --instance-id ID --apply plan-results.csv --yes
    bulkagents sync roster.csv --instance-id ID --scope-hierarchy 'Example Corp|Support' --yes
    bulkagents sync roster.csv --instance-id ID --keep supervisor1,supervisor2 --max-deletes 40 --yes
`

var syncCommand = &command{name: "sync", usage: syncUsage, run: runSync}

type syncFlags struct {
	awsFlags
	ssoFlags
	out                        string
	dryRun, resume, force, yes bool
	scopeHierarchy             string
	scopeRoutingProfile        string
	scopeTags                  tagList
	keep                       string
	maxDeletes                 int
	concurrency                int
	rateScale                  float64
	givenScale                 float64
	noProgress                 bool
	format                     string
	encoding                   string
	ssoAppARN                  string
	ssoDeleteUsers             bool
	apply                      string
	createHierarchy            bool
	trafficGroup               string
}

// tagList is --scope-tag, repeatable: KEY=VALUE each time.
type tagList struct{ m map[string]string }

func (t *tagList) String() string {
	var parts []string
	for k, v := range t.m {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (t *tagList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q is not KEY=VALUE (for example --scope-tag team=support)", s)
	}
	if t.m == nil {
		t.m = map[string]string{}
	}
	t.m[strings.TrimSpace(k)] = v
	return nil
}

// parseSyncFlags parses the command line: the flags, checked together, and
// the one roster file.
func parseSyncFlags(env *environment, args []string) (*syncFlags, string, error) {
	fs := newFlagSet(env, "sync", syncUsage)
	fl := &syncFlags{}
	awsFlagsVar(fs, &fl.awsFlags)
	outFlag(fs, &fl.out, "", "the results `FILE` of the creates and updates (default: beside the input, roster-results.csv for roster.csv)")
	dryRunFlag(fs, &fl.dryRun, "make read calls only and write the plan")
	resumeFlag(fs, &fl.resume)
	forceFlag(fs, &fl.force, "replace existing results files (their passwords are lost)")
	yesFlag(fs, &fl.yes)
	fs.StringVar(&fl.scopeHierarchy, "scope-hierarchy", "", "own only the users of this hierarchy group `PATH` (levels joined by |) and the groups below")
	fs.StringVar(&fl.scopeRoutingProfile, "scope-routing-profile", "", "own only the users of this routing profile `NAME`")
	fs.Var(&fl.scopeTags, "scope-tag", "own only the users holding this tag `KEY=VALUE` (repeatable: all must hold)")
	fs.StringVar(&fl.keep, "keep", "", "never delete these `LOGIN[,LOGIN...]`")
	fs.IntVar(&fl.maxDeletes, "max-deletes", importer.DefaultMaxDeletes, "refuse a sync that would delete more than `N` users")
	concurrencyFlag(fs, &fl.concurrency)
	rateScaleFlag(fs, &fl.rateScale, rateScaleUsage)
	noProgressFlag(fs, &fl.noProgress)
	formatFlag(fs, &fl.format, summaryFormatUsage)
	encodingFlag(fs, &fl.encoding)
	ssoFlagsVar(fs, &fl.ssoFlags, "also create, and on delete take out of the group, each agent's IAM Identity Center user",
		"like --sso, in this identity store `ID` (d-XXXXXXXXXX)",
		"the Identity Center group `NAME` of the agents (default "+importer.DefaultSSOGroup+")")
	ssoAppFlag(fs, &fl.ssoAppARN)
	ssoDeleteUsersFlag(fs, &fl.ssoDeleteUsers)
	applyFlag(fs, &fl.apply)
	createHierarchyFlag(fs, &fl.createHierarchy)
	trafficGroupFlag(fs, &fl.trafficGroup, "associate each created user with this Global Resiliency traffic distribution group (`ID|ARN`), and disassociate each deleted one")
	rest, err := fs.parse(args)
	if err != nil {
		return nil, "", err
	}
	if len(rest) != 1 {
		return nil, "", usageError("bulkagents sync roster.csv --instance-id ID --dry-run", "sync takes one file, got %d arguments", len(rest))
	}
	if err := fl.check(); err != nil {
		return nil, "", err
	}
	fl.givenScale = givenRateScale(fs.FlagSet, fl.rateScale)
	return fl, rest[0], nil
}

func runSync(ctx context.Context, env *environment, args []string) error {
	fl, input, err := parseSyncFlags(env, args)
	if err != nil {
		return err
	}
	if err := checkAgentsHeader(ctx, env, input, nil, fl.encoding, true); err != nil {
		return err
	}
	onTerminal := isTerminalFile(env.stdin) && isTerminalFile(env.stderr)
	id, region, err := fl.instance()
	if err != nil {
		return err
	}
	awsConfig := fl.awsConfig(fl.givenScale)
	awsConfig.Region = region
	clients, err := newClients(ctx, awsConfig)
	if err != nil {
		return err
	}
	defer clients.CloseIdleConnections()

	calls, abort := interruptible(ctx, env, !fl.noProgress, "calls")
	defer abort()
	res, err := importer.Sync(ctx, calls, fl.config(env, input, id, onTerminal, clients), clients)
	if err != nil {
		if errors.Is(err, importer.ErrNotConfirmed) {
			return &exitError{code: exitUnusable, msg: err.Error(), hint: "run it with --dry-run to read the plan"}
		}
		if res == nil {
			return importError(input, err)
		}
		writeImportSummary(env.stderr, res.Import)
		return &exitError{code: exitRowsFailed, msg: err.Error()}
	}
	return fl.finish(env, res)
}

// config is the sync's configuration from the flags; without --yes, a
// sync that deletes asks on a terminal and is refused elsewhere.
func (fl *syncFlags) config(env *environment, input, id string, onTerminal bool, clients *importer.Clients) importer.SyncConfig {
	ic := fl.identityCenter()
	ic.ApplicationARN = fl.ssoAppARN
	cfg := importer.SyncConfig{
		Import: importer.Config{
			Input: input, Out: fl.out, InstanceID: id, Encoding: fl.encoding,
			DryRun: fl.dryRun, Resume: fl.resume, Force: fl.force, Concurrency: fl.concurrency,
			CreateHierarchy: fl.createHierarchy, TrafficDistributionGroup: fl.trafficGroup,
			IdentityCenter: ic,
			Events:         newDisplay(env.stderr, progressModeOf(fl.noProgress), "sync", clients),
		},
		Scope:                     fl.scope(),
		Keep:                      splitLogins(fl.keep),
		MaxDeletes:                fl.maxDeletes,
		DeleteIdentityCenterUsers: fl.ssoDeleteUsers,
		Apply:                     fl.apply,
	}
	switch {
	case fl.yes:
	case onTerminal:
		cfg.Confirm = func(ctx context.Context, n int) error { return confirmCount(ctx, env, id, n) }
	default:
		// Only a sync that deletes needs the confirmation (the guards ask
		// once the deletes are known, before any change).
		cfg.Confirm = func(ctx context.Context, n int) error {
			return &importer.SetupError{
				Message: fmt.Sprintf("this sync deletes %s: without a terminal to confirm on, it needs --yes (nothing was changed)", report.Plural(n, "user")),
				Hint:    "run it with --dry-run first to read the plan, then add --yes to carry it out"}
		}
	}
	return cfg
}

// finish prints the summary and gives the exit status of a sync that got
// as far as its result.
func (fl *syncFlags) finish(env *environment, res *importer.SyncResult) error {
	if fl.format == formatJSON {
		if err := writeSyncJSON(env.stdout, fl.scope(), res); err != nil {
			return err
		}
	} else {
		writeImportSummary(env.stderr, res.Import)
		writeSyncDeletes(env, res)
	}
	if err := unfinishedFiles(res.Import.ResultsErr, res.Import.RetryErr, res.Import.ResultsPath, "every password set so far"); err != nil {
		return err
	}
	if rr := res.Remove; rr != nil {
		if err := unfinishedFiles(rr.ResultsErr, rr.RetryErr, rr.ResultsPath, "every user deleted so far"); err != nil {
			return err
		}
	}
	switch {
	case res.Import.Interrupted || (res.Remove != nil && res.Remove.Interrupted):
		return &exitError{code: exitInterrupted}
	case !res.Import.Counts.Success() || res.Import.Halted != "" || res.Held != "":
		return &exitError{code: exitRowsFailed}
	case res.Remove != nil && (!res.Remove.Counts.Success() || res.Remove.Halted != ""):
		return &exitError{code: exitRowsFailed}
	}
	return nil
}

// writeSyncDeletes says what the deletes did, after the import's summary.
func writeSyncDeletes(env *environment, res *importer.SyncResult) {
	if res.Remove == nil {
		switch {
		case res.Held != "" && res.Deletes+res.Kept > 0:
			fmt.Fprintf(env.stderr, "sync: %s; %s lists them\n", res.Held, res.DeletesPath)
		case res.Held != "":
			fmt.Fprintf(env.stderr, "sync: %s\n", res.Held)
		default:
			fmt.Fprintf(env.stderr, "sync: the scope holds no user that the file does not name: nothing to delete\n")
		}
		return
	}
	writeRemoveSummary(env.stderr, res.Remove)
	if res.Held != "" {
		fmt.Fprintf(env.stderr, "sync: %s\n", res.Held)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.stderr, "warning: %s\n", w)
	}
}

func (fl *syncFlags) scope() importer.SyncScope {
	s := importer.SyncScope{RoutingProfile: strings.TrimSpace(fl.scopeRoutingProfile), Tags: fl.scopeTags.m}
	if h := strings.TrimSpace(fl.scopeHierarchy); h != "" {
		for _, level := range strings.Split(h, "|") {
			s.Hierarchy = append(s.Hierarchy, strings.TrimSpace(level))
		}
	}
	return s
}

func splitLogins(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (fl *syncFlags) check() error {
	switch {
	case fl.ssoFlags.check() != nil:
		return fl.ssoFlags.check()
	case (fl.ssoGroup != "" || fl.ssoAppARN != "" || fl.ssoDeleteUsers) && !fl.sso && fl.identityStoreID == "":
		return usageError("add --sso (or --identity-store-id ID)", "--sso-group, --sso-application-arn and --sso-delete-users need --sso or --identity-store-id")
	case fl.resume && fl.force:
		return usageError("--resume keeps the results files' rows; --force starts over: pick one", "--resume and --force do not go together")
	case fl.dryRun && fl.resume:
		return usageError("a dry run changes nothing: run it without --resume", "--dry-run and --resume do not go together")
	case fl.dryRun && fl.apply != "":
		return usageError("--apply carries out a dry run's plan: run it without --dry-run", "--dry-run and --apply do not go together")
	case fl.instanceID == "":
		return usageError("add --instance-id ID (Amazon Connect console > your instance > Distribution settings)", "no instance: --instance-id is required")
	case fl.maxDeletes < 0:
		return usageError("give --max-deletes 0 or more", "--max-deletes %d is below 0", fl.maxDeletes)
	case strings.Contains(fl.scopeHierarchy, "||"):
		return usageError("join the levels with one |: --scope-hierarchy 'Example Corp|Support'", "--scope-hierarchy %q has an empty level", fl.scopeHierarchy)
	case fl.concurrency < 0 || fl.concurrency > 512:
		return usageError("use a number of workers from 1 to 512, or 0 to let the rate decide", "--concurrency %d is out of range", fl.concurrency)
	case checkRateScale(fl.rateScale) != nil:
		return checkRateScale(fl.rateScale)
	case checkFormat(fl.format) != nil:
		return checkFormat(fl.format)
	}
	return nil
}

// writeSyncJSON prints the summary as one JSON object, for scripts: the
// counts of the creates and updates and of the deletes, and the files.
func writeSyncJSON(w io.Writer, scope importer.SyncScope, res *importer.SyncResult) error {
	counts := func(c report.Counts) map[string]int {
		m := map[string]int{}
		for _, s := range report.Statuses {
			m[string(s)] = c[s]
		}
		return m
	}
	imp := res.Import
	files := map[string]any{"results": imp.ResultsPath, "retry": imp.RetryPath, "deletes": ""}
	v := map[string]any{
		"command": "sync", "dry_run": imp.DryRun, "instance": imp.Instance.ID, "scope": scope.String(),
		"interrupted": imp.Interrupted, "counts": counts(imp.Counts), "rows": imp.Counts.Total(),
		"planned_deletes": res.Deletes, "kept": res.Kept, "deletes_held": res.Held, "warnings": res.Warnings,
		"elapsed_seconds": imp.Elapsed.Seconds(), "files": files,
	}
	if res.Deletes+res.Kept > 0 {
		files["deletes"] = res.DeletesPath
	}
	if rr := res.Remove; rr != nil {
		v["delete_counts"] = counts(rr.Counts)
		v["interrupted"] = imp.Interrupted || rr.Interrupted
		files["removed"], files["remove_retry"] = rr.ResultsPath, rr.RetryPath
	}
	return json.NewEncoder(w).Encode(v)
}
