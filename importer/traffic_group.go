package importer

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/report"
)

// Global Resiliency (--traffic-distribution-group ID|ARN): the group must
// be ACTIVE before anything is changed; each created user is associated
// with it as a step of its own (recorded, so a resumed row skips it); remove
// disassociates each user before it deletes it.

// StepTrafficGroup is the steps column's name of the association.
const StepTrafficGroup = "traffic distribution group"

// trafficGroupPattern is the model's TrafficDistributionGroupIdOrArn.
var trafficGroupPattern = regexp.MustCompile(`^(arn:(aws|aws-us-gov):connect:[a-z]{2}-[a-z-]+-[0-9]{1}:[0-9]{1,20}:traffic-distribution-group/)?[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)

// TrafficGroup is the traffic distribution group a run associates its
// users with, once CheckTrafficGroup found it ACTIVE.
type TrafficGroup struct {
	API  ResiliencyAPI
	ID   string // as given: an id or an ARN
	Name string
}

// CheckTrafficGroup describes the group and refuses a run whose group is
// not ACTIVE, before any change: associating would fail row by row.
func CheckTrafficGroup(ctx context.Context, api ResiliencyAPI, idOrARN string) (*TrafficGroup, error) {
	if !trafficGroupPattern.MatchString(idOrARN) {
		return nil, &SetupError{Message: fmt.Sprintf("--traffic-distribution-group %q is neither a traffic distribution group's id nor its ARN", idOrARN),
			Hint: "give its id (a UUID) or ARN, as the Connect console or 'aws connect list-traffic-distribution-groups' shows it"}
	}
	if api == nil {
		return nil, &SetupError{Message: "no Connect client for the traffic distribution group"}
	}
	out, err := api.DescribeTrafficDistributionGroup(ctx, &connect.DescribeTrafficDistributionGroupInput{TrafficDistributionGroupId: aws.String(idOrARN)})
	if err != nil {
		return nil, &SetupError{Message: fmt.Sprintf("describe traffic distribution group %s: %s", idOrARN, ErrSummary(err)), Err: err,
			Hint: "check the id, and call from the Region where the group was created (the instance's source Region)"}
	}
	g := out.TrafficDistributionGroup
	if g == nil {
		return nil, &SetupError{Message: fmt.Sprintf("describe traffic distribution group %s: the answer holds no group", idOrARN)}
	}
	if g.Status != types.TrafficDistributionGroupStatusActive {
		return nil, &SetupError{Message: fmt.Sprintf("traffic distribution group %s (%s) is %s, not ACTIVE: nothing was changed", idOrARN, aws.ToString(g.Name), g.Status),
			Hint: "run again once the group is ACTIVE (the Connect console shows its status)"}
	}
	return &TrafficGroup{API: api, ID: idOrARN, Name: aws.ToString(g.Name)}, nil
}

// associateTrafficGroup is the step that associates a created user with
// the group. A user that existed before the run is left alone.
func (p *Provisioner) associateTrafficGroup(stop, calls context.Context, r *rowRun) bool {
	o := &r.outcome
	if !madeByTheRun(r) {
		return true
	}
	_, err := p.TrafficGroup.API.AssociateTrafficDistributionGroupUser(calls, &connect.AssociateTrafficDistributionGroupUserInput{
		TrafficDistributionGroupId: aws.String(p.TrafficGroup.ID), UserId: aws.String(o.ConnectUserID), InstanceId: aws.String(p.Instance.ID)})
	if err != nil {
		// The user exists and keeps its password in the row: only the
		// association is left, which --resume makes.
		o.Error = fmt.Sprintf("associate with traffic distribution group %s: %s; the user was created: run again with --resume to associate it", p.TrafficGroup.ID, ErrSummary(err))
		o.Status = report.Failed
		return false
	}
	return true
}

// madeByTheRun: the row's user was created by this run or by the run it
// resumes (its steps column records the Connect user), not found existing.
func madeByTheRun(r *rowRun) bool {
	if r.outcome.ConnectUserID == "" {
		return false
	}
	return r.outcome.Status == report.Created || report.StepsHave(r.job.PrevSteps, StepConnectUser)
}

// Disassociate lets a user go from the group before it is deleted. A user
// the group does not hold (ResourceNotFoundException after the user was
// found) is done.
func (g *TrafficGroup) Disassociate(ctx context.Context, instanceID, userID string) error {
	_, err := g.API.DisassociateTrafficDistributionGroupUser(ctx, &connect.DisassociateTrafficDistributionGroupUserInput{
		TrafficDistributionGroupId: aws.String(g.ID), UserId: aws.String(userID), InstanceId: aws.String(instanceID)})
	var nf *types.ResourceNotFoundException
	if err != nil && !errors.As(err, &nf) {
		return fmt.Errorf("disassociate from traffic distribution group %s: %w", g.ID, err)
	}
	return nil
}

// checkTrafficGroup is the import's stage that checks the group before
// any change.
func (r *importRun) checkTrafficGroup() error {
	if r.cfg.TrafficDistributionGroup == "" {
		return nil
	}
	g, err := CheckTrafficGroup(r.stop, r.clients.Resiliency, r.cfg.TrafficDistributionGroup)
	if err != nil {
		return r.interrupted(err)
	}
	r.trafficGroup = g
	return nil
}
