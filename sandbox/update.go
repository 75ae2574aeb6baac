package sandbox

import (
	"net/http"
	"strings"
	"unicode/utf8"
)

// The Connect update operations of an existing user, and tagging on a
// user's ARN. Routes and field names follow the Go SDK's serializers
// (service/connect v1.175.2): POST /users/{InstanceId}/{UserId}/<aspect>
// with a JSON body; POST, DELETE and GET /tags/{resourceArn} (the ARN
// escaped into one segment), with the body key "tags" and the query
// parameter "tagKeys". Every one is mutating, so the error and drop
// injection applies to them as to CreateUser.
func init() {
	for _, r := range []struct {
		name, last string
		h          handler
	}{
		{"UpdateUserRoutingProfile", "routing-profile", connectUpdateUserRoutingProfile},
		{"UpdateUserSecurityProfiles", "security-profiles", connectUpdateUserSecurityProfiles},
		{"UpdateUserHierarchy", "hierarchy", connectUpdateUserHierarchy},
		{"UpdateUserPhoneConfig", "phone-config", connectUpdateUserPhoneConfig},
		{"UpdateUserIdentityInfo", "identity-info", connectUpdateUserIdentityInfo},
	} {
		registerConnectAspect(r.name, "POST", "users", 4, r.last, operation{handle: r.h, mutating: true})
	}
	registerConnect("TagResource", "POST", "tags", 2, operation{handle: connectTagResource, mutating: true})
	registerConnect("UntagResource", "DELETE", "tags", 2, operation{handle: connectUntagResource, mutating: true})
	registerConnect("ListTagsForResource", "GET", "tags", 2, operation{handle: connectListTagsForResource})
}

// aspectRoutes are routes told apart by their last path segment as well:
// the update operations all are POST /users/{InstanceId}/{UserId}/<aspect>.
var aspectRoutes []struct {
	method, first, last string
	segments            int
	op                  string
}

func registerConnectAspect(name, method, first string, segments int, last string, op operation) {
	connectOps[name] = op
	aspectRoutes = append(aspectRoutes, struct {
		method, first, last string
		segments            int
		op                  string
	}{method, first, last, segments, name})
}

// routeAspect finds an operation among aspectRoutes; parts are the path's
// unescaped segments. The parameters exclude the first and last segment.
func routeAspect(method string, parts []string) (string, []string, bool) {
	for _, rt := range aspectRoutes {
		if rt.method == method && rt.segments == len(parts) && rt.first == parts[0] && rt.last == parts[len(parts)-1] {
			return rt.op, parts[1 : len(parts)-1], true
		}
	}
	return "", nil, false
}

// updatedUser finds the user of an update's path (InstanceId, UserId) and
// locks the sandbox; the caller unlocks it.
func (c *call) updatedUser() (*connectUser, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	u := c.s.users[c.args[1]]
	if u == nil {
		c.s.mu.Unlock()
		return nil, notFound("User", c.args[1])
	}
	return u, nil
}

func connectUpdateUserRoutingProfile(c *call) (any, *apiError) {
	var in struct{ RoutingProfileId string }
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if in.RoutingProfileId == "" {
		return nil, invalidParameter("RoutingProfileId is required")
	}
	u, e := c.updatedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	if findNamed(c.s.routing, in.RoutingProfileId) == nil {
		return nil, notFound("Routing profile", in.RoutingProfileId)
	}
	u.RoutingProfileID, u.modified = in.RoutingProfileId, c.now
	return nil, nil
}

func connectUpdateUserSecurityProfiles(c *call) (any, *apiError) {
	var in struct{ SecurityProfileIds []string }
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if len(in.SecurityProfileIds) < 1 || len(in.SecurityProfileIds) > 10 {
		return nil, invalidParameter("SecurityProfileIds must hold 1 to 10 ids")
	}
	seen := map[string]bool{}
	for _, id := range in.SecurityProfileIds {
		if id == "" || seen[id] {
			return nil, invalidParameter("SecurityProfileIds must hold distinct, non-empty ids")
		}
		seen[id] = true
	}
	u, e := c.updatedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	for _, id := range in.SecurityProfileIds {
		if findNamed(c.s.security, id) == nil {
			return nil, notFound("Security profile", id)
		}
	}
	// The call replaces the whole set.
	u.SecurityProfileIDs, u.modified = append([]string(nil), in.SecurityProfileIds...), c.now
	return nil, nil
}

