package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
	"unicode/utf8"
)

// ChannelSettings are a user's per-channel settings beyond the voice
// channel's auto accept and ACW (ConnectUser.AutoAccept, ACWTimeout) and
// phone (PhoneType, DeskPhoneNumber).
type ChannelSettings struct {
	// AutoAcceptByChannel and ACWByChannel hold CHAT, TASK and EMAIL when set.
	AutoAcceptByChannel  map[string]bool
	ACWByChannel         map[string]int32
	CallbackAutoAccept   *bool  // VOICE agent-first callbacks
	CallbackACW          *int32 // VOICE agent-first callbacks, seconds
	PersistentConnection *bool
	VoiceEnhancement     string // VOICE_ISOLATION, NOISE_SUPPRESSION, NONE; "" never set
	Proficiencies        []Proficiency
}

// Proficiency is one of a user's routing proficiencies.
type Proficiency struct {
	AttributeName  string
	AttributeValue string
	Level          float64
}

type predefinedAttribute struct {
	name     string
	values   []string
	seq      int64
	modified time.Time
}

// Quotas of the proficiency model (docs/aws.md §7): proficiencies per user
// (a Service Quotas default), values per predefined attribute (the model's
// list bound), and name and value lengths.
const (
	maxUserProficiencies = 10
	maxAttributeValues   = 500
	maxAttributeName     = 100
)

var channels = []string{"VOICE", "CHAT", "TASK", "EMAIL"}

func init() {
	registerConnectAspect("UpdateUserConfig", "POST", "users", 4, "config", operation{handle: connectUpdateUserConfig, mutating: true})
	registerConnectAspect("AssociateUserProficiencies", "POST", "users", 4, "associate-proficiencies", operation{handle: connectAssociateUserProficiencies, mutating: true})
	registerConnectAspect("DisassociateUserProficiencies", "POST", "users", 4, "disassociate-proficiencies", operation{handle: connectDisassociateUserProficiencies, mutating: true})
	registerConnectAspect("UpdateUserProficiencies", "POST", "users", 4, "proficiencies", operation{handle: connectUpdateUserProficiencies, mutating: true})
	registerConnectAspect("ListUserProficiencies", "GET", "users", 4, "proficiencies", operation{handle: connectListUserProficiencies})
	registerConnect("ListPredefinedAttributes", "GET", "predefined-attributes", 2, operation{handle: connectListPredefinedAttributes})
	registerConnect("DescribePredefinedAttribute", "GET", "predefined-attributes", 3, operation{handle: connectDescribePredefinedAttribute})
	registerConnect("CreatePredefinedAttribute", "PUT", "predefined-attributes", 2, operation{handle: connectCreatePredefinedAttribute, mutating: true})
}

// seedAttributes creates the predefined attributes a fresh sandbox has.
func (s *Sandbox) seedAttributes() {
	s.AddPredefinedAttribute("Language", "English", "Spanish", "French")
	s.AddPredefinedAttribute("Skill", "Billing", "Technical", "Sales")
}

// AddPredefinedAttribute creates (or replaces) a predefined attribute.
func (s *Sandbox) AddPredefinedAttribute(name string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.attributes == nil {
		s.attributes = map[string]*predefinedAttribute{}
	}
	s.attributes[name] = &predefinedAttribute{name: name, values: slices.Clone(values), seq: s.nextSeq(), modified: time.Now().UTC()}
}

// UserProficiencies gives a user's proficiencies, by login (for tests).
func (s *Sandbox) UserProficiencies(username string) []Proficiency {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userByName[username]; u != nil {
		return slices.Clone(u.Proficiencies)
	}
	return nil
}

// channelConfigsInput are the per-channel members of CreateUser and
// UpdateUserConfig.
type channelConfigsInput struct {
	AutoAcceptConfigs []struct {
		Channel                      string
		AutoAccept                   *bool
		AgentFirstCallbackAutoAccept *bool
	}
	AfterContactWorkConfigs []struct {
		Channel                                  string
		AfterContactWorkConfig                   *acwJSON
		AgentFirstCallbackAfterContactWorkConfig *acwJSON
	}
	PhoneNumberConfigs []struct {
		Channel     string
		PhoneType   string
		PhoneNumber string
	}
	PersistentConnectionConfigs []struct {
		Channel              string
		PersistentConnection *bool
	}
	VoiceEnhancementConfigs []struct {
		Channel              string
		VoiceEnhancementMode string
	}
}

