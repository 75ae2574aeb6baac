package main

// What the commands share: flag sets whose help goes to standard output, the
// error of a mistyped flag, and one registrar per flag that more than one
// command takes, so that each flag is defined (and checked) once.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/sandbox"
)

// flagSet is a command's flag set with its usage text. Its errors are not
// printed by the flag package: flagError turns them into one message.
type flagSet struct {
	*flag.FlagSet
	env   *environment
	usage string
}

// newFlagSet makes a command's flag set. -h prints the usage and the flag
// listing on standard output (so that `| less` shows it) and exits 0.
func newFlagSet(env *environment, name, usage string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(discard{})
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, env: env, usage: usage}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// parse parses args (flags before or after the positional arguments) and
// returns the positional ones. -h has printed the help: the error is
// flag.ErrHelp, which exits 0.
func (fs *flagSet) parse(args []string) ([]string, error) {
	rest, err := parseArgs(fs.FlagSet, args)
	if err == nil {
		return rest, nil
	}
	if errors.Is(err, flag.ErrHelp) {
		fs.printHelp()
		return nil, err
	}
	return nil, fs.flagError(args, err)
}

// printHelp writes the usage text and the flags, spelt --flag, on stdout.
func (fs *flagSet) printHelp() {
	w := fs.env.stdout
	fmt.Fprint(w, fs.usage)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		if !isZeroDefault(f) {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "        %s\n", strings.ReplaceAll(usage, "\n", "\n        "))
	})
}

func isZeroDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "false", "0", "0s":
		return true
	}
	return false
}

// usageLines is the usage text's first paragraph: the command's synopsis.
func usageLines(usage string) string {
	if i := strings.Index(usage, "\n\n"); i >= 0 {
		return usage[:i+1]
	}
	return usage
}

// flagError turns a parse error into one message naming the flag as typed,
// the closest flag when it looks mistyped, and the usage line, not the whole
// help.
func (fs *flagSet) flagError(args []string, err error) error {
	// The flag package stops on the argument it could not use: the one
	// before what it left unparsed (or the flag whose value that was).
	msg := err.Error()
	consumed := len(args) - len(fs.Args())
	var typed, name string
	for i := consumed - 1; i >= 0 && i >= consumed-2; i-- {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			continue
		}
		typed = a
		if j := strings.Index(a, "="); j >= 0 {
			typed = a[:j]
		}
		name = strings.TrimLeft(typed, "-")
		break
	}
	hint := fmt.Sprintf("run 'bulkagents %s -h' for every flag", fs.Name())
	switch {
	case name != "" && fs.Lookup(name) == nil:
		msg = fmt.Sprintf("unknown flag %s", typed)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if near := closest(name, names); near != "" {
			hint = fmt.Sprintf("did you mean --%s?", near)
		}
	case name != "":
		// "invalid value "x" for flag -rate-scale: parse error": spell the
		// flag as the usage line does.
		msg = strings.Replace(msg, " -"+name, " --"+name, 1)
	}
	return &exitError{code: exitUnusable, msg: msg, hint: hint, usage: usageLines(fs.usage)}
}

