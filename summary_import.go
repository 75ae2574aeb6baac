package main

// The end of an import, for a person: what the engine's Result says, in
// words (the JSON form is writeImportJSON's).

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

// writeSignInNotes tells the administrator what the run left for the
// agents to be able to sign in: on a SAML instance without --sso, who
// signs them in and that --sso exists; with --sso but no application
// assignment, the assignment still to make (every handout tells the agents
// to choose Amazon Connect on the portal).
func writeSignInNotes(w io.Writer, res *importer.Result) {
	ic := res.IdentityCenter
	switch {
	case res.Instance.Identity == agentfile.IdentitySAML && ic == nil:
		fmt.Fprint(w, "sign-in: this is a SAML instance: its agents sign in through the identity provider, with no password from\n"+
			"  Amazon Connect (the results file's password and sign-in url stay empty). Only their Connect users were made:\n"+
			"  the identity provider must know them under the same user login. If that provider is IAM Identity Center,\n"+
			"  --sso also makes each agent's Identity Center user and adds it to the agents' group.\n")
	case ic != nil && ic.Assignment == "":
		fmt.Fprintf(w, "identity center: group %q must still be assigned to the Amazon Connect application, or the agents will not\n"+
			"  find Amazon Connect on the portal: IAM Identity Center console > Applications > the Amazon Connect\n"+
			"  application of this instance > Assign users and groups > Groups > %s > Assign\n"+
			"  (or run again with --sso-application-arn ARN to assign it).\n", ic.Group, ic.Group)
	}
}

// writeImportSummary writes the end-of-run summary: rows per status, the time
// taken, the CreateUser rate achieved, and where the files are.
func writeImportSummary(w io.Writer, res *importer.Result) {
	verb := "import"
	if res.DryRun {
		verb = "dry run"
	}
	// The same words as 'bulkagents validate' for the same problem.
	for _, p := range res.Problems {
		fmt.Fprintln(w, agentfile.FormatProblem(p))
	}
	if res.MoreProblems > 0 {
		fmt.Fprintf(w, "... and %d more problems: see the results file\n", res.MoreProblems)
	}
	for _, p := range res.Warnings {
		fmt.Fprintln(w, agentfile.FormatWarning(p))
	}
	if res.MoreWarnings > 0 {
		fmt.Fprintf(w, "... and %d more warnings: 'bulkagents validate' lists them all\n", res.MoreWarnings)
	}
	writeFailures(w, res.Outcomes)
	writeGroups(w, res)
	fmt.Fprintf(w, "%s: %s\n", verb, res.Counts)
	line := fmt.Sprintf("%s: took %s", verb, roundDuration(res.Elapsed))
	if res.SetupElapsed >= time.Second && !res.DryRun {
		// The bar's clock started after the set-up: say where the rest went.
		line += fmt.Sprintf(" (set-up %s)", roundDuration(res.SetupElapsed))
	}
	if s := res.Stats; s.CreateCalls > 0 {
		line += fmt.Sprintf("; %d CreateUser calls", s.CreateCalls)
		// A handful of calls go out in one burst: their rate says nothing.
		if r := s.CreateRate(); r > 0 && s.CreateCalls >= 4*importer.DefaultBurst {
			line += achievedRate(r, res.ConfiguredCreateRate)
		}
		if u := res.Rates.Of("Connect.CreateUser"); u.Source != "" && res.ConfiguredCreateRate > 0 {
			line += fmt.Sprintf("; CreateUser paced to %.2f/s, %s", res.ConfiguredCreateRate, rateSource(u))
		}
		if res.CreateThrottles > 0 {
			// The real quota is lower than configured: say what worked.
			if res.FinalCreateRate < res.ConfiguredCreateRate*0.99 {
				line += fmt.Sprintf("; %d throttled and retried, pace lowered to %.2f/s", res.CreateThrottles, res.FinalCreateRate)
			} else {
				line += fmt.Sprintf("; %d throttled and retried, pace lowered for a while, then back to the limit", res.CreateThrottles)
			}
		}
	}
	fmt.Fprintln(w, line)
	writeIdentityCenterSummary(w, res.IdentityCenter)
	writeSignInNotes(w, res)
	writeUpdateSummary(w, verb, res)
	if res.Rates != nil && res.Rates.Note != "" && !res.Rates.NoteShown {
		fmt.Fprintln(w, res.Rates.Note)
	}
	if res.UsersQuotaNote != "" && res.DryRun {
		// A real run said it before its first create.
		fmt.Fprintln(w, res.UsersQuotaNote)
	}
	if res.Interrupted {
		fmt.Fprintf(w, "%s: interrupted: run the same command with --resume to finish\n", verb)
	}
	writeTrustSummary(w, verb, res)
	note := ""
	if res.Counts[report.Created] > 0 && res.Instance.Identity == agentfile.IdentityConnect {
		note = " (it holds passwords: hand it on safely)"
	}
	fmt.Fprintf(w, "results: %s%s\n", res.ResultsPath, note)
	if res.RetryKept != "" {
		fmt.Fprintf(w, "retry:   kept %s as it is\n", res.RetryKept)
	}
	if res.RetryPath != "" {
		fmt.Fprintf(w, "retry:   %s (%s to fix or import again)\n", res.RetryPath, report.Plural(res.RetryRows, "row"))
	}
}

// failureKinds is how many different errors of failed rows the summary shows.
const failureKinds = 5

