// Package sandbox is a local emulator of the parts of the Amazon Connect
// (restJson1), Identity Store and SSO Admin (awsJson1_1) APIs that bulkagents
// uses. It speaks the real wire protocols on one HTTP handler, so that
// aws-sdk-go-v2 clients, the AWS CLI and bulkagents itself can be pointed at
// it with an endpoint URL. It validates requests the way AWS does, enforces
// the documented rate limits, and can inject faults and latency, so that an
// import can be rehearsed and tested without an AWS account.
//
// Choices where AWS's behaviour is not documented:
//   - Connect user names are unique case-sensitively (the Connect docs call
//     them case-sensitive); SearchUsers' EXACT match is case-sensitive too.
//   - Identity Store user names, emails and group display names are unique
//     case-insensitively, as SCIM (which Identity Center implements) defines
//     userName; GetUserId and GetGroupId match case-insensitively.
//   - Identity Store calls share one bucket of 20 requests/second with a
//     burst of 20; SSO Admin calls share one of 20/s, burst 20; Connect has a
//     bucket per API with a burst of 5.
//   - CreateUser without PhoneConfig (or PhoneNumberConfigs) makes a soft-phone
//     user.
//   - SearchUsers reports AfterContactWorkTimeLimit in milliseconds, as real
//     Connect does; DescribeUser reports it in seconds.
//   - Connect user names may be up to 64 characters whatever the identity
//     type; Email is accepted, not required, for SAML instances.
//   - Identity Store CreateUser requires UserName, DisplayName and
//     Name.GivenName and Name.FamilyName, and at most one email.
//   - Every bucket's rate and burst are multiplied by Options.RateScale; a
//     burst never falls below 5. Rate reports a bucket's settings.
//   - Faults (Options.ErrorRate) strike only mutating calls (Create*,
//     Delete*, Update*, Tag/Untag, Associate/Disassociate), after the rate
//     limit: half before the change, half after it.
//   - Lost answers (Options.DropRate) strike only mutating calls, after
//     they were handled, whatever the answer would have been.
//   - AddConnectUsers ignores the users quota, so that a test can seed an
//     instance of any size.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Account is the example AWS account id that every ARN of the sandbox carries.
const Account = "123456789012"

// Options configures a Sandbox.
type Options struct {
	Identity  string        // "CONNECT_MANAGED" (default), "SAML" or "EXISTING_DIRECTORY"
	RateScale float64       // multiplies every rate limit (and burst); 0 means 1
	Unlimited bool          // no rate limiting at all (for functional tests)
	ErrorRate float64       // fraction of mutating calls answered HTTP 500; half of them after the change was applied
	Latency   time.Duration // added to every call
	UserQuota int           // Connect users per instance; 0 means 500
	Region    string        // default "us-east-1"
	Seed      int64         // for the fault injection's randomness (0: random)
	// DropRate is the fraction of mutating calls that are applied, then
	// their connection closed with no answer (a lost answer, see drop.go).
	DropRate float64

	// Quotas sets Connect APIs' rates (requests per second, by operation
	// name, not scaled): both the one enforced and the one Service Quotas
	// reports (--quota CreateUser=10).
	Quotas map[string]float64
	// ServiceQuotasOff makes Service Quotas answer AccessDeniedException.
	ServiceQuotasOff bool
	// IdentityStoreThrottle400 answers Identity Store throttling as HTTP
	// 400 ThrottlingException "Rate exceeded" (seen in real traffic)
	// instead of HTTP 429 ThrottlingException.
	IdentityStoreThrottle400 bool
	// IdentityStoreUsersQuota is how many users the identity store may
	// hold (0: no limit): Identity Store CreateUser past it answers
	// ServiceQuotaExceededException.
	IdentityStoreUsersQuota int
	// IdentityStoreMembershipsQuota is how many group memberships the
	// identity store may hold (0: no limit): CreateGroupMembership past it
	// answers ServiceQuotaExceededException, which the model lists for it.
	IdentityStoreMembershipsQuota int
	// ShortLogins refuses, on a Connect-managed instance, a user login over
	// the 20 characters the Amazon Connect documentation gives (the API
	// model allows 100; which one AWS enforces is unconfirmed).
	ShortLogins bool
	// HierarchyGroupQuota is the number of hierarchy groups an instance
	// may hold; 0 means 500.
	HierarchyGroupQuota int
	// Replicated makes the instance replicated to a second Region (Global
	// Resiliency, resiliency.go), with one ACTIVE traffic distribution
	// group. Replication needs a SAML instance: Replicated with an empty
	// Identity makes it SAML, and Check refuses any other identity.
	Replicated bool
	// ListingLag makes ListUsers and SearchUsers lag writes as Connect's
	// do (--listing-lag D, lag.go): a created user is listed ListingLag
	// later, a deleted one stays listed ListingLag; DescribeUser misses a
	// user for min(ListingLag, 1s) after its creation.
	ListingLag time.Duration
}

