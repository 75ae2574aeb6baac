package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

const removeUsage = `Usage: bulkagents remove FILE [--instance-id ID|ARN] [--out FILE] [--dry-run] [--apply PLAN] [--resume] [--force] [--yes]
                         [--allow-admin] [--sso | --identity-store-id ID] [--sso-group NAME] [--sso-delete-users]
                         [--traffic-distribution-group ID|ARN]
                         [--rate-scale X] [--no-progress] [--format text|json] [--encoding utf-8|windows-1252]
                         [--profile NAME] [--region NAME] [--endpoint-url URL] [--sandbox]

Deletes the Amazon Connect users whose "user login" FILE names (the template,
an export, a results file: any CSV with that column), and the quick connects
of type USER that point at them. It never touches a user the file does not
name. A login matches only exactly: one that matches a user only when case is
ignored is "invalid" and that user is kept; one that matches no user is
"absent". The results go to leavers-removed.csv for leavers.csv (mode 0600);
--resume finishes an interrupted run.

Run --dry-run first: it lists each user that would go (name, routing profile,
user id) and their quick connects. Without --dry-run, on a terminal, remove
shows how many users it will delete and asks for that number to be typed
back; elsewhere it needs --yes. A user holding the Admin security profile (an
export names the administrators too) is not deleted unless --allow-admin is
given: the dry run warns, and a real run is refused before it deletes anything.

With --apply PLAN (the results file of a --dry-run, made with --out), only
the users PLAN lists as would-delete are deleted; one deleted, created again
or edited (name, routing profile) since the plan is "stale" and kept.

With --sso (or --identity-store-id), each user's IAM Identity Center user (user
name = the login) also leaves the group --sso-group (default ConnectAgents);
--sso-delete-users deletes that user too, unless it is in other groups or has
application assignments of its own.

Exit status: 0 every row deleted, would-delete or absent; 1 some rows invalid,
failed or not attempted (see the retry file); 2 nothing could be done, or the
deletion was not confirmed; 130 interrupted.

Examples:
    bulkagents remove leavers.csv --instance-id ID --dry-run
    bulkagents remove leavers.csv --instance-id ID
    bulkagents remove leavers.csv --instance-id ID --yes --sso --sso-delete-users
    bulkagents remove leavers.csv --instance-id ID --yes --resume
`

var removeCommand = &command{name: "remove", usage: removeUsage, run: runRemove}

type removeFlags struct {
	awsFlags
	out                        string
	dryRun, resume, force, yes bool
	ssoFlags
	ssoDeleteUsers bool
	allowAdmin     bool
	trafficGroup   string // --traffic-distribution-group
	rateScale      float64
	noProgress     bool
	format         string
	encoding       string
	sandbox        bool
	// givenScale is --rate-scale when given, 0 otherwise.
	givenScale float64
	apply      string // --apply PLAN
}

