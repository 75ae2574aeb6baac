package importer

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

// UserPages says how the instance's users are listed: by name and id
// (ListUsers: 1,000 a page at its 10/s), or whole (SearchUsers: 500 full
// users a page at its 2/s).
type UserPages int

const (
	// NamesOnly lists ids and user names (ListUsers).
	NamesOnly UserPages = iota
	// FullUsers lists every field a page holds (SearchUsers).
	FullUsers
)

// ScanUsers is the one listing of an instance's users: it reads every page
// the way pages says and hands each user on (and, with FullUsers, each
// hierarchy group id the first time it is seen; group may be nil). A
// listing lags writes by seconds (docs/aws.md §10): a user missing from it
// may exist, and one in it may be gone; LagBackoff and the callers' exact
// look-ups settle both.
func ScanUsers(ctx context.Context, api ConnectReader, instanceID string, pages UserPages, prog *SnapshotProgress, user func(*UserSnapshot), group func(string)) error {
	if prog == nil {
		prog = &SnapshotProgress{}
	}
	if pages == NamesOnly {
		p := connect.NewListUsersPaginator(api, &connect.ListUsersInput{
			InstanceId: aws.String(instanceID), MaxResults: aws.Int32(PageSize)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return listingError(ctx, "list users", err)
			}
			prog.Pages.Add(1)
			for _, s := range page.UserSummaryList {
				user(&UserSnapshot{ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Username: aws.ToString(s.Username)})
				prog.Read.Add(1)
			}
		}
		return nil
	}
	return ScanUsersMatching(ctx, api, instanceID, nil, prog, user, group)
}

// ScanUsersMatching is ScanUsers with FullUsers over a part of the users:
// the server pages only those search matches (nil: every user).
func ScanUsersMatching(ctx context.Context, api ConnectReader, instanceID string, search *UserSearch, prog *SnapshotProgress, user func(*UserSnapshot), group func(string)) error {
	if prog == nil {
		prog = &SnapshotProgress{}
	}
	in := &connect.SearchUsersInput{InstanceId: aws.String(instanceID), MaxResults: aws.Int32(searchPageSize)}
	if search != nil {
		in.SearchCriteria, in.SearchFilter = search.Criteria, search.Filter
	}
	seen := map[string]bool{}
	p := connect.NewSearchUsersPaginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return listingError(ctx, "search users", err)
		}
		prog.Pages.Add(1)
		if page.ApproximateTotalCount != nil {
			prog.Total.Store(*page.ApproximateTotalCount)
			if prog.OnTotal != nil && !prog.told.Swap(true) {
				prog.OnTotal(*page.ApproximateTotalCount)
			}
		}
		for i := range page.Users {
			u := fromSearchSummary(&page.Users[i])
			if group != nil && u.HierarchyGroupID != "" && !seen[u.HierarchyGroupID] {
				seen[u.HierarchyGroupID] = true
				group(u.HierarchyGroupID)
			}
			user(u)
			prog.Read.Add(1)
		}
	}
	return nil
}

// listingError is a page that could not be read: the snapshot's
// cancellation cause when it was cancelled, else the step's PlanError.
func listingError(ctx context.Context, step string, err error) error {
	if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
		return c
	}
	return &PlanError{Step: step, Err: err}
}

// DefaultLagBackoff is how long to wait, round after round, before asking
// again for a user that a listing should show and does not (CreateUser
// said it exists; remove was asked to delete it): 1+2+4+8 = 15 s in all,
// more than the seconds Connect's listings lag (docs/aws.md §10).
var DefaultLagBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}

// LagBackoffVariable, when set, replaces DefaultLagBackoff: durations
// joined by commas ("100ms,200ms"; "" or one that cannot be read: the
// default), as for tests that must not wait 15 s for a login that does
// not exist.
const LagBackoffVariable = "BULKAGENTS_LAG_BACKOFF"

// LagBackoff is b, or else $BULKAGENTS_LAG_BACKOFF, or else
// DefaultLagBackoff.
func LagBackoff(b []time.Duration) []time.Duration {
	if b != nil {
		return b
	}
	v := strings.TrimSpace(os.Getenv(LagBackoffVariable))
	if v == "" {
		return DefaultLagBackoff
	}
	var out []time.Duration
	for _, f := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d < 0 {
			return DefaultLagBackoff
		}
		out = append(out, d)
	}
	return out
}

func lagBackoff(b []time.Duration) []time.Duration { return LagBackoff(b) }

// FindUserWithBackoff looks a user up by exact user name (findUser) and,
// while the search does not show it, asks again after each wait of
// backoff (nil: DefaultLagBackoff): for a user known to exist whose
// listing lags.
func FindUserWithBackoff(ctx context.Context, api ConnectReader, instanceID, login string, backoff []time.Duration) (string, bool, error) {
	id, found, err := findUser(ctx, api, instanceID, login)
	for _, wait := range lagBackoff(backoff) {
		if found || err != nil || sleep(ctx, wait) != nil {
			break
		}
		id, found, err = findUser(ctx, api, instanceID, login)
	}
	return id, found, err
}

// Sleep waits d, or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error { return sleep(ctx, d) }
