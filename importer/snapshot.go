package importer

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// searchPageSize is the largest page SearchUsers gives.
const searchPageSize = 500

// UserSnapshot is one Connect user as the instance holds it, with ids (the
// names are worked out from the listings when the snapshot is written).
type UserSnapshot struct {
	ID, ARN, Username   string
	FirstName, LastName string
	// Email, SecondaryEmail and Mobile come from DescribeUser: no page
	// holds them.
	Email, SecondaryEmail, Mobile string

	RoutingProfileID   string
	SecurityProfileIDs []string
	HierarchyGroupID   string

	PhoneType   string // SOFT_PHONE or DESK_PHONE
	PhoneNumber string
	AutoAccept  bool
	ACWSeconds  int64
	Tags        map[string]string

	// Channels are the per-channel settings beyond the voice channel's
	// auto accept and ACW (DescribeUser's); Proficiencies nil when they
	// were not read.
	Channels      agentfile.ChannelSettings
	Proficiencies []HeldProficiency

	// gone: DescribeUser answered ResourceNotFound, the user was deleted
	// after its page was read.
	gone bool
}

// Snapshot is an instance's users and the listings that name what they
// refer to.
type Snapshot struct {
	Users    []*UserSnapshot
	Routing  *nameIndex
	Security *nameIndex
	// groupPaths holds the path from the top of every hierarchy group a
	// user is in; a group that could not be described is absent.
	groupPaths map[string][]string
	// Calls counts the calls made per API ("SearchUsers"); Pages the
	// SearchUsers pages of the listing itself, of them.
	Calls map[string]int64
	Pages int64
	// Gone lists users deleted while the snapshot was taken.
	Gone []string
	// Lookup is how the proficiencies were found; Warnings say what
	// could not be read (and was left blank).
	Lookup   ProficiencyLookup
	Warnings []string
}

// describeWorkers is how many DescribeUser calls are in flight at once. The
// rate limiter of limits.go paces them; enough workers are needed only to
// keep the limiter's rate busy while each call waits for its answer.
const describeWorkers = 32

// counter counts calls per API, safe for concurrent use.
type counter struct {
	mu sync.Mutex
	m  map[string]int64
}

func (c *counter) add(api string) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]int64{}
	}
	c.m[api]++
	c.mu.Unlock()
}

// countingReader counts every call of the snapshot, by API.
type countingReader struct {
	ConnectReader
	n *counter
}

func (r countingReader) ListRoutingProfiles(ctx context.Context, in *connect.ListRoutingProfilesInput, o ...func(*connect.Options)) (*connect.ListRoutingProfilesOutput, error) {
	r.n.add("ListRoutingProfiles")
	return r.ConnectReader.ListRoutingProfiles(ctx, in, o...)
}

func (r countingReader) ListSecurityProfiles(ctx context.Context, in *connect.ListSecurityProfilesInput, o ...func(*connect.Options)) (*connect.ListSecurityProfilesOutput, error) {
	r.n.add("ListSecurityProfiles")
	return r.ConnectReader.ListSecurityProfiles(ctx, in, o...)
}

func (r countingReader) DescribeUserHierarchyGroup(ctx context.Context, in *connect.DescribeUserHierarchyGroupInput, o ...func(*connect.Options)) (*connect.DescribeUserHierarchyGroupOutput, error) {
	r.n.add("DescribeUserHierarchyGroup")
	return r.ConnectReader.DescribeUserHierarchyGroup(ctx, in, o...)
}

func (r countingReader) ListUserHierarchyGroups(ctx context.Context, in *connect.ListUserHierarchyGroupsInput, o ...func(*connect.Options)) (*connect.ListUserHierarchyGroupsOutput, error) {
	r.n.add("ListUserHierarchyGroups")
	return r.ConnectReader.ListUserHierarchyGroups(ctx, in, o...)
}

func (r countingReader) SearchUsers(ctx context.Context, in *connect.SearchUsersInput, o ...func(*connect.Options)) (*connect.SearchUsersOutput, error) {
	r.n.add("SearchUsers")
	return r.ConnectReader.SearchUsers(ctx, in, o...)
}

// UserDescriber is DescribeUser; *connect.Client has it.
type UserDescriber interface {
	DescribeUser(ctx context.Context, in *connect.DescribeUserInput, optFns ...func(*connect.Options)) (*connect.DescribeUserOutput, error)
}

// SnapshotReaders are what a snapshot reads with; the SDK's client is
// each of them.
type SnapshotReaders struct {
	Connect  ConnectReader
	Describe UserDescriber
	// Proficiencies, when not nil, reads the users' proficiencies the
	// way Lookup says; Limits (nil: the defaults) gives the rates that
	// choose the cheaper way.
	Proficiencies ProficiencyReader
	Lookup        ProficiencyLookup
	Limits        *Limits
	// Where, when not empty, is the part of the users to read (export
	// --where), all of its conditions holding: the server pages only those.
	Where []Where
	// NoDescribe leaves out the DescribeUser calls (the email, secondary
	// email, mobile and per-channel settings stay blank); NoHierarchy the
	// hierarchy groups' paths: for an export of columns that need neither.
	NoDescribe, NoHierarchy bool
}