// ConnectUser is a user of the sandbox's Connect instance.
type ConnectUser struct {
	ID                 string
	ARN                string
	Username           string
	Password           string // as sent to CreateUser; empty for SAML and directory instances
	FirstName          string
	LastName           string
	Email              string
	SecondaryEmail     string
	Mobile             string
	DirectoryUserID    string
	RoutingProfileID   string
	SecurityProfileIDs []string
	HierarchyGroupID   string
	PhoneType          string // "SOFT_PHONE" or "DESK_PHONE"
	DeskPhoneNumber    string
	AutoAccept         bool
	ACWTimeout         int32 // seconds, 0 = no limit
	Tags               map[string]string
	ChannelSettings    // per-channel settings beyond the voice ones above (proficiency.go)
}

// IdentityStoreUser is a user of the sandbox's identity store.
type IdentityStoreUser struct {
	ID          string
	UserName    string
	DisplayName string
	GivenName   string
	FamilyName  string
	Email       string
	Title       string
	UserStatus  string              // "ENABLED" (also when empty) or "DISABLED"
	Enterprise  EnterpriseExtension // the aws:identitystore:enterprise extension (identitystore_ext.go)
}

// Group is a group of the sandbox's identity store.
type Group struct {
	ID          string
	DisplayName string
	Description string // as CreateGroup was given it
}

// Membership puts an identity store user in a group.
type Membership struct {
	ID      string
	GroupID string
	UserID  string
}

// Assignment gives a user or group access to an SSO application.
type Assignment struct {
	ApplicationARN string
	PrincipalID    string
	PrincipalType  string // "USER" or "GROUP"
}

// CallCount counts the calls of one operation.
type CallCount struct {
	Sent      int // every call received
	Throttled int // answered ThrottlingException
	Failed    int // injected faults and every other error
	Dropped   int // handled, then no answer sent (DropRate, SetHang)
}

// Sandbox is the emulator: an http.Handler holding one Connect instance, one
// SSO instance with its identity store, and one SSO application for Connect.
type Sandbox struct {
	opts     Options
	identity string
	region   string
	quota    int

	instanceID    string
	instanceAlias string
	created       time.Time
	storeID       string
	ssoInstanceID string // ssoins-...
	appARN        string

	limits *limits
	// deleted: the instance was deleted (DeleteInstance); every Connect
	// call naming it answers ResourceNotFoundException.
	deleted atomic.Bool

	mu    sync.Mutex // guards everything below
	seq   int64      // creation order, for stable pagination
	calls map[string]*CallCount
	rng   *mrand.Rand
	fail  func(op, userName string) bool
	hang  func(service, op string) bool
	hold  func(service, op string) bool // SetHold
	// counted is SetCountWatch's hook.
	counted func(op string, now CallCount)

	users      map[string]*connectUser // by id
	userByName map[string]*connectUser
	userOrder  []*connectUser // by seq
	ghosts     []ghostUser    // deleted users the listings still show (lag.go)
	// clock, when set (by a test, before serving), is the time calls are
	// answered at; nil: the wall clock.
	clock       atomic.Pointer[func() time.Time]
	shortLogins bool // Options.ShortLogins
	routing     []*namedResource
	security    []*namedResource
	levels      []*hierarchyLevel
	hierarchy   []*hierarchyGroup
	isUsers     map[string]*isUser
	isUserOrder []*isUser
	groups      map[string]*isGroup
	groupOrder  []*isGroup
	members     []*isMembership
	assignments []*assignment
	attributes  map[string]*predefinedAttribute // by name (proficiency.go)
	quick       quickConnects                   // see quickconnect.go
	tdg         *trafficGroup                   // a replicated instance's (resiliency.go)

	server   *http.Server
	listener net.Listener
	active   atomic.Int64 // requests being served, for Close
	dropped  atomic.Int64 // answers lost on purpose (drop.go)
	held     atomic.Int64 // calls held before handling (SetHold)
	url      string
	done     chan struct{}
	stopOnce sync.Once
	stopErr  error
}

