package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
	"github.com/bulkagents/bulkagents/templates"
)

const exportUsage = `Usage: bulkagents export [--instance-id ID|ARN] [--out FILE|-] [--force] [--no-progress] [--format text|json]
                         [--columns LIST] [--where COLUMN=VALUE]... [--sso | --identity-store-id ID]
                         [--rate-scale X] [--profile NAME] [--region NAME] [--endpoint-url URL] [--sandbox]

Writes every user of an Amazon Connect instance as the console's bulk-upload
template for the instance's identity type plus the extension columns, one row
per user sorted by user login: names (routing profile, security profiles,
hierarchy path from the top, tags, phone settings, proficiencies, per-channel
settings), never ids, and no passwords. Edit it and import it again, or import
it into another instance to copy the agents.

The file (default agents-export.csv) is written with mode 0600 (it holds
personal data) through a temporary file, so a kill leaves no half file, and
never over an existing file without --force. --out - writes to standard
output.

The cost is pages, not users: SearchUsers pages of 500 users and the profile
and hierarchy listings, plus one DescribeUser per user for the email,
secondary email, mobile and per-channel settings that no page holds, at
DescribeUser's own rate (10/s by default: about 100 seconds per 1,000 users).
Proficiencies: SearchUsers per attribute value and level, or for a small
instance one ListUserProficiencies per user, whichever is quicker. Rates come
from Service Quotas unless --rate-scale is given.

--columns writes only the template columns listed (any of their names,
separated by commas, read as one CSV line: a name holding a comma goes in
double quotes), in the template's order; no DescribeUser is called unless
email address, secondary email, mobile or a per-channel column is among
them. --where COLUMN=VALUE (repeatable, all must hold) exports only the
users SearchUsers finds for it: user login (a prefix), first name, last
name, routing profile name, security profile, agent hierarchy (the group and
those below it), tags (key|value), proficiencies (attribute|value[|level]).

--sso (or --identity-store-id ID) adds the Identity Center columns (title,
department, employee number, cost center, organization, division, manager)
from the IAM Identity Center user of each login: one ListUsers page per 100
store users, the enterprise extension asked for; the manager is written as
its user login.

A name that no longer resolves (a routing profile deleted meanwhile) leaves
its cell blank, with a warning naming the user.

Examples:
    bulkagents export --instance-id 11111111-2222-3333-4444-555555555555 --out agents.csv
    bulkagents export --instance-id ID --out - > agents.csv
    bulkagents export --instance-id ID --columns 'user login,routing profile name' --where 'agent hierarchy=Example Corp|Support'
    bulkagents export --sandbox --out -
`

var exportCommand = &command{name: "export", usage: exportUsage, run: runExport}

// exportFlags are the export command's flags; the AWS ones mean what they
// mean for import.
type exportFlags struct {
	awsFlags
	out               string
	force, noProgress bool
	format            string
	rateScale         float64
	sandbox           bool
	part              partFlags
	sso               bool
	identityStoreID   string
	// givenScale is --rate-scale when given, 0 otherwise (then the rates
	// come from Service Quotas).
	givenScale float64
}

// defaultExportFile is where an export goes without --out.
const defaultExportFile = "agents-export.csv"

func runExport(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "export", exportUsage)
	var fl exportFlags
	awsFlagsVar(fs, &fl.awsFlags)
	outFlag(fs, &fl.out, defaultExportFile, "the `FILE` to write, or - for standard output")
	forceFlag(fs, &fl.force, "replace an existing file")
	noProgressFlag(fs, &fl.noProgress)
	formatFlag(fs, &fl.format, summaryFormatUsage)
	rateScaleFlag(fs, &fl.rateScale, rateScaleUsage)
	sandboxFlag(fs, &fl.sandbox, "export from a local, in-process sandbox holding the template's example agents")
	partFlagsVar(fs, &fl.part)
	fs.BoolVar(&fl.sso, "sso", false, "add the Identity Center columns, from the account's IAM Identity Center instance")
	fs.StringVar(&fl.identityStoreID, "identity-store-id", "", "add the Identity Center columns, from the identity store `ID` (d-XXXXXXXXXX)")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return usageError("the export goes to --out FILE (or --out - for standard output)", "export takes no file argument, got %q", rest[0])
	}
	if err := fl.check(); err != nil {
		return err
	}
	fl.givenScale = givenRateScale(fs.FlagSet, fl.rateScale)
	awsConfig, instanceID, closeSandbox, err := exportTarget(ctx, env, fl)
	if err != nil {
		return err
	}
	defer closeSandbox()
	clients, err := newClients(ctx, awsConfig)
	if err != nil {
		return err
	}
	defer clients.CloseIdleConnections()
	res, err := importer.Export(ctx, importer.ExportConfig{
		InstanceID: instanceID, Out: fl.out, Stdout: env.stdout, Force: fl.force,
		Events:  newDisplay(env.stderr, progressModeOf(fl.noProgress), "export", clients),
		Columns: fl.part.columns, Where: fl.part.where, Users: setExportMemoryLimit,
		IdentityCenter: importer.IdentityCenterConfig{Discover: fl.sso, IdentityStoreID: fl.identityStoreID, ColumnsHint: ssoColumnsHint},
	}, clients)
	if err != nil {
		return exportError(ctx, err, fl.out)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(env.stderr, "warning: %s\n", w)
	}
	if fl.format == "json" {
		return writeExportJSON(env.stdout, res)
	}
	writeExportSummary(env.stderr, res)
	return nil
}

