package importer

import (
	"context"
	"errors"
	"github.com/bulkagents/bulkagents/awsclient"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// ProficiencyLookup says how a snapshot finds its users' proficiencies.
type ProficiencyLookup int

const (
	// ProficienciesCheaper takes whichever of the two below the instance's
	// size and predefined attributes make cheaper in time.
	ProficienciesCheaper ProficiencyLookup = iota
	// ProficienciesBySearch asks SearchUsers, per attribute and value,
	// which users hold it and then at which level: pages, not users.
	ProficienciesBySearch
	// ProficienciesPerUser calls ListUserProficiencies once per user.
	ProficienciesPerUser
)

func (l ProficiencyLookup) String() string {
	switch l {
	case ProficienciesBySearch:
		return "SearchUsers by attribute, value and level"
	case ProficienciesPerUser:
		return "one ListUserProficiencies per user"
	}
	return "the cheaper"
}

// ProficiencyReader is what a snapshot reads proficiencies with; the SDK's
// client has it.
type ProficiencyReader interface {
	PredefinedAttributeReader
	ListUserProficiencies(ctx context.Context, in *connect.ListUserProficienciesInput, optFns ...func(*connect.Options)) (*connect.ListUserProficienciesOutput, error)
}

// HeldProficiency is one proficiency of a user as the instance holds it:
// the API's level is a number from 1.0 to 5.0.
type HeldProficiency struct {
	Attribute, Value string
	Level            float32
}

// countingProficiencies counts the proficiency calls of a snapshot.
type countingProficiencies struct {
	ProficiencyReader
	n *counter
}

func (r countingProficiencies) ListPredefinedAttributes(ctx context.Context, in *connect.ListPredefinedAttributesInput, o ...func(*connect.Options)) (*connect.ListPredefinedAttributesOutput, error) {
	r.n.add("ListPredefinedAttributes")
	return r.ProficiencyReader.ListPredefinedAttributes(ctx, in, o...)
}

func (r countingProficiencies) DescribePredefinedAttribute(ctx context.Context, in *connect.DescribePredefinedAttributeInput, o ...func(*connect.Options)) (*connect.DescribePredefinedAttributeOutput, error) {
	r.n.add("DescribePredefinedAttribute")
	return r.ProficiencyReader.DescribePredefinedAttribute(ctx, in, o...)
}

func (r countingProficiencies) ListUserProficiencies(ctx context.Context, in *connect.ListUserProficienciesInput, o ...func(*connect.Options)) (*connect.ListUserProficienciesOutput, error) {
	r.n.add("ListUserProficiencies")
	return r.ProficiencyReader.ListUserProficiencies(ctx, in, o...)
}

// attributePair is a predefined attribute and one of its values: what a
// proficiency names.
type attributePair struct{ name, value string }

// listAttributePairs lists the predefined attributes (pages of 100) and
// describes each for its values.
func listAttributePairs(ctx context.Context, api ProficiencyReader, instanceID string) ([]attributePair, error) {
	var names []string
	p := connect.NewListPredefinedAttributesPaginator(api, &connect.ListPredefinedAttributesInput{
		InstanceId: aws.String(instanceID), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, &PlanError{Step: "list predefined attributes", Err: err}
		}
		for _, s := range page.PredefinedAttributeSummaryList {
			names = append(names, aws.ToString(s.Name))
		}
	}
	var pairs []attributePair
	for _, n := range names {
		out, err := api.DescribePredefinedAttribute(ctx, &connect.DescribePredefinedAttributeInput{InstanceId: aws.String(instanceID), Name: aws.String(n)})
		var nf *types.ResourceNotFoundException
		switch {
		case errors.As(err, &nf):
			continue // deleted since the listing
		case err != nil:
			return nil, &PlanError{Step: "describe predefined attribute " + n, Err: err}
		}
		if out.PredefinedAttribute == nil {
			continue
		}
		if sl, ok := out.PredefinedAttribute.Values.(*types.PredefinedAttributeValuesMemberStringList); ok {
			for _, v := range sl.Value {
				pairs = append(pairs, attributePair{n, v})
			}
		}
	}
	return pairs, nil
}

// The levels the API gives proficiencies: 1 to 5 (docs/aws.md §7).
const minLevel, maxLevel = 1, 5

// searchCallsPerPair is what the search lookup costs per attribute value at
// most (when all goes well): one call to count its holders, then one search
// per level when it has any.
const searchCallsPerPair = 1 + maxLevel - minLevel + 1

// chooseLookup picks the cheaper lookup in time: the search costs
// searchCallsPerPair SearchUsers calls per attribute value (at most; one
// for a value nobody holds), the other one ListUserProficiencies per user,
// each at its own API's rate.
func chooseLookup(mode ProficiencyLookup, users, pairs int, l *Limits) ProficiencyLookup {
	if mode != ProficienciesCheaper {
		return mode
	}
	search := float64(searchCallsPerPair*pairs) / apiRate(l, "Connect.SearchUsers")
	perUser := float64(users) / apiRate(l, "Connect.ListUserProficiencies")
	if perUser < search {
		return ProficienciesPerUser
	}
	return ProficienciesBySearch
}

// apiRate is an API's configured rate, or its documented default.
func apiRate(l *Limits, api string) float64 {
	if l != nil {
		return l.For(api).Configured()
	}
	return awsclient.DefaultRate(api)
}

// proficiencyLookup gathers the proficiencies of an instance's users.
type proficiencyLookup struct {
	search     ConnectReader
	list       ProficiencyReader
	instanceID string
	// scope, when not nil, is the part of the users the snapshot reads:
	// the searches look for holders among them only.
	scope *UserSearch

	mu   sync.Mutex
	held map[string][]HeldProficiency // by user id
	// recheck holds users the search could not settle (a level that is
	// not a whole number, a change between two searches): they are listed
	// one at a time.
	recheck map[string]bool
}

// How many proficiency calls are in flight at once; the rate limiter paces
// them. Searches: two, as each answer holds up to 500 whole users (memory)
// and the searches are few beside the DescribeUser calls that set the
// export's pace. Per-user listings: enough to keep their rate busy.
const (
	searchWorkers = 2
	listWorkers   = 8
)

// bySearch finds, for each attribute value, who holds it and at which
// level, then lists the users it could not settle.
func (l *proficiencyLookup) bySearch(ctx context.Context, pairs []attributePair) error {
	err := parallel(ctx, searchWorkers, len(pairs), func(i int) error { return l.searchPair(ctx, pairs[i]) })
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(l.recheck))
	for id := range l.recheck {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return l.perUser(ctx, ids)
}

// searchPair finds who holds an attribute value at each level. It first
// asks how many hold it at all (a page of one user: its
// ApproximateTotalCount), so that a value nobody holds costs one small
// call; when fewer are found at the five levels than hold the value (a
// level that is not a whole number, or a change meanwhile), the holders are
// listed and those found at no level, or at two, are listed one by one.
func (l *proficiencyLookup) searchPair(ctx context.Context, p attributePair) error {
	holders, err := l.countHolders(ctx, p)
	if err != nil || holders == 0 {
		return err
	}
	leveled := map[string]int{}
	for lv := minLevel; lv <= maxLevel; lv++ {
		ids, err := l.searchIDs(ctx, p, int32(lv))
		if err != nil {
			return err
		}
		l.mu.Lock()
		for _, id := range ids {
			leveled[id]++
			l.held[id] = append(l.held[id], HeldProficiency{p.name, p.value, float32(lv)})
		}
		l.mu.Unlock()
	}
	unsettled := len(leveled) != int(holders)
	var all []string
	if unsettled {
		if all, err = l.searchIDs(ctx, p, 0); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, n := range leveled {
		if n > 1 {
			l.recheck[id] = true // at two levels: changed meanwhile
		}
	}
	for _, id := range all {
		if leveled[id] == 0 {
			l.recheck[id] = true
		}
	}
	return nil
}

// countHolders asks how many users hold an attribute value, at any level.
func (l *proficiencyLookup) countHolders(ctx context.Context, p attributePair) (int64, error) {
	criteria, filter := l.scope.and(proficiencyCriteria(p, 0))
	out, err := l.search.SearchUsers(ctx, &connect.SearchUsersInput{InstanceId: aws.String(l.instanceID), MaxResults: aws.Int32(1),
		SearchCriteria: criteria, SearchFilter: filter})
	if err != nil {
		return 0, &PlanError{Step: "search users by proficiency " + p.name + "|" + p.value, Err: err}
	}
	if out.ApproximateTotalCount != nil {
		return *out.ApproximateTotalCount, nil
	}
	// No count given: take it that some hold it, so that the levels are searched.
	return int64(len(out.Users)), nil
}

// proficiencyCriteria finds the holders of an attribute value, at a level
// when level > 0. EQUAL is given the level as both MinValue and MaxValue,
// so that it holds whichever of the two the service compares.
func proficiencyCriteria(p attributePair, level int32) *types.UserSearchCriteria {
	conds := []types.Condition{
		{StringCondition: &types.StringCondition{FieldName: aws.String("name"), Value: aws.String(p.name), ComparisonType: types.StringComparisonTypeExact}},
		{StringCondition: &types.StringCondition{FieldName: aws.String("value"), Value: aws.String(p.value), ComparisonType: types.StringComparisonTypeExact}},
	}
	if level > 0 {
		conds = append(conds, types.Condition{NumberCondition: &types.NumberCondition{FieldName: aws.String("limit"),
			ComparisonType: types.NumberComparisonTypeEqual, MinValue: aws.Int32(level), MaxValue: aws.Int32(level)}})
	}
	return &types.UserSearchCriteria{ListCondition: &types.ListCondition{TargetListType: types.TargetListTypeProficiencies, Conditions: conds}}
}

// searchIDs gives the ids of the users holding an attribute value, at a
// level when level > 0.
func (l *proficiencyLookup) searchIDs(ctx context.Context, p attributePair, level int32) ([]string, error) {
	criteria, filter := l.scope.and(proficiencyCriteria(p, level))
	pg := connect.NewSearchUsersPaginator(l.search, &connect.SearchUsersInput{
		InstanceId: aws.String(l.instanceID), MaxResults: aws.Int32(searchPageSize), SearchCriteria: criteria, SearchFilter: filter})
	var ids []string
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, &PlanError{Step: "search users by proficiency " + p.name + "|" + p.value, Err: err}
		}
		for _, u := range page.Users {
			ids = append(ids, aws.ToString(u.Id))
		}
	}
	return ids, nil
}

