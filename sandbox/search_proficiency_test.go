package sandbox

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestSearchUsersByProficiency: SearchUsers' ListCondition finds the users
// one of whose proficiencies meets every condition, and refuses what the
// model does not allow.
func TestSearchUsersByProficiency(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{Unlimited: true}, false)
	err := c.sb.AddConnectUsers(
		ConnectUser{Username: "en4", ChannelSettings: ChannelSettings{Proficiencies: []Proficiency{{"Language", "English", 4}, {"Skill", "Billing", 2}}}},
		ConnectUser{Username: "en2", ChannelSettings: ChannelSettings{Proficiencies: []Proficiency{{"Language", "English", 2}}}},
		// English at 2 and Billing at 4: "English at 4" must not match by
		// taking the name from one proficiency and the level from another.
		ConnectUser{Username: "mixed", ChannelSettings: ChannelSettings{Proficiencies: []Proficiency{{"Language", "English", 2}, {"Skill", "Billing", 4}}}},
		ConnectUser{Username: "none"},
	)
	if err != nil {
		t.Fatal(err)
	}
	str := func(field, value string) types.Condition {
		return types.Condition{StringCondition: &types.StringCondition{FieldName: aws.String(field), Value: aws.String(value), ComparisonType: types.StringComparisonTypeExact}}
	}
	level := func(cmp types.NumberComparisonType, min, max *int32) types.Condition {
		return types.Condition{NumberCondition: &types.NumberCondition{FieldName: aws.String("limit"), ComparisonType: cmp, MinValue: min, MaxValue: max}}
	}
	search := func(conds ...types.Condition) ([]string, error) {
		out, err := c.connect.SearchUsers(context.Background(), &connect.SearchUsersInput{InstanceId: aws.String(c.sb.InstanceID()),
			SearchCriteria: &types.UserSearchCriteria{ListCondition: &types.ListCondition{TargetListType: types.TargetListTypeProficiencies, Conditions: conds}}})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		slices.Sort(names)
		return names, nil
	}
	four := aws.Int32(4)
	for _, tc := range []struct {
		name  string
		conds []types.Condition
		want  []string
	}{
		{"name and value", []types.Condition{str("name", "Language"), str("value", "English")}, []string{"en2", "en4", "mixed"}},
		{"equal, both bounds", []types.Condition{str("name", "Language"), str("value", "English"), level(types.NumberComparisonTypeEqual, four, four)}, []string{"en4"}},
		{"equal, min only", []types.Condition{str("value", "English"), level(types.NumberComparisonTypeEqual, four, nil)}, []string{"en4"}},
		{"range", []types.Condition{str("name", "Skill"), level(types.NumberComparisonTypeRange, aws.Int32(2), four)}, []string{"en4", "mixed"}},
		{"greater", []types.Condition{level(types.NumberComparisonTypeGreater, aws.Int32(3), nil)}, []string{"en4", "mixed"}},
		{"exact is case-sensitive", []types.Condition{str("value", "english")}, nil},
	} {
		got, err := search(tc.conds...)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name  string
		conds []types.Condition
	}{
		{"unknown string field", []types.Condition{str("Name", "Language")}},
		{"unknown number field", []types.Condition{{NumberCondition: &types.NumberCondition{FieldName: aws.String("level"), ComparisonType: types.NumberComparisonTypeEqual, MinValue: four}}}},
		{"equal with two values", []types.Condition{level(types.NumberComparisonTypeEqual, aws.Int32(1), four)}},
		{"range without max", []types.Condition{level(types.NumberComparisonTypeRange, four, nil)}},
	} {
		if _, err := search(tc.conds...); codeOf(err) != "InvalidParameterException" {
			t.Errorf("%s: %v, want InvalidParameterException", tc.name, err)
		}
	}
}
