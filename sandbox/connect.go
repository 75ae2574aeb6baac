package sandbox

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

var connectOps = map[string]operation{
	"DescribeInstance":           {handle: connectDescribeInstance},
	"ListInstances":              {handle: connectListInstances},
	"ListRoutingProfiles":        {handle: connectListRoutingProfiles},
	"ListSecurityProfiles":       {handle: connectListSecurityProfiles},
	"ListUserHierarchyGroups":    {handle: connectListUserHierarchyGroups},
	"DescribeUserHierarchyGroup": {handle: connectDescribeUserHierarchyGroup},
	"ListUsers":                  {handle: connectListUsers},
	"SearchUsers":                {handle: connectSearchUsers},
	"DescribeUser":               {handle: connectDescribeUser},
	"CreateUser":                 {handle: connectCreateUser, mutating: true},
	"DeleteUser":                 {handle: connectDeleteUser, mutating: true},
}

// connectOperations lists the Connect operations served, sorted. It is a
// function, not a variable, so that operations registered by other files'
// init functions (registerConnect) are included.
func connectOperations() []string {
	var ops []string
	for op := range connectOps {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	return ops
}

// registerConnect adds a Connect operation and its route (see connectRoutes):
// each group of operations lives in a file of its own and registers itself
// from an init function.
func registerConnect(name, method, first string, segments int, op operation) {
	connectOps[name] = op
	connectRoutes = append(connectRoutes, struct {
		method, first string
		segments      int
		op            string
	}{method, first, segments, name})
}

// connectRoutes maps "METHOD /first-segment" and the number of path
// segments to an operation; the remaining segments are its parameters.
var connectRoutes = []struct {
	method, first string
	segments      int
	op            string
}{
	{"GET", "instance", 1, "ListInstances"},
	{"GET", "instance", 2, "DescribeInstance"},
	{"GET", "routing-profiles-summary", 2, "ListRoutingProfiles"},
	{"GET", "security-profiles-summary", 2, "ListSecurityProfiles"},
	{"GET", "user-hierarchy-groups-summary", 2, "ListUserHierarchyGroups"},
	{"GET", "user-hierarchy-groups", 3, "DescribeUserHierarchyGroup"},
	{"GET", "users-summary", 2, "ListUsers"},
	{"POST", "search-users", 1, "SearchUsers"},
	{"GET", "users", 3, "DescribeUser"},
	{"PUT", "users", 2, "CreateUser"},
	{"DELETE", "users", 3, "DeleteUser"},
}

func routeConnect(method, escapedPath string) (string, []string) {
	parts := strings.Split(strings.Trim(escapedPath, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	if op, args, ok := routeAspect(method, parts); ok {
		return op, args
	}
	for _, rt := range connectRoutes {
		if rt.method == method && rt.first == parts[0] && rt.segments == len(parts) {
			return rt.op, parts[1:]
		}
	}
	return "", nil
}

// instance checks the instance id (or ARN) of the path or body.
func (c *call) instance(id string) *apiError {
	if (id == c.s.instanceID || id == c.s.InstanceARN()) && !c.s.deleted.Load() {
		return nil
	}
	return &apiError{status: http.StatusNotFound, code: "ResourceNotFoundException", message: "Instance not found: " + id}
}

func notFound(what, id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "ResourceNotFoundException", message: what + " not found: " + id}
}

func invalidRequest(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidRequestException", message: msg}
}

func invalidParameter(msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", message: msg}
}

type instanceJSON struct {
	Id                     string
	Arn                    string
	IdentityManagementType string
	InstanceAlias          string
	CreatedTime            float64
	ServiceRole            string
	InstanceStatus         string
	InboundCallsEnabled    bool
	OutboundCallsEnabled   bool
	InstanceAccessUrl      string
}

func (s *Sandbox) instanceJSON() instanceJSON {
	return instanceJSON{
		Id:                     s.instanceID,
		Arn:                    s.InstanceARN(),
		IdentityManagementType: s.identity,
		InstanceAlias:          s.instanceAlias,
		CreatedTime:            epoch(s.created),
		ServiceRole:            "arn:aws:iam::" + Account + ":role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_sandbox",
		InstanceStatus:         "ACTIVE",
		InboundCallsEnabled:    true,
		OutboundCallsEnabled:   true,
		InstanceAccessUrl:      "https://" + s.instanceAlias + ".my.connect.aws/",
	}
}

func connectDescribeInstance(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	return map[string]any{"Instance": c.s.instanceJSON(), "ReplicationConfiguration": c.s.replicationJSON()}, nil
}

func connectListInstances(c *call) (any, *apiError) {
	if _, e := c.queryMaxResults(10, 1, 10); e != nil {
		return nil, e
	}
	return map[string]any{"InstanceSummaryList": []instanceJSON{c.s.instanceJSON()}}, nil
}

type summaryJSON struct {
	Id                 string
	Arn                string
	Name               string
	LastModifiedTime   float64
	LastModifiedRegion string
}

// listSummaries pages through named resources (profiles, hierarchy groups),
// which are kept in creation order.
func listSummaries(c *call, listKey string, items []summaryJSON) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	max, e := c.queryMaxResults(100, 1, 1000)
	if e != nil {
		return nil, e
	}
	seqs := map[string]int64{}
	for i, it := range items {
		seqs[it.Id] = int64(i + 1)
	}
	out, next, e := page(c, items, func(it summaryJSON) int64 { return seqs[it.Id] }, c.query.Get("nextToken"), max)
	if e != nil {
		return nil, e
	}
	return map[string]any{listKey: out, "NextToken": next}, nil
}

func (c *call) namedSummaries(list []*namedResource) []summaryJSON {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	out := make([]summaryJSON, 0, len(list))
	for _, r := range list {
		out = append(out, summaryJSON{Id: r.id, Arn: r.arn, Name: r.name, LastModifiedTime: epoch(r.modified), LastModifiedRegion: c.s.region})
	}
	return out
}

func connectListRoutingProfiles(c *call) (any, *apiError) {
	return listSummaries(c, "RoutingProfileSummaryList", c.namedSummaries(c.s.routing))
}

func connectListSecurityProfiles(c *call) (any, *apiError) {
	return listSummaries(c, "SecurityProfileSummaryList", c.namedSummaries(c.s.security))
}

func connectListUserHierarchyGroups(c *call) (any, *apiError) {
	c.s.mu.Lock()
	items := make([]summaryJSON, 0, len(c.s.hierarchy))
	for _, g := range c.s.hierarchy {
		items = append(items, c.s.groupSummary(g))
	}
	c.s.mu.Unlock()
	return listSummaries(c, "UserHierarchyGroupSummaryList", items)
}

func (s *Sandbox) groupSummary(g *hierarchyGroup) summaryJSON {
	return summaryJSON{Id: g.id, Arn: g.arn, Name: g.name, LastModifiedTime: epoch(g.modified), LastModifiedRegion: s.region}
}

func connectDescribeUserHierarchyGroup(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	g := c.s.findHierarchyGroup(c.args[1])
	if g == nil {
		return nil, notFound("Hierarchy group", c.args[1])
	}
	var chain []*hierarchyGroup
	for p := g; p != nil; p = p.parent {
		chain = append([]*hierarchyGroup{p}, chain...)
	}
	path := map[string]summaryJSON{}
	for i, p := range chain {
		path[[]string{"LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"}[i]] = c.s.groupSummary(p)
	}
	return map[string]any{"HierarchyGroup": map[string]any{
		"Id":                 g.id,
		"Arn":                g.arn,
		"Name":               g.name,
		"LevelId":            g.levelID,
		"HierarchyPath":      path,
		"LastModifiedTime":   epoch(g.modified),
		"LastModifiedRegion": c.s.region,
	}}, nil
}

func connectListUsers(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	max, e := c.queryMaxResults(100, 1, 1000)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	users, next, e := page(c, c.s.listedUsers(c.now), func(u *connectUser) int64 { return u.seq }, c.query.Get("nextToken"), max)
	type userSummary struct {
		Id                 string
		Arn                string
		Username           string
		LastModifiedTime   float64
		LastModifiedRegion string
	}
	out := make([]userSummary, 0, len(users))
	for _, u := range users {
		out = append(out, userSummary{Id: u.ID, Arn: u.ARN, Username: u.Username, LastModifiedTime: epoch(u.modified), LastModifiedRegion: c.s.region})
	}
	c.s.mu.Unlock()
	if e != nil {
		return nil, e
	}
	return map[string]any{"UserSummaryList": out, "NextToken": next}, nil
}

type identityInfoJSON struct {
	FirstName      string `json:",omitempty"`
	LastName       string `json:",omitempty"`
	Email          string `json:",omitempty"`
	SecondaryEmail string `json:",omitempty"`
	Mobile         string `json:",omitempty"`
}

type phoneConfigJSON struct {
	PhoneType                 string `json:",omitempty"`
	AutoAccept                bool
	AfterContactWorkTimeLimit int64
	DeskPhoneNumber           string `json:",omitempty"`
	PersistentConnection      *bool  `json:",omitempty"` // the voice channel's, when set
}

func connectDescribeUser(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u := c.s.users[c.args[1]]
	if u == nil || !c.s.describable(u, c.now) {
		return nil, notFound("User", c.args[1])
	}
	return map[string]any{"User": map[string]any{
		"Id":                          u.ID,
		"Arn":                         u.ARN,
		"Username":                    u.Username,
		"IdentityInfo":                identityInfoJSON{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, SecondaryEmail: u.SecondaryEmail, Mobile: u.Mobile},
		"PhoneConfig":                 phoneConfigJSON{PhoneType: u.PhoneType, AutoAccept: u.AutoAccept, AfterContactWorkTimeLimit: int64(u.ACWTimeout), DeskPhoneNumber: u.DeskPhoneNumber, PersistentConnection: u.PersistentConnection},
		"DirectoryUserId":             strp(u.DirectoryUserID),
		"SecurityProfileIds":          u.SecurityProfileIDs,
		"RoutingProfileId":            u.RoutingProfileID,
		"HierarchyGroupId":            strp(u.HierarchyGroupID),
		"Tags":                        u.Tags,
		"AutoAcceptConfigs":           autoAcceptConfigsJSON(&u.ConnectUser),
		"AfterContactWorkConfigs":     acwConfigsJSON(&u.ConnectUser, 1),
		"PhoneNumberConfigs":          phoneNumberConfigsJSON(&u.ConnectUser),
		"PersistentConnectionConfigs": persistentConfigsJSON(&u.ConnectUser),
		"VoiceEnhancementConfigs":     enhancementConfigsJSON(&u.ConnectUser),
		"LastModifiedTime":            epoch(u.modified),
		"LastModifiedRegion":          c.s.region,
	}}, nil
}

type stringCondition struct {
	FieldName      string
	Value          string
	ComparisonType string
}

type userSearchCriteria struct {
	OrConditions            []userSearchCriteria
	AndConditions           []userSearchCriteria
	StringCondition         *stringCondition
	HierarchyGroupCondition *struct {
		Value                   string
		HierarchyGroupMatchType string
	}
	ListCondition *listCondition // search_proficiency.go
}

// matches evaluates a search criteria tree against a user. A node may
// combine a leaf with And/Or lists; all of them must hold.
func (cr *userSearchCriteria) matches(s *Sandbox, u *connectUser) (bool, *apiError) {
	if sc := cr.StringCondition; sc != nil {
		var fields []string
		switch sc.FieldName {
		case "Username":
			fields = []string{u.Username}
		case "FirstName":
			fields = []string{u.FirstName}
		case "LastName":
			fields = []string{u.LastName}
		case "RoutingProfileId":
			fields = []string{u.RoutingProfileID}
		case "SecurityProfileId":
			fields = u.SecurityProfileIDs
		case "resourceId":
			fields = []string{u.ID}
		default:
			return false, invalidParameter("Invalid FieldName in StringCondition: " + sc.FieldName)
		}
		ok := false
		for _, f := range fields {
			switch sc.ComparisonType {
			case "EXACT":
				ok = ok || f == sc.Value
			case "STARTS_WITH":
				ok = ok || strings.HasPrefix(strings.ToLower(f), strings.ToLower(sc.Value))
			case "CONTAINS":
				ok = ok || strings.Contains(strings.ToLower(f), strings.ToLower(sc.Value))
			default:
				return false, invalidParameter("Invalid ComparisonType in StringCondition: " + sc.ComparisonType)
			}
		}
		if !ok {
			return false, nil
		}
	}
	if hc := cr.HierarchyGroupCondition; hc != nil {
		ok := u.HierarchyGroupID == hc.Value
		if !ok && hc.HierarchyGroupMatchType == "WITH_CHILD_GROUPS" {
			for g := s.findHierarchyGroup(u.HierarchyGroupID); g != nil; g = g.parent {
				ok = ok || g.id == hc.Value
			}
		}
		if !ok {
			return false, nil
		}
	}
	if lc := cr.ListCondition; lc != nil {
		if ok, e := lc.matches(u); e != nil || !ok {
			return false, e
		}
	}
	for i := range cr.AndConditions {
		ok, e := cr.AndConditions[i].matches(s, u)
		if e != nil || !ok {
			return false, e
		}
	}
	if len(cr.OrConditions) > 0 {
		anyMatch := false
		for i := range cr.OrConditions {
			ok, e := cr.OrConditions[i].matches(s, u)
			if e != nil {
				return false, e
			}
			anyMatch = anyMatch || ok
		}
		if !anyMatch {
			return false, nil
		}
	}
	return true, nil
}

func connectSearchUsers(c *call) (any, *apiError) {
	var in struct {
		InstanceId     string
		NextToken      string
		MaxResults     *int
		SearchCriteria *userSearchCriteria
		SearchFilter   *userSearchFilter // search_filter.go
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if in.InstanceId == "" {
		return nil, invalidParameter("InstanceId is required")
	}
	if e := in.SearchFilter.check(); e != nil {
		return nil, e
	}
	if e := in.SearchCriteria.check(); e != nil { // search_criteria.go
		return nil, e
	}
	if e := c.instance(in.InstanceId); e != nil {
		return nil, e
	}
	max, e := c.maxResults(in.MaxResults, 100, 1, 500)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var found []*connectUser
	for _, u := range c.s.listedUsers(c.now) {
		ok := true
		if in.SearchCriteria != nil {
			var e *apiError
			if ok, e = in.SearchCriteria.matches(c.s, u); e != nil {
				return nil, e
			}
		}
		if ok && in.SearchFilter.matches(c.s, u) {
			found = append(found, u)
		}
	}
	users, next, e := page(c, found, func(u *connectUser) int64 { return u.seq }, in.NextToken, max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, 0, len(users))
	for _, u := range users {
		out = append(out, map[string]any{
			"Arn":              u.ARN,
			"DirectoryUserId":  strp(u.DirectoryUserID),
			"HierarchyGroupId": strp(u.HierarchyGroupID),
			"Id":               u.ID,
			"IdentityInfo":     identityInfoJSON{FirstName: u.FirstName, LastName: u.LastName},
			// SearchUsers reports the after-contact-work limit in milliseconds.
			"PhoneConfig":                 phoneConfigJSON{PhoneType: u.PhoneType, AutoAccept: u.AutoAccept, AfterContactWorkTimeLimit: int64(u.ACWTimeout) * 1000, DeskPhoneNumber: u.DeskPhoneNumber, PersistentConnection: u.PersistentConnection},
			"RoutingProfileId":            u.RoutingProfileID,
			"SecurityProfileIds":          u.SecurityProfileIDs,
			"Tags":                        u.Tags,
			"Username":                    u.Username,
			"AutoAcceptConfigs":           autoAcceptConfigsJSON(&u.ConnectUser),
			"AfterContactWorkConfigs":     acwConfigsJSON(&u.ConnectUser, 1000),
			"PhoneNumberConfigs":          phoneNumberConfigsJSON(&u.ConnectUser),
			"PersistentConnectionConfigs": persistentConfigsJSON(&u.ConnectUser),
			"VoiceEnhancementConfigs":     enhancementConfigsJSON(&u.ConnectUser),
		})
	}
	return map[string]any{"Users": out, "NextToken": next, "ApproximateTotalCount": len(found)}, nil
}

type createUserInput struct {
	Username     string
	Password     *string
	IdentityInfo *identityInfoJSON
	PhoneConfig  *struct {
		PhoneType                 string
		AutoAccept                *bool
		AfterContactWorkTimeLimit *int64
		DeskPhoneNumber           string
		PersistentConnection      *bool
	}
	DirectoryUserId    string
	SecurityProfileIds []string
	RoutingProfileId   string
	HierarchyGroupId   string
	Tags               map[string]string
	channelConfigsInput
}

var (
	usernamePattern = regexp.MustCompile(`^[a-zA-Z0-9_\-.@]+$`)
	emailPattern    = regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	e164Pattern     = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)
)

const maxACW = 2000000

func connectCreateUser(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	var in createUserInput
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	u, e := c.s.validateCreateUser(&in)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if findNamed(c.s.routing, u.RoutingProfileID) == nil {
		return nil, notFound("Routing profile", u.RoutingProfileID)
	}
	for _, id := range u.SecurityProfileIDs {
		if findNamed(c.s.security, id) == nil {
			return nil, notFound("Security profile", id)
		}
	}
	if u.HierarchyGroupID != "" && c.s.findHierarchyGroup(u.HierarchyGroupID) == nil {
		return nil, notFound("Hierarchy group", u.HierarchyGroupID)
	}
	if c.s.userByName[u.Username] != nil {
		return nil, &apiError{status: http.StatusConflict, code: "DuplicateResourceException", message: "User with username " + u.Username + " already exists"}
	}
	if len(c.s.users) >= c.s.quota {
		return nil, &apiError{status: http.StatusTooManyRequests, code: "LimitExceededException", message: "The limit of users per instance has been exceeded"}
	}
	u.ID = newUUID()
	u.ARN = c.s.arn("agent", u.ID)
	c.s.insertConnectUser(&connectUser{ConnectUser: *u, modified: c.now, created: c.now})
	return map[string]any{"UserId": u.ID, "UserArn": u.ARN}, nil
}

// validateCreateUser checks a CreateUser request's fields as Connect does for
// the instance's identity type, and returns the user it describes.
func (s *Sandbox) validateCreateUser(in *createUserInput) (*ConnectUser, *apiError) {
	u := &ConnectUser{Username: in.Username, RoutingProfileID: in.RoutingProfileId, HierarchyGroupID: in.HierarchyGroupId, DirectoryUserID: in.DirectoryUserId, PhoneType: "SOFT_PHONE"}
	switch {
	case in.Username == "":
		return nil, invalidParameter("Username is required")
	case utf8.RuneCountInString(in.Username) > 64:
		return nil, invalidParameter("Username must be at most 64 characters")
	case !usernamePattern.MatchString(in.Username):
		return nil, invalidParameter("Username may contain only letters, digits and _ - . @")
	case strings.Contains(in.Username, "@") && !emailPattern.MatchString(in.Username):
		return nil, invalidParameter("Username may contain @ only in the form of an email address")
	case s.checkLoginLength(in.Username) != nil:
		return nil, s.checkLoginLength(in.Username)
	}
	if in.RoutingProfileId == "" {
		return nil, invalidParameter("RoutingProfileId is required")
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
	u.SecurityProfileIDs = append([]string(nil), in.SecurityProfileIds...)

	switch s.identity {
	case "CONNECT_MANAGED":
		if in.Password == nil || *in.Password == "" {
			return nil, invalidParameter("Password is required for an instance that uses Amazon Connect for identity management")
		}
		if !passwordOK(*in.Password) {
			return nil, invalidParameter("Password does not meet the password policy: 8 to 64 characters, at least one lower-case letter, one upper-case letter and one digit, no spaces")
		}
		u.Password = *in.Password
	default:
		if in.Password != nil {
			return nil, invalidRequest("Password is not allowed for an instance that uses " + s.identity + " for identity management")
		}
	}
	info := in.IdentityInfo
	if info == nil {
		info = &identityInfoJSON{}
	}
	if s.identity != "EXISTING_DIRECTORY" {
		if info.FirstName == "" || info.LastName == "" {
			return nil, invalidParameter("IdentityInfo.FirstName and IdentityInfo.LastName are required for an instance that uses " + s.identity + " for identity management")
		}
	}
	switch {
	case utf8.RuneCountInString(info.FirstName) > maxFirstName:
		return nil, invalidParameter("IdentityInfo.FirstName must be at most 255 characters")
	case utf8.RuneCountInString(info.LastName) > maxLastName:
		return nil, invalidParameter("IdentityInfo.LastName must be at most 300 characters")
	case s.checkIdentityInfo(info) != nil:
		return nil, s.checkIdentityInfo(info)
	case info.Mobile != "" && !e164Pattern.MatchString(info.Mobile):
		return nil, invalidParameter("IdentityInfo.Mobile must be an E.164 number such as +14255550100")
	}
	u.FirstName, u.LastName, u.Email, u.SecondaryEmail, u.Mobile = info.FirstName, info.LastName, info.Email, info.SecondaryEmail, info.Mobile

	if pc := in.PhoneConfig; pc != nil {
		if e := phoneConfigConflicts(pc.AutoAccept != nil, pc.AfterContactWorkTimeLimit != nil, pc.PhoneType != "" || pc.DeskPhoneNumber != "", pc.PersistentConnection != nil, &in.channelConfigsInput); e != nil {
			return nil, e
		}
		if pc.PhoneType != "" && pc.PhoneType != "SOFT_PHONE" && pc.PhoneType != "DESK_PHONE" {
			return nil, invalidParameter("PhoneConfig.PhoneType must be SOFT_PHONE or DESK_PHONE")
		}
		if pc.PhoneType != "" {
			u.PhoneType = pc.PhoneType
		}
		u.DeskPhoneNumber = pc.DeskPhoneNumber
		if pc.AutoAccept != nil {
			u.AutoAccept = *pc.AutoAccept
		}
		if pc.AfterContactWorkTimeLimit != nil {
			if *pc.AfterContactWorkTimeLimit < 0 || *pc.AfterContactWorkTimeLimit > maxACW {
				return nil, invalidParameter("PhoneConfig.AfterContactWorkTimeLimit must be between 0 and 2000000 seconds")
			}
			u.ACWTimeout = int32(*pc.AfterContactWorkTimeLimit)
		}
		if pc.PersistentConnection != nil {
			v := *pc.PersistentConnection
			u.PersistentConnection = &v
		}
	}
	if e := in.channelConfigsInput.apply(u); e != nil {
		return nil, e
	}
	if u.PhoneType == "DESK_PHONE" && u.DeskPhoneNumber == "" {
		return nil, invalidParameter("A desk phone number is required for PhoneType DESK_PHONE")
	}
	if u.DeskPhoneNumber != "" && !e164Pattern.MatchString(u.DeskPhoneNumber) {
		return nil, invalidParameter("The desk phone number must be in E.164 format, such as +14255550100")
	}

	if in.Tags != nil {
		if len(in.Tags) < 1 || len(in.Tags) > 50 {
			return nil, invalidParameter("Tags must hold 1 to 50 tags")
		}
		for k, v := range in.Tags {
			switch {
			case checkTagKey("tags", k) != nil:
				return nil, checkTagKey("tags", k)
			case utf8.RuneCountInString(v) > 256:
				return nil, invalidParameter("A tag value must be at most 256 characters")
			}
		}
		u.Tags = copyTags(in.Tags)
	}
	return u, nil
}

// passwordOK applies Connect's password policy: 8 to 64 characters, a
// lower-case letter, an upper-case letter and a digit, no whitespace. The
// length is in UTF-16 code units, as Connect's Java regular expression
// counts it: a character beyond the Basic Multilingual Plane (an emoji)
// counts twice.
func passwordOK(p string) bool {
	n := utf16Len(p)
	if n < 8 || n > 64 {
		return false
	}
	var lower, upper, digit bool
	for _, r := range p {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xa0:
			return false
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	return lower && upper && digit
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += max(utf16.RuneLen(r), 1) // -1 for a lone surrogate, which JSON decoding has replaced
	}
	return n
}

func connectDeleteUser(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u := c.s.users[c.args[1]]
	if u == nil {
		return nil, notFound("User", c.args[1])
	}
	delete(c.s.users, u.ID)
	delete(c.s.userByName, u.Username)
	c.s.noteDeleted(u, c.now)
	c.s.userOrder = slices.DeleteFunc(c.s.userOrder, func(x *connectUser) bool { return x == u })
	return nil, nil
}
