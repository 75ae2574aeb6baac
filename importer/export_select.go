package importer

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// What part of the instance an export writes: which columns (--columns)
// and which users (--where).

// pageColumns are the fields a SearchUsers page holds: a column of them
// costs no DescribeUser. The proficiencies have lookups of their own; every
// other column (email address, secondary email, mobile, and the
// per-channel settings, read from DescribeUser because SearchUsers' unit
// for the per-channel ACW limits is not documented) needs one DescribeUser
// per user.
var pageColumns = map[agentfile.Column]bool{
	agentfile.ColFirstName: true, agentfile.ColLastName: true, agentfile.ColLogin: true,
	agentfile.ColRoutingProfile: true, agentfile.ColSecurityProfiles: true, agentfile.ColHierarchy: true,
	agentfile.ColPhoneType: true, agentfile.ColPhoneNumber: true, agentfile.ColAutoAccept: true,
	agentfile.ColACWTimeout: true, agentfile.ColTags: true, agentfile.ColProficiencies: true,
}

// exportNeeds says what the chosen columns (nil: every one) need read.
type exportNeeds struct{ describe, hierarchy, proficiencies bool }

func needsOf(cols []agentfile.Column) exportNeeds {
	if cols == nil {
		return exportNeeds{true, true, true}
	}
	var n exportNeeds
	for _, c := range cols {
		switch f := agentfile.FieldOf(c); {
		case f == agentfile.ColHierarchy:
			n.hierarchy = true
		case f == agentfile.ColProficiencies:
			n.proficiencies = true
		case !pageColumns[f]:
			n.describe = true
		}
	}
	return n
}

// selectHeader keeps the header fields that write a chosen field, in the
// template's order; cols nil keeps all. A chosen field the identity type's
// template lacks is an error.
func selectHeader(id agentfile.Identity, header []string, cols []agentfile.Column) ([]string, error) {
	if cols == nil {
		return header, nil
	}
	want := map[agentfile.Column]bool{}
	for _, c := range cols {
		want[c] = true
	}
	var out []string
	got := map[agentfile.Column]bool{}
	for i, c := range agentfile.HeaderColumns(header) {
		if agentfile.Writes(c) && want[agentfile.FieldOf(c)] {
			out = append(out, header[i])
			got[agentfile.FieldOf(c)] = true
		}
	}
	for _, c := range cols {
		if !got[c] {
			return nil, &SetupError{Message: fmt.Sprintf("--columns: the %s template has no column %q", id, c),
				Hint: "leave it out: this instance's users have no such field"}
		}
	}
	return out, nil
}

// Where is one --where COLUMN=VALUE: the users whose Column (a field)
// matches Value. Typed is the column as given.
type Where struct {
	Column agentfile.Column
	Typed  string
	Value  string
	// Flag is the flag the condition came from, for its messages ("":
	// --where; sync's --scope-* flags).
	Flag string
}

// UserSearch is a part of an instance's users: SearchUsers' SearchCriteria
// and SearchFilter; nil is every user.
type UserSearch struct {
	Criteria *types.UserSearchCriteria
	Filter   *types.UserSearchFilter
}

// whereResolver names the ids a --where needs from the listings.
type whereResolver struct {
	routing, security *nameIndex
	groups            func(ctx context.Context) (*hierarchyIndex, error)
}

// searchFor turns the --where conditions, all of which must hold, into
// one search: each a leaf of SearchCriteria's AndConditions (a string
// condition on the user name, the names, the routing or security profile
// ids; the hierarchy group with its subtree; a proficiency as a
// ListCondition), the tags into SearchFilter's TagFilter. Names become ids
// through the listings; one that does not resolve is a SetupError.
func (r *whereResolver) searchFor(ctx context.Context, wheres []Where) (*UserSearch, error) {
	if len(wheres) == 0 {
		return nil, nil
	}
	var leaves []types.UserSearchCriteria
	var tags []types.TagCondition
	str := func(field, value string, cmp types.StringComparisonType) {
		leaves = append(leaves, types.UserSearchCriteria{StringCondition: &types.StringCondition{
			FieldName: aws.String(field), Value: aws.String(value), ComparisonType: cmp}})
	}
	for _, w := range wheres {
		bad := func(msg, hint string) error {
			if w.Flag != "" {
				return &SetupError{Message: fmt.Sprintf("%s %s: %s", w.Flag, w.Value, msg), Hint: hint}
			}
			return &SetupError{Message: fmt.Sprintf("--where %s=%s: %s", w.Typed, w.Value, msg), Hint: hint}
		}
		switch w.Column {
		case agentfile.ColLogin:
			str("Username", w.Value, types.StringComparisonTypeStartsWith)
		case agentfile.ColFirstName:
			str("FirstName", w.Value, types.StringComparisonTypeExact)
		case agentfile.ColLastName:
			str("LastName", w.Value, types.StringComparisonTypeExact)
		case agentfile.ColRoutingProfile:
			id, msg, hint := r.routing.resolve("routing profile", w.Value)
			if id == "" {
				return nil, bad(msg, hint)
			}
			str("RoutingProfileId", id, types.StringComparisonTypeExact)
		case agentfile.ColSecurityProfiles:
			for _, name := range strings.Split(w.Value, "|") {
				id, msg, hint := r.security.resolve("security profile", strings.TrimSpace(name))
				if id == "" {
					return nil, bad(msg, hint)
				}
				str("SecurityProfileId", id, types.StringComparisonTypeExact)
			}
		case agentfile.ColHierarchy:
			leaf, msg, hint, err := r.hierarchyLeaf(ctx, w.Value)
			switch {
			case err != nil:
				return nil, err
			case leaf == nil:
				return nil, bad(msg, hint)
			}
			leaves = append(leaves, *leaf)
		case agentfile.ColTags:
			for _, pair := range strings.Split(w.Value, "||") {
				k, v, ok := strings.Cut(pair, "|")
				if !ok || strings.TrimSpace(k) == "" {
					return nil, bad("a tag is key|value", "for example --where 'tags=team|support'")
				}
				tags = append(tags, types.TagCondition{TagKey: aws.String(strings.TrimSpace(k)), TagValue: aws.String(strings.TrimSpace(v))})
			}
		case agentfile.ColProficiencies:
			more, msg, hint := proficiencyLeaves(w.Value)
			if msg != "" {
				return nil, bad(msg, hint)
			}
			leaves = append(leaves, more...)
		}
	}
	return userSearchOf(leaves, tags), nil
}