type connectUser struct {
	ConnectUser
	seq      int64
	modified time.Time
	// created is when CreateUser made the user (zero for seeded users),
	// for the listing lag (lag.go).
	created time.Time
}

type namedResource struct {
	id, arn, name string
	modified      time.Time
}

type hierarchyLevel struct {
	id, arn, name string
}

type hierarchyGroup struct {
	id, arn, name string
	level         int // 1..5
	levelID       string
	parent        *hierarchyGroup
	modified      time.Time
}

type isUser struct {
	IdentityStoreUser
	seq     int64
	created time.Time
}

type isGroup struct {
	Group
	seq     int64
	created time.Time
}

type isMembership struct {
	Membership
	seq     int64
	created time.Time
}

type assignment struct {
	Assignment
	seq int64
}

// New returns a seeded sandbox that is not listening: serve it with
// ServeHTTP (for example through httptest.NewServer) or use Start.
func New(opts Options) *Sandbox {
	if opts.RateScale <= 0 {
		opts.RateScale = 1
	}
	s := &Sandbox{
		opts:          opts,
		identity:      "CONNECT_MANAGED",
		region:        "us-east-1",
		quota:         500,
		instanceID:    newUUID(),
		instanceAlias: "sandbox-contact-centre",
		created:       time.Now().UTC().Truncate(time.Second),
		storeID:       "d-" + randomHex(10),
		ssoInstanceID: "ssoins-" + randomHex(16),
		calls:         map[string]*CallCount{},
		users:         map[string]*connectUser{},
		userByName:    map[string]*connectUser{},
		isUsers:       map[string]*isUser{},
		groups:        map[string]*isGroup{},
		done:          make(chan struct{}),
	}
	switch strings.ToUpper(opts.Identity) {
	case "SAML":
		s.identity = "SAML"
	case "EXISTING_DIRECTORY":
		s.identity = "EXISTING_DIRECTORY"
	}
	if opts.Region != "" {
		s.region = opts.Region
	}
	s.seedReplication()
	if opts.UserQuota > 0 {
		s.quota = opts.UserQuota
	}
	s.shortLogins = opts.ShortLogins
	seed := uint64(opts.Seed)
	if seed == 0 {
		seed = mrand.Uint64()
	}
	s.rng = mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s.appARN = fmt.Sprintf("arn:aws:sso::%s:application/%s/apl-%s", Account, s.ssoInstanceID, randomHex(16))
	s.limits = newLimits(opts)
	s.seed()
	return s
}

// seed creates what a fresh Connect instance (and its Identity Center) has.
func (s *Sandbox) seed() {
	s.AddRoutingProfile("Basic Routing Profile")
	s.AddRoutingProfile("Sales Routing Profile")
	s.AddRoutingProfile("Support Routing Profile")
	admin := s.AddSecurityProfile("Admin")
	s.AddSecurityProfile("Agent")
	s.AddSecurityProfile("CallCenterManager")
	s.AddSecurityProfile("QualityAnalyst")
	s.seedLevels()
	s.AddHierarchyGroup("Example Corp", "Support", "Tier 1")
	s.AddHierarchyGroup("Example Corp", "Support", "Tier 2")
	s.AddHierarchyGroup("Example Corp", "Sales")
	s.seedAttributes()
	u := ConnectUser{
		Username:           "admin",
		FirstName:          "Admin",
		LastName:           "User",
		RoutingProfileID:   s.routing[0].id,
		SecurityProfileIDs: []string{admin},
		PhoneType:          "SOFT_PHONE",
	}
	if s.identity == "CONNECT_MANAGED" {
		u.Password = "Sandbox-" + randomHex(8) + "A1"
	}
	// Cannot fail: the references were created just above.
	_ = s.AddConnectUsers(u)
}

