package sandbox

import "net/http"

// SearchUsers' SearchFilter (UserSearchFilter in botocore 1.43's connect
// model): a TagFilter or a UserAttributeFilter, ANDed with the
// SearchCriteria.
//
//   - TagFilter (ControlPlaneTagFilter): OrConditions is a list of lists of
//     TagConditions, the outer ORed, the inner ANDed; AndConditions one list,
//     ANDed; TagCondition one leaf.
//   - UserAttributeFilter (ControlPlaneUserAttributeFilter): OrConditions is
//     a list of AttributeAndConditions (each TagConditions, ANDed, and a
//     HierarchyGroupCondition), ORed; AndCondition one of them; TagCondition
//     or HierarchyGroupCondition one leaf. "Only one field can be
//     populated"; at most 25 tag conditions and 20 hierarchy group
//     conditions.
//   - Both filters at once: the model's words are "such request will throw
//     AccessDeniedException", which the sandbox answers (HTTP 403).
//
// Where the model is silent the sandbox chooses the stricter reading: a
// TagFilter with more than one field set is refused as a
// UserAttributeFilter is (InvalidParameterException); a TagCondition needs
// both TagKey and TagValue, compared exactly (case-sensitively); a
// HierarchyGroupCondition needs its Value, and its match type is EXACT
// when left out. A filter with nothing set filters nothing.
type userSearchFilter struct {
	TagFilter           *tagFilter
	UserAttributeFilter *userAttributeFilter
}

type tagCondition struct {
	TagKey   *string
	TagValue *string
}

type tagFilter struct {
	OrConditions  [][]tagCondition
	AndConditions []tagCondition
	TagCondition  *tagCondition
}

type filterHierarchyCondition struct {
	Value                   *string
	HierarchyGroupMatchType *string
}

type attributeAndCondition struct {
	TagConditions           []tagCondition
	HierarchyGroupCondition *filterHierarchyCondition
}

type userAttributeFilter struct {
	OrConditions            []attributeAndCondition
	AndCondition            *attributeAndCondition
	TagCondition            *tagCondition
	HierarchyGroupCondition *filterHierarchyCondition
}

const (
	maxFilterTagConditions       = 25
	maxFilterHierarchyConditions = 20
)

// check refuses a filter the model (or the sandbox's reading of it) does
// not allow, before any user is looked at.
func (f *userSearchFilter) check() *apiError {
	if f == nil {
		return nil
	}
	if f.TagFilter != nil && f.UserAttributeFilter != nil {
		return &apiError{status: http.StatusForbidden, code: "AccessDeniedException",
			message: "SearchFilter may hold a TagFilter or a UserAttributeFilter, not both"}
	}
	if tf := f.TagFilter; tf != nil {
		if populated(len(tf.OrConditions) > 0, len(tf.AndConditions) > 0, tf.TagCondition != nil) > 1 {
			return invalidParameter("SearchFilter.TagFilter: set only one of OrConditions, AndConditions and TagCondition")
		}
		for _, and := range tf.OrConditions {
			if e := checkTagConditions(and); e != nil {
				return e
			}
		}
		if e := checkTagConditions(tf.AndConditions); e != nil {
			return e
		}
		if tf.TagCondition != nil {
			return tf.TagCondition.check()
		}
	}
	if af := f.UserAttributeFilter; af != nil {
		if populated(len(af.OrConditions) > 0, af.AndCondition != nil, af.TagCondition != nil, af.HierarchyGroupCondition != nil) > 1 {
			return invalidParameter("SearchFilter.UserAttributeFilter: only one field can be populated")
		}
		ands := af.OrConditions
		if af.AndCondition != nil {
			ands = append(ands, *af.AndCondition)
		}
		leaf := attributeAndCondition{HierarchyGroupCondition: af.HierarchyGroupCondition}
		if af.TagCondition != nil {
			leaf.TagConditions = []tagCondition{*af.TagCondition}
		}
		ands = append(ands, leaf)
		tags, groups := 0, 0
		for _, and := range ands {
			if e := checkTagConditions(and.TagConditions); e != nil {
				return e
			}
			tags += len(and.TagConditions)
			if hc := and.HierarchyGroupCondition; hc != nil {
				if e := hc.check(); e != nil {
					return e
				}
				groups++
			}
		}
		switch {
		case tags > maxFilterTagConditions:
			return invalidParameter("SearchFilter.UserAttributeFilter: at most 25 tag conditions are allowed")
		case groups > maxFilterHierarchyConditions:
			return invalidParameter("SearchFilter.UserAttributeFilter: at most 20 hierarchy group conditions are allowed")
		}
	}
	return nil
}

