package sandbox

// SearchUsers' SearchCriteria (UserSearchCriteria in botocore 1.43's
// connect model), checked whole before any user is looked at, as a service
// validates a request: a mistake in a branch that no user reaches, or in a
// condition on a field some users leave empty (SecurityProfileId of a user
// with no profile), is refused all the same, whatever the instance holds.
//
//   - StringCondition: FieldName one of Username, FirstName, LastName,
//     RoutingProfileId, SecurityProfileId, resourceId (the model's list);
//     ComparisonType one of STARTS_WITH, CONTAINS, EXACT (the enum); both
//     and Value are needed (the model marks nothing required; a condition
//     without them has no meaning, and the sandbox takes the stricter
//     reading).
//   - HierarchyGroupCondition: Value (a group id) is needed;
//     HierarchyGroupMatchType EXACT or WITH_CHILD_GROUPS, EXACT when left
//     out, as in SearchFilter (search_filter.go).
//   - ListCondition: search_proficiency.go's rules.
//   - AndConditions and OrConditions: lists of criteria, each checked.
func (cr *userSearchCriteria) check() *apiError {
	if cr == nil {
		return nil
	}
	if sc := cr.StringCondition; sc != nil {
		switch sc.FieldName {
		case "Username", "FirstName", "LastName", "RoutingProfileId", "SecurityProfileId", "resourceId":
		default:
			return invalidParameter("Invalid FieldName in StringCondition: " + sc.FieldName)
		}
		switch sc.ComparisonType {
		case "STARTS_WITH", "CONTAINS", "EXACT":
		default:
			return invalidParameter("1 validation error detected: Value '" + sc.ComparisonType + "' at 'searchCriteria.stringCondition.comparisonType' failed to satisfy constraint: Member must satisfy enum value set: [STARTS_WITH, CONTAINS, EXACT]")
		}
		if sc.Value == "" {
			return invalidParameter("a StringCondition needs its Value")
		}
	}
	if hc := cr.HierarchyGroupCondition; hc != nil {
		if hc.Value == "" {
			return invalidParameter("a HierarchyGroupCondition needs its Value")
		}
		if t := hc.HierarchyGroupMatchType; t != "" && t != "EXACT" && t != "WITH_CHILD_GROUPS" {
			return invalidParameter("1 validation error detected: Value '" + t + "' at 'searchCriteria.hierarchyGroupCondition.hierarchyGroupMatchType' failed to satisfy constraint: Member must satisfy enum value set: [EXACT, WITH_CHILD_GROUPS]")
		}
	}
	if lc := cr.ListCondition; lc != nil {
		// A user with no proficiency has every condition checked.
		if _, e := lc.matches(&connectUser{}); e != nil {
			return e
		}
	}
	for i := range cr.AndConditions {
		if e := cr.AndConditions[i].check(); e != nil {
			return e
		}
	}
	for i := range cr.OrConditions {
		if e := cr.OrConditions[i].check(); e != nil {
			return e
		}
	}
	return nil
}
