package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

var identityStoreOps = map[string]operation{
	"CreateUser":            {handle: isCreateUser, mutating: true},
	"GetUserId":             {handle: isGetUserID},
	"DescribeUser":          {handle: isDescribeUser},
	"ListUsers":             {handle: isListUsers},
	"DeleteUser":            {handle: isDeleteUser, mutating: true},
	"CreateGroup":           {handle: isCreateGroup, mutating: true},
	"GetGroupId":            {handle: isGetGroupID},
	"DescribeGroup":         {handle: isDescribeGroup},
	"CreateGroupMembership": {handle: isCreateGroupMembership, mutating: true},
	"GetGroupMembershipId":  {handle: isGetGroupMembershipID},
	"ListGroupMemberships":  {handle: isListGroupMemberships},
	"IsMemberInGroups":      {handle: isIsMemberInGroups},
}

var (
	// The model's patterns: user names have no whitespace; other strings may.
	isUserNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`)
	isStringPattern   = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \x{00a0}\x{3000}]+$`)
	// GroupDisplayName's pattern: isStringPattern's without the
	// ideographic space U+3000.
	isGroupNamePattern = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \x{00a0}]+$`)
	// The model's id patterns (IdentityStoreId, ResourceId): an id that
	// breaks them is refused before anything is looked up.
	isStoreIDPattern    = regexp.MustCompile(`^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	isResourceIDPattern = regexp.MustCompile(`^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$`)
)

// checkPattern is AWS's answer to a member that breaks its pattern.
func checkPattern(field, v string, re *regexp.Regexp) *apiError {
	if re.MatchString(v) {
		return nil
	}
	return validation(fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, field, re.String()))
}

// decodeFor decodes a request and checks the identity store it names.
func (c *call) decodeFor(in any, identityStoreID *string) *apiError {
	if e := c.decode(in); e != nil {
		return e
	}
	return c.store(*identityStoreID)
}

// checkResourceID checks a required user, group or membership id.
func checkResourceID(field, v string) *apiError {
	if v == "" {
		return validation(field + " is required")
	}
	return checkPattern(field, v, isResourceIDPattern)
}

func validation(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ValidationException", message: msg}
}

func isNotFound(resourceType, id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "ResourceNotFoundException",
		message: fmt.Sprintf("%s not found.", strings.ToLower(strings.ReplaceAll(resourceType, "_", " "))),
		extra:   map[string]any{"ResourceType": resourceType, "ResourceId": id}}
}

func conflict(msg string) *apiError {
	return &apiError{status: http.StatusConflict, code: "ConflictException", message: msg, extra: map[string]any{"Reason": "UNIQUENESS_CONSTRAINT_VIOLATION"}}
}

func (c *call) store(id string) *apiError {
	if id == "" {
		return validation("IdentityStoreId is required")
	}
	if e := checkPattern("identityStoreId", id, isStoreIDPattern); e != nil {
		return e
	}
	if id != c.s.storeID {
		return isNotFound("IDENTITY_STORE", id)
	}
	return nil
}

// failHook asks the test hook whether this call should fail. It runs
// without the lock held, so the hook may call the Sandbox.
func (c *call) failHook(userName string) *apiError {
	c.s.mu.Lock()
	f := c.s.fail
	c.s.mu.Unlock()
	if f != nil && f(c.op, userName) {
		return c.internal()
	}
	return nil
}

func (c *call) userNameOf(userID string) string {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if u := c.s.isUsers[userID]; u != nil {
		return u.UserName
	}
	return ""
}

// isUniqueUser reports a user name or email already taken (case-insensitively).
func (s *Sandbox) isUniqueUser(userName, email string) *apiError {
	for _, u := range s.isUserOrder {
		if strings.EqualFold(u.UserName, userName) {
			return conflict("Duplicate UserName")
		}
		if email != "" && strings.EqualFold(u.Email, email) {
			return conflict("Duplicate emails.value")
		}
	}
	return nil
}

func (s *Sandbox) groupByName(name string) *isGroup {
	for _, g := range s.groupOrder {
		if strings.EqualFold(g.DisplayName, name) {
			return g
		}
	}
	return nil
}

type isEmailJSON struct {
	Value   string
	Type    string `json:",omitempty"`
	Primary bool
}

type isNameJSON struct {
	Formatted  string `json:",omitempty"`
	GivenName  string `json:",omitempty"`
	FamilyName string `json:",omitempty"`
	MiddleName string `json:",omitempty"`
}