// connectUpdateUserHierarchy: HierarchyGroupId is optional in the model;
// an absent or empty one takes the user out of any group.
func connectUpdateUserHierarchy(c *call) (any, *apiError) {
	var in struct{ HierarchyGroupId string }
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	u, e := c.updatedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	if in.HierarchyGroupId != "" && c.s.findHierarchyGroup(in.HierarchyGroupId) == nil {
		return nil, notFound("Hierarchy group", in.HierarchyGroupId)
	}
	u.HierarchyGroupID, u.modified = in.HierarchyGroupId, c.now
	return nil, nil
}

// connectUpdateUserPhoneConfig replaces the phone configuration: the model
// requires PhoneConfig, not its PhoneType (botocore 1.43). AutoAccept and
// an ACW left out take their zero value (the SDK leaves out
// AutoAccept=false and an ACW of 0, so they cannot mean "unchanged"); a
// PhoneType or a PersistentConnection left out (both can be sent or not)
// leaves the user's as it is: what Connect does there is not documented,
// and keeping is the reading that changes nothing the caller did not name.
func connectUpdateUserPhoneConfig(c *call) (any, *apiError) {
	var in struct {
		PhoneConfig *struct {
			PhoneType                 string
			AutoAccept                *bool
			AfterContactWorkTimeLimit *int64
			DeskPhoneNumber           string
			PersistentConnection      *bool
		}
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	pc := in.PhoneConfig
	switch {
	case pc == nil:
		return nil, invalidParameter("PhoneConfig is required")
	case pc.PhoneType != "" && pc.PhoneType != "SOFT_PHONE" && pc.PhoneType != "DESK_PHONE":
		return nil, invalidParameter("PhoneConfig.PhoneType must be SOFT_PHONE or DESK_PHONE")
	case pc.AfterContactWorkTimeLimit != nil && (*pc.AfterContactWorkTimeLimit < 0 || *pc.AfterContactWorkTimeLimit > maxACW):
		return nil, invalidParameter("PhoneConfig.AfterContactWorkTimeLimit must be between 0 and 2000000 seconds")
	case pc.DeskPhoneNumber != "" && !e164Pattern.MatchString(pc.DeskPhoneNumber):
		return nil, invalidParameter("The desk phone number must be in E.164 format, such as +14255550100")
	}
	u, e := c.updatedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	phoneType := pc.PhoneType
	if phoneType == "" {
		phoneType = u.PhoneType
	}
	if phoneType == "DESK_PHONE" && pc.DeskPhoneNumber == "" {
		return nil, invalidParameter("A desk phone number is required for PhoneType DESK_PHONE")
	}
	u.PhoneType, u.DeskPhoneNumber = phoneType, pc.DeskPhoneNumber
	u.AutoAccept = pc.AutoAccept != nil && *pc.AutoAccept
	u.ACWTimeout = 0
	if pc.AfterContactWorkTimeLimit != nil {
		u.ACWTimeout = int32(*pc.AfterContactWorkTimeLimit)
	}
	if pc.PersistentConnection != nil {
		v := *pc.PersistentConnection
		u.PersistentConnection = &v
	}
	u.modified = c.now
	return nil, nil
}

// connectUpdateUserIdentityInfo replaces the identity information (a field
// left out is cleared: whether Connect merges instead is unconfirmed, and
// bulkagents always sends every field, so it works either way). Email is
// refused on a SAML instance, as CreateUser's documentation of
// UserIdentityInfo says; on EXISTING_DIRECTORY the directory owns it all.
func connectUpdateUserIdentityInfo(c *call) (any, *apiError) {
	var in struct{ IdentityInfo *identityInfoJSON }
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	info := in.IdentityInfo
	if info == nil {
		return nil, invalidParameter("IdentityInfo is required")
	}
	switch {
	case c.s.identity == "EXISTING_DIRECTORY":
		return nil, invalidRequest("the identity information of a user of an EXISTING_DIRECTORY instance comes from the directory")
	case c.s.identity == "SAML" && info.Email != "":
		return nil, invalidRequest("IdentityInfo.Email cannot be set for an instance that uses SAML for identity management")
	case info.FirstName == "" || info.LastName == "":
		return nil, invalidParameter("IdentityInfo.FirstName and IdentityInfo.LastName are required for an instance that uses " + c.s.identity + " for identity management")
	case utf8.RuneCountInString(info.FirstName) > maxFirstName:
		return nil, invalidParameter("IdentityInfo.FirstName must be at most 255 characters")
	case utf8.RuneCountInString(info.LastName) > maxLastName:
		return nil, invalidParameter("IdentityInfo.LastName must be at most 300 characters")
	case info.Email != "" && !emailPattern.MatchString(info.Email):
		return nil, invalidParameter("IdentityInfo.Email is not a valid email address")
	case info.SecondaryEmail != "" && !emailPattern.MatchString(info.SecondaryEmail):
		return nil, invalidParameter("IdentityInfo.SecondaryEmail is not a valid email address")
	case info.Mobile != "" && !e164Pattern.MatchString(info.Mobile):
		return nil, invalidParameter("IdentityInfo.Mobile must be an E.164 number such as +14255550100")
	}
	if e := c.s.checkIdentityInfo(info); e != nil {
		return nil, e
	}
	u, e := c.updatedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	u.FirstName, u.LastName, u.Email, u.SecondaryEmail, u.Mobile = info.FirstName, info.LastName, info.Email, info.SecondaryEmail, info.Mobile
	u.modified = c.now
	return nil, nil
}

// taggedUser finds the user whose ARN the path names; only users are
// tagged here (the one resource bulkagents tags), and the sandbox is
// locked on success.
func (c *call) taggedUser() (*connectUser, *apiError) {
	arn := c.args[0]
	if !strings.HasPrefix(arn, c.s.InstanceARN()+"/agent/") {
		if strings.HasPrefix(arn, "arn:") {
			return nil, notFound("Resource", arn)
		}
		return nil, invalidParameter("resourceArn is not a valid ARN: " + arn)
	}
	c.s.mu.Lock()
	u := c.s.users[strings.TrimPrefix(arn, c.s.InstanceARN()+"/agent/")]
	if u == nil {
		c.s.mu.Unlock()
		return nil, notFound("Resource", arn)
	}
	return u, nil
}

func connectTagResource(c *call) (any, *apiError) {
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if len(in.Tags) < 1 || len(in.Tags) > 50 {
		return nil, invalidParameter("tags must hold 1 to 50 tags")
	}
	for k, v := range in.Tags {
		if e := checkTagKey("tags", k); e != nil {
			return nil, e
		}
		if utf8.RuneCountInString(v) > 256 {
			return nil, invalidParameter("A tag value must be at most 256 characters")
		}
	}
	u, e := c.taggedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	merged := copyTags(u.Tags)
	if merged == nil {
		merged = map[string]string{}
	}
	for k, v := range in.Tags {
		merged[k] = v
	}
	if len(merged) > 50 {
		return nil, &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", message: "a resource can have at most 50 tags"}
	}
	u.Tags, u.modified = merged, c.now
	return nil, nil
}

func connectUntagResource(c *call) (any, *apiError) {
	keys := c.query["tagKeys"]
	if len(keys) < 1 || len(keys) > 50 {
		return nil, invalidParameter("tagKeys must hold 1 to 50 keys")
	}
	for _, k := range keys {
		if e := checkTagKey("tagKeys", k); e != nil {
			return nil, e
		}
	}
	u, e := c.taggedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	t := copyTags(u.Tags)
	for _, k := range keys {
		delete(t, k) // a key the user does not have is no error
	}
	u.Tags, u.modified = copyTags(t), c.now
	return nil, nil
}

func connectListTagsForResource(c *call) (any, *apiError) {
	u, e := c.taggedUser()
	if e != nil {
		return nil, e
	}
	defer c.s.mu.Unlock()
	t := copyTags(u.Tags)
	if t == nil {
		t = map[string]string{}
	}
	return map[string]any{"tags": t}, nil
}

// SecurityProfileID gives the id of the security profile named name (""
// when none is), for tests that compare users with a file.
func (s *Sandbox) SecurityProfileID(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.security {
		if r.name == name {
			return r.id
		}
	}
	return ""
}

// SetDropRate changes Options.DropRate of a running sandbox: a test can
// seed users through the API first, then lose answers.
func (s *Sandbox) SetDropRate(f float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.DropRate = f
}