func runRemove(ctx context.Context, env *environment, args []string) error {
	fl, input, err := parseRemoveFlags(env, args)
	if err != nil {
		return err
	}
	if err := checkInputFile(input); err != nil {
		return err
	}
	onTerminal := isTerminalFile(env.stdin) && isTerminalFile(env.stderr)
	if !fl.dryRun && !fl.yes && !onTerminal {
		return usageError("run it with --dry-run first to see who would go, then add --yes to delete them",
			"remove deletes users: without a terminal to confirm on, it needs --yes (nothing was deleted)")
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

	calls, abort := interruptible(ctx, env, !fl.noProgress, "rows")
	defer abort()
	res, err := importer.Remove(ctx, calls, fl.config(env, input, instanceID, newDisplay(env.stderr, progressModeOf(fl.noProgress), "remove", clients)), clients)
	if err != nil {
		if errors.Is(err, importer.ErrNotConfirmed) {
			return &exitError{code: exitUnusable, msg: err.Error(), hint: "run it with --dry-run to see who would go"}
		}
		return importError(input, err)
	}
	return fl.finish(env, res)
}

// parseRemoveFlags parses the command line: the flags, checked together,
// and the one input file.
func parseRemoveFlags(env *environment, args []string) (*removeFlags, string, error) {
	fs := newFlagSet(env, "remove", removeUsage)
	fl := &removeFlags{}
	awsFlagsVar(fs, &fl.awsFlags)
	outFlag(fs, &fl.out, "", "the results `FILE` (default: beside the input, leavers-removed.csv for leavers.csv)")
	dryRunFlag(fs, &fl.dryRun, "make read calls only and list who would be deleted")
	resumeFlag(fs, &fl.resume)
	forceFlag(fs, &fl.force, "replace an existing results file")
	yesFlag(fs, &fl.yes)
	fs.BoolVar(&fl.allowAdmin, "allow-admin", false, "also delete users holding the Admin security profile (refused without it)")
	ssoFlagsVar(fs, &fl.ssoFlags, "also take each user's IAM Identity Center user out of the agents' group (the identity store is found with SSO Admin)",
		"like --sso, in this identity store (d-XXXXXXXXXX)",
		"the Identity Center group of the agents (default "+importer.DefaultSSOGroup+")")
	trafficGroupFlag(fs, &fl.trafficGroup, "disassociate each user from this Global Resiliency traffic distribution group (`ID|ARN`, ACTIVE) before deleting it")
	ssoDeleteUsersFlag(fs, &fl.ssoDeleteUsers)
	rateScaleFlag(fs, &fl.rateScale, rateScaleUsage)
	noProgressFlag(fs, &fl.noProgress)
	formatFlag(fs, &fl.format, summaryFormatUsage)
	encodingFlag(fs, &fl.encoding)
	sandboxFlag(fs, &fl.sandbox, "try it on a local, in-process sandbox seeded with the file's users")
	applyFlag(fs, &fl.apply)
	rest, err := fs.parse(args)
	if err != nil {
		return nil, "", err
	}
	if len(rest) != 1 {
		return nil, "", usageError("bulkagents remove leavers.csv --instance-id ID --dry-run", "remove takes one file, got %d arguments", len(rest))
	}
	if err := fl.check(); err != nil {
		return nil, "", err
	}
	fl.givenScale = givenRateScale(fs.FlagSet, fl.rateScale)
	return fl, rest[0], nil
}

// target gives the AWS configuration and instance to remove from: the one
// --instance-id names, or a sandbox seeded with the file's users (with
// --sandbox), which the returned function stops.
func (fl *removeFlags) target(ctx context.Context, env *environment, input string) (importer.AWSConfig, string, func(), error) {
	awsConfig := fl.awsConfig(fl.givenScale)
	if !fl.sandbox {
		id, region, err := fl.instance()
		awsConfig.Region = region
		return awsConfig, id, func() {}, err
	}
	sb, err := startRemoveSandbox(ctx, env, input, *fl, &awsConfig)
	if err != nil {
		return awsConfig, "", nil, err
	}
	return awsConfig, sb.InstanceID(), func() { sb.Close() }, nil
}

// config is the remove's configuration from the flags; without --yes, it
// asks for the deletion to be confirmed.
func (fl *removeFlags) config(env *environment, input, instanceID string, events importer.Events) importer.RemoveConfig {
	cfg := importer.RemoveConfig{
		Input: input, Out: fl.out, InstanceID: instanceID, Encoding: fl.encoding,
		DryRun: fl.dryRun, Resume: fl.resume, Force: fl.force, AllowAdmin: fl.allowAdmin, Apply: fl.apply,
		IdentityCenter:            fl.identityCenter(),
		DeleteIdentityCenterUsers: fl.ssoDeleteUsers,
		TrafficDistributionGroup:  fl.trafficGroup,
		Events:                    events,
	}
	if !fl.yes {
		cfg.Confirm = func(ctx context.Context, n int) error { return confirmCount(ctx, env, instanceID, n) }
	}
	return cfg
}

// finish prints the summary and gives the exit status of a run that got as
// far as its Result.
func (fl *removeFlags) finish(env *environment, res *importer.RemoveResult) error {
	if fl.format == formatJSON {
		if err := writeRemoveJSON(env.stdout, res); err != nil {
			return err
		}
	} else {
		writeRemoveSummary(env.stderr, res)
	}
	if err := unfinishedFiles(res.ResultsErr, res.RetryErr, res.ResultsPath, "every user deleted so far"); err != nil {
		return err
	}
	switch {
	case res.Interrupted:
		return &exitError{code: exitInterrupted}
	case !res.Counts.Success():
		return &exitError{code: exitRowsFailed}
	}
	return nil
}

func (fl *removeFlags) check() error {
	switch {
	case fl.ssoFlags.check() != nil:
		return fl.ssoFlags.check()
	case (fl.ssoGroup != "" || fl.ssoDeleteUsers) && !fl.sso && fl.identityStoreID == "":
		return usageError("add --sso (or --identity-store-id ID)", "--sso-group and --sso-delete-users need --sso or --identity-store-id")
	case fl.resume && fl.force:
		return usageError("--resume keeps the results file's rows; --force starts over: pick one", "--resume and --force do not go together")
	case fl.dryRun && fl.resume:
		return usageError("a dry run deletes nothing: run it without --resume", "--dry-run and --resume do not go together")
	case fl.dryRun && fl.apply != "":
		return usageError("--apply carries out a dry run's plan: run it without --dry-run", "--dry-run and --apply do not go together")
	case fl.sandbox && (fl.instanceID != "" || fl.endpointURL != "" || fl.identityStoreID != ""):
		return usageError("drop --instance-id, --endpoint-url and --identity-store-id: the sandbox has its own", "--sandbox runs on its own instance")
	case !fl.sandbox && fl.instanceID == "":
		return usageError("add --instance-id ID, or try it first with --sandbox", "no instance: --instance-id is required")
	case checkRateScale(fl.rateScale) != nil:
		return checkRateScale(fl.rateScale)
	case checkFormat(fl.format) != nil:
		return checkFormat(fl.format)
	}
	return nil
}

func isTerminalFile(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirmCount asks for the number of users to be typed back: a typed "y"
// is too easy to give without reading.
func confirmCount(ctx context.Context, env *environment, instanceID string, n int) error {
	fmt.Fprintf(env.stderr, "This deletes %s from Amazon Connect instance %s, with their quick connects.\n"+
		"Type %d to delete them, anything else to stop: ", report.Plural(n, "user"), instanceID, n)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(env.stdin).ReadString('\n')
		answer <- strings.TrimSpace(line)
	}()
	select {
	case <-ctx.Done():
		return importer.ErrInterrupted
	case a := <-answer:
		if a != strconv.Itoa(n) {
			return importer.ErrNotConfirmed
		}
	}
	return nil
}

// startRemoveSandbox starts a sandbox seeded with a user for each login of
// the file, so that trying remove shows it deleting something.
func startRemoveSandbox(ctx context.Context, env *environment, input string, fl removeFlags, cfg *importer.AWSConfig) (*sandbox.Sandbox, error) {
	opts := sandbox.Options{RateScale: fl.rateScale}
	if fl.sso {
		opts.Identity = "SAML"
	}
	sb, err := startSandbox(ctx, opts, cfg)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(input)
	if err == nil {
		defer f.Close()
		if lf, err := agentfile.ReadLogins(ctx, agentfile.Decode(f, fl.encoding)); err == nil {
			var users []sandbox.ConnectUser
			for _, r := range lf.Rows {
				if r.Login != "" {
					users = append(users, sandbox.ConnectUser{Username: strings.TrimSpace(r.Login), FirstName: "Sandbox", LastName: "Agent"})
				}
			}
			if err := sb.AddConnectUsers(users...); err != nil {
				sb.Close()
				return nil, &exitError{code: exitUnusable, msg: fmt.Sprintf("seed the sandbox: %v", err)}
			}
		}
	}
	fmt.Fprintf(env.stderr, "sandbox: removing from a local Amazon Connect emulator at %s, seeded with a user per login of %s (nothing is sent to AWS)\n", sb.URL(), input)
	return sb, nil
}

// writeRemoveJSON prints the summary as one JSON object, for scripts.
func writeRemoveJSON(w io.Writer, res *importer.RemoveResult) error {
	counts := map[string]int{}
	for _, s := range report.Statuses {
		counts[string(s)] = res.Counts[s]
	}
	v := map[string]any{
		"command": "remove", "dry_run": res.DryRun, "instance": res.Instance.ID, "interrupted": res.Interrupted,
		"counts": counts, "rows": res.Counts.Total(),
		"rate": map[string]any{"api": "DeleteUser", "configured_per_second": res.ConfiguredDeleteRate, "source": res.Rates.Of("Connect.DeleteUser").Source,
			"achieved_per_second": res.DeleteRate(), "delete_calls": res.Deletes, "throttles": res.DeleteThrottles},
		"rates_used":             res.Rates,
		"elapsed_seconds":        res.Elapsed.Seconds(),
		"quick_connects_deleted": res.QuickConnectsDeleted,
		"files":                  map[string]any{"results": res.ResultsPath, "retry": res.RetryPath},
	}
	if res.IdentityStoreID != "" {
		v["identity_center"] = map[string]any{"identity_store_id": res.IdentityStoreID, "group": res.Group,
			"memberships_removed": res.MembershipsRemoved, "users_deleted": res.StoreUsersDeleted, "users_kept": res.StoreUsersKept}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(v)
}
