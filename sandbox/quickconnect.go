package sandbox

import (
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// Quick connects (restJson1, routes as the SDK's serializers send them) and
// the Identity Store's membership removal, for remove.
//
// Choices where AWS's behaviour is not documented:
//   - DeleteUser leaves the user's quick connects in place, pointing at the
//     deleted user's id, as Connect does (they are orphaned).
//   - Quick connect names are unique per instance, case-sensitively
//     (DuplicateResourceException); an instance holds at most 100 (the
//     default "Quick connects per instance" quota: LimitExceededException).
//   - A USER or FLOW quick connect's ContactFlowId is not checked against
//     flows (the sandbox has none); its UserId must be a user of the instance
//     (ResourceNotFoundException). The sandbox has no queues, so a QUEUE
//     quick connect's queue is never found.
//   - ListGroupMembershipsForMember of a user that does not exist answers
//     ResourceNotFoundException, as IsMemberInGroups does.
//   - ListApplicationAssignmentsForPrincipal of another SSO instance is
//     AccessDeniedException, as ListApplications is; it lists only the
//     principal's own assignments (a user's group's are the group's).
func init() {
	registerConnect("CreateQuickConnect", "PUT", "quick-connects", 2, operation{handle: connectCreateQuickConnect, mutating: true})
	registerConnect("ListQuickConnects", "GET", "quick-connects", 2, operation{handle: connectListQuickConnects})
	registerConnect("DescribeQuickConnect", "GET", "quick-connects", 3, operation{handle: connectDescribeQuickConnect})
	registerConnect("DeleteQuickConnect", "DELETE", "quick-connects", 3, operation{handle: connectDeleteQuickConnect, mutating: true})
	identityStoreOps["DeleteGroupMembership"] = operation{handle: isDeleteGroupMembership, mutating: true}
	identityStoreOps["ListGroupMembershipsForMember"] = operation{handle: isListGroupMembershipsForMember}
	ssoAdminOps["ListApplicationAssignmentsForPrincipal"] = operation{handle: ssoListApplicationAssignmentsForPrincipal}
}

// quickConnectQuota is the default number of quick connects per instance.
const quickConnectQuota = 100

// QuickConnect is a quick connect of the sandbox's instance.
type QuickConnect struct {
	ID, ARN, Name, Description string
	Type                       string // USER, QUEUE, PHONE_NUMBER or FLOW
	UserID, ContactFlowID      string // USER; FLOW has a ContactFlowID
	PhoneNumber                string // PHONE_NUMBER
}

type quickConnect struct {
	QuickConnect
	seq      int64
	modified time.Time
}

// quickConnects are the instance's quick connects, in creation order; the
// Sandbox's mu guards them.
type quickConnects struct {
	order []*quickConnect
}

func (q *quickConnects) byID(id string) *quickConnect {
	for _, x := range q.order {
		if x.ID == id {
			return x
		}
	}
	return nil
}

// QuickConnects returns the instance's quick connects in creation order.
func (s *Sandbox) QuickConnects() []QuickConnect {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]QuickConnect, 0, len(s.quick.order))
	for _, x := range s.quick.order {
		out = append(out, x.QuickConnect)
	}
	return out
}

// quickConnectTypes is QuickConnectType's enum (botocore 1.43), in its order.
var quickConnectTypes = []string{"USER", "QUEUE", "PHONE_NUMBER", "FLOW"}

const quickConnectTypesEnum = "[USER, QUEUE, PHONE_NUMBER, FLOW]"

type quickConnectConfigJSON struct {
	QuickConnectType string
	UserConfig       *struct {
		UserId        string
		ContactFlowId string
	} `json:",omitempty"`
	QueueConfig *struct {
		QueueId       string
		ContactFlowId string
	} `json:",omitempty"`
	PhoneConfig *struct {
		PhoneNumber string
	} `json:",omitempty"`
	FlowConfig *struct {
		ContactFlowId string
	} `json:",omitempty"`
}