func (fl *exportFlags) check() error {
	if err := checkRateScale(fl.rateScale); err != nil {
		return err
	}
	if err := fl.part.check(); err != nil {
		return err
	}
	switch {
	case fl.sandbox && (fl.instanceID != "" || fl.endpointURL != ""):
		return usageError("drop --instance-id and --endpoint-url: the sandbox has its own", "--sandbox runs on its own instance")
	case !fl.sandbox && fl.instanceID == "":
		return usageError("add --instance-id ID, or try it first with --sandbox", "no instance: --instance-id is required")
	case (&ssoFlags{sso: fl.sso, identityStoreID: fl.identityStoreID}).check() != nil:
		return (&ssoFlags{sso: fl.sso, identityStoreID: fl.identityStoreID}).check()
	case checkFormat(fl.format) != nil:
		return checkFormat(fl.format)
	case fl.format == "json" && fl.out == "-":
		return usageError("write the export to a file with --out FILE", "--format json and --out - both want standard output")
	case fl.out == "":
		return usageError("--out FILE, or --out - for standard output", "--out is empty")
	}
	return nil
}

// exportTarget gives the AWS configuration and instance to export from:
// the one --instance-id names, or a sandbox holding the template's example
// agents (imported into it as import would).
func exportTarget(ctx context.Context, env *environment, fl exportFlags) (importer.AWSConfig, string, func(), error) {
	cfg := fl.awsConfig(fl.givenScale)
	if !fl.sandbox {
		id, region, err := fl.instance()
		if err != nil {
			return cfg, "", nil, err
		}
		cfg.Region = region
		return cfg, id, func() {}, nil
	}
	sb, err := startSandbox(ctx, sandbox.Options{RateScale: fl.rateScale}, &cfg)
	if err != nil {
		return cfg, "", nil, err
	}
	if err := seedExportSandbox(ctx, cfg, sb); err != nil {
		sb.Close()
		return cfg, "", nil, &exitError{code: exitUnusable, msg: fmt.Sprintf("seed the sandbox: %v", err)}
	}
	fmt.Fprintf(env.stderr, "sandbox: exporting from a local Amazon Connect emulator at %s holding the template's example agents (nothing is sent to AWS)\n", sb.URL())
	return cfg, sb.InstanceID(), func() { sb.Close() }, nil
}

