package importer

import (
	"context"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// Why the rows of an update are not started in file order: a row that is
// described (update_plan.go says which) waits for its DescribeUser before
// its updates, and a row planned from the pages waits for the rows before
// it in the update buckets, so rows that change late in the file
// would start their updates late, and an update API whose rows are all near
// the end would idle while earlier rows are read. The SearchUsers pages say,
// at page cost, which aspects of which rows differ (all but email,
// secondary email and mobile, which no page holds); the rows are then read
// taking turns between the aspects, so that every update API gets its first
// rows at once and the next ones faster than it can send them (DescribeUser
// runs at five times an update API's rate, docs/aws.md §7). A row planned
// from the pages is ordered by its plan; a described row's diff comes from
// its DescribeUser, and a page that lags a write only costs it order.

// pagesWorthReading says whether the pages of an instance of users users
// cost little beside reading rows users one by one: a page (500 users, at
// SearchUsers' 2/s) costs five DescribeUser calls' time (10/s), and the
// pages may take at most half as long as the reads.
func pagesWorthReading(users, rows int) bool {
	if users < 0 || rows < 2 {
		return false
	}
	pages := (users + searchPageSize - 1) / searchPageSize
	return pages*10 <= rows
}

// readPages reads every user of the instance at page cost, by id.
func (u *Updater) readPages(ctx context.Context) (map[string]*UserSnapshot, error) {
	if u.pages != nil {
		return u.pages, nil
	}
	byID := map[string]*UserSnapshot{}
	err := ScanUsers(ctx, u.Connect, u.Instance.ID, FullUsers, nil, func(s *UserSnapshot) { byID[s.ID] = s }, nil)
	if err != nil {
		return nil, err
	}
	u.pages = byID
	return byID, nil
}

// pageUser is what a page says of a user, as DescribeUser would give it;
// the fields no page holds are taken as the row wants them, so that they
// show no difference.
func pageUser(s *UserSnapshot, a *agentfile.Agent) *types.User {
	u := &types.User{
		Id: aws.String(s.ID), Arn: aws.String(s.ARN), Username: aws.String(s.Username),
		RoutingProfileId: aws.String(s.RoutingProfileID), SecurityProfileIds: s.SecurityProfileIDs,
		HierarchyGroupId: aws.String(s.HierarchyGroupID), Tags: s.Tags,
		IdentityInfo: &types.UserIdentityInfo{FirstName: aws.String(s.FirstName), LastName: aws.String(s.LastName),
			Email: aws.String(a.Email), SecondaryEmail: aws.String(a.SecondaryEmail), Mobile: aws.String(a.Mobile)},
		PhoneConfig: &types.UserPhoneConfig{PhoneType: types.PhoneType(s.PhoneType), DeskPhoneNumber: aws.String(s.PhoneNumber),
			AutoAccept: s.AutoAccept, AfterContactWorkTimeLimit: int32(s.ACWSeconds)},
	}
	if s.HierarchyGroupID == "" {
		u.HierarchyGroupId = nil
	}
	return u
}

// readOrder gives the order in which to start the jobs: file order, unless
// the pages are worth reading; then the rows whose pages differ come first,
// taking turns between the aspects that differ, and the others after them
// in file order.
func (u *Updater) readOrder(ctx context.Context, jobs []UpdateJob) []int {
	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	if !pagesWorthReading(u.InstanceUsers, len(jobs)) {
		return order
	}
	pages, err := u.readPages(ctx)
	if err != nil {
		return order // the order is only an optimisation: the reads still come
	}
	const last = int(^uint(0) >> 1)
	rank := make([]int, len(jobs))
	var perAspect [aspectCount]int
	for i := range jobs {
		rank[i] = last
		pr := jobs[i].Planned
		up := jobs[i].up
		if !jobs[i].planned {
			s := pages[pr.ExistingUserID]
			if s == nil || resumedChanges(jobs[i].Prev) != "" {
				continue
			}
			var err error
			if up, err = diffUser(ctx, u.File, u.Instance, pr, pageUser(s, pr.Agent), u.names); err != nil {
				continue
			}
		}
		for _, a := range up.Aspects() {
			rank[i] = min(rank[i], perAspect[a])
			perAspect[a]++
		}
	}
	sort.SliceStable(order, func(x, y int) bool { return rank[order[x]] < rank[order[y]] })
	return order
}
