package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

// writeRemoveSummary writes the end of a remove: the invalid and failed
// rows' reasons, rows per status, the DeleteUser pace, what went with the
// users, and where the files are.
func writeRemoveSummary(w io.Writer, res *importer.RemoveResult) {
	verb := "remove"
	if res.DryRun {
		verb = "dry run"
	}
	for _, o := range res.Outcomes {
		if o.Status == report.Invalid {
			fmt.Fprintf(w, "line %d: %s\n", o.Line, o.Error)
		}
	}
	writeFailures(w, res.Outcomes)
	fmt.Fprintf(w, "%s: %s\n", verb, res.Counts)
	line := fmt.Sprintf("%s: took %s", verb, roundDuration(res.Elapsed))
	if res.Deletes > 0 {
		line += fmt.Sprintf("; %d DeleteUser calls", res.Deletes)
		if r := res.DeleteRate(); r > 0 && res.Deletes >= 4*importer.DefaultBurst {
			line += achievedRate(r, res.ConfiguredDeleteRate)
		} else if res.ConfiguredDeleteRate > 0 {
			line += fmt.Sprintf(" (limit %.2f/s)", res.ConfiguredDeleteRate)
		}
		if res.DeleteThrottles > 0 {
			line += fmt.Sprintf("; %d throttled and retried", res.DeleteThrottles)
		}
	}
	if u := res.Rates.Of("Connect.DeleteUser"); u.Source != "" && res.ConfiguredDeleteRate > 0 {
		line += fmt.Sprintf("; DeleteUser paced to %.2f/s, %s", res.ConfiguredDeleteRate, rateSource(u))
	}
	fmt.Fprintln(w, line)
	if res.DryRun {
		fmt.Fprintf(w, "%s: %s would be deleted with the users\n", verb, report.Plural(res.QuickConnectsDeleted, "quick connect"))
	} else {
		fmt.Fprintf(w, "%s: %s deleted\n", verb, report.Plural(res.QuickConnectsDeleted, "quick connect"))
	}
	if res.IdentityStoreID != "" && !res.DryRun {
		fmt.Fprintf(w, "identity center: %s: %s left group %s, %s deleted, %s kept (in other groups)\n", res.IdentityStoreID,
			report.Plural(res.MembershipsRemoved, "user"), res.Group, report.Plural(res.StoreUsersDeleted, "user"), report.Plural(res.StoreUsersKept, "user"))
	}
	if res.Halted != "" {
		fmt.Fprintf(w, "%s: stopped sending: %s\n", verb, strings.TrimPrefix(res.Halted, "not attempted: "))
	}
	if res.Interrupted {
		fmt.Fprintf(w, "%s: interrupted: run the same command with --resume to finish\n", verb)
	}
	if res.ResultsErr != nil {
		fmt.Fprintf(w, "%s: the results file could not be finished: %s is the complete log (the last row of each line counts)\n", verb, res.ResultsPath)
	}
	fmt.Fprintf(w, "results: %s\n", res.ResultsPath)
	if res.RetryPath != "" {
		fmt.Fprintf(w, "retry:   %s (%s to check and remove again)\n", res.RetryPath, report.Plural(res.RetryRows, "row"))
	}
}