// seedExportSandbox imports the template's example rows into the sandbox.
// The import's results file holds the sandbox users' passwords: it lives in
// a private folder that is removed before the export starts.
func seedExportSandbox(ctx context.Context, cfg importer.AWSConfig, sb *sandbox.Sandbox) error {
	dir, err := os.MkdirTemp("", "bulkagents-sandbox-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	input := filepath.Join(dir, "agents.csv")
	if err := os.WriteFile(input, templates.Example("connect"), 0o600); err != nil {
		return err
	}
	clients, err := importer.NewClients(ctx, cfg)
	if err != nil {
		return err
	}
	defer clients.CloseIdleConnections()
	res, err := importer.Import(ctx, ctx, importer.Config{Input: input, InstanceID: sb.InstanceID()}, clients)
	if err != nil {
		return err
	}
	if !res.Counts.Success() {
		return fmt.Errorf("the example agents were not all created: %s", res.Counts)
	}
	return nil
}

// exportError turns an export's error into an exit status with a hint.
func exportError(ctx context.Context, err error, out string) error {
	var ee *importer.ExistsError
	var se *importer.SetupError
	switch {
	case ctx.Err() != nil:
		return &exitError{code: exitInterrupted, msg: "interrupted: nothing was written"}
	case errors.As(err, &ee):
		return usageError("choose another name, or add --force to replace it", "%v", ee)
	case errors.As(err, &se):
		msg, hint := setupErrorWords(se)
		return &exitError{code: exitUnusable, msg: msg, hint: hint}
	case writeFailureHint(err, out) != "":
		// A read-only folder, a full disk: nothing was written.
		elsewhere := "or give --out a file in a folder you can write to"
		if out == stdoutPath {
			elsewhere = "or give --out FILE"
		}
		return writeFailed(exitUnusable, err, out, elsewhere)
	}
	return &exitError{code: exitRowsFailed, msg: err.Error() + " (nothing was written)"}
}

// writeExportSummary says what was written and what it cost.
func writeExportSummary(w io.Writer, res *importer.ExportResult) {
	where := res.Path
	if where == "-" {
		where = "standard output"
	}
	fmt.Fprintf(w, "export: %s of instance %s (%s) to %s\n", report.Plural(res.Users, "user"), res.Instance.ID, res.Instance.Identity, where)
	apis := make([]string, 0, len(res.Calls))
	for api := range res.Calls {
		apis = append(apis, api)
	}
	sort.Strings(apis)
	parts := make([]string, 0, len(apis))
	for _, api := range apis {
		p := fmt.Sprintf("%s %d", api, res.Calls[api])
		if r := res.Rates[api]; r > 0 {
			p += fmt.Sprintf(" (limit %.3g/s)", r)
		}
		if t := res.Throttles[api]; t > 0 {
			p += fmt.Sprintf(", %d throttled and retried", t)
		}
		parts = append(parts, p)
	}
	fmt.Fprintf(w, "export: calls: %s\n", strings.Join(parts, "; "))
	if len(res.Where) > 0 {
		fmt.Fprintf(w, "export: users where %s: %s of users read (SearchUsers filtered by the server)\n", strings.Join(res.Where, " and "), report.Plural(int(res.Pages), "page"))
	}
	if l := rateSourcesLine(apis, res.RateSources); l != "" {
		fmt.Fprintf(w, "export: rates: %s\n", l)
	}
	if res.Lookup != importer.ProficienciesCheaper { // the lookup that ran
		fmt.Fprintf(w, "export: proficiencies: %s\n", res.Lookup)
	}
	line := fmt.Sprintf("export: took %s", res.Elapsed.Round(time.Millisecond))
	if s := res.Elapsed.Seconds(); s > 0 && res.Users > 0 {
		line += fmt.Sprintf(", %.1f users/s", float64(res.Users)/s)
	}
	if res.BoundAPI != "" {
		line += fmt.Sprintf("; the busiest API, %s (%d calls at %.3g/s), needs %s alone", res.BoundAPI, res.Calls[res.BoundAPI],
			res.Rates[res.BoundAPI], res.Bound.Round(time.Millisecond))
		if res.Bound > 0 {
			line += fmt.Sprintf(": %.2f× that", res.Elapsed.Seconds()/res.Bound.Seconds())
		}
	}
	fmt.Fprintln(w, line)
	if n := len(res.Warnings); n > 0 {
		fmt.Fprintf(w, "export: %s (above)\n", report.Plural(n, "warning"))
	}
}

// writeExportJSON prints the summary as one JSON object, for scripts.
func writeExportJSON(w io.Writer, res *importer.ExportResult) error {
	v := map[string]any{
		"command": "export", "instance": res.Instance.ID, "identity": string(res.Instance.Identity),
		"users": res.Users, "file": res.Path, "warnings": len(res.Warnings),
		"calls": res.Calls, "rates_per_second": res.Rates, "rate_sources": exportRateSources(res),
		"throttles": res.Throttles, "elapsed_seconds": res.Elapsed.Seconds(),
		"bound_api": res.BoundAPI, "bound_seconds": res.Bound.Seconds(), "proficiency_lookup": res.Lookup.String(),
		"columns": res.Header, "where": res.Where, "user_pages": res.Pages,
	}
	if res.Bound > 0 {
		v["bound_ratio"] = res.Elapsed.Seconds() / res.Bound.Seconds()
	}
	return json.NewEncoder(w).Encode(v)
}

// exportRateSources says, per API called, where its rate came from.
func exportRateSources(res *importer.ExportResult) map[string]string {
	m := map[string]string{}
	for api := range res.Calls {
		if u := res.RateSources.Of("Connect." + api); u.Source != "" {
			m[api] = u.Source
		}
	}
	return m
}

// rateSourcesLine says where the rates of the APIs called came from,
// grouped by source: "from Service Quotas for DescribeUser (L-EE6F0D82);
// the documented default for SearchUsers", or "the default times
// --rate-scale for every API".
func rateSourcesLine(apis []string, rates *importer.Rates) string {
	groups := map[string][]string{}
	var order []string
	for _, api := range apis {
		u := rates.Of("Connect." + api)
		if u.Source == "" {
			continue
		}
		key, name := rateSource(u), api
		if u.Source == importer.SourceServiceQuotas {
			key, name = "from Service Quotas", api+" ("+u.QuotaCode+")"
		}
		if groups[key] == nil {
			order = append(order, key)
		}
		groups[key] = append(groups[key], name)
	}
	if len(order) == 1 && len(groups[order[0]]) == len(apis) && rates.Of("Connect."+apis[0]).Source != importer.SourceServiceQuotas {
		return order[0] + " for every API"
	}
	parts := make([]string, len(order))
	for i, key := range order {
		parts[i] = key + " for " + strings.Join(groups[key], ", ")
	}
	return strings.Join(parts, "; ")
}