// TakeSnapshot reads every user of an instance at page cost: SearchUsers
// pages of 500 carry almost everything; DescribeUser is called once per user
// only for the email, secondary email and mobile that no page holds (and
// the per-channel settings, in seconds), at its own rate (a bucket of its
// own, 10/s by default against SearchUsers' 2/s), while the next pages are
// read. The listings of routing and security profiles name their ids; a
// hierarchy group's path costs one DescribeUserHierarchyGroup per group in
// use, also while the pages are read. Proficiencies are found once the
// pages are in, while the DescribeUser calls go on (snapshot_proficiency.go).
func TakeSnapshot(ctx context.Context, r SnapshotReaders, instanceID string, prog *SnapshotProgress) (*Snapshot, error) {
	if prog == nil {
		prog = &SnapshotProgress{}
	}
	calls := &counter{}
	api := countingReader{ConnectReader: r.Connect, n: calls}
	snap := &Snapshot{groupPaths: map[string][]string{}}
	var err error
	if snap.Routing, err = listRoutingProfiles(ctx, api, instanceID); err != nil {
		return nil, err
	}
	if snap.Security, err = listSecurityProfiles(ctx, api, instanceID); err != nil {
		return nil, err
	}
	resolver := &whereResolver{routing: snap.Routing, security: snap.Security, groups: func(ctx context.Context) (*hierarchyIndex, error) {
		return newHierarchyIndex(ctx, api, instanceID)
	}}
	search, err := resolver.searchFor(ctx, r.Where)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var profs *snapshotProficiencies
	if r.Proficiencies != nil {
		profs = startProficiencies(ctx, api, countingProficiencies{r.Proficiencies, calls}, instanceID)
		profs.lookup.scope = search
	}
	var users chan<- *UserSnapshot
	describing, grouping := &sync.WaitGroup{}, &sync.WaitGroup{}
	if !r.NoDescribe {
		users, describing = startDescribers(ctx, cancel, r.Describe, instanceID, calls, prog)
	}
	var groups chan<- string
	var group func(string)
	if !r.NoHierarchy {
		groups, grouping = startGroupPaths(ctx, cancel, api, instanceID, snap)
		group = func(groupID string) { groups <- groupID }
	}
	pages := prog.Pages.Load()
	err = ScanUsersMatching(ctx, api, instanceID, search, prog, func(u *UserSnapshot) {
		snap.Users = append(snap.Users, u)
		if users != nil {
			users <- u
		}
	}, group)
	snap.Pages = prog.Pages.Load() - pages
	if groups != nil {
		close(groups)
	}
	if err == nil && profs != nil {
		err = profs.finish(ctx, snap.Users, r.Lookup, r.Limits)
	}
	if users != nil {
		close(users)
	}
	describing.Wait()
	grouping.Wait()
	if err == nil {
		err = context.Cause(ctx)
	}
	if err != nil {
		return nil, err
	}
	if profs != nil {
		profs.assign(snap)
	}
	snap.dropGone()
	calls.mu.Lock()
	snap.Calls = calls.m
	calls.mu.Unlock()
	return snap, nil
}

// startDescribers starts the DescribeUser workers: each user sent on the
// channel is described; the first error cancels the snapshot.
func startDescribers(ctx context.Context, cancel context.CancelCauseFunc, describe UserDescriber, instanceID string, calls *counter, prog *SnapshotProgress) (chan<- *UserSnapshot, *sync.WaitGroup) {
	users := make(chan *UserSnapshot, 2*searchPageSize)
	var wg sync.WaitGroup
	for range describeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range users {
				if err := describeOne(ctx, describe, instanceID, u, calls); err != nil {
					cancel(err)
				}
				prog.Described.Add(1)
			}
		}()
	}
	return users, &wg
}

// startGroupPaths starts the workers that describe each hierarchy group
// sent on the channel, for its path from the top.
func startGroupPaths(ctx context.Context, cancel context.CancelCauseFunc, api ConnectReader, instanceID string, snap *Snapshot) (chan<- string, *sync.WaitGroup) {
	groups := make(chan string, 64)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range groups {
				path, err := groupPath(ctx, api, instanceID, id)
				if err != nil {
					cancel(err)
					continue
				}
				if path != nil {
					mu.Lock()
					snap.groupPaths[id] = path
					mu.Unlock()
				}
			}
		}()
	}
	return groups, &wg
}

