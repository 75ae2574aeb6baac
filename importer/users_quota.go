package importer

import (
	"fmt"

	"github.com/bulkagents/bulkagents/report"
)

// usersQuotaNote says, with the numbers, when the users the instance holds
// plus those this run creates would pass the users-per-instance quota; ""
// when they fit or the count is unknown.
func usersQuotaNote(plan *Plan, outcomes []report.Outcome, jobs []Job, rates *Rates, dryRun, sandbox bool) string {
	if plan.ExistingUsers < 0 || rates == nil || rates.UsersQuota <= 0 {
		return ""
	}
	create := 0
	if dryRun {
		for _, o := range outcomes {
			if o.Status == report.WouldCreate {
				create++
			}
		}
	} else {
		for _, j := range jobs {
			if j.Planned.Action == ActionCreate && !j.MayExist {
				create++
			}
		}
	}
	total := plan.ExistingUsers + create
	if create == 0 || total <= rates.UsersQuota {
		return ""
	}
	verb, will := "import", "the creates past it will fail"
	if dryRun {
		verb, will = "dry run", "an import would fail the creates past it"
	}
	where := "the documented default; unless it was raised, "
	if rates.UsersQuotaSource == SourceServiceQuotas {
		where = "Service Quotas " + UsersQuotaCode + "; "
	}
	fix := "ask AWS to raise \"Users per instance\" (Service Quotas > Amazon Connect), or import fewer rows"
	if sandbox {
		where, fix = "the sandbox's; ", "start the sandbox with a higher --users-quota"
	}
	return fmt.Sprintf("%s: warning: the instance holds %s and this run would create %d: %d in all, "+
		"over its users-per-instance quota of %d (%s%s)\n    hint: %s",
		verb, report.Plural(plan.ExistingUsers, "user"), create, total, rates.UsersQuota, where, will, fix)
}
