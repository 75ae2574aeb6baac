package importer

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/awsclient"
)

// recheckMissing looks again for the users the file names and the listing
// lacks, before any is called absent: Connect's listings lag writes by
// seconds (docs/aws.md §10), so a user made just before may not be listed
// yet. A user with a recorded id (the input's "connect user id" column, as
// an import's results file has it, or the outcome of the run resumed) is
// described by that id, exactly, at once and after each wait of the
// backoff (LagBackoff); the others are listed again, all together, after
// each wait, until every user is found or the backoff ends: then the
// rest are absent. Nothing is asked when nothing is missing.
func (r *removeRun) recheckMissing(snap *userSnapshot) error {
	missing := r.missingLogins(snap)
	if len(missing) == 0 {
		return nil
	}
	if err := r.describeRecorded(snap, missing); err != nil {
		return err
	}
	for _, wait := range LagBackoff(r.cfg.LagBackoff) {
		if len(missing) == 0 {
			break
		}
		if err := Sleep(r.stop, wait); err != nil {
			return err
		}
		if err := r.describeRecorded(snap, missing); err != nil || len(missing) == 0 {
			return err
		}
		err := ScanUsers(r.stop, r.api, r.inst.ID, FullUsers, nil, func(u *UserSnapshot) {
			if _, ok := missing[u.Username]; ok {
				snap.add(u)
				delete(missing, u.Username)
			}
		}, nil)
		if err != nil {
			return err
		}
	}
	return nil
}

// describeRecorded describes each missing user whose id was recorded:
// found under its login, it is the listing's now. ResourceNotFound does not
// settle it: DescribeUser lags a creation too (docs/aws.md §10), so it is
// asked again next round.
func (r *removeRun) describeRecorded(snap *userSnapshot, missing map[string]string) error {
	for login, id := range missing {
		if id == "" {
			continue
		}
		u, err := describeUser(r.stop, r.api, r.inst.ID, id)
		switch {
		case err != nil:
			return fmt.Errorf("describe user %q: %w", login, err)
		case u != nil && u.Username == login:
			snap.add(u)
			su := snap.exact[login]
			su.described = true // its email is known: no second DescribeUser
			snap.exact[login] = su
			delete(missing, login)
		case u != nil:
			// The id names another user now: it says nothing of this
			// login, which only the listing can show.
			missing[login] = ""
		}
	}
	return nil
}

// missingLogins gives the logins the file would delete and the listing
// lacks, each with the id an earlier results file recorded for it ("" when
// none did).
func (r *removeRun) missingLogins(snap *userSnapshot) map[string]string {
	missing := map[string]string{}
	for _, row := range r.f.Rows {
		login := strings.TrimSpace(row.Login)
		if login == "" {
			continue
		}
		if _, listed := snap.exact[login]; listed {
			continue
		}
		p, hasPrev := r.prev[row.Line]
		if hasPrev && p.Status.Done() {
			continue
		}
		id := row.UserID
		if hasPrev && p.ConnectUserID != "" {
			id = p.ConnectUserID
		}
		if missing[login] == "" {
			missing[login] = id
		}
	}
	return missing
}

// describeUser reads one user by id; nil when there is none.
func describeUser(ctx context.Context, api ConnectRemoveAPI, instanceID, id string) (*UserSnapshot, error) {
	out, err := api.DescribeUser(ctx, &connect.DescribeUserInput{InstanceId: aws.String(instanceID), UserId: aws.String(id)})
	switch {
	case awsclient.Classify(err) == awsclient.NotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case out.User == nil:
		return nil, nil
	}
	u := &UserSnapshot{ID: aws.ToString(out.User.Id), ARN: aws.ToString(out.User.Arn), Username: aws.ToString(out.User.Username),
		RoutingProfileID: aws.ToString(out.User.RoutingProfileId)}
	if ii := out.User.IdentityInfo; ii != nil {
		u.FirstName, u.LastName, u.Email = aws.ToString(ii.FirstName), aws.ToString(ii.LastName), aws.ToString(ii.Email)
	}
	return u, nil
}