type acwJSON struct {
	AfterContactWorkTimeLimit int64
}

// phoneConfigConflicts applies CreateUser's rule (its documentation): a
// PhoneConfig field cannot be set together with its per-channel twin.
// "Set" is "present in the request": the SDKs leave out a false AutoAccept
// and a zero ACW, so only what a caller put in counts.
func phoneConfigConflicts(autoAccept, acw, phone, persistent bool, in *channelConfigsInput) *apiError {
	switch {
	case autoAccept && len(in.AutoAcceptConfigs) > 0:
		return invalidRequest("PhoneConfig.AutoAccept conflicts with AutoAcceptConfigs: set one or the other")
	case acw && len(in.AfterContactWorkConfigs) > 0:
		return invalidRequest("PhoneConfig.AfterContactWorkTimeLimit conflicts with AfterContactWorkConfigs: set one or the other")
	case phone && len(in.PhoneNumberConfigs) > 0:
		return invalidRequest("PhoneConfig.PhoneType and PhoneConfig.PhoneNumber conflict with PhoneNumberConfigs: set one or the other")
	case persistent && len(in.PersistentConnectionConfigs) > 0:
		return invalidRequest("PhoneConfig.PersistentConnection conflicts with PersistentConnectionConfigs: set one or the other")
	}
	return nil
}

func validChannel(ch string) bool { return slices.Contains(channels, ch) }

// apply checks the per-channel configs and sets them on u.
func (in *channelConfigsInput) apply(u *ConnectUser) *apiError {
	seen := map[string]bool{}
	for _, a := range in.AutoAcceptConfigs {
		switch {
		case !validChannel(a.Channel):
			return invalidParameter("AutoAcceptConfigs.Channel must be VOICE, CHAT, TASK or EMAIL")
		case a.AutoAccept == nil:
			return invalidParameter("AutoAcceptConfigs.AutoAccept is required")
		case seen["aa"+a.Channel]:
			return invalidParameter("AutoAcceptConfigs lists channel " + a.Channel + " twice")
		case a.AgentFirstCallbackAutoAccept != nil && a.Channel != "VOICE":
			return invalidParameter("AgentFirstCallbackAutoAccept applies to the VOICE channel only")
		}
		seen["aa"+a.Channel] = true
		if a.Channel == "VOICE" {
			u.AutoAccept = *a.AutoAccept
			if a.AgentFirstCallbackAutoAccept != nil {
				v := *a.AgentFirstCallbackAutoAccept
				u.CallbackAutoAccept = &v
			}
			continue
		}
		if u.AutoAcceptByChannel == nil {
			u.AutoAcceptByChannel = map[string]bool{}
		}
		u.AutoAcceptByChannel[a.Channel] = *a.AutoAccept
	}
	for _, a := range in.AfterContactWorkConfigs {
		switch {
		case !validChannel(a.Channel):
			return invalidParameter("AfterContactWorkConfigs.Channel must be VOICE, CHAT, TASK or EMAIL")
		case a.AfterContactWorkConfig == nil:
			return invalidParameter("AfterContactWorkConfigs.AfterContactWorkConfig is required")
		case seen["acw"+a.Channel]:
			return invalidParameter("AfterContactWorkConfigs lists channel " + a.Channel + " twice")
		case a.AgentFirstCallbackAfterContactWorkConfig != nil && a.Channel != "VOICE":
			return invalidParameter("AgentFirstCallbackAfterContactWorkConfig applies to the VOICE channel only")
		}
		seen["acw"+a.Channel] = true
		for _, c := range []*acwJSON{a.AfterContactWorkConfig, a.AgentFirstCallbackAfterContactWorkConfig} {
			if c != nil && (c.AfterContactWorkTimeLimit < 0 || c.AfterContactWorkTimeLimit > maxACW) {
				return invalidParameter("AfterContactWorkTimeLimit must be between 0 and 2000000 seconds")
			}
		}
		t := int32(a.AfterContactWorkConfig.AfterContactWorkTimeLimit)
		if a.Channel == "VOICE" {
			u.ACWTimeout = t
			if c := a.AgentFirstCallbackAfterContactWorkConfig; c != nil {
				v := int32(c.AfterContactWorkTimeLimit)
				u.CallbackACW = &v
			}
			continue
		}
		if u.ACWByChannel == nil {
			u.ACWByChannel = map[string]int32{}
		}
		u.ACWByChannel[a.Channel] = t
	}
	for _, p := range in.PhoneNumberConfigs {
		if p.Channel != "VOICE" {
			return invalidParameter("PhoneNumberConfigs supports the VOICE channel only")
		}
		if p.PhoneType != "SOFT_PHONE" && p.PhoneType != "DESK_PHONE" {
			return invalidParameter("PhoneNumberConfigs.PhoneType must be SOFT_PHONE or DESK_PHONE")
		}
		u.PhoneType, u.DeskPhoneNumber = p.PhoneType, p.PhoneNumber
	}
	for _, p := range in.PersistentConnectionConfigs {
		if p.Channel != "VOICE" {
			return invalidParameter("PersistentConnectionConfigs supports the VOICE channel only")
		}
		if p.PersistentConnection == nil {
			return invalidParameter("PersistentConnectionConfigs.PersistentConnection is required")
		}
		v := *p.PersistentConnection
		u.PersistentConnection = &v
	}
	for _, p := range in.VoiceEnhancementConfigs {
		if p.Channel != "VOICE" {
			return invalidParameter("VoiceEnhancementConfigs supports the VOICE channel only")
		}
		switch p.VoiceEnhancementMode {
		case "VOICE_ISOLATION", "NOISE_SUPPRESSION", "NONE":
		default:
			return invalidParameter("VoiceEnhancementMode must be VOICE_ISOLATION, NOISE_SUPPRESSION or NONE")
		}
		u.VoiceEnhancement = p.VoiceEnhancementMode
	}
	if u.PhoneType == "DESK_PHONE" && u.DeskPhoneNumber == "" {
		return invalidParameter("A desk phone number is required for PhoneType DESK_PHONE")
	}
	if u.DeskPhoneNumber != "" && !e164Pattern.MatchString(u.DeskPhoneNumber) {
		return invalidParameter("The desk phone number must be in E.164 format, such as +14255550100")
	}
	return nil
}