func populated(set ...bool) int {
	n := 0
	for _, s := range set {
		if s {
			n++
		}
	}
	return n
}

func checkTagConditions(list []tagCondition) *apiError {
	for i := range list {
		if e := list[i].check(); e != nil {
			return e
		}
	}
	return nil
}

func (tc *tagCondition) check() *apiError {
	if tc.TagKey == nil || *tc.TagKey == "" || tc.TagValue == nil {
		return invalidParameter("a TagCondition needs its TagKey and TagValue")
	}
	return nil
}

func (hc *filterHierarchyCondition) check() *apiError {
	if hc.Value == nil || *hc.Value == "" {
		return invalidParameter("a HierarchyGroupCondition needs its Value")
	}
	if t := hc.HierarchyGroupMatchType; t != nil && *t != "EXACT" && *t != "WITH_CHILD_GROUPS" {
		return invalidParameter("1 validation error detected: Value '" + *t + "' at 'searchFilter.userAttributeFilter.hierarchyGroupCondition.hierarchyGroupMatchType' failed to satisfy constraint: Member must satisfy enum value set: [EXACT, WITH_CHILD_GROUPS]")
	}
	return nil
}

// matches evaluates a checked filter against a user; the caller holds the
// sandbox's lock.
func (f *userSearchFilter) matches(s *Sandbox, u *connectUser) bool {
	if f == nil {
		return true
	}
	if tf := f.TagFilter; tf != nil {
		switch {
		case len(tf.OrConditions) > 0:
			for _, and := range tf.OrConditions {
				if allTags(and, u) {
					return true
				}
			}
			return false
		case len(tf.AndConditions) > 0:
			return allTags(tf.AndConditions, u)
		case tf.TagCondition != nil:
			return tf.TagCondition.holds(u)
		}
	}
	if af := f.UserAttributeFilter; af != nil {
		switch {
		case len(af.OrConditions) > 0:
			for i := range af.OrConditions {
				if af.OrConditions[i].holds(s, u) {
					return true
				}
			}
			return false
		case af.AndCondition != nil:
			return af.AndCondition.holds(s, u)
		case af.TagCondition != nil:
			return af.TagCondition.holds(u)
		case af.HierarchyGroupCondition != nil:
			return af.HierarchyGroupCondition.holds(s, u)
		}
	}
	return true
}

func allTags(list []tagCondition, u *connectUser) bool {
	for i := range list {
		if !list[i].holds(u) {
			return false
		}
	}
	return true
}

func (tc *tagCondition) holds(u *connectUser) bool {
	v, ok := u.Tags[*tc.TagKey]
	return ok && v == *tc.TagValue
}

func (a *attributeAndCondition) holds(s *Sandbox, u *connectUser) bool {
	return allTags(a.TagConditions, u) && (a.HierarchyGroupCondition == nil || a.HierarchyGroupCondition.holds(s, u))
}

// holds: the user is in the group, or, WITH_CHILD_GROUPS, in a group below it.
func (hc *filterHierarchyCondition) holds(s *Sandbox, u *connectUser) bool {
	if u.HierarchyGroupID == *hc.Value {
		return true
	}
	if hc.HierarchyGroupMatchType == nil || *hc.HierarchyGroupMatchType != "WITH_CHILD_GROUPS" {
		return false
	}
	for g := s.findHierarchyGroup(u.HierarchyGroupID); g != nil; g = g.parent {
		if g.id == *hc.Value {
			return true
		}
	}
	return false
}
