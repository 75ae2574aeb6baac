package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Global Resiliency: a replicated instance (DescribeInstance's
// ReplicationConfiguration) and its traffic distribution group, which
// agents are associated with (restJson1, routes as the SDK's serializers
// send them).
//
// Choices where AWS's behaviour is not documented:
//   - Replication needs a SAML instance (the AWS guide's requirement):
//     Options.Check refuses Replicated with another identity.
//   - The replica Region is us-west-2 (us-east-1 when the instance is in
//     us-west-2); the global sign-in endpoint is
//     https://ALIAS.global.my.connect.aws/ (what AWS answers is an opaque
//     URL; clients must take it from DescribeInstance, never build it).
//   - The seeded group is not the default one (IsDefault false), so agents
//     may be associated with it.
//   - Associating a user already associated succeeds and changes nothing;
//     disassociating a user that is not associated is
//     ResourceNotFoundException. Both answer ResourceConflictException
//     when the group is not ACTIVE, and ResourceNotFoundException for a
//     user the instance lacks or an instance that is not the group's.
//   - UserId may be the user's id or ARN, and is listed as its id.
//   - DeleteUser leaves the user's association in place (as it leaves its
//     quick connects): a client must disassociate first.
//   - ListTrafficDistributionGroupUsers answers 10 users a page unless
//     maxResults (1 to 10) asks fewer.
func init() {
	registerConnect("DescribeTrafficDistributionGroup", "GET", "traffic-distribution-group", 2, operation{handle: connectDescribeTrafficDistributionGroup})
	registerConnect("AssociateTrafficDistributionGroupUser", "PUT", "traffic-distribution-group", 3, operation{handle: connectAssociateTrafficDistributionGroupUser, mutating: true})
	registerConnect("DisassociateTrafficDistributionGroupUser", "DELETE", "traffic-distribution-group", 3, operation{handle: connectDisassociateTrafficDistributionGroupUser, mutating: true})
	registerConnect("ListTrafficDistributionGroupUsers", "GET", "traffic-distribution-group", 3, operation{handle: connectListTrafficDistributionGroupUsers})
}

// The model's TrafficDistributionGroupIdOrArn.
var tdgIDPattern = regexp.MustCompile(`^(arn:(aws|aws-us-gov):connect:[a-z]{2}-[a-z-]+-[0-9]{1}:[0-9]{1,20}:traffic-distribution-group/)?[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)

// TrafficDistributionGroupStatuses are the model's statuses of a group.
var TrafficDistributionGroupStatuses = []string{"CREATION_IN_PROGRESS", "ACTIVE", "CREATION_FAILED", "PENDING_DELETION", "DELETION_FAILED", "UPDATE_IN_PROGRESS"}

// trafficGroup is the replicated instance's traffic distribution group;
// the Sandbox's mu guards it.
type trafficGroup struct {
	id, arn, name, status string
	users                 []tdgUser // in association order
}

type tdgUser struct {
	id  string
	seq int64
}

// Check reports options that cannot describe an instance.
func (o Options) Check() error {
	if o.Replicated {
		switch strings.ToUpper(o.Identity) {
		case "", "SAML":
		default:
			return errors.New("a replicated instance (Global Resiliency) needs SAML identity management, not " + o.Identity)
		}
	}
	return nil
}

func (s *Sandbox) seedReplication() {
	if !s.opts.Replicated {
		return
	}
	s.identity = "SAML"
	id := newUUID()
	s.tdg = &trafficGroup{id: id, arn: fmt.Sprintf("arn:aws:connect:%s:%s:traffic-distribution-group/%s", s.region, Account, id),
		name: "sandbox-agents", status: "ACTIVE"}
}

// Replicated says whether the instance is replicated (Options.Replicated).
func (s *Sandbox) Replicated() bool { return s.tdg != nil }

// GlobalSignInEndpoint is the replicated instance's global sign-in URL, ""
// when it is not replicated.
func (s *Sandbox) GlobalSignInEndpoint() string {
	if s.tdg == nil {
		return ""
	}
	return "https://" + s.instanceAlias + ".global.my.connect.aws/"
}

func (s *Sandbox) replicaRegion() string {
	if s.region == "us-west-2" {
		return "us-east-1"
	}
	return "us-west-2"
}

// replicationJSON is DescribeInstance's ReplicationConfiguration, nil for
// an instance that is not replicated.
func (s *Sandbox) replicationJSON() map[string]any {
	if s.tdg == nil {
		return nil
	}
	return map[string]any{
		"ReplicationStatusSummaryList": []map[string]any{
			{"Region": s.region, "ReplicationStatus": "INSTANCE_REPLICATION_COMPLETE"},
			{"Region": s.replicaRegion(), "ReplicationStatus": "INSTANCE_REPLICATION_COMPLETE"},
		},
		"SourceRegion":         s.region,
		"GlobalSignInEndpoint": s.GlobalSignInEndpoint(),
	}
}

// TrafficDistributionGroupID is the seeded group's id ("" when the
// instance is not replicated); TrafficDistributionGroupARN its ARN.
func (s *Sandbox) TrafficDistributionGroupID() string {
	if s.tdg == nil {
		return ""
	}
	return s.tdg.id
}

// TrafficDistributionGroupARN is the seeded group's ARN.
func (s *Sandbox) TrafficDistributionGroupARN() string {
	if s.tdg == nil {
		return ""
	}
	return s.tdg.arn
}

// SetTrafficDistributionGroupStatus sets the seeded group's status (one of
// TrafficDistributionGroupStatuses), so that a test can make it not ACTIVE.
func (s *Sandbox) SetTrafficDistributionGroupStatus(status string) error {
	if !slices.Contains(TrafficDistributionGroupStatuses, status) {
		return fmt.Errorf("setting the traffic distribution group's status: %q is not one of %s", status, strings.Join(TrafficDistributionGroupStatuses, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tdg == nil {
		return errors.New("setting the traffic distribution group's status: the instance is not replicated")
	}
	s.tdg.status = status
	return nil
}

// TrafficDistributionGroupUsers returns the ids of the users associated
// with the seeded group, in association order.
func (s *Sandbox) TrafficDistributionGroupUsers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tdg == nil {
		return nil
	}
	out := make([]string, 0, len(s.tdg.users))
	for _, u := range s.tdg.users {
		out = append(out, u.id)
	}
	return out
}

// group finds the group a path's id or ARN names.
func (c *call) trafficGroup(idOrARN string) (*trafficGroup, *apiError) {
	if !tdgIDPattern.MatchString(idOrARN) {
		return nil, invalidRequest("1 validation error detected: Value '" + idOrARN + "' at 'trafficDistributionGroupId' failed to satisfy constraint: Member must satisfy regular expression pattern: " + tdgIDPattern.String())
	}
	g := c.s.tdg
	if g == nil || (idOrARN != g.id && idOrARN != g.arn) {
		return nil, notFound("Traffic distribution group", idOrARN)
	}
	return g, nil
}

func connectDescribeTrafficDistributionGroup(c *call) (any, *apiError) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g, e := c.trafficGroup(c.args[0])
	if e != nil {
		return nil, e
	}
	return map[string]any{"TrafficDistributionGroup": map[string]any{
		"Id": g.id, "Arn": g.arn, "Name": g.name, "Status": g.status,
		"InstanceArn": c.s.InstanceARN(), "IsDefault": false,
	}}, nil
}

// tdgUserRequest checks an association's group, instance and user, and
// returns the group and the user's id.
func (c *call) tdgUserRequest(userID, instanceID string) (*trafficGroup, string, *apiError) {
	g, e := c.trafficGroup(c.args[0])
	if e != nil {
		return nil, "", e
	}
	switch {
	case userID == "":
		return nil, "", invalidRequest("UserId is required")
	case instanceID == "":
		return nil, "", invalidRequest("InstanceId is required")
	case len(instanceID) > 100:
		return nil, "", invalidRequest("InstanceId must be at most 100 characters")
	}
	if instanceID != c.s.instanceID && instanceID != c.s.InstanceARN() || c.s.deleted.Load() {
		return nil, "", notFound("Instance", instanceID)
	}
	u := c.s.users[userID]
	if u == nil {
		for _, x := range c.s.users {
			if x.ARN == userID {
				u = x
			}
		}
	}
	if u == nil {
		return nil, "", notFound("User", userID)
	}
	if g.status != "ACTIVE" {
		return nil, "", &apiError{status: http.StatusConflict, code: "ResourceConflictException",
			message: "The traffic distribution group is " + g.status + ": users can be associated or disassociated only while it is ACTIVE"}
	}
	return g, u.ID, nil
}

func connectAssociateTrafficDistributionGroupUser(c *call) (any, *apiError) {
	var in struct {
		UserId     string
		InstanceId string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g, id, e := c.tdgUserRequest(in.UserId, in.InstanceId)
	if e != nil {
		return nil, e
	}
	if !slices.ContainsFunc(g.users, func(u tdgUser) bool { return u.id == id }) {
		g.users = append(g.users, tdgUser{id: id, seq: c.s.nextSeq()})
	}
	return nil, nil
}

func connectDisassociateTrafficDistributionGroupUser(c *call) (any, *apiError) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g, id, e := c.tdgUserRequest(c.query.Get("UserId"), c.query.Get("InstanceId"))
	if e != nil {
		return nil, e
	}
	i := slices.IndexFunc(g.users, func(u tdgUser) bool { return u.id == id })
	if i < 0 {
		return nil, notFound("Association of user "+id+" with traffic distribution group", g.id)
	}
	g.users = slices.Delete(g.users, i, i+1)
	return nil, nil
}

func connectListTrafficDistributionGroupUsers(c *call) (any, *apiError) {
	max, e := c.queryMaxResults(10, 1, 10)
	if e != nil {
		return nil, invalidRequest(e.message)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g, e := c.trafficGroup(c.args[0])
	if e != nil {
		return nil, e
	}
	got, next, e := page(c, g.users, func(u tdgUser) int64 { return u.seq }, c.query.Get("nextToken"), max)
	if e != nil {
		return nil, invalidRequest(e.message)
	}
	out := make([]map[string]any, 0, len(got))
	for _, u := range got {
		out = append(out, map[string]any{"UserId": u.id})
	}
	return map[string]any{"TrafficDistributionGroupUserSummaryList": out, "NextToken": next}, nil
}