// The per-channel lists as DescribeUser and SearchUsers give them. The
// voice channel is always listed (it mirrors PhoneConfig); the others when
// they were set. ACW is in seconds, times unit: SearchUsers gives 1000
// (milliseconds, as the model documents for its PhoneConfig; the
// per-channel lists are taken to follow it).
func autoAcceptConfigsJSON(u *ConnectUser) []map[string]any {
	out := []map[string]any{{"Channel": "VOICE", "AutoAccept": u.AutoAccept}}
	if u.CallbackAutoAccept != nil {
		out[0]["AgentFirstCallbackAutoAccept"] = *u.CallbackAutoAccept
	}
	for _, ch := range channels[1:] {
		if v, ok := u.AutoAcceptByChannel[ch]; ok {
			out = append(out, map[string]any{"Channel": ch, "AutoAccept": v})
		}
	}
	return out
}

func acwConfigsJSON(u *ConnectUser, unit int64) []map[string]any {
	out := []map[string]any{{"Channel": "VOICE", "AfterContactWorkConfig": acwJSON{int64(u.ACWTimeout) * unit}}}
	if u.CallbackACW != nil {
		out[0]["AgentFirstCallbackAfterContactWorkConfig"] = acwJSON{int64(*u.CallbackACW) * unit}
	}
	for _, ch := range channels[1:] {
		if v, ok := u.ACWByChannel[ch]; ok {
			out = append(out, map[string]any{"Channel": ch, "AfterContactWorkConfig": acwJSON{int64(v) * unit}})
		}
	}
	return out
}

func phoneNumberConfigsJSON(u *ConnectUser) []map[string]any {
	m := map[string]any{"Channel": "VOICE", "PhoneType": u.PhoneType}
	if u.DeskPhoneNumber != "" {
		m["PhoneNumber"] = u.DeskPhoneNumber
	}
	return []map[string]any{m}
}

func persistentConfigsJSON(u *ConnectUser) []map[string]any {
	if u.PersistentConnection == nil {
		return nil
	}
	return []map[string]any{{"Channel": "VOICE", "PersistentConnection": *u.PersistentConnection}}
}

func enhancementConfigsJSON(u *ConnectUser) []map[string]any {
	if u.VoiceEnhancement == "" {
		return nil
	}
	return []map[string]any{{"Channel": "VOICE", "VoiceEnhancementMode": u.VoiceEnhancement}}
}