// Start listens on addr ("127.0.0.1:0" for any free port) and serves a new
// sandbox until Close is called or ctx is done.
func Start(ctx context.Context, addr string, opts Options) (*Sandbox, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	s := New(opts)
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	s.listener = ln
	s.url = "http://" + ln.Addr().String()
	if ta, ok := ln.Addr().(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		// Listening on every interface (0.0.0.0, ::): the address to give
		// a client is the loopback one, which works from this machine.
		s.url = "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(ta.Port))
	}
	s.server = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.active.Add(1)
		defer s.active.Add(-1)
		s.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		// Serve returns http.ErrServerClosed after Close; nothing to report.
		_ = s.server.Serve(ln)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// URL is the sandbox's endpoint ("http://127.0.0.1:PORT") once started.
func (s *Sandbox) URL() string { return s.url }

// Close stops a started sandbox. It is safe to call more than once.
func (s *Sandbox) Close() error {
	s.stopOnce.Do(func() {
		close(s.done)
		if s.server == nil {
			return
		}
		// Let the calls in flight finish (for up to 2 s), then drop every
		// connection. Server.Shutdown would also wait for connections that
		// were opened but never sent a request, which clients keep around.
		if err := s.listener.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			s.stopErr = fmt.Errorf("stopping the sandbox: %w", err)
		}
		for deadline := time.Now().Add(2 * time.Second); s.active.Load() > 0 && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		_ = s.server.Close()
	})
	return s.stopErr
}

// Done is closed once the sandbox begins to stop: Close was called, or the
// context given to Start ended.
func (s *Sandbox) Done() <-chan struct{} { return s.done }

// InstanceID is the Connect instance's id (a UUID).
func (s *Sandbox) InstanceID() string { return s.instanceID }

// InstanceARN is the Connect instance's ARN.
func (s *Sandbox) InstanceARN() string {
	return fmt.Sprintf("arn:aws:connect:%s:%s:instance/%s", s.region, Account, s.instanceID)
}

// InstanceAlias is the instance's alias; its access URL is
// https://ALIAS.my.connect.aws/.
func (s *Sandbox) InstanceAlias() string { return s.instanceAlias }

// IdentityStoreID is the identity store's id ("d-" and ten hex digits).
func (s *Sandbox) IdentityStoreID() string { return s.storeID }

// SSOInstanceARN is the IAM Identity Center instance's ARN.
func (s *Sandbox) SSOInstanceARN() string { return "arn:aws:sso:::instance/" + s.ssoInstanceID }

// ConnectApplicationARN is the ARN of the seeded "Amazon Connect" SSO application.
func (s *Sandbox) ConnectApplicationARN() string { return s.appARN }

// Identity is the instance's identity management type.
func (s *Sandbox) Identity() string { return s.identity }

func (s *Sandbox) arn(kind, id string) string {
	return fmt.Sprintf("%s/%s/%s", s.InstanceARN(), kind, id)
}

func (s *Sandbox) nextSeq() int64 {
	s.seq++
	return s.seq
}

// AddRoutingProfile adds a routing profile and returns its id.
func (s *Sandbox) AddRoutingProfile(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := newUUID()
	s.routing = append(s.routing, &namedResource{id: id, arn: s.arn("routing-profile", id), name: name, modified: time.Now()})
	return id
}

// AddSecurityProfile adds a security profile and returns its id.
func (s *Sandbox) AddSecurityProfile(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := newUUID()
	s.security = append(s.security, &namedResource{id: id, arn: s.arn("security-profile", id), name: name, modified: time.Now()})
	return id
}

