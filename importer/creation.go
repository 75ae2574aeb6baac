package importer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
)

// A run tells the users its own CreateUser made from users another run (or
// person) made at the same moment by a creation token: every CreateUser
// carries the tag CreationTagKey=<the run's token>. A CreateUser whose
// answer was lost is settled by looking the user up; the user is this run's,
// with the password written ahead, only when it carries this run's token.
// Once the row's outcome is on disk the tag is taken off again with one
// UntagResource, so that no user keeps it: a create costs one UntagResource
// more than it would (paced by that API's own bucket, beside CreateUser's),
// and the credentials need connect:TagResource and connect:UntagResource.

// CreationTagKey is the key of the creation token's tag. Tag keys must not
// start with "aws:".
const CreationTagKey = "bulkagents:run"

// maxUserTags is how many tags a Connect user may have.
const maxUserTags = 50

// madeByAnother is the error of a row whose user another run or person
// made while this run was creating it.
const madeByAnother = "the user exists, but this run did not create it: another run or person created it " +
	"while this run was creating it, so its password is not this run's and none is given here"

// untagger is the part of the Connect API that takes the creation token off.
type untagger interface {
	UntagResource(ctx context.Context, in *connect.UntagResourceInput, optFns ...func(*connect.Options)) (*connect.UntagResourceOutput, error)
}

// runToken is this run's creation token; "" when the client cannot take
// the tag off again (then no CreateUser carries one).
func (p *Provisioner) runToken() string {
	p.tokenOnce.Do(func() {
		if _, ok := p.Connect.(untagger); !ok {
			return
		}
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return // no token: rows are settled as they were without one
		}
		p.token = hex.EncodeToString(b)
	})
	return p.token
}

// markCreate adds the row's creation token to a CreateUser request (the
// interrupted run's, prev, when it recorded one; else this run's) and
// returns it, or returns "" when the request carries none (the row's own
// tags already fill the 50 a user may have).
func (p *Provisioner) markCreate(in *connect.CreateUserInput, prev string) string {
	token := p.runToken()
	if prev != "" && token != "" {
		token = prev
	}
	if _, own := in.Tags[CreationTagKey]; own {
		return "" // the file's own tag of that key: never replaced, never removed
	}
	if token == "" || len(in.Tags) >= maxUserTags || (len(in.Tags) == 0 && p.noToken.Load()) {
		return ""
	}
	tags := make(map[string]string, len(in.Tags)+1)
	for k, v := range in.Tags {
		tags[k] = v
	}
	tags[CreationTagKey] = token
	in.Tags = tags
	return token
}

// tokenRefused says whether a CreateUser was refused only because it
// carried the creation token: the credentials lack connect:TagResource and
// the row has no tags of its own. The rows that follow then go without the
// token (settled as a run without one would: a user found after a lost
// answer is taken to be this run's), and the request loses it.
func (p *Provisioner) tokenRefused(r *rowRun, in *connect.CreateUserInput, trace *CallTrace, err error) bool {
	if r.token == "" || len(in.Tags) != 1 || !awsclient.Classify(err).Refused() || !strings.Contains(ErrText(err), "TagResource") ||
		MayHaveApplied(trace.Attempts[:max(len(trace.Attempts)-1, 0)]) {
		return false
	}
	p.noToken.Store(true)
	in.Tags, r.token = nil, ""
	return true
}

// removeToken takes the creation token off the user a row created, now
// that its outcome is on disk. Should that fail, the row stays created (its
// password is the user's) and says how to remove the tag.
func (p *Provisioner) removeToken(ctx context.Context, r *rowRun) {
	if r.untagARN == "" {
		return
	}
	api, _ := p.Connect.(untagger)
	if api == nil {
		return
	}
	_, err := api.UntagResource(ctx, &connect.UntagResourceInput{
		ResourceArn: aws.String(r.untagARN),
		TagKeys:     []string{CreationTagKey},
	})
	if err == nil {
		return
	}
	msg := fmt.Sprintf("created, but the tag %s that marked it as this run's could not be removed (%s); hint: "+
		"aws connect untag-resource --resource-arn %s --tag-keys %s", CreationTagKey, ErrText(err), r.untagARN, CreationTagKey)
	if r.outcome.Error != "" {
		msg = r.outcome.Error + "; " + msg
	}
	r.outcome.Error = msg
	p.append(r.outcome)
}

// settleResumed decides a resumed row whose user the plan found, and whose
// interrupted CreateUser carried a creation token: the user is that run's,
// with the password written ahead, only when it carries the token (one
// SearchUsers). Otherwise another run or person made it.
func (p *Provisioner) settleResumed(calls context.Context, r *rowRun) bool {
	o := &r.outcome
	login := r.job.Planned.Agent.Login
	u, found, err := lookUpCreated(calls, p.Connect, p.Instance.ID, login)
	switch {
	case err != nil || !found:
		why := "a search did not find it"
		if err != nil {
			why = ErrText(err)
		}
		o.Status, o.Password, o.CreationToken = report.Failed, r.job.Password, r.job.PrevToken
		o.Error = fmt.Sprintf("the user exists, but whether the interrupted run created it could not be told (%s): run again with --resume to settle it", why)
		return false
	case u.tags[CreationTagKey] == r.job.PrevToken:
		o.Status, o.ConnectUserID, o.Password, o.SignInURL = report.Created, u.id, r.job.Password, p.signInURL()
		r.untagARN = u.arn
	default:
		o.Status, o.ConnectUserID, o.SignInURL, o.Error = report.Exists, u.id, p.signInURL(), madeByAnother
	}
	return true
}

// createdUser is what a look-up after an ambiguous CreateUser finds.
type createdUser struct {
	id, arn string
	tags    map[string]string
}

// lookUpCreated finds the user of a login by its exact name, with its
// ARN and tags (SearchUsers returns both).
func lookUpCreated(ctx context.Context, api ConnectReader, instanceID, login string) (createdUser, bool, error) {
	out, err := api.SearchUsers(ctx, &connect.SearchUsersInput{
		InstanceId: aws.String(instanceID),
		MaxResults: aws.Int32(10),
		SearchCriteria: &types.UserSearchCriteria{StringCondition: &types.StringCondition{
			FieldName:      aws.String("Username"),
			Value:          aws.String(login),
			ComparisonType: types.StringComparisonTypeExact,
		}},
	})
	if err != nil {
		return createdUser{}, false, fmt.Errorf("search user %q: %w", login, err)
	}
	for _, u := range out.Users {
		if aws.ToString(u.Username) == login {
			return createdUser{id: aws.ToString(u.Id), arn: aws.ToString(u.Arn), tags: u.Tags}, true, nil
		}
	}
	return createdUser{}, false, nil
}
