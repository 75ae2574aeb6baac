package sandbox

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/ssoadmin/types"
)

func TestSSOAdmin(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()

	li, err := c.sso.ListInstances(ctx, &ssoadmin.ListInstancesInput{})
	if err != nil || len(li.Instances) != 1 {
		t.Fatalf("ListInstances = %+v, %v", li, err)
	}
	inst := li.Instances[0]
	if aws.ToString(inst.InstanceArn) != c.sb.SSOInstanceARN() || aws.ToString(inst.IdentityStoreId) != c.sb.IdentityStoreID() || inst.Status != ssotypes.InstanceStatusActive {
		t.Errorf("instance = %+v", inst)
	}

	la, err := c.sso.ListApplications(ctx, &ssoadmin.ListApplicationsInput{InstanceArn: inst.InstanceArn})
	if err != nil || len(la.Applications) != 1 {
		t.Fatalf("ListApplications = %+v, %v", la, err)
	}
	app := la.Applications[0]
	if aws.ToString(app.Name) != "Amazon Connect" || aws.ToString(app.ApplicationArn) != c.sb.ConnectApplicationARN() || !appARNPattern.MatchString(aws.ToString(app.ApplicationArn)) {
		t.Errorf("application = %+v", app)
	}
	_, err = c.sso.ListApplications(ctx, &ssoadmin.ListApplicationsInput{InstanceArn: aws.String("arn:aws:sso:::instance/ssoins-0000000000000000")})
	if code := errorCode(t, err); code != "AccessDeniedException" {
		t.Errorf("ListApplications of another instance: %v", err)
	}

	group, err := c.sb.AddGroup("Agents")
	if err != nil {
		t.Fatal(err)
	}
	assign := func(principal string, typ ssotypes.PrincipalType) error {
		_, err := c.sso.CreateApplicationAssignment(ctx, &ssoadmin.CreateApplicationAssignmentInput{
			ApplicationArn: app.ApplicationArn, PrincipalId: aws.String(principal), PrincipalType: typ,
		})
		return err
	}
	if err := assign(group, ssotypes.PrincipalTypeGroup); err != nil {
		t.Fatalf("CreateApplicationAssignment: %v", err)
	}
	if code := errorCode(t, assign(group, ssotypes.PrincipalTypeGroup)); code != "ConflictException" {
		t.Errorf("assigning twice: %q, want ConflictException", code)
	}
	if code := errorCode(t, assign(c.sb.newResourceID(), ssotypes.PrincipalTypeGroup)); code != "ResourceNotFoundException" {
		t.Errorf("assigning an unknown group: %q, want ResourceNotFoundException", code)
	}
	if code := errorCode(t, assign(group, ssotypes.PrincipalTypeUser)); code != "ResourceNotFoundException" {
		t.Errorf("assigning a group as a user: %q, want ResourceNotFoundException", code)
	}
	_, err = c.sso.CreateApplicationAssignment(ctx, &ssoadmin.CreateApplicationAssignmentInput{
		ApplicationArn: aws.String("arn:aws:sso::123456789012:application/ssoins-0000000000000000/apl-0000000000000000"), PrincipalId: aws.String(group), PrincipalType: ssotypes.PrincipalTypeGroup,
	})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("assigning to an unknown application: %v", err)
	}

	assigned, err := c.sso.ListApplicationAssignments(ctx, &ssoadmin.ListApplicationAssignmentsInput{ApplicationArn: app.ApplicationArn})
	if err != nil || len(assigned.ApplicationAssignments) != 1 || aws.ToString(assigned.ApplicationAssignments[0].PrincipalId) != group || assigned.ApplicationAssignments[0].PrincipalType != ssotypes.PrincipalTypeGroup {
		t.Errorf("ListApplicationAssignments = %+v, %v", assigned, err)
	}
	if got := c.sb.ApplicationAssignments(); len(got) != 1 || got[0].PrincipalID != group || got[0].ApplicationARN != c.sb.ConnectApplicationARN() {
		t.Errorf("ApplicationAssignments() = %+v", got)
	}
	if calls := c.sb.Calls()["SSOAdmin.CreateApplicationAssignment"]; calls.Sent != 5 || calls.Failed != 4 {
		t.Errorf("calls = %+v, want 5 sent, 4 failed", calls)
	}
}