// dropGone leaves out the users deleted while the snapshot was taken,
// naming them in Gone.
func (snap *Snapshot) dropGone() {
	kept := snap.Users[:0]
	for _, u := range snap.Users {
		if u.gone {
			snap.Gone = append(snap.Gone, u.Username)
			continue
		}
		kept = append(kept, u)
	}
	snap.Users = kept
}

// fromSearchSummary takes what a SearchUsers page says of a user.
func fromSearchSummary(s *types.UserSearchSummary) *UserSnapshot {
	u := &UserSnapshot{
		ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Username: aws.ToString(s.Username),
		RoutingProfileID:   aws.ToString(s.RoutingProfileId),
		SecurityProfileIDs: s.SecurityProfileIds,
		HierarchyGroupID:   aws.ToString(s.HierarchyGroupId),
		Tags:               s.Tags,
		PhoneType:          string(types.PhoneTypeSoftPhone),
	}
	if ii := s.IdentityInfo; ii != nil {
		u.FirstName, u.LastName = aws.ToString(ii.FirstName), aws.ToString(ii.LastName)
	}
	if pc := s.PhoneConfig; pc != nil {
		if pc.PhoneType != "" {
			u.PhoneType = string(pc.PhoneType)
		}
		u.PhoneNumber = aws.ToString(pc.DeskPhoneNumber)
		u.AutoAccept = pc.AutoAccept
		// SearchUsers gives the after-contact-work limit in milliseconds
		// (DescribeUser in seconds); the template holds seconds.
		u.ACWSeconds = int64(pc.AfterContactWorkTimeLimit) / 1000
	}
	if s.PhoneConfig == nil {
		voiceChannel(u, s)
	}
	return u
}

// voiceChannel takes the voice channel's per-channel settings, which the
// template's phone columns mean, for a user whose page has no PhoneConfig.
// Where both forms are given, PhoneConfig is used: SearchUsers' unit for it
// (milliseconds) is the one known from real answers, while the per-channel
// ACW limit is documented in seconds with no word on SearchUsers.
func voiceChannel(u *UserSnapshot, s *types.UserSearchSummary) {
	for _, c := range s.PhoneNumberConfigs {
		if c.Channel == types.ChannelVoice {
			if c.PhoneType != "" {
				u.PhoneType = string(c.PhoneType)
			}
			u.PhoneNumber = aws.ToString(c.PhoneNumber)
		}
	}
	for _, c := range s.AutoAcceptConfigs {
		if c.Channel == types.ChannelVoice {
			u.AutoAccept = c.AutoAccept
		}
	}
	for _, c := range s.AfterContactWorkConfigs {
		if c.Channel == types.ChannelVoice && c.AfterContactWorkConfig != nil {
			u.ACWSeconds = int64(c.AfterContactWorkConfig.AfterContactWorkTimeLimit)
		}
	}
}

// describeOne reads what no page holds of a user. A user deleted since its
// page was read is marked gone, not an error.
func describeOne(ctx context.Context, api UserDescriber, instanceID string, u *UserSnapshot, calls *counter) error {
	if ctx.Err() != nil {
		return nil
	}
	calls.add("DescribeUser")
	out, err := api.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(instanceID), UserId: aws.String(u.ID)})
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		u.gone = true
		return nil
	case err != nil:
		return &PlanError{Step: fmt.Sprintf("describe user %q", u.Username), Err: err}
	}
	if out.User != nil && out.User.IdentityInfo != nil {
		ii := out.User.IdentityInfo
		u.Email, u.SecondaryEmail, u.Mobile = aws.ToString(ii.Email), aws.ToString(ii.SecondaryEmail), aws.ToString(ii.Mobile)
	}
	if out.User != nil {
		u.Channels = describedChannels(out.User)
	}
	return nil
}

// groupPath gives a hierarchy group's path from the top; nil when the
// group no longer exists.
func groupPath(ctx context.Context, api ConnectReader, instanceID, id string) ([]string, error) {
	out, err := api.DescribeUserHierarchyGroup(ctx, &connect.DescribeUserHierarchyGroupInput{
		InstanceId: aws.String(instanceID), HierarchyGroupId: aws.String(id)})
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
		return nil, nil
	case err != nil:
		return nil, &PlanError{Step: "describe user hierarchy group " + id, Err: err}
	}
	var path []string
	if g := out.HierarchyGroup; g != nil && g.HierarchyPath != nil {
		hp := g.HierarchyPath
		for _, l := range []*types.HierarchyGroupSummary{hp.LevelOne, hp.LevelTwo, hp.LevelThree, hp.LevelFour, hp.LevelFive} {
			if l == nil {
				break
			}
			path = append(path, aws.ToString(l.Name))
		}
	}
	if path == nil {
		path = []string{}
	}
	return path, nil
}
