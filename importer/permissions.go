package importer

import "strings"

// identityCenterActions are the IAM actions of every IAM Identity Center
// call the tool makes (import with --sso, remove with --sso), so that a
// refusal's hint names all of them at once rather than one per attempt.
// TestIdentityCenterActionsListed keeps the list in step with the code.
var identityCenterActions = []string{
	"identitystore:ListUsers", "identitystore:GetUserId", "identitystore:DescribeUser",
	"identitystore:CreateUser", "identitystore:UpdateUser", "identitystore:DeleteUser",
	"identitystore:GetGroupId", "identitystore:CreateGroup",
	"identitystore:ListGroupMemberships", "identitystore:ListGroupMembershipsForMember",
	"identitystore:GetGroupMembershipId", "identitystore:CreateGroupMembership", "identitystore:DeleteGroupMembership",
	"sso:ListInstances", "sso:ListApplicationAssignments", "sso:CreateApplicationAssignment",
	"sso:ListApplicationAssignmentsForPrincipal",
}

// identityCenterPermissionHint is the hint of an access refused by IAM
// Identity Center.
func identityCenterPermissionHint() string {
	return "the credentials need " + strings.Join(identityCenterActions, ", ")
}