// userFor checks the instance and finds the user of a /users/{I}/{U}/...
// path; the caller holds the lock.
func (c *call) userFor() (*connectUser, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	u := c.s.users[c.args[1]]
	if u == nil {
		return nil, notFound("User", c.args[1])
	}
	return u, nil
}

func connectUpdateUserConfig(c *call) (any, *apiError) {
	var in channelConfigsInput
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u, e := c.userFor()
	if e != nil {
		return nil, e
	}
	// Check on a copy, so that a refused request changes nothing.
	next := u.ConnectUser
	next.AutoAcceptByChannel = copyMap(u.AutoAcceptByChannel)
	next.ACWByChannel = copyMap(u.ACWByChannel)
	if e := in.apply(&next); e != nil {
		return nil, e
	}
	u.ConnectUser = next
	u.modified = c.now
	return nil, nil
}

func copyMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

type proficienciesInput struct {
	UserProficiencies []struct {
		AttributeName  string
		AttributeValue string
		Level          *float64
	}
}

// checkProficiency: the attribute and its value must exist, the level be
// 1.0 to 5.0 (ProficiencyLevel in the model); the caller holds the lock.
func (s *Sandbox) checkProficiency(name, value string, level *float64, needLevel bool) *apiError {
	if name == "" || value == "" || utf8.RuneCountInString(name) > maxAttributeName || utf8.RuneCountInString(value) > maxAttributeName {
		return invalidParameter("AttributeName and AttributeValue must be 1 to 100 characters")
	}
	if needLevel && (level == nil || *level < 1 || *level > 5) {
		return invalidParameter("Level must be between 1.0 and 5.0")
	}
	a := s.attributes[name]
	if a == nil {
		return invalidRequest("Predefined attribute " + name + " does not exist")
	}
	if !slices.Contains(a.values, value) {
		return invalidRequest("Value " + value + " does not exist for predefined attribute " + name)
	}
	return nil
}

func findProficiency(list []Proficiency, name, value string) int {
	return slices.IndexFunc(list, func(p Proficiency) bool { return p.AttributeName == name && p.AttributeValue == value })
}