// closest is the candidate nearest to s by edit distance, or "" when none is
// near enough to be a typo of it.
func closest(s string, candidates []string) string {
	best, bestD := "", math.MaxInt
	for _, c := range candidates {
		d := agentfile.EditDistance(strings.ToLower(s), c)
		if strings.HasPrefix(c, strings.ToLower(s)) && len(s) >= 3 {
			d = min(d, 1)
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}

// was reports whether the flag was given on the command line.
func (fs *flagSet) was(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// --identity (template, validate, sandbox).

const identityHint = "use --identity connect (Connect-managed users and passwords), --identity saml,\nor --identity directory (an existing directory supplies names and passwords)"

// identityFlag registers --identity; its value is checked by parseIdentity.
func identityFlag(fs *flagSet, p *string) {
	fs.StringVar(p, "identity", "connect", "the instance's identity management: connect, saml or directory")
}

// parseIdentity maps the --identity flag to an identity type.
func parseIdentity(s string) (agentfile.Identity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "connect", "connect_managed", "connect-managed":
		return agentfile.IdentityConnect, nil
	case "saml":
		return agentfile.IdentitySAML, nil
	case "directory", "existing_directory", "existing-directory":
		return agentfile.IdentityDirectory, nil
	}
	return "", usageError(identityHint, "unknown identity type %q", s)
}

// --encoding (validate, import, remove: every command that reads an agents
// file). One line, encodingFlag(fs, &v), gives a command the flag; its value
// is checked as it is parsed and is one of agentfile.Encodings.

// encodingValue is --encoding's value: a name agentfile.ParseEncoding knows.
type encodingValue struct{ p *string }

func (e encodingValue) String() string {
	if e.p == nil || *e.p == "" {
		return agentfile.EncodingUTF8
	}
	return *e.p
}

func (e encodingValue) Set(s string) error {
	enc, err := agentfile.ParseEncoding(s)
	if err != nil {
		return err
	}
	*e.p = enc
	return nil
}

// encodingFlag registers --encoding.
func encodingFlag(fs *flagSet, p *string) {
	*p = agentfile.EncodingUTF8
	fs.Var(encodingValue{p}, "encoding", "the input file's `ENCODING`: utf-8, or windows-1252 for a file Excel saved as \"CSV (Comma delimited)\" (a file starting with a UTF-8 byte order mark is read as UTF-8)")
}

// --update (import, validate).

// updateFlag registers --update: rows are updates of existing users, so a
// file needs only the user login column and the columns it changes.
func updateFlag(fs *flagSet, p *bool, usage string) {
	fs.BoolVar(p, "update", false, usage)
}

// --rate-scale (import, sandbox, and the commands that call AWS).

// rateScaleFlag registers --rate-scale; checkRateScale is its one rule.
func rateScaleFlag(fs *flagSet, p *float64, usage string) {
	fs.Float64Var(p, "rate-scale", 1, usage)
}

// checkRateScale refuses a factor that cannot pace anything. It is written
// as "not in range" so that NaN, which fails every comparison, is refused
// too.
func checkRateScale(x float64) error {
	const hint = "use a positive factor, for example --rate-scale 2 for doubled quotas"
	if !(x > 0) {
		return usageError(hint, "--rate-scale must be above 0, got %v", x)
	}
	if x > 1e6 {
		return usageError(hint, "--rate-scale must be at most 1000000, got %v", x)
	}
	return nil
}

// --columns and --where (export): the part
// of the instance a command reads, checked as they are parsed.

// partFlags are --columns LIST and the --where COLUMN=VALUE given.
type partFlags struct {
	columns []agentfile.Column
	where   []importer.Where
	// err is the first value that could not be used: check returns it
	// with its hint (the flag package would keep only its text).
	err error
}

// check gives the first of the values that could not be used.
func (p *partFlags) check() error {
	var se *importer.SetupError
	if errors.As(p.err, &se) {
		return usageError(se.Hint, "%s", se.Message)
	}
	return p.err
}

func (p *partFlags) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

type columnsValue struct{ p *partFlags }

func (v columnsValue) String() string { return "" }

func (v columnsValue) Set(s string) error {
	cols, err := parseColumnList(s)
	v.p.fail(err)
	v.p.columns = cols
	return nil
}

type whereValue struct{ p *partFlags }

func (v whereValue) String() string { return "" }

func (v whereValue) Set(s string) error {
	w, err := parseWhere(s)
	v.p.fail(err)
	v.p.where = append(v.p.where, w)
	return nil
}

// partFlagsVar registers --columns and --where.
func partFlagsVar(fs *flagSet, p *partFlags) {
	fs.Var(columnsValue{p}, "columns", "write only these template columns, `LIST` of names separated by commas (a name holding a comma in double quotes), in the template's order")
	fs.Var(whereValue{p}, "where", "export only the users whose `COLUMN=VALUE` (repeatable, all must hold): user login (a prefix), first name, last name, routing profile name, security profile, agent hierarchy (with the groups below), tags (key|value), proficiencies (attribute|value[|level])")
}

// The split trio: --split-by, --handout-template, --protect (import,
// handout; validate takes --split-by alone).

// ssoColumnsHint is the hint of an Identity Center column (title,
// department, manager...) filled in a run without IAM Identity Center.
const ssoColumnsHint = "run with --sso (or --identity-store-id ID) to set it on the agent's IAM Identity Center user, or empty the column"

const splitByHint = `--split-by hierarchy, --split-by routing-profile, or the name of a column of the file (such as "team lead")`

type splitFlags struct {
	splitBy  string
	template string
	protect  bool
}

// splitByFlag registers --split-by alone.
func splitByFlag(fs *flagSet, p *string, usage string) {
	fs.StringVar(p, "split-by", "", usage)
}

// splitFlagsVar registers the three hand-out flags.
func splitFlagsVar(fs *flagSet, s *splitFlags) {
	splitByFlag(fs, &s.splitBy, "also write one file and handout per team: `KEY` is hierarchy, routing-profile or a column's name")
	fs.StringVar(&s.template, "handout-template", "", "render the handouts with this Go text/template `FILE` (see docs/handoff.md)")
	fs.BoolVar(&s.protect, "protect", false, "write each team's file as a password-protected .xlsx, passphrases listed apart")
}

// check refuses hand-out flags without a key.
func (s *splitFlags) check() error {
	if (s.template != "" || s.protect) && s.splitBy == "" {
		return usageError("add --split-by hierarchy, --split-by routing-profile or --split-by COLUMN", "--handout-template and --protect need --split-by")
	}
	return nil
}

// The AWS flags: --profile, --region, --endpoint-url, --instance-id (import,
// and every command that calls AWS).

type awsFlags struct {
	profile     string
	region      string
	endpointURL string
	instanceID  string
}

// awsFlagsVar registers the four AWS flags.
func awsFlagsVar(fs *flagSet, a *awsFlags) {
	fs.StringVar(&a.instanceID, "instance-id", "", "the Connect instance: its `ID`, or its ARN (which also gives the region)")
	fs.StringVar(&a.profile, "profile", "", "the AWS shared-config profile `NAME`")
	fs.StringVar(&a.region, "region", "", "the AWS Region `NAME`")
	fs.StringVar(&a.endpointURL, "endpoint-url", "", "send every AWS call to this `URL`")
}

// awsConfig is the engine's AWS configuration from the flags; givenScale
// is --rate-scale when it was given, 0 otherwise (givenRateScale).
func (a *awsFlags) awsConfig(givenScale float64) importer.AWSConfig {
	return importer.AWSConfig{Profile: a.profile, Region: a.region, EndpointURL: a.endpointURL,
		RateScale: givenScale, RatesFix: ratesFix}
}

// startSandbox starts an in-process sandbox that outlives the first Ctrl-C
// (the calls in flight finish), and points cfg at it.
func startSandbox(ctx context.Context, opts sandbox.Options, cfg *importer.AWSConfig) (*sandbox.Sandbox, error) {
	sb, err := sandbox.Start(context.WithoutCancel(ctx), "127.0.0.1:0", opts)
	if err != nil {
		return nil, &exitError{code: exitUnusable, msg: fmt.Sprintf("start the sandbox: %v", err)}
	}
	cfg.Region, cfg.Profile, cfg.EndpointURL = "us-east-1", "", sb.URL()
	cfg.StaticCredentials = &aws.Credentials{AccessKeyID: "SANDBOX", SecretAccessKey: "sandbox"}
	return sb, nil
}

// newClients makes the AWS clients, or the error that says what to check.
func newClients(ctx context.Context, cfg importer.AWSConfig) (*importer.Clients, error) {
	clients, err := importer.NewClients(ctx, cfg)
	if err != nil {
		return nil, &exitError{code: exitUnusable, msg: err.Error(),
			hint: "check the shared AWS configuration (~/.aws/config) and --profile"}
	}
	return clients, nil
}

// instanceIDPattern is the form of a Connect instance id: a UUID.
var instanceIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

const instanceIDHint = "give the instance id (Amazon Connect console > instance > Distribution settings)\n" +
	"or its ARN: --instance-id arn:aws:connect:REGION:ACCOUNT:instance/ID"

// instance checks --instance-id and --region before any call: the id must be
// an instance id (a UUID) or an instance ARN, and an ARN's region must agree
// with --region. It returns the id and the region to use ("" leaves the
// SDK's).
func (a *awsFlags) instance() (id, region string, err error) {
	ref, err := parseInstanceRef(a.instanceID)
	if err != nil {
		return "", "", usageError(instanceIDHint, "--instance-id: %v", err)
	}
	region = a.region
	if ref.Region != "" {
		if a.region != "" && a.region != ref.Region {
			return "", "", usageError("drop --region, or give the instance id alone",
				"--region %s does not match the instance ARN's region %s", a.region, ref.Region)
		}
		region = ref.Region
	}
	if !instanceIDPattern.MatchString(ref.ID) {
		return "", "", usageError(instanceIDHint,
			"--instance-id %q is not an instance id (11111111-2222-3333-4444-555555555555) or an instance ARN", a.instanceID)
	}
	return ref.ID, region, nil
}

// checkInputFile reports, before anything starts (a sandbox, a client, a
// call), an input file that is missing, unreadable or a folder.
func checkInputFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &exitError{code: exitUnusable, msg: err.Error(), hint: "give the CSV file of the agents (bulkagents template --example --out agents.csv writes one)"}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return usageError("give the CSV file of the agents, such as "+filepath.Join(path, "agents.csv"), "%s is a folder, not a file", path)
	}
	return nil
}

