package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// The agent hierarchy's structure and the creation of its groups
// (restJson1, routes as the SDK's serializers send them).
//
// Choices where AWS's behaviour is not documented:
//   - A hierarchy group's Name is 1 to 100 characters (the model's
//     documentation; its shape has no bounds) and not only white space:
//     otherwise InvalidParameterException. Names are unique under their
//     parent, case-sensitively (DuplicateResourceException); one name may
//     appear under two parents.
//   - A group's level is its parent's plus one; a level the structure does
//     not define is InvalidRequestException, naming the levels it has.
//   - An instance holds at most 500 hierarchy groups (Options.HierarchyGroupQuota;
//     LimitExceededException, HTTP 429 as the model gives), which Service
//     Quotas lists as "User hierarchy groups per instance".
//   - UpdateUserHierarchyStructure gives the whole structure: the levels it
//     names, from LevelOne with none skipped (else InvalidRequestException),
//     names of 1 to 50 characters; a level it leaves out is removed, which a
//     level holding groups refuses (ResourceInUseException). A level kept
//     keeps its id.
func init() {
	registerConnect("CreateUserHierarchyGroup", "PUT", "user-hierarchy-groups", 2, operation{handle: connectCreateUserHierarchyGroup, mutating: true})
	registerConnect("DescribeUserHierarchyStructure", "GET", "user-hierarchy-structure", 2, operation{handle: connectDescribeUserHierarchyStructure})
	registerConnect("UpdateUserHierarchyStructure", "POST", "user-hierarchy-structure", 2, operation{handle: connectUpdateUserHierarchyStructure, mutating: true})
}

// hierarchyGroupQuota is the default number of hierarchy groups per instance.
const hierarchyGroupQuota = 500

// hierarchyGroupsQuotaCode is the Service Quotas code the sandbox gives
// "User hierarchy groups per instance" (AWS's is not documented here; a
// client finds it by name).
const hierarchyGroupsQuotaCode = "L-9C8A8B29"

var levelKeys = [5]string{"LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"}

// HierarchyGroup is a group of the instance's agent hierarchy.
type HierarchyGroup struct {
	ID, ARN, Name string
	Level         int    // 1 to 5
	ParentID      string // "" at level one
	Path          string // the names from level one, joined by "|"
}

// HierarchyGroups returns the instance's hierarchy groups in creation order.
func (s *Sandbox) HierarchyGroups() []HierarchyGroup {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]HierarchyGroup, 0, len(s.hierarchy))
	for _, g := range s.hierarchy {
		h := HierarchyGroup{ID: g.id, ARN: g.arn, Name: g.name, Level: g.level}
		if g.parent != nil {
			h.ParentID = g.parent.id
		}
		var names []string
		for p := g; p != nil; p = p.parent {
			names = append([]string{p.name}, names...)
		}
		h.Path = strings.Join(names, "|")
		out = append(out, h)
	}
	return out
}

// HierarchyLevels returns the names of the levels the structure defines,
// level one first.
func (s *Sandbox) HierarchyLevels() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.levels))
	for _, l := range s.levels {
		out = append(out, l.name)
	}
	return out
}

// SetHierarchyLevels makes the structure define exactly these levels (level
// one first), as UpdateUserHierarchyStructure does, and with its rules.
func (s *Sandbox) SetHierarchyLevels(names ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.setLevels(names); e != nil {
		return fmt.Errorf("setting the hierarchy levels: %s", e.message)
	}
	return nil
}

func (s *Sandbox) setLevels(names []string) *apiError {
	if len(names) > len(levelKeys) {
		return invalidRequest("A hierarchy structure has at most five levels")
	}
	for i, n := range names {
		if n == "" || utf8.RuneCountInString(n) > 50 || strings.TrimSpace(n) == "" {
			return invalidParameter(levelKeys[i] + ".Name must be 1 to 50 characters")
		}
	}
	for _, g := range s.hierarchy {
		if g.level > len(names) {
			return &apiError{status: http.StatusConflict, code: "ResourceInUseException",
				message: fmt.Sprintf("Level %d holds hierarchy groups and cannot be removed", g.level),
				extra:   map[string]any{"ResourceType": "HIERARCHY_LEVEL", "ResourceId": s.levels[g.level-1].arn}}
		}
	}
	for i, n := range names {
		if i < len(s.levels) {
			s.levels[i].name = n
			continue
		}
		id := newUUID()
		s.levels = append(s.levels, &hierarchyLevel{id: id, arn: s.arn("agent-group-level", id), name: n})
	}
	s.levels = s.levels[:len(names)]
	return nil
}

