package importer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// Reading the proficiencies of many rows one ListUserProficiencies each
// (2/s, docs/aws.md §7) would make that API the run's busiest: 300 rows,
// two and a half minutes. Where it is cheaper, the users holding each
// predefined attribute value, and at which level, are found with SearchUsers
// instead, before the rows start (export's lookup, snapshot_proficiency.go).
// SearchUsers lags writes by seconds, which matters only for a row an
// interrupted run was changing: such a row is read with ListUserProficiencies.

// searchProficiencies finds, by search, the proficiencies of the users of
// the rows whose proficiencies cell is filled in, when that costs less
// time than listing them one by one; otherwise (or when the search fails,
// or is not allowed) it leaves u.held nil and each row lists its own.
func (u *Updater) searchProficiencies(ctx context.Context, jobs []UpdateJob) {
	if !u.Update {
		return
	}
	n := 0
	for _, j := range jobs {
		if (u.File.Given(j.Planned.Row, agentfile.GroupColumn(agentfile.GroupProficiencies)) || j.Planned.Agent.EditsProficiencies()) && resumedChanges(j.Prev) == "" {
			n++
		}
	}
	list, ok := u.Connect.(ProficiencyReader)
	if !ok || n < 2 {
		return
	}
	pairs, err := listAttributePairs(ctx, list, u.Instance.ID)
	if err != nil || chooseLookup(ProficienciesCheaper, n, len(pairs), u.Limits) != ProficienciesBySearch {
		return
	}
	l := &proficiencyLookup{search: u.Connect, list: list, instanceID: u.Instance.ID,
		held: map[string][]HeldProficiency{}, recheck: map[string]bool{}}
	if err := l.bySearch(ctx, pairs); err != nil {
		return
	}
	u.held = l.held
}

// heldProficiencies is what the search found of a user: a user it did not
// find holds none.
func (u *Updater) heldProficiencies(userID string) []types.UserProficiency {
	held := u.held[userID]
	out := make([]types.UserProficiency, len(held))
	for i, h := range held {
		out[i] = types.UserProficiency{AttributeName: aws.String(h.Attribute), AttributeValue: aws.String(h.Value), Level: aws.Float32(h.Level)}
	}
	return out
}