// checkAgentsHeader reads an agents file's header before any call, so that
// an empty file, an unknown column or a missing one is reported before the
// network is touched. The instance's identity type is not known yet: the
// check asks for the columns every type needs (the name columns, which an
// existing-directory instance does without, are checked once it is known).
func checkAgentsHeader(ctx context.Context, env *environment, path string, keep []string, encoding string, update bool) error {
	if err := checkInputFile(path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return &exitError{code: exitUnusable, msg: err.Error()}
	}
	defer f.Close()
	s, err := agentfile.NewScanner(f, agentfile.ReadOptions{Keep: keep, Identity: agentfile.IdentityDirectory, Encoding: encoding, Update: update})
	if err != nil {
		return templateError(path, err)
	}
	noteCarried(env, path, agentfile.Carried(s.Header(), s.Columns(), keep))
	return ctx.Err()
}

// noteCarried says, in one line, which columns of the file are not the
// template's and are carried through unchanged.
func noteCarried(env *environment, path string, carried []string) {
	if len(carried) == 0 {
		return
	}
	q := make([]string, len(carried))
	for i, c := range carried {
		q[i] = fmt.Sprintf("%q", c)
	}
	what := "column " + q[0] + " is"
	if len(q) > 1 {
		what = "columns " + strings.Join(q, ", ") + " are"
	}
	fmt.Fprintf(env.stderr, "note: %s: %s not the template's: carried through unchanged to the results file, the retry file and the team files\n", path, what)
}