// levelList says which levels the structure has, for messages.
func (s *Sandbox) levelList() string {
	if len(s.levels) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, l := range s.levels {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d (%s)", i+1, l.name)
	}
	return b.String()
}

func connectCreateUserHierarchyGroup(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	var in struct {
		Name          *string
		ParentGroupId *string
		Tags          map[string]string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if in.Name == nil {
		return nil, invalidParameter("Name is required")
	}
	name := *in.Name
	if name == "" || utf8.RuneCountInString(name) > 100 || strings.TrimSpace(name) == "" {
		return nil, invalidParameter("Name must be 1 to 100 characters, not only white space")
	}
	if in.Tags != nil {
		if len(in.Tags) < 1 || len(in.Tags) > 50 {
			return nil, invalidParameter("Tags must hold 1 to 50 tags")
		}
		for k, v := range in.Tags {
			if e := checkTagKey("tags", k); e != nil {
				return nil, e
			}
			if utf8.RuneCountInString(v) > 256 {
				return nil, invalidParameter("A tag value must be at most 256 characters")
			}
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var parent *hierarchyGroup
	if in.ParentGroupId != nil {
		if *in.ParentGroupId == "" {
			return nil, invalidParameter("ParentGroupId must not be empty")
		}
		if parent = c.s.findHierarchyGroup(*in.ParentGroupId); parent == nil {
			return nil, notFound("Hierarchy group", *in.ParentGroupId)
		}
	}
	level := 1
	if parent != nil {
		level = parent.level + 1
	}
	if level > len(c.s.levels) {
		return nil, invalidRequest(fmt.Sprintf("The hierarchy structure has no level %d for this group: its levels are %s", level, c.s.levelList()))
	}
	for _, g := range c.s.hierarchy {
		if g.parent == parent && g.name == name {
			return nil, &apiError{status: http.StatusConflict, code: "DuplicateResourceException", message: "A hierarchy group named " + name + " already exists under that parent"}
		}
	}
	if len(c.s.hierarchy) >= c.s.groupQuota() {
		return nil, &apiError{status: http.StatusTooManyRequests, code: "LimitExceededException", message: "The limit of hierarchy groups per instance has been exceeded"}
	}
	id := newUUID()
	g := &hierarchyGroup{id: id, arn: c.s.arn("agent-group", id), name: name, level: level, levelID: c.s.levels[level-1].id, parent: parent, modified: c.now}
	c.s.hierarchy = append(c.s.hierarchy, g)
	return map[string]any{"HierarchyGroupId": g.id, "HierarchyGroupArn": g.arn}, nil
}

func (s *Sandbox) groupQuota() int {
	if s.opts.HierarchyGroupQuota > 0 {
		return s.opts.HierarchyGroupQuota
	}
	return hierarchyGroupQuota
}

func connectDescribeUserHierarchyStructure(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	st := map[string]any{}
	for i, l := range c.s.levels {
		st[levelKeys[i]] = map[string]any{"Id": l.id, "Arn": l.arn, "Name": l.name,
			"LastModifiedTime": epoch(c.s.created), "LastModifiedRegion": c.s.region}
	}
	return map[string]any{"HierarchyStructure": st}, nil
}

func connectUpdateUserHierarchyStructure(c *call) (any, *apiError) {
	if e := c.instance(c.args[0]); e != nil {
		return nil, e
	}
	var in struct {
		HierarchyStructure *map[string]*struct{ Name *string }
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if in.HierarchyStructure == nil {
		return nil, invalidParameter("HierarchyStructure is required")
	}
	given := *in.HierarchyStructure
	var names []string
	for i, k := range levelKeys {
		l, ok := given[k]
		if !ok || l == nil {
			for _, later := range levelKeys[i+1:] {
				if given[later] != nil {
					return nil, invalidRequest(fmt.Sprintf("%s is given without %s: levels must follow one another from LevelOne", later, k))
				}
			}
			break
		}
		if l.Name == nil {
			return nil, invalidParameter(k + ".Name is required")
		}
		names = append(names, *l.Name)
	}
	for k := range given {
		if !validLevelKey(k) {
			return nil, invalidRequest("Unknown member of HierarchyStructure: " + k)
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if e := c.s.setLevels(names); e != nil {
		return nil, e
	}
	return nil, nil
}

func validLevelKey(k string) bool {
	for _, l := range levelKeys {
		if l == k {
			return true
		}
	}
	return false
}

// seedLevels defines the five levels of a fresh sandbox's structure.
func (s *Sandbox) seedLevels() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.setLevels(levelNames[:]) // five valid names, no groups yet: cannot fail
}