// writeFailures says why rows failed or were not attempted, each error
// once with the lines it stopped, so that a quota or a missing permission is
// seen without opening the results file. Errors never hold a password.
func writeFailures(w io.Writer, outcomes []report.Outcome) {
	var order []string
	lines := map[string][]int{}
	for _, o := range outcomes {
		if o.Status != report.Failed && o.Status != report.NotAttempted || o.Error == importer.NotStarted {
			continue // an interruption is said once, below
		}
		key := string(o.Status) + ": " + o.Error
		if _, seen := lines[key]; !seen {
			order = append(order, key)
		}
		lines[key] = append(lines[key], o.Line)
	}
	more := 0
	for k, msg := range order {
		ls := lines[msg]
		if k >= failureKinds {
			more += len(ls)
			continue
		}
		where := fmt.Sprintf("line %d", ls[0])
		switch {
		case len(ls) == 2:
			where = fmt.Sprintf("lines %d and %d", ls[0], ls[1])
		case len(ls) > 2:
			where = fmt.Sprintf("lines %d, %d and %d more", ls[0], ls[1], len(ls)-2)
		}
		fmt.Fprintf(w, "%s: %s\n", where, msg)
	}
	if more > 0 {
		fmt.Fprintf(w, "... and %d more rows failed or not attempted: see the results file\n", more)
	}
}

// writeIdentityCenterSummary adds the Identity Center side to the
// end-of-run summary: where the agents sign in and, once, how they get a
// first password, which no API can set.
func writeIdentityCenterSummary(w io.Writer, r *importer.IdentityCenterReport) {
	if r == nil {
		return
	}
	verb := "created"
	if r.DryRun {
		verb = "to create"
	}
	fmt.Fprintf(w, "identity center: store %s, group %q", r.StoreID, r.Group)
	if r.GroupCreated {
		if r.DryRun {
			fmt.Fprint(w, " (would be created)")
		} else {
			fmt.Fprint(w, " (created)")
		}
	}
	fmt.Fprintf(w, "; %d users and %d memberships %s", r.UsersCreated, r.MembershipsCreated, verb)
	fmt.Fprintln(w)
	if r.Assignment != "" {
		fmt.Fprintf(w, "identity center: %s\n", r.Assignment)
	}
	for _, warning := range r.Warnings {
		fmt.Fprintln(w, warning)
	}
	fmt.Fprintf(w, "identity center: agents sign in at %s (the results file's sign-in url); the password column stays empty:\n"+
		"  no AWS API sets an Identity Center password. Turn on IAM Identity Center > Settings > Authentication >\n"+
		"  \"Send email OTP\" (each agent then gets a one-time password by email at their first sign-in and sets their own),\n"+
		"  or generate a one-time password per user in the console (Users > the user > Reset password).\n", r.PortalURL)
}

// writeUpdateSummary says how many existing users differ from the file and
// how many changes each field has: with --update, what was (or would be)
// changed; without it, what differs and how to change it.
func writeUpdateSummary(w io.Writer, verb string, res *importer.Result) {
	u := res.Update
	if u == nil || u.Differ == 0 {
		return
	}
	fields := make([]string, 0, len(u.Fields))
	for f := range u.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	per := make([]string, len(fields))
	for i, f := range fields {
		per[i] = fmt.Sprintf("%s %d", f, u.Fields[f])
	}
	users := report.Plural(u.Differ, "existing user")
	switch {
	case !res.UpdateRequested:
		fmt.Fprintf(w, "%s: %s differ from the file (%s); left as they are: add --update to change them\n", verb, users, strings.Join(per, ", "))
	case res.DryRun:
		fmt.Fprintf(w, "%s: %s would be updated; changes per field: %s\n", verb, users, strings.Join(per, ", "))
	default:
		fmt.Fprintf(w, "%s: %s to update; changes per field: %s\n", verb, users, strings.Join(per, ", "))
	}
}

// writeTrustSummary says why a run stopped sending, which rows are in doubt,
// and that the results file could not be finished.
func writeTrustSummary(w io.Writer, verb string, res *importer.Result) {
	if res.Halted != "" {
		fmt.Fprintf(w, "%s: stopped sending: %s\n", verb, strings.TrimPrefix(res.Halted, "not attempted: "))
	}
	if res.InDoubt > 0 {
		fmt.Fprintf(w, "%s: %s may have been created without the answer arriving: kept out of the retry file;\n"+
			"    run the same command with --resume to settle them (their passwords are in the results file)\n",
			verb, report.Plural(res.InDoubt, "row"))
	}
	if res.ResultsErr != nil {
		fmt.Fprintf(w, "%s: the results file could not be finished: %s is the complete log (the last row of each line counts)\n", verb, res.ResultsPath)
	}
}

// writeGroups tells the summary's reader which hierarchy groups the run
// created, or a dry run would create.
func writeGroups(w io.Writer, res *importer.Result) {
	if res.DryRun {
		for _, g := range res.NewGroups {
			fmt.Fprintf(w, "would-create group %s\n", g)
		}
		return
	}
	for _, g := range res.GroupsCreated {
		fmt.Fprintf(w, "created group %s\n", g)
	}
	if n := len(res.NewGroups) - len(res.GroupsCreated); n > 0 {
		fmt.Fprintf(w, "%d of the %d hierarchy groups to create were not created: see the rows that needed them\n", n, len(res.NewGroups))
	}
}