func connectCreateQuickConnect(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	var in struct {
		Name               *string
		Description        *string
		QuickConnectConfig *quickConnectConfigJSON
		Tags               map[string]string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	switch {
	case in.Name == nil:
		return nil, invalidParameter("Name is required")
	case utf8.RuneCountInString(*in.Name) < 1 || utf8.RuneCountInString(*in.Name) > 127:
		return nil, invalidParameter("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and 127")
	case in.Description != nil && (utf8.RuneCountInString(*in.Description) < 1 || utf8.RuneCountInString(*in.Description) > 250):
		return nil, invalidParameter("1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length between 1 and 250")
	case in.QuickConnectConfig == nil:
		return nil, invalidParameter("QuickConnectConfig is required")
	case !slices.Contains(quickConnectTypes, in.QuickConnectConfig.QuickConnectType):
		return nil, invalidParameter("1 validation error detected: Value '" + in.QuickConnectConfig.QuickConnectType +
			"' at 'quickConnectConfig.quickConnectType' failed to satisfy constraint: Member must satisfy enum value set: " + quickConnectTypesEnum)
	}
	cfg := in.QuickConnectConfig
	qc := QuickConnect{Name: *in.Name, Type: cfg.QuickConnectType}
	if in.Description != nil {
		qc.Description = *in.Description
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	switch cfg.QuickConnectType {
	case "USER":
		if cfg.UserConfig == nil || cfg.UserConfig.UserId == "" || cfg.UserConfig.ContactFlowId == "" {
			return nil, invalidParameter("UserConfig with UserId and ContactFlowId is required for a quick connect of type USER")
		}
		if len(cfg.UserConfig.ContactFlowId) > 500 {
			return nil, invalidParameter("1 validation error detected: Value at 'quickConnectConfig.userConfig.contactFlowId' failed to satisfy constraint: Member must have length less than or equal to 500")
		}
		if c.s.users[cfg.UserConfig.UserId] == nil {
			return nil, notFound("User", cfg.UserConfig.UserId)
		}
		qc.UserID, qc.ContactFlowID = cfg.UserConfig.UserId, cfg.UserConfig.ContactFlowId
	case "QUEUE":
		if cfg.QueueConfig == nil || cfg.QueueConfig.QueueId == "" || cfg.QueueConfig.ContactFlowId == "" {
			return nil, invalidParameter("QueueConfig with QueueId and ContactFlowId is required for a quick connect of type QUEUE")
		}
		return nil, notFound("Queue", cfg.QueueConfig.QueueId)
	case "PHONE_NUMBER":
		if cfg.PhoneConfig == nil || !e164Pattern.MatchString(cfg.PhoneConfig.PhoneNumber) {
			return nil, invalidParameter("PhoneConfig with a PhoneNumber in E.164 format is required for a quick connect of type PHONE_NUMBER")
		}
		qc.PhoneNumber = cfg.PhoneConfig.PhoneNumber
	case "FLOW":
		if cfg.FlowConfig == nil || cfg.FlowConfig.ContactFlowId == "" {
			return nil, invalidParameter("FlowConfig with ContactFlowId is required for a quick connect of type FLOW")
		}
		if len(cfg.FlowConfig.ContactFlowId) > 500 {
			return nil, invalidParameter("1 validation error detected: Value at 'quickConnectConfig.flowConfig.contactFlowId' failed to satisfy constraint: Member must have length less than or equal to 500")
		}
		qc.ContactFlowID = cfg.FlowConfig.ContactFlowId
	}
	for _, x := range c.s.quick.order {
		if x.Name == qc.Name {
			return nil, &apiError{status: http.StatusConflict, code: "DuplicateResourceException", message: "A quick connect with name " + qc.Name + " already exists"}
		}
	}
	if len(c.s.quick.order) >= quickConnectQuota {
		return nil, &apiError{status: http.StatusTooManyRequests, code: "LimitExceededException", message: "The limit of quick connects per instance has been exceeded"}
	}
	qc.ID = newUUID()
	qc.ARN = c.s.arn("transfer-destination", qc.ID)
	c.s.quick.order = append(c.s.quick.order, &quickConnect{QuickConnect: qc, seq: c.s.nextSeq(), modified: c.now})
	return map[string]any{"QuickConnectId": qc.ID, "QuickConnectARN": qc.ARN}, nil
}

func connectListQuickConnects(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	max, e := c.queryMaxResults(100, 1, 1000)
	if e != nil {
		return nil, e
	}
	types := c.query["QuickConnectTypes"]
	if len(types) > len(quickConnectTypes) {
		return nil, invalidParameter("1 validation error detected: Value at 'quickConnectTypes' failed to satisfy constraint: Member must have length less than or equal to 4")
	}
	for _, t := range types {
		if !slices.Contains(quickConnectTypes, t) {
			return nil, invalidParameter("1 validation error detected: Value '" + t + "' at 'quickConnectTypes' failed to satisfy constraint: Member must satisfy enum value set: " + quickConnectTypesEnum)
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var found []*quickConnect
	for _, x := range c.s.quick.order {
		if len(types) == 0 || slices.Contains(types, x.Type) {
			found = append(found, x)
		}
	}
	got, next, e := page(c, found, func(x *quickConnect) int64 { return x.seq }, c.query.Get("nextToken"), max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(got))
	for _, x := range got {
		out = append(out, map[string]any{"Id": x.ID, "Arn": x.ARN, "Name": x.Name, "QuickConnectType": x.Type,
			"LastModifiedTime": epoch(x.modified), "LastModifiedRegion": c.s.region})
	}
	return map[string]any{"QuickConnectSummaryList": out, "NextToken": next}, nil
}

func connectDescribeQuickConnect(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	x := c.s.quick.byID(c.args[1])
	if x == nil {
		return nil, notFound("QuickConnect", c.args[1])
	}
	cfg := map[string]any{"QuickConnectType": x.Type}
	switch x.Type {
	case "USER":
		cfg["UserConfig"] = map[string]any{"UserId": x.UserID, "ContactFlowId": x.ContactFlowID}
	case "PHONE_NUMBER":
		cfg["PhoneConfig"] = map[string]any{"PhoneNumber": x.PhoneNumber}
	case "FLOW":
		cfg["FlowConfig"] = map[string]any{"ContactFlowId": x.ContactFlowID}
	}
	return map[string]any{"QuickConnect": map[string]any{
		"QuickConnectId": x.ID, "QuickConnectARN": x.ARN, "Name": x.Name, "Description": strp(x.Description),
		"QuickConnectConfig": cfg, "Tags": map[string]string{},
		"LastModifiedTime": epoch(x.modified), "LastModifiedRegion": c.s.region,
	}}, nil
}

func connectDeleteQuickConnect(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	x := c.s.quick.byID(c.args[1])
	if x == nil {
		return nil, notFound("QuickConnect", c.args[1])
	}
	c.s.quick.order = slices.DeleteFunc(c.s.quick.order, func(y *quickConnect) bool { return y == x })
	return nil, nil
}

func isDeleteGroupMembership(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		MembershipId    string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if in.MembershipId == "" {
		return nil, validation("MembershipId is required")
	}
	if e := checkPattern("membershipId", in.MembershipId, isResourceIDPattern); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	var userID string
	for _, m := range c.s.members {
		if m.ID == in.MembershipId {
			userID = m.UserID
		}
	}
	c.s.mu.Unlock()
	if e := c.failHook(c.userNameOf(userID)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	n := len(c.s.members)
	c.s.members = slices.DeleteFunc(c.s.members, func(m *isMembership) bool { return m.ID == in.MembershipId })
	if len(c.s.members) == n {
		return nil, isNotFound("GROUP_MEMBERSHIP", in.MembershipId)
	}
	return nil, nil
}

func isListGroupMembershipsForMember(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		MemberId        *memberID
		MaxResults      *int
		NextToken       string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if in.MemberId == nil {
		return nil, validation("MemberId.UserId is required")
	}
	if e := checkResourceID("memberId.userId", in.MemberId.UserId); e != nil {
		return nil, e
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 100)
	if e != nil {
		return nil, e
	}
	if e := c.failHook(c.userNameOf(in.MemberId.UserId)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.isUsers[in.MemberId.UserId] == nil {
		return nil, isNotFound("USER", in.MemberId.UserId)
	}
	var members []*isMembership
	for _, m := range c.s.members {
		if m.UserID == in.MemberId.UserId {
			members = append(members, m)
		}
	}
	got, next, e := page(c, members, func(m *isMembership) int64 { return m.seq }, in.NextToken, max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(got))
	for _, m := range got {
		out = append(out, map[string]any{
			"IdentityStoreId": c.s.storeID, "MembershipId": m.ID, "GroupId": m.GroupID,
			"MemberId": memberID{UserId: m.UserID}, "CreatedAt": epoch(m.created), "UpdatedAt": epoch(m.created),
		})
	}
	return map[string]any{"GroupMemberships": out, "NextToken": next}, nil
}

// AddUserQuickConnect adds a quick connect of type USER for a user of the
// instance and returns its id, for tests that seed an instance.
func (s *Sandbox) AddUserQuickConnect(name, userID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users[userID] == nil {
		return "", notFound("User", userID)
	}
	for _, x := range s.quick.order {
		if x.Name == name {
			return "", &apiError{code: "DuplicateResourceException", message: "A quick connect with name " + name + " already exists"}
		}
	}
	id := newUUID()
	s.quick.order = append(s.quick.order, &quickConnect{QuickConnect: QuickConnect{ID: id, ARN: s.arn("transfer-destination", id), Name: name,
		Type: "USER", UserID: userID, ContactFlowID: "sandbox-transfer-to-agent"}, seq: s.nextSeq(), modified: time.Now().UTC()})
	return id, nil
}

// AddMembership puts an identity store user in a group, for tests that seed
// an identity store.
func (s *Sandbox) AddMembership(groupID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[groupID] == nil || s.isUsers[userID] == nil {
		return isNotFound("GROUP_MEMBERSHIP", groupID+"/"+userID)
	}
	if s.membership(groupID, userID) != nil {
		return conflict("Member is already in the group")
	}
	s.members = append(s.members, &isMembership{Membership: Membership{ID: s.newResourceID(), GroupID: groupID, UserID: userID}, seq: s.nextSeq(), created: time.Now().UTC()})
	return nil
}

func ssoListApplicationAssignmentsForPrincipal(c *call) (any, *apiError) {
	var in struct {
		InstanceArn   string
		PrincipalId   string
		PrincipalType string
		Filter        *struct{ ApplicationArn string }
		MaxResults    *int
		NextToken     string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	switch {
	case in.InstanceArn == "":
		return nil, validation("InstanceArn is required")
	case in.InstanceArn != c.s.SSOInstanceARN():
		return nil, &apiError{status: http.StatusForbidden, code: "AccessDeniedException", message: "User is not authorized to perform this action on instance " + in.InstanceArn}
	case in.PrincipalId == "":
		return nil, validation("PrincipalId is required")
	case in.PrincipalType != "USER" && in.PrincipalType != "GROUP":
		return nil, validation("1 validation error detected: Value '" + in.PrincipalType + "' at 'principalType' failed to satisfy constraint: Member must satisfy enum value set: [USER, GROUP]")
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 100)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var found []*assignment
	for _, a := range c.s.assignments {
		if a.PrincipalID == in.PrincipalId && a.PrincipalType == in.PrincipalType && (in.Filter == nil || in.Filter.ApplicationArn == "" || in.Filter.ApplicationArn == a.ApplicationARN) {
			found = append(found, a)
		}
	}
	got, next, e := page(c, found, func(a *assignment) int64 { return a.seq }, in.NextToken, max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(got))
	for _, a := range got {
		out = append(out, map[string]any{"ApplicationArn": a.ApplicationARN, "PrincipalId": a.PrincipalID, "PrincipalType": a.PrincipalType})
	}
	return map[string]any{"ApplicationAssignments": out, "NextToken": next}, nil
}

// AddApplicationAssignment assigns a user or group to the Amazon Connect
// application, for tests that seed an identity store.
func (s *Sandbox) AddApplicationAssignment(principalID, principalType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assignments = append(s.assignments, &assignment{Assignment: Assignment{ApplicationARN: s.appARN, PrincipalID: principalID, PrincipalType: principalType}, seq: s.nextSeq()})
}