// AddHierarchyGroup creates the groups of path (top level first) that do not
// exist yet, and the levels they need, and returns the last group's id.
// Groups are matched by name under their parent, so one name may appear under
// two parents. At most five levels are kept: deeper names are ignored.
func (s *Sandbox) AddHierarchyGroup(path ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parent *hierarchyGroup
	for i, name := range path {
		if i >= 5 {
			break
		}
		for len(s.levels) <= i {
			id := newUUID()
			s.levels = append(s.levels, &hierarchyLevel{id: id, arn: s.arn("agent-group-level", id), name: levelNames[len(s.levels)]})
		}
		var found *hierarchyGroup
		for _, g := range s.hierarchy {
			if g.parent == parent && g.name == name {
				found = g
				break
			}
		}
		if found == nil {
			id := newUUID()
			found = &hierarchyGroup{id: id, arn: s.arn("agent-group", id), name: name, level: i + 1, levelID: s.levels[i].id, parent: parent, modified: time.Now()}
			s.hierarchy = append(s.hierarchy, found)
		}
		parent = found
	}
	if parent == nil {
		return ""
	}
	return parent.id
}

var levelNames = [5]string{"Organisation", "Department", "Team", "Level four", "Level five"}

// AddConnectUsers adds users directly, without validation of their fields,
// rate limits or the users quota (a fast seed of, say, 20,000 users). Empty
// ids are generated; an empty routing profile or security profile list gets
// the first routing profile and the "Agent" security profile. A taken user
// name or an unknown profile or group id is an error, and then nothing is added.
func (s *Sandbox) AddConnectUsers(users ...ConnectUser) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := map[string]bool{}
	prepared := make([]*connectUser, 0, len(users))
	for _, u := range users {
		if u.Username == "" {
			return errors.New("adding connect users: empty user name")
		}
		if s.userByName[u.Username] != nil || names[u.Username] {
			return fmt.Errorf("adding connect users: user name %q is taken", u.Username)
		}
		names[u.Username] = true
		if u.ID == "" {
			u.ID = newUUID()
		}
		if s.users[u.ID] != nil {
			return fmt.Errorf("adding connect users: id %q is taken", u.ID)
		}
		u.ARN = s.arn("agent", u.ID)
		if u.RoutingProfileID == "" && len(s.routing) > 0 {
			u.RoutingProfileID = s.routing[0].id
		}
		if findNamed(s.routing, u.RoutingProfileID) == nil {
			return fmt.Errorf("adding connect user %q: routing profile %q not found", u.Username, u.RoutingProfileID)
		}
		if len(u.SecurityProfileIDs) == 0 {
			for _, p := range s.security {
				if p.name == "Agent" {
					u.SecurityProfileIDs = []string{p.id}
				}
			}
		}
		u.SecurityProfileIDs = append([]string(nil), u.SecurityProfileIDs...)
		for _, id := range u.SecurityProfileIDs {
			if findNamed(s.security, id) == nil {
				return fmt.Errorf("adding connect user %q: security profile %q not found", u.Username, id)
			}
		}
		if u.HierarchyGroupID != "" && s.findHierarchyGroup(u.HierarchyGroupID) == nil {
			return fmt.Errorf("adding connect user %q: hierarchy group %q not found", u.Username, u.HierarchyGroupID)
		}
		if u.PhoneType == "" {
			u.PhoneType = "SOFT_PHONE"
		}
		u.Tags = copyTags(u.Tags)
		prepared = append(prepared, &connectUser{ConnectUser: u, modified: time.Now()})
	}
	for _, u := range prepared {
		s.insertConnectUser(u)
	}
	return nil
}

func (s *Sandbox) insertConnectUser(u *connectUser) {
	u.seq = s.nextSeq()
	s.users[u.ID] = u
	s.userByName[u.Username] = u
	s.userOrder = append(s.userOrder, u)
}

// AddIdentityStoreUser adds a user to the identity store, with the same
// uniqueness rules as CreateUser, and returns its id.
func (s *Sandbox) AddIdentityStoreUser(u IdentityStoreUser) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UserName == "" {
		return "", errors.New("adding identity store user: empty user name")
	}
	if e := s.isUniqueUser(u.UserName, u.Email); e != nil {
		return "", fmt.Errorf("adding identity store user %q: %s", u.UserName, e.message)
	}
	return s.insertIdentityStoreUser(u), nil
}

