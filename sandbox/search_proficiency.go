package sandbox

import "strings"

// SearchUsers' ListCondition: users by their proficiencies.
//
// Choices where AWS's documentation is thin (the model and API reference
// of ListCondition, Condition and NumberCondition):
//   - TargetListType must be PROFICIENCIES, its only value.
//   - A Condition's StringCondition names the attribute with FieldName
//     "name" and its value with "value"; its NumberCondition the level with
//     "limit" (the documented spellings, taken exactly). Strings compare as
//     for the other fields: EXACT case-sensitively, STARTS_WITH and CONTAINS
//     ignoring case.
//   - Every condition of the list must hold for one and the same
//     proficiency of the user: that is what makes "Language, English, level
//     4" a query rather than three unrelated ones.
//   - NumberCondition: GREATER and GREATER_OR_EQUAL compare with MinValue,
//     LESSER and LESSER_OR_EQUAL with MaxValue, RANGE takes both (inclusive),
//     EQUAL and NOT_EQUAL whichever is given (both given must agree). A
//     value the comparison needs and lacks is InvalidParameterException.
type listCondition struct {
	TargetListType string
	Conditions     []struct {
		StringCondition *stringCondition
		NumberCondition *numberCondition
	}
}

type numberCondition struct {
	FieldName      string
	MinValue       *int
	MaxValue       *int
	ComparisonType string
}

// matches reports whether one of the user's proficiencies meets every
// condition.
func (lc *listCondition) matches(u *connectUser) (bool, *apiError) {
	if lc.TargetListType != "PROFICIENCIES" {
		return false, invalidParameter("ListCondition.TargetListType must be PROFICIENCIES")
	}
	for _, c := range lc.Conditions {
		if (c.StringCondition == nil) == (c.NumberCondition == nil) {
			return false, invalidParameter("Each Condition of a ListCondition takes one StringCondition or one NumberCondition")
		}
	}
	for _, p := range u.Proficiencies {
		all := true
		for _, c := range lc.Conditions {
			ok, e := proficiencyCondition(c.StringCondition, c.NumberCondition, p)
			if e != nil {
				return false, e
			}
			all = all && ok
		}
		if all {
			return true, nil
		}
	}
	// A user with no proficiency still has the request checked.
	if len(u.Proficiencies) == 0 {
		for _, c := range lc.Conditions {
			if _, e := proficiencyCondition(c.StringCondition, c.NumberCondition, Proficiency{}); e != nil {
				return false, e
			}
		}
	}
	return false, nil
}

func proficiencyCondition(sc *stringCondition, nc *numberCondition, p Proficiency) (bool, *apiError) {
	if sc != nil {
		var field string
		switch sc.FieldName {
		case "name":
			field = p.AttributeName
		case "value":
			field = p.AttributeValue
		default:
			return false, invalidParameter("Invalid FieldName in a proficiency StringCondition: " + sc.FieldName + " (name or value)")
		}
		switch sc.ComparisonType {
		case "EXACT":
			return field == sc.Value, nil
		case "STARTS_WITH":
			return strings.HasPrefix(strings.ToLower(field), strings.ToLower(sc.Value)), nil
		case "CONTAINS":
			return strings.Contains(strings.ToLower(field), strings.ToLower(sc.Value)), nil
		}
		return false, invalidParameter("Invalid ComparisonType in StringCondition: " + sc.ComparisonType)
	}
	if nc.FieldName != "limit" {
		return false, invalidParameter("Invalid FieldName in NumberCondition: " + nc.FieldName + " (limit)")
	}
	return nc.holds(p.Level)
}

func (nc *numberCondition) holds(level float64) (bool, *apiError) {
	need := func(v *int, name string) (float64, *apiError) {
		if v == nil {
			return 0, invalidParameter("NumberCondition " + nc.ComparisonType + " needs " + name)
		}
		return float64(*v), nil
	}
	one := func() (float64, *apiError) {
		switch {
		case nc.MinValue != nil && nc.MaxValue != nil && *nc.MinValue != *nc.MaxValue:
			return 0, invalidParameter("NumberCondition " + nc.ComparisonType + " takes one value: MinValue and MaxValue differ")
		case nc.MinValue != nil:
			return float64(*nc.MinValue), nil
		}
		return need(nc.MaxValue, "MinValue or MaxValue")
	}
	var v float64
	var e *apiError
	switch nc.ComparisonType {
	case "GREATER", "GREATER_OR_EQUAL":
		v, e = need(nc.MinValue, "MinValue")
	case "LESSER", "LESSER_OR_EQUAL":
		v, e = need(nc.MaxValue, "MaxValue")
	case "EQUAL", "NOT_EQUAL":
		v, e = one()
	case "RANGE":
		lo, e1 := need(nc.MinValue, "MinValue")
		hi, e2 := need(nc.MaxValue, "MaxValue")
		if e1 != nil {
			return false, e1
		}
		if e2 != nil {
			return false, e2
		}
		return level >= lo && level <= hi, nil
	default:
		return false, invalidParameter("Invalid ComparisonType in NumberCondition: " + nc.ComparisonType)
	}
	if e != nil {
		return false, e
	}
	switch nc.ComparisonType {
	case "GREATER":
		return level > v, nil
	case "GREATER_OR_EQUAL":
		return level >= v, nil
	case "LESSER":
		return level < v, nil
	case "LESSER_OR_EQUAL":
		return level <= v, nil
	case "EQUAL":
		return level == v, nil
	}
	return level != v, nil
}