// connectAssociateUserProficiencies adds proficiencies. One already
// associated is refused (InvalidRequestException): AWS's behaviour there is
// undocumented, and refusing is the case a caller must handle anyway. So is
// a request that would take the user past the 10 proficiencies a user may
// hold, changing nothing.
func connectAssociateUserProficiencies(c *call) (any, *apiError) {
	var in proficienciesInput
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if len(in.UserProficiencies) == 0 {
		return nil, invalidParameter("UserProficiencies is required")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u, e := c.userFor()
	if e != nil {
		return nil, e
	}
	next := slices.Clone(u.Proficiencies)
	for _, p := range in.UserProficiencies {
		if e := c.s.checkProficiency(p.AttributeName, p.AttributeValue, p.Level, true); e != nil {
			return nil, e
		}
		if findProficiency(next, p.AttributeName, p.AttributeValue) >= 0 {
			return nil, invalidRequest("Proficiency " + p.AttributeName + ":" + p.AttributeValue + " is already associated with the user")
		}
		next = append(next, Proficiency{AttributeName: p.AttributeName, AttributeValue: p.AttributeValue, Level: *p.Level})
	}
	if len(next) > maxUserProficiencies {
		// The model lists no LimitExceededException for this operation:
		// InvalidRequestException is its "the request is not valid", for a
		// request whose parameters are each well formed.
		return nil, invalidRequest(fmt.Sprintf("A user can have at most %d proficiencies: the user has %d and the request adds %d", maxUserProficiencies, len(u.Proficiencies), len(next)-len(u.Proficiencies)))
	}
	u.Proficiencies = next
	u.modified = c.now
	return nil, nil
}

func connectUpdateUserProficiencies(c *call) (any, *apiError) {
	var in proficienciesInput
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if len(in.UserProficiencies) == 0 {
		return nil, invalidParameter("UserProficiencies is required")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u, e := c.userFor()
	if e != nil {
		return nil, e
	}
	next := slices.Clone(u.Proficiencies)
	for _, p := range in.UserProficiencies {
		if e := c.s.checkProficiency(p.AttributeName, p.AttributeValue, p.Level, true); e != nil {
			return nil, e
		}
		i := findProficiency(next, p.AttributeName, p.AttributeValue)
		if i < 0 {
			return nil, invalidRequest("Proficiency " + p.AttributeName + ":" + p.AttributeValue + " is not associated with the user: associate it first")
		}
		next[i].Level = *p.Level
	}
	u.Proficiencies = next
	u.modified = c.now
	return nil, nil
}

func connectDisassociateUserProficiencies(c *call) (any, *apiError) {
	var in proficienciesInput
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if len(in.UserProficiencies) == 0 {
		return nil, invalidParameter("UserProficiencies is required")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u, e := c.userFor()
	if e != nil {
		return nil, e
	}
	next := slices.Clone(u.Proficiencies)
	for _, p := range in.UserProficiencies {
		if e := c.s.checkProficiency(p.AttributeName, p.AttributeValue, nil, false); e != nil {
			return nil, e
		}
		if i := findProficiency(next, p.AttributeName, p.AttributeValue); i >= 0 {
			next = slices.Delete(next, i, i+1)
		}
	}
	u.Proficiencies = next
	u.modified = c.now
	return nil, nil
}

func connectListUserProficiencies(c *call) (any, *apiError) {
	max, e := c.queryMaxResults(100, 1, 100)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u, e := c.userFor()
	if e != nil {
		return nil, e
	}
	type indexed struct {
		p   Proficiency
		seq int64
	}
	items := make([]indexed, len(u.Proficiencies))
	for i, p := range u.Proficiencies {
		items[i] = indexed{p, int64(i + 1)}
	}
	got, next, e := page(c, items, func(x indexed) int64 { return x.seq }, c.query.Get("nextToken"), max)
	if e != nil {
		return nil, e
	}
	out := make([]Proficiency, len(got))
	for i, x := range got {
		out[i] = x.p
	}
	return map[string]any{"UserProficiencyList": out, "NextToken": next, "LastModifiedTime": epoch(u.modified), "LastModifiedRegion": c.s.region}, nil
}

func (s *Sandbox) sortedAttributes() []*predefinedAttribute {
	out := make([]*predefinedAttribute, 0, len(s.attributes))
	for _, a := range s.attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func connectListPredefinedAttributes(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	max, e := c.queryMaxResults(100, 1, 100)
	if e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	got, next, e := page(c, c.s.sortedAttributes(), func(a *predefinedAttribute) int64 { return a.seq }, c.query.Get("nextToken"), max)
	if e != nil {
		return nil, e
	}
	out := make([]map[string]any, len(got))
	for i, a := range got {
		out[i] = map[string]any{"Name": a.name, "LastModifiedTime": epoch(a.modified), "LastModifiedRegion": c.s.region}
	}
	return map[string]any{"PredefinedAttributeSummaryList": out, "NextToken": next}, nil
}

func connectDescribePredefinedAttribute(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a := c.s.attributes[c.args[1]]
	if a == nil {
		return nil, notFound("Predefined attribute", c.args[1])
	}
	return map[string]any{"PredefinedAttribute": map[string]any{
		"Name": a.name, "Values": map[string]any{"StringList": a.values},
		"LastModifiedTime": epoch(a.modified), "LastModifiedRegion": c.s.region,
	}}, nil
}

func connectCreatePredefinedAttribute(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	var in struct {
		Name   string
		Values *struct{ StringList []string }
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if in.Name == "" || utf8.RuneCountInString(in.Name) > maxAttributeName {
		return nil, invalidParameter("Name must be 1 to 100 characters")
	}
	var values []string
	if in.Values != nil {
		values = in.Values.StringList
	}
	if len(values) > maxAttributeValues {
		return nil, invalidParameter("Values.StringList holds at most 500 values")
	}
	for _, v := range values {
		if v == "" || utf8.RuneCountInString(v) > maxAttributeName {
			return nil, invalidParameter("Each value must be 1 to 100 characters")
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.attributes[in.Name] != nil {
		return nil, &apiError{status: http.StatusConflict, code: "DuplicateResourceException", message: "Predefined attribute " + in.Name + " already exists"}
	}
	if c.s.attributes == nil {
		c.s.attributes = map[string]*predefinedAttribute{}
	}
	c.s.attributes[in.Name] = &predefinedAttribute{name: in.Name, values: slices.Clone(values), seq: c.s.nextSeq(), modified: c.now}
	return nil, nil
}
