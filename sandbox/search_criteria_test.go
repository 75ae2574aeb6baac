package sandbox

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
)

// TestSearchUsersCriteria: SearchCriteria finds by each StringCondition
// field, by hierarchy group with or without its subtree, and with And/Or;
// a request the model does not allow is refused whole, whichever users the
// instance holds (an empty instance, a branch no user reaches).
func TestSearchUsersCriteria(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{Unlimited: true}, false)
	support := c.sb.AddHierarchyGroup("Example Corp", "Support")
	tier1 := c.sb.AddHierarchyGroup("Example Corp", "Support", "Tier 1")
	if err := c.sb.AddConnectUsers(
		ConnectUser{Username: "lead", FirstName: "Ann", HierarchyGroupID: support},
		ConnectUser{Username: "agent1", FirstName: "Bob", HierarchyGroupID: tier1},
		ConnectUser{Username: "Agent2", FirstName: "Cy"},
	); err != nil {
		t.Fatal(err)
	}
	str := func(field, value string, cmp types.StringComparisonType) *types.UserSearchCriteria {
		return &types.UserSearchCriteria{StringCondition: &types.StringCondition{FieldName: aws.String(field), Value: aws.String(value), ComparisonType: cmp}}
	}
	group := func(id string, match types.HierarchyGroupMatchType) *types.UserSearchCriteria {
		return &types.UserSearchCriteria{HierarchyGroupCondition: &types.HierarchyGroupCondition{Value: aws.String(id), HierarchyGroupMatchType: match}}
	}
	search := func(cr *types.UserSearchCriteria) ([]string, error) {
		out, err := c.connect.SearchUsers(context.Background(), &connect.SearchUsersInput{InstanceId: aws.String(c.sb.InstanceID()), SearchCriteria: cr})
		if err != nil {
			return nil, err
		}
		var names []string
		for _, u := range out.Users {
			if n := aws.ToString(u.Username); n != "admin" {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		return names, nil
	}
	for _, tc := range []struct {
		name string
		cr   *types.UserSearchCriteria
		want []string
	}{
		{"user name prefix, any case", str("Username", "agent", types.StringComparisonTypeStartsWith), []string{"Agent2", "agent1"}},
		{"first name exact", str("FirstName", "Bob", types.StringComparisonTypeExact), []string{"agent1"}},
		{"group exact", group(support, types.HierarchyGroupMatchTypeExact), []string{"lead"}},
		{"group, match type left out", group(support, ""), []string{"lead"}},
		{"group with its subtree", group(support, types.HierarchyGroupMatchTypeWithChildGroups), []string{"agent1", "lead"}},
		{"and", &types.UserSearchCriteria{AndConditions: []types.UserSearchCriteria{*group(support, types.HierarchyGroupMatchTypeWithChildGroups), *str("Username", "agent", types.StringComparisonTypeStartsWith)}}, []string{"agent1"}},
		{"or", &types.UserSearchCriteria{OrConditions: []types.UserSearchCriteria{*str("FirstName", "Ann", types.StringComparisonTypeExact), *str("FirstName", "Cy", types.StringComparisonTypeExact)}}, []string{"Agent2", "lead"}},
	} {
		got, err := search(tc.cr)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	nobody := *str("Username", "nobody", types.StringComparisonTypeExact)
	for _, tc := range []struct {
		name string
		cr   *types.UserSearchCriteria
	}{
		{"a bad field behind a false condition", &types.UserSearchCriteria{AndConditions: []types.UserSearchCriteria{nobody, *str("Email", "x", types.StringComparisonTypeExact)}}},
		{"a bad comparison no user reaches", &types.UserSearchCriteria{AndConditions: []types.UserSearchCriteria{nobody, *str("SecurityProfileId", "x", "LIKE")}}},
		{"no comparison", str("Username", "lead", "")},
		{"no value", str("Username", "", types.StringComparisonTypeStartsWith)},
		{"a group without its id", group("", types.HierarchyGroupMatchTypeExact)},
		{"an unknown match type", group(support, "BELOW")},
		{"a bad list condition behind a false condition", &types.UserSearchCriteria{AndConditions: []types.UserSearchCriteria{nobody, {ListCondition: &types.ListCondition{TargetListType: "SKILLS"}}}}},
	} {
		if _, err := search(tc.cr); codeOf(err) != "InvalidParameterException" {
			t.Errorf("%s: %v, want InvalidParameterException", tc.name, err)
		}
	}
}
