package importer

import (
	"context"
	"io"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// What an import holds, and for how long. Every row is read, validated and
// planned before the first create (the users quota is checked against all
// of them, and a file is refused whole before anything is changed), so at
// the first create each row holds its cells, its Agent, its plan and a slot
// for its outcome. From then on the run lets go of what it no longer needs,
// so that memory does not grow by the whole of every row (README,
// "Development": the import memory benchmark):
//
//   - the File's list of rows and the validation verdicts go once the plan
//     is made (the plan holds the same rows);
//   - a row sent to be created lets go of its cells: the provisioning works
//     from its Agent, and the few rows that end in the retry file are read
//     again from the input (retryRecords);
//   - a row whose outcome is known lets go of its Agent: the outcome holds
//     what the results file and the summary need.
//
// Rows are kept whole to the end when the caller asks for them
// (Config.KeepRows, the team hand-outs) and with Identity Center, whose
// later steps go back to the plan.

// lean says whether the run may let go of rows as it goes.
func lean(cfg Config, sso *IdentityCenter) bool {
	return !cfg.KeepRows && sso == nil
}

// dropRecords lets go of the cells of the rows about to be provisioned.
func dropRecords(jobs []Job) {
	for i := range jobs {
		jobs[i].Planned.Row.Record = nil
	}
}

// letGo lets go of what a provisioned row no longer needs.
func letGo(pr *PlannedRow) {
	pr.Agent, pr.SecurityProfileIDs = nil, nil
}

// retryRecords gives the retry file's records of the rows that need one, in
// input order: a row's own cells when it kept them, otherwise its cells read
// again from input. A row read again must still name the user it named
// (want: the login of each line read again); if the file was changed under
// the run, the retry file is not written rather than written wrong.
func retryRecords(ctx context.Context, input io.ReaderAt, opts agentfile.ReadOptions, rows []PlannedRow, outcomes []report.Outcome) ([][]string, error) {
	want := map[int]string{}
	for i, o := range outcomes {
		if needsRetry(o) && rows[i].Row.Record == nil {
			want[rows[i].Row.Line] = o.Login
		}
	}
	var again map[int][]string
	if len(want) > 0 {
		var err error
		if again, err = agentfile.ReadLines(ctx, input, opts, want); err != nil {
			return nil, err
		}
	}
	var retry [][]string
	for i, o := range outcomes {
		if !needsRetry(o) {
			continue
		}
		rec := rows[i].Row.Record
		if rec == nil {
			rec = again[rows[i].Row.Line]
		}
		retry = append(retry, rec)
	}
	return retry, nil
}

// needsRetry: the row goes in the retry file. A row whose CreateUser may
// have gone through does not: importing it again would report it exists,
// its password only in the results file.
func needsRetry(o report.Outcome) bool {
	return !inDoubt(o) && o.Status.NeedsRetry()
}