// perUser lists the proficiencies of each user, replacing what a search
// found of them.
func (l *proficiencyLookup) perUser(ctx context.Context, ids []string) error {
	return parallel(ctx, listWorkers, len(ids), func(i int) error {
		held, err := l.listOne(ctx, ids[i])
		if err != nil {
			return err
		}
		l.mu.Lock()
		l.held[ids[i]] = held
		l.mu.Unlock()
		return nil
	})
}

func (l *proficiencyLookup) listOne(ctx context.Context, id string) ([]HeldProficiency, error) {
	p := connect.NewListUserProficienciesPaginator(l.list, &connect.ListUserProficienciesInput{
		InstanceId: aws.String(l.instanceID), UserId: aws.String(id), MaxResults: aws.Int32(100)})
	held := []HeldProficiency{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		var nf *types.ResourceNotFoundException
		switch {
		case errors.As(err, &nf):
			return nil, nil // deleted since its page: DescribeUser says so too
		case err != nil:
			return nil, &PlanError{Step: "list user proficiencies of " + id, Err: err}
		}
		for _, up := range page.UserProficiencyList {
			held = append(held, HeldProficiency{aws.ToString(up.AttributeName), aws.ToString(up.AttributeValue), aws.ToFloat32(up.Level)})
		}
	}
	return held, nil
}