func (s *Sandbox) insertIdentityStoreUser(u IdentityStoreUser) string {
	u.ID = s.newResourceID()
	rec := &isUser{IdentityStoreUser: u, seq: s.nextSeq(), created: time.Now()}
	s.isUsers[u.ID] = rec
	s.isUserOrder = append(s.isUserOrder, rec)
	return u.ID
}

// AddGroup adds a group to the identity store and returns its id.
func (s *Sandbox) AddGroup(displayName string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if displayName == "" {
		return "", errors.New("adding group: empty display name")
	}
	if s.groupByName(displayName) != nil {
		return "", fmt.Errorf("adding group %q: a group with that display name exists", displayName)
	}
	return s.insertGroup(displayName), nil
}

func (s *Sandbox) insertGroup(displayName string) string {
	g := &isGroup{Group: Group{ID: s.newResourceID(), DisplayName: displayName}, seq: s.nextSeq(), created: time.Now()}
	s.groups[g.ID] = g
	s.groupOrder = append(s.groupOrder, g)
	return g.ID
}

// newResourceID makes an identity store id: the store id's hex digits, a
// dash and a UUID, as stores created since 2020 have.
func (s *Sandbox) newResourceID() string {
	return strings.TrimPrefix(s.storeID, "d-") + "-" + newUUID()
}

// ConnectUsers returns every Connect user, sorted by user name.
func (s *Sandbox) ConnectUsers() []ConnectUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ConnectUser, 0, len(s.userOrder))
	for _, u := range s.userOrder {
		c := u.ConnectUser
		c.SecurityProfileIDs = append([]string(nil), c.SecurityProfileIDs...)
		c.Tags = copyTags(c.Tags)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out
}

// IdentityStoreUsers returns every identity store user, sorted by user name.
func (s *Sandbox) IdentityStoreUsers() []IdentityStoreUser {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]IdentityStoreUser, 0, len(s.isUserOrder))
	for _, u := range s.isUserOrder {
		out = append(out, u.IdentityStoreUser)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UserName < out[j].UserName })
	return out
}

// Groups returns every identity store group, sorted by display name.
func (s *Sandbox) Groups() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Group, 0, len(s.groupOrder))
	for _, g := range s.groupOrder {
		out = append(out, g.Group)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DisplayName < out[j].DisplayName })
	return out
}

// Memberships returns every group membership, in creation order.
func (s *Sandbox) Memberships() []Membership {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Membership, 0, len(s.members))
	for _, m := range s.members {
		out = append(out, m.Membership)
	}
	return out
}

// ApplicationAssignments returns every SSO application assignment, in
// creation order.
func (s *Sandbox) ApplicationAssignments() []Assignment {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Assignment, 0, len(s.assignments))
	for _, a := range s.assignments {
		out = append(out, a.Assignment)
	}
	return out
}

// Calls returns the call counts per operation, keyed "Connect.CreateUser",
// "IdentityStore.CreateUser", "SSOAdmin.ListInstances" and so on.
func (s *Sandbox) Calls() map[string]CallCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]CallCount, len(s.calls))
	for k, v := range s.calls {
		out[k] = *v
	}
	return out
}

// ResetCalls sets every call count back to zero.
func (s *Sandbox) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]*CallCount{}
}

// SetFailIdentityStore makes the Identity Store calls for which f returns
// true fail with InternalServerException before changing anything. op is
// the operation's name ("CreateUser", "CreateGroupMembership", ...) and
// userName the user name the call is about ("" when it is about none).
// nil removes the hook.
func (s *Sandbox) SetFailIdentityStore(f func(op string, userName string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = f
}

func findNamed(list []*namedResource, id string) *namedResource {
	for _, r := range list {
		if r.id == id {
			return r
		}
	}
	return nil
}

func (s *Sandbox) findHierarchyGroup(id string) *hierarchyGroup {
	for _, g := range s.hierarchy {
		if g.id == id {
			return g
		}
	}
	return nil
}

func copyTags(t map[string]string) map[string]string {
	if len(t) == 0 {
		return nil
	}
	out := make(map[string]string, len(t))
	for k, v := range t {
		out[k] = v
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)[:n]
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
