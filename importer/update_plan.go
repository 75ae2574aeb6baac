package importer

import (
	"context"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/bulkagents/bulkagents/agentfile"
)

// The plan of an existing user's row: what differs, field by field, old ->
// new, worked out before anything is written, by read calls only. The
// SearchUsers pages hold every field of a user but the email, secondary
// email and mobile (and the per-channel settings, whose ACW unit
// SearchUsers does not document), so a row gets its change from the pages,
// and DescribeUser is called only for a row that
//   - has a non-blank cell in one of those columns,
//   - changes the first or last name (UpdateUserIdentityInfo replaces the
//     whole identity, email included, which only DescribeUser gives),
//   - an interrupted run was changing (resumed: the pages may not show
//     that run's writes yet),
//   - is Known (CreateUser called it a duplicate: the listing lags its
//     creation, and so do the pages), or whose user the pages lack.
//
// Listings lag writes by seconds (docs/aws.md §10): a user deleted a moment
// ago is still on the pages, as it was. A row planned from the pages is
// therefore what the listing shows; at apply time, an update call that
// answers ResourceNotFoundException for its user (confirmed by one
// DescribeUser) means the user is gone: the row is created (createGone),
// never called updated or exists.

// needsDescribe says whether row r of f has a non-blank cell in a column
// no page holds: the fields export describes too (pageColumns,
// export_select.go). The voice channel's auto accept and ACW columns are
// spellings of the phone's, which the pages hold; the Identity Center
// columns are the Identity Store's (diffSSO reads them).
func needsDescribe(f *agentfile.File, r agentfile.Row) bool {
	for _, c := range f.Columns {
		fc := agentfile.FieldOf(c)
		if agentfile.Writes(fc) && !pageColumns[fc] && !fc.IsIdentityCenter() && strings.TrimSpace(f.Value(r, c)) != "" {
			return true
		}
	}
	return false
}

// pagesCheaper says whether reading every user of an instance of users
// users by SearchUsers pages (500 a page at 2/s) costs at most a second
// more than describing rows users one by one (DescribeUser, 10/s): on a
// small instance the pages are always read; on one of 100,000 users, for
// about 1,000 rows or more.
func pagesCheaper(users, rows int) bool {
	if users < 0 || rows == 0 {
		return false
	}
	pages := (users + searchPageSize - 1) / searchPageSize
	return pages*5 <= rows+10
}

// Plan works out the change of each job's row that the pages can give (see
// above), before anything is written; a job it leaves unplanned is
// described when it starts. It is called again by Run, for the jobs that
// were not planned yet.
func (u *Updater) Plan(ctx context.Context, jobs []UpdateJob) error {
	if err := u.prepare(ctx); err != nil {
		return err
	}
	if !u.searched {
		u.searched = true
		u.searchProficiencies(ctx, jobs)
	}
	var paged []int
	for i := range jobs {
		j := &jobs[i]
		if j.planned || j.Known || resumedChanges(j.Prev) != "" || needsDescribe(u.File, j.Planned.Row) {
			continue
		}
		paged = append(paged, i)
	}
	if len(paged) == 0 || !pagesCheaper(u.InstanceUsers, len(paged)) {
		return nil
	}
	pages, err := u.readPages(ctx)
	if err != nil {
		return err
	}
	n := u.Concurrency
	if n <= 0 {
		n = 64
	}
	var g errgroup.Group
	g.SetLimit(n)
	for _, i := range paged {
		j := &jobs[i]
		s := pages[j.Planned.ExistingUserID]
		if s == nil {
			continue // the pages lack it: described when it starts
		}
		g.Go(func() error {
			up, msg := u.diffRead(ctx, j, pageUser(s, j.Planned.Agent), j.Base.SSOUserID, false)
			if up != nil && changes(up, AspectIdentity) {
				return nil // the whole identity is sent: described when it starts
			}
			j.up, j.msg, j.planned = up, msg, true
			return nil
		})
	}
	return g.Wait()
}

// changes says whether up changes aspect a.
func changes(up *UserUpdate, a Aspect) bool {
	for _, c := range up.Changes {
		if c.Aspect == a {
			return true
		}
	}
	return false
}