func checkString(field, v string, required bool) *apiError {
	if v == "" {
		if required {
			return validation(field + " is required")
		}
		return nil
	}
	if utf8.RuneCountInString(v) > 1024 || !isStringPattern.MatchString(v) {
		return validation(fmt.Sprintf("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern and have length less than or equal to 1024", field))
	}
	return nil
}

func isCreateUser(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		UserName        string
		Name            *isNameJSON
		DisplayName     string
		Emails          []isEmailJSON
		Title           *string
		Extensions      map[string]json.RawMessage
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	var attrs IdentityStoreUser
	if in.Title != nil {
		if e := checkString("title", *in.Title, true); e != nil {
			return nil, e
		}
		attrs.Title = *in.Title
	}
	if e := createExtensions(&attrs, in.Extensions); e != nil {
		return nil, e
	}
	switch {
	case in.UserName == "":
		return nil, validation("UserName is required")
	case utf8.RuneCountInString(in.UserName) > 128 || !isUserNamePattern.MatchString(in.UserName):
		return nil, validation("1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+ and have length less than or equal to 128")
	case strings.EqualFold(in.UserName, "Administrator") || strings.EqualFold(in.UserName, "AWSAdministrators"):
		return nil, validation("UserName " + in.UserName + " is reserved")
	}
	name := in.Name
	if name == nil {
		name = &isNameJSON{}
	}
	for _, f := range []struct {
		field, v string
		required bool
	}{
		{"displayName", in.DisplayName, true},
		{"name.givenName", name.GivenName, true},
		{"name.familyName", name.FamilyName, true},
		{"name.formatted", name.Formatted, false},
		{"name.middleName", name.MiddleName, false},
	} {
		if e := checkString(f.field, f.v, f.required); e != nil {
			return nil, e
		}
	}
	email := ""
	switch len(in.Emails) {
	case 0:
	case 1:
		email = in.Emails[0].Value
		if e := checkString("emails.value", email, true); e != nil {
			return nil, e
		}
		if !emailPattern.MatchString(email) {
			return nil, validation("emails.value is not a valid email address")
		}
	default:
		return nil, validation("1 validation error detected: Value at 'emails' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	if e := c.failHook(in.UserName); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if e := c.s.isUniqueUser(in.UserName, email); e != nil {
		return nil, e
	}
	if q := c.s.opts.IdentityStoreUsersQuota; q > 0 && len(c.s.isUserOrder) >= q {
		// The model gives no HTTP status (awsJson1_1): 400, as for its
		// other client errors.
		return nil, &apiError{status: http.StatusBadRequest, code: "ServiceQuotaExceededException",
			message: fmt.Sprintf("The request would cause the number of users in the identity store to exceed the maximum allowed (%d)", q)}
	}
	id := c.s.insertIdentityStoreUser(IdentityStoreUser{UserName: in.UserName, DisplayName: in.DisplayName, GivenName: name.GivenName, FamilyName: name.FamilyName, Email: email,
		Title: attrs.Title, Enterprise: attrs.Enterprise})
	return map[string]any{"IdentityStoreId": c.s.storeID, "UserId": id}, nil
}

type alternateIdentifier struct {
	ExternalId      *externalID
	UniqueAttribute *struct {
		AttributePath  string
		AttributeValue any
	}
}

type externalID struct {
	Issuer string
	Id     string
}

// uniqueValue reads a GetUserId or GetGroupId lookup: its path and string
// value. The model's AlternateIdentifier is a union (exactly one of
// ExternalId and UniqueAttribute); UniqueAttribute needs both its members,
// AttributePath of 1-255 letters in up to three dotted parts, and
// AttributeValue a document (bulkagents and the AWS CLI send a string).
// What AWS answers to a value that is not a string is not documented: the
// sandbox refuses it with ValidationException, the stricter reading.
func (a *alternateIdentifier) uniqueValue() (string, string, *apiError) {
	switch {
	case a == nil || (a.ExternalId == nil && a.UniqueAttribute == nil):
		return "", "", validation("AlternateIdentifier is required")
	case a.ExternalId != nil && a.UniqueAttribute != nil:
		return "", "", validation("AlternateIdentifier is a union: set exactly one of ExternalId and UniqueAttribute")
	case a.ExternalId != nil:
		return a.ExternalId.value()
	}
	u := a.UniqueAttribute
	if u.AttributePath == "" {
		return "", "", validation("UniqueAttribute.AttributePath is required")
	}
	if len(u.AttributePath) > 255 {
		return "", "", validation("1 validation error detected: Value at 'alternateIdentifier.uniqueAttribute.attributePath' failed to satisfy constraint: Member must have length less than or equal to 255")
	}
	if e := checkPattern("alternateIdentifier.uniqueAttribute.attributePath", u.AttributePath, isAttributePathPattern); e != nil {
		return "", "", e
	}
	if u.AttributeValue == nil {
		return "", "", validation("UniqueAttribute.AttributeValue is required")
	}
	v, ok := u.AttributeValue.(string)
	if !ok || v == "" {
		return "", "", validation("AttributeValue must be a non-empty string for " + u.AttributePath)
	}
	return u.AttributePath, v, nil
}

// isAttributePathPattern is the model's AttributePath.
var isAttributePathPattern = regexp.MustCompile(`^(?:\p{L}+:\p{L}+:\p{L}+(?:\.\p{L}+){0,3}|\p{L}+(?:\.\p{L}+){0,2})$`)

// value checks an ExternalId lookup against the model (Issuer 1-100
// characters not starting "arn:" or "aws:", Id 1-256, no whitespace in
// either) and gives its key.
func (x *externalID) value() (string, string, *apiError) {
	switch {
	case x.Issuer == "" || x.Id == "":
		return "", "", validation("ExternalId needs both Issuer and Id")
	case utf8.RuneCountInString(x.Issuer) > 100 || utf8.RuneCountInString(x.Id) > 256:
		return "", "", validation("ExternalId: Issuer is at most 100 characters, Id at most 256")
	case !isUserNamePattern.MatchString(x.Issuer) || !isUserNamePattern.MatchString(x.Id):
		return "", "", validation("ExternalId: Issuer and Id may not hold whitespace or control characters")
	}
	if l := strings.ToLower(x.Issuer); strings.HasPrefix(l, "arn:") || strings.HasPrefix(l, "aws:") {
		return "", "", validation("ExternalId: Issuer may not start with arn: or aws:")
	}
	return "externalId", x.Issuer + "\x00" + x.Id, nil
}

func isGetUserID(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId     string
		AlternateIdentifier *alternateIdentifier
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	path, value, e := in.AlternateIdentifier.uniqueValue()
	if e != nil {
		return nil, e
	}
	hookName := ""
	switch path {
	case "userName":
		hookName = value
	case "emails.value", "externalId":
	default:
		return nil, validation("Invalid AttributePath " + path + ": only userName and emails.value are unique attributes of a user")
	}
	c.s.mu.Lock()
	var found *isUser
	for _, u := range c.s.isUserOrder {
		if (path == "userName" && strings.EqualFold(u.UserName, value)) || (path == "emails.value" && strings.EqualFold(u.Email, value)) {
			found = u
			break
		}
	}
	if found != nil && hookName == "" {
		hookName = found.UserName
	}
	c.s.mu.Unlock()
	if e := c.failHook(hookName); e != nil {
		return nil, e
	}
	if found == nil {
		return nil, isNotFound("USER", "")
	}
	return map[string]any{"IdentityStoreId": c.s.storeID, "UserId": found.ID}, nil
}

func (s *Sandbox) userJSON(u *isUser, withExtensions bool) map[string]any {
	out := map[string]any{
		"IdentityStoreId": s.storeID,
		"UserId":          u.ID,
		"UserName":        u.UserName,
		"Name":            isNameJSON{GivenName: u.GivenName, FamilyName: u.FamilyName},
		"DisplayName":     u.DisplayName,
		"CreatedAt":       epoch(u.created),
		"UpdatedAt":       epoch(u.created),
	}
	addAttributes(out, &u.IdentityStoreUser, withExtensions)
	if u.Email != "" {
		out["Emails"] = []isEmailJSON{{Value: u.Email, Type: "work", Primary: true}}
	}
	return out
}

func isDescribeUser(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		UserId          string
		Extensions      *[]string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if e := checkResourceID("userId", in.UserId); e != nil {
		return nil, e
	}
	withExt, e := checkExtensionNames(in.Extensions)
	if e != nil {
		return nil, e
	}
	if e := c.failHook(c.userNameOf(in.UserId)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u := c.s.isUsers[in.UserId]
	if u == nil {
		return nil, isNotFound("USER", in.UserId)
	}
	return c.s.userJSON(u, withExt), nil
}

func isListUsers(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		MaxResults      *int
		NextToken       string
		Filters         []struct {
			AttributePath  string
			AttributeValue string
		}
		Extensions *[]string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	withExt, e := checkExtensionNames(in.Extensions)
	if e != nil {
		return nil, e
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 100)
	if e != nil {
		return nil, e
	}
	if len(in.Filters) > 1 {
		return nil, validation("at most one filter is allowed")
	}
	if e := c.failHook(""); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	users := c.s.isUserOrder
	if len(in.Filters) == 1 {
		f := in.Filters[0]
		if f.AttributePath != "UserName" && f.AttributePath != "userName" {
			return nil, validation("only the UserName filter is supported")
		}
		users = nil
		for _, u := range c.s.isUserOrder {
			if strings.EqualFold(u.UserName, f.AttributeValue) {
				users = append(users, u)
			}
		}
	}
	got, next, e := page(c, users, func(u *isUser) int64 { return u.seq }, in.NextToken, max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(got))
	for _, u := range got {
		out = append(out, c.s.userJSON(u, withExt))
	}
	return map[string]any{"Users": out, "NextToken": next}, nil
}

func isDeleteUser(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		UserId          string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if e := checkResourceID("userId", in.UserId); e != nil {
		return nil, e
	}
	if e := c.failHook(c.userNameOf(in.UserId)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u := c.s.isUsers[in.UserId]
	if u == nil {
		return nil, isNotFound("USER", in.UserId)
	}
	delete(c.s.isUsers, u.ID)
	c.s.isUserOrder = slices.DeleteFunc(c.s.isUserOrder, func(x *isUser) bool { return x == u })
	c.s.members = slices.DeleteFunc(c.s.members, func(m *isMembership) bool { return m.UserID == u.ID })
	c.s.assignments = slices.DeleteFunc(c.s.assignments, func(a *assignment) bool { return a.PrincipalID == u.ID })
	return nil, nil
}

func isCreateGroup(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		DisplayName     string
		Description     string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if e := checkString("displayName", in.DisplayName, true); e != nil {
		return nil, e
	}
	if e := checkPattern("displayName", in.DisplayName, isGroupNamePattern); e != nil {
		return nil, e
	}
	if reservedGroupName(in.DisplayName) {
		return nil, validation("DisplayName " + in.DisplayName + " is reserved")
	}
	if e := checkString("description", in.Description, false); e != nil {
		return nil, e
	}
	if e := c.failHook(""); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.groupByName(in.DisplayName) != nil {
		return nil, conflict("Duplicate GroupDisplayName")
	}
	id := c.s.insertGroup(in.DisplayName)
	c.s.groups[id].Description = in.Description
	return map[string]any{"IdentityStoreId": c.s.storeID, "GroupId": id}, nil
}

func isGetGroupID(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId     string
		AlternateIdentifier *alternateIdentifier
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	path, value, e := in.AlternateIdentifier.uniqueValue()
	if e != nil {
		return nil, e
	}
	if path != "displayName" && path != "externalId" {
		return nil, validation("Invalid AttributePath " + path + ": only displayName is a unique attribute of a group")
	}
	if e := c.failHook(""); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g := c.s.groupByName(value)
	if g == nil || path == "externalId" {
		return nil, isNotFound("GROUP", "")
	}
	return map[string]any{"IdentityStoreId": c.s.storeID, "GroupId": g.ID}, nil
}

func isDescribeGroup(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		GroupId         string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if e := checkResourceID("groupId", in.GroupId); e != nil {
		return nil, e
	}
	if e := c.failHook(""); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g := c.s.groups[in.GroupId]
	if g == nil {
		return nil, isNotFound("GROUP", in.GroupId)
	}
	return c.s.groupJSON(g), nil
}

type memberID struct {
	UserId string
}

type membershipInput struct {
	IdentityStoreId string
	GroupId         string
	MemberId        *memberID
}

// membershipRequest checks a request naming a group and a user; it returns
// the user's id.
func (c *call) membershipRequest(in *membershipInput) (string, *apiError) {
	if e := c.decode(in); e != nil {
		return "", e
	}
	if e := c.store(in.IdentityStoreId); e != nil {
		return "", e
	}
	if e := checkResourceID("groupId", in.GroupId); e != nil {
		return "", e
	}
	if in.MemberId == nil {
		return "", validation("MemberId.UserId is required")
	}
	if e := checkResourceID("memberId.userId", in.MemberId.UserId); e != nil {
		return "", e
	}
	return in.MemberId.UserId, nil
}

func (s *Sandbox) membership(groupID, userID string) *isMembership {
	for _, m := range s.members {
		if m.GroupID == groupID && m.UserID == userID {
			return m
		}
	}
	return nil
}

func isCreateGroupMembership(c *call) (any, *apiError) {
	var in membershipInput
	userID, e := c.membershipRequest(&in)
	if e != nil {
		return nil, e
	}
	if e := c.failHook(c.userNameOf(userID)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.groups[in.GroupId] == nil {
		return nil, isNotFound("GROUP", in.GroupId)
	}
	if c.s.isUsers[userID] == nil {
		return nil, isNotFound("USER", userID)
	}
	if c.s.membership(in.GroupId, userID) != nil {
		return nil, conflict("Member is already in the group")
	}
	if q := c.s.opts.IdentityStoreMembershipsQuota; q > 0 && len(c.s.members) >= q {
		return nil, &apiError{status: http.StatusBadRequest, code: "ServiceQuotaExceededException",
			message: fmt.Sprintf("The request would cause the number of group memberships in the identity store to exceed the maximum allowed (%d)", q)}
	}
	m := &isMembership{Membership: Membership{ID: c.s.newResourceID(), GroupID: in.GroupId, UserID: userID}, seq: c.s.nextSeq(), created: c.now}
	c.s.members = append(c.s.members, m)
	return map[string]any{"IdentityStoreId": c.s.storeID, "MembershipId": m.ID}, nil
}

func isGetGroupMembershipID(c *call) (any, *apiError) {
	var in membershipInput
	userID, e := c.membershipRequest(&in)
	if e != nil {
		return nil, e
	}
	if e := c.failHook(c.userNameOf(userID)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.groups[in.GroupId] == nil {
		return nil, isNotFound("GROUP", in.GroupId)
	}
	m := c.s.membership(in.GroupId, userID)
	if m == nil {
		return nil, isNotFound("GROUP_MEMBERSHIP", "")
	}
	return map[string]any{"IdentityStoreId": c.s.storeID, "MembershipId": m.ID}, nil
}

func isListGroupMemberships(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		GroupId         string
		MaxResults      *int
		NextToken       string
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if e := checkResourceID("groupId", in.GroupId); e != nil {
		return nil, e
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 100)
	if e != nil {
		return nil, e
	}
	if e := c.failHook(""); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.groups[in.GroupId] == nil {
		return nil, isNotFound("GROUP", in.GroupId)
	}
	var members []*isMembership
	for _, m := range c.s.members {
		if m.GroupID == in.GroupId {
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
			"IdentityStoreId": c.s.storeID,
			"MembershipId":    m.ID,
			"GroupId":         m.GroupID,
			"MemberId":        memberID{UserId: m.UserID},
			"CreatedAt":       epoch(m.created),
			"UpdatedAt":       epoch(m.created),
		})
	}
	return map[string]any{"GroupMemberships": out, "NextToken": next}, nil
}

func isIsMemberInGroups(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		MemberId        *memberID
		GroupIds        []string
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
	if len(in.GroupIds) < 1 || len(in.GroupIds) > 100 {
		return nil, validation("GroupIds must hold 1 to 100 ids")
	}
	for _, g := range in.GroupIds {
		if e := checkResourceID("groupIds.member", g); e != nil {
			return nil, e
		}
	}
	if e := c.failHook(c.userNameOf(in.MemberId.UserId)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.isUsers[in.MemberId.UserId] == nil {
		return nil, isNotFound("USER", in.MemberId.UserId)
	}
	out := make([]map[string]any, 0, len(in.GroupIds))
	for _, g := range in.GroupIds {
		if c.s.groups[g] == nil {
			return nil, isNotFound("GROUP", g)
		}
		out = append(out, map[string]any{
			"GroupId":          g,
			"MemberId":         memberID{UserId: in.MemberId.UserId},
			"MembershipExists": c.s.membership(g, in.MemberId.UserId) != nil,
		})
	}
	return map[string]any{"Results": out}, nil
}