// parallel runs do(0..n-1) on that many goroutines and gives the first
// error; after one, the rest are skipped.
func parallel(ctx context.Context, workers, n int, do func(int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := do(i); err != nil {
					cancel(err)
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// snapshotProficiencies is the proficiency part of a snapshot: the
// predefined attributes, listed while the pages are read, then the lookup
// the instance's size makes cheaper.
type snapshotProficiencies struct {
	lookup  *proficiencyLookup
	pairs   []attributePair
	err     error
	done    chan struct{}
	used    ProficiencyLookup
	warning string
}

func startProficiencies(ctx context.Context, search ConnectReader, list ProficiencyReader, instanceID string) *snapshotProficiencies {
	sp := &snapshotProficiencies{done: make(chan struct{}), lookup: &proficiencyLookup{search: search, list: list,
		instanceID: instanceID, held: map[string][]HeldProficiency{}, recheck: map[string]bool{}}}
	go func() {
		defer close(sp.done)
		sp.pairs, sp.err = listAttributePairs(ctx, list, instanceID)
	}()
	return sp
}

// finish finds the proficiencies of users, once their pages are read. A
// caller not allowed to read predefined attributes gets a warning and no
// proficiencies (their cells left blank, which import --update takes as
// "leave as it is"), not a failed export.
func (sp *snapshotProficiencies) finish(ctx context.Context, users []*UserSnapshot, mode ProficiencyLookup, l *Limits) error {
	<-sp.done
	if sp.err != nil {
		if awsclient.Classify(sp.err) != awsclient.AccessDenied {
			return sp.err
		}
		sp.warning = "proficiencies not read (" + ErrText(sp.err) + "): the proficiencies column is left blank; " +
			"allow connect:ListPredefinedAttributes, connect:DescribePredefinedAttribute and connect:ListUserProficiencies to export them"
		return nil
	}
	sp.used = chooseLookup(mode, len(users), len(sp.pairs), l)
	if sp.used == ProficienciesBySearch {
		return sp.lookup.bySearch(ctx, sp.pairs)
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return sp.lookup.perUser(ctx, ids)
}

// assign gives each user of the snapshot what the lookup found.
func (sp *snapshotProficiencies) assign(snap *Snapshot) {
	snap.Lookup = sp.used
	if sp.warning != "" {
		snap.Warnings = append(snap.Warnings, sp.warning)
		return
	}
	for _, u := range snap.Users {
		u.Proficiencies = sp.lookup.held[u.ID]
		if u.Proficiencies == nil {
			u.Proficiencies = []HeldProficiency{}
		}
	}
}