// interruptible gives the context a run's AWS calls use. The first Ctrl-C
// cancels ctx: no new row starts and the calls in flight finish (what says
// so is "the <what> in flight"). A second abandons the calls in flight too.
// abort ends the watchers; call it when the run is over.
func interruptible(ctx context.Context, env *environment, progress bool, what string) (calls context.Context, abort context.CancelFunc) {
	calls, abort = context.WithCancel(context.WithoutCancel(ctx))
	// On a terminal the progress bar holds the current line: start a new one.
	nl := ""
	if progress && isTerminalFile(env.stderr) {
		nl = "\n"
	}
	go func() {
		select {
		case <-env.interrupts:
			fmt.Fprint(env.stderr, nl+"bulkagents: aborting the calls in flight\n")
			abort()
		case <-calls.Done():
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			fmt.Fprint(env.stderr, nl+"bulkagents: interrupted: finishing the "+what+" in flight (Ctrl-C again to abort them)\n")
		case <-calls.Done():
		}
	}()
	return calls, abort
}

// The flags of a run: --out, --force, --dry-run, --resume, --no-progress,
// --format, --sandbox and the Identity Center trio. Each is defined here
// once (its name, type and default); a command registers it in one line,
// with its own help text where the flag's object differs (a results file, a
// team folder, a template).

// outFlag registers --out: where the command writes (def: its default).
func outFlag(fs *flagSet, p *string, def, usage string) {
	fs.StringVar(p, "out", def, usage)
}

// forceFlag registers --force: replace what --out names.
func forceFlag(fs *flagSet, p *bool, usage string) {
	fs.BoolVar(p, "force", false, usage)
}

// dryRunFlag registers --dry-run: read calls only.
func dryRunFlag(fs *flagSet, p *bool, usage string) {
	fs.BoolVar(p, "dry-run", false, usage)
}

// resumeFlag registers --resume.
func resumeFlag(fs *flagSet, p *bool) {
	fs.BoolVar(p, "resume", false, "continue an interrupted run from its results file")
}