// hierarchyLeaf is the condition of a --where on the hierarchy: the group
// the levels name (value: level|level...), with its subtree; nil and what
// to say when the levels name no group.
func (r *whereResolver) hierarchyLeaf(ctx context.Context, value string) (leaf *types.UserSearchCriteria, msg, hint string, err error) {
	h, err := r.groups(ctx)
	if err != nil {
		return nil, "", "", err
	}
	levels := strings.Split(value, "|")
	for i := range levels {
		levels[i] = strings.TrimSpace(levels[i])
	}
	id, msg, hint, err := h.resolve(ctx, levels)
	if err != nil || id == "" {
		return nil, msg, hint, err
	}
	return &types.UserSearchCriteria{HierarchyGroupCondition: &types.HierarchyGroupCondition{
		Value: aws.String(id), HierarchyGroupMatchType: types.HierarchyGroupMatchTypeWithChildGroups}}, "", "", nil
}

// proficiencyLeaves are the conditions of a --where on the proficiencies
// (value: attribute|value[|level], separated by ||), or what is wrong with
// one of them (msg and its hint).
func proficiencyLeaves(value string) (leaves []types.UserSearchCriteria, msg, hint string) {
	for _, p := range strings.Split(value, "||") {
		parts := strings.Split(p, "|")
		if len(parts) < 2 || len(parts) > 3 || strings.TrimSpace(parts[0]) == "" || strings.TrimSpace(parts[1]) == "" {
			return nil, "a proficiency is attribute|value or attribute|value|level", "for example --where 'proficiencies=Language|English' or 'proficiencies=Language|English|4'"
		}
		level := int32(0)
		if len(parts) == 3 {
			n, err := strconv.Atoi(strings.TrimSpace(parts[2]))
			if err != nil || n < minLevel || n > maxLevel {
				return nil, fmt.Sprintf("level %q is not a whole number from 1 to 5", parts[2]), "give the level as 1 to 5, or leave it out for any level"
			}
			level = int32(n)
		}
		leaves = append(leaves, *proficiencyCriteria(attributePair{strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])}, level))
	}
	return leaves, "", ""
}

// userSearchOf is the search all of whose leaves and tags must hold.
func userSearchOf(leaves []types.UserSearchCriteria, tags []types.TagCondition) *UserSearch {
	s := &UserSearch{}
	switch len(leaves) {
	case 0:
	case 1:
		s.Criteria = &leaves[0]
	default:
		s.Criteria = &types.UserSearchCriteria{AndConditions: leaves}
	}
	switch len(tags) {
	case 0:
	case 1:
		s.Filter = &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{TagCondition: &tags[0]}}
	default:
		s.Filter = &types.UserSearchFilter{TagFilter: &types.ControlPlaneTagFilter{AndConditions: tags}}
	}
	return s
}

// and is the search for the users of s that also meet c: s's filter, and
// both criteria.
func (s *UserSearch) and(c *types.UserSearchCriteria) (*types.UserSearchCriteria, *types.UserSearchFilter) {
	if s == nil {
		return c, nil
	}
	switch {
	case s.Criteria == nil:
		return c, s.Filter
	case c == nil:
		return s.Criteria, s.Filter
	}
	return &types.UserSearchCriteria{AndConditions: []types.UserSearchCriteria{*c, *s.Criteria}}, s.Filter
}