// noProgressFlag registers --no-progress.
func noProgressFlag(fs *flagSet, p *bool) {
	fs.BoolVar(p, "no-progress", false, "show no progress")
}

// The summary's formats, as --format names them.
const (
	formatText = "text"
	formatJSON = "json"
)

// formatFlag registers --format; checkFormat is its one rule.
func formatFlag(fs *flagSet, p *string, usage string) {
	fs.StringVar(p, "format", formatText, usage)
}

// summaryFormatUsage is --format's help on the commands that run (import,
// export, remove).
const summaryFormatUsage = "the summary: text on stderr, or json on stdout"

// checkFormat refuses a --format that is neither text nor json.
func checkFormat(f string) error {
	if f != formatText && f != formatJSON {
		return usageError("--format text or --format json", "--format %q is not known", f)
	}
	return nil
}

// sandboxFlag registers --sandbox: run against an in-process sandbox.
func sandboxFlag(fs *flagSet, p *bool, usage string) {
	fs.BoolVar(p, "sandbox", false, usage)
}

// ssoFlags are --sso, --identity-store-id and --sso-group (import, remove).
type ssoFlags struct {
	sso             bool
	identityStoreID string
	ssoGroup        string
}

// ssoFlagsVar registers the three; what --sso does is the command's.
func ssoFlagsVar(fs *flagSet, s *ssoFlags, ssoUsage, storeUsage, groupUsage string) {
	fs.BoolVar(&s.sso, "sso", false, ssoUsage)
	fs.StringVar(&s.identityStoreID, "identity-store-id", "", storeUsage)
	fs.StringVar(&s.ssoGroup, "sso-group", "", groupUsage)
}

// check refuses --sso with --identity-store-id.
func (s *ssoFlags) check() error {
	if s.sso && s.identityStoreID != "" {
		return usageError("--sso finds the identity store itself: give one of them", "--sso and --identity-store-id do not go together")
	}
	return nil
}

// identityCenter is the engine's Identity Center settings from the flags.
func (s *ssoFlags) identityCenter() importer.IdentityCenterConfig {
	return importer.IdentityCenterConfig{Discover: s.sso, IdentityStoreID: s.identityStoreID, Group: s.ssoGroup, ColumnsHint: ssoColumnsHint}
}

// rateScaleUsage is --rate-scale's help on the commands that call AWS.
const rateScaleUsage = "multiply every default API rate limit by `X` (raised quotas)"

// The organisation's flags (import; remove takes the traffic group too).

// trafficGroupFlag registers --traffic-distribution-group; what it does
// with a user is the command's.
func trafficGroupFlag(fs *flagSet, p *string, usage string) {
	fs.StringVar(p, "traffic-distribution-group", "", usage)
}

// createHierarchyFlag registers --create-hierarchy.
func createHierarchyFlag(fs *flagSet, p *bool) {
	fs.BoolVar(p, "create-hierarchy", false, "create the hierarchy groups the file's paths name that the instance lacks, parents first, before the agents that need them")
}

// --apply PLAN (import, remove, sync): carry out exactly a dry run's plan.

// applyFlag registers --apply.
func applyFlag(fs *flagSet, p *string) {
	fs.StringVar(p, "apply", "", "carry out exactly the changes of this dry run's results `PLAN` (a user changed since is \"stale\" and not touched)")
}

// yesFlag registers --yes (remove, sync).
func yesFlag(fs *flagSet, p *bool) {
	fs.BoolVar(p, "yes", false, "delete without asking (needed when not on a terminal)")
}

// concurrencyFlag registers --concurrency (import, sync).
func concurrencyFlag(fs *flagSet, p *int) {
	fs.IntVar(p, "concurrency", 0, "`N` rows provisioned at once (0: enough to keep up with the CreateUser rate)")
}

// ssoAppFlag registers --sso-application-arn (import, sync).
func ssoAppFlag(fs *flagSet, p *string) {
	fs.StringVar(p, "sso-application-arn", "", "assign the group to this Amazon Connect application `ARN` of Identity Center")
}

// ssoDeleteUsersFlag registers --sso-delete-users (remove, sync).
func ssoDeleteUsersFlag(fs *flagSet, p *bool) {
	fs.BoolVar(p, "sso-delete-users", false, "also delete a deleted agent's Identity Center user, unless it is in other groups or has application assignments of its own")
}
