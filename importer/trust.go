package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/report"
)

// LockError says that another run holds the results file, or that it
// cannot be locked (its folder cannot be written).
func LockError(err error, path string) error {
	if errors.Is(err, report.ErrLocked) {
		return &SetupError{
			Message: fmt.Sprintf("results file %s is in use by another bulkagents run", path),
			Err:     &UnwritableResults{Path: path, Locked: true, Err: err},
		}
	}
	return &SetupError{Message: err.Error(), Err: &UnwritableResults{Path: path, Err: err}}
}

// ResultsError is the cause of a results file that could not be made or
// opened: one another run made meanwhile (report.ErrExists), or one that
// cannot be written.
func ResultsError(err error, path string, remove bool) error {
	if errors.Is(err, report.ErrExists) {
		return &ResultsInTheWay{Path: path, Remove: remove, Raced: true, Err: err}
	}
	return &UnwritableResults{Path: path, Err: err}
}

// checkInstance refuses to resume, into this instance, a results file
// another instance's run wrote: its rows would be "done" here while nothing
// was made here, and its passwords handed out for users that do not exist.
// A file from before the instance column cannot be checked: say so.
func checkInstance(prev map[int]report.Outcome, inst Instance, path string, progress io.Writer) error {
	seen := map[string]int{}
	for _, o := range prev {
		if o.Instance != "" {
			seen[o.Instance]++
		}
	}
	if len(seen) == 0 {
		if progress != nil && len(prev) > 0 {
			fmt.Fprintf(progress, "warning: results file %s does not say which instance it belongs to (an older bulkagents wrote it): "+
				"resuming into instance %s as asked; make sure it is the instance of that run\n", path, inst.ID)
		}
		return nil
	}
	var others []string
	for id := range seen {
		if id != inst.ID {
			others = append(others, id)
		}
	}
	if len(others) == 0 {
		return nil
	}
	sort.Strings(others)
	return &SetupError{
		Message: fmt.Sprintf("results file %s belongs to instance %s, not to instance %s", path, strings.Join(others, ", "), inst.ID),
		Err:     &ResumeMismatch{Problem: OtherInstance, Path: path, Instance: inst.ID},
	}
}

// inDoubt says whether a row's CreateUser may have made its user without
// the run learning it: it must not be imported again as a plain row.
func inDoubt(o report.Outcome) bool {
	return o.Status != report.Invalid && unsettled(o)
}

// haltMessage says why the run stopped sending, or "".
func (p *Provisioner) haltMessage() string {
	if p.breakerOpen() {
		return BreakerMessage(p.endpoint())
	}
	if m := p.gone.Load(); m != nil {
		return *m
	}
	return ""
}

// settleInDoubt looks up, once more, the users of rows left in doubt (a
// lookup that failed in the middle of the run), while the endpoint still
// answers: a user found was made by this run, with the password written
// ahead. With Identity Center the row also needs its Identity Center user,
// which only --resume can add, so those wait for it.
func settleInDoubt(calls context.Context, p *Provisioner, inst Instance, outcomes []report.Outcome) {
	if p.IdentityCenter != nil {
		return
	}
	for i, o := range outcomes {
		if !inDoubt(o) || o.Login == "" || calls.Err() != nil || p.breakerOpen() {
			continue
		}
		if o.ConnectUserID != "" {
			// Its CreateUser is known to have made the user: a later step
			// (its proficiencies) stopped the row, and its error stays.
			continue
		}
		u, found, err := lookUpCreated(calls, p.Connect, inst.ID, o.Login)
		if err != nil || !found {
			continue
		}
		outcomes[i] = p.settleFound(calls, o, u)
	}
}

// settleFound decides a row in doubt whose user a look-up found: this run's
// (created, with the password written ahead) when the user carries the
// row's creation token, or when the row's CreateUser carried none; another
// run's or person's otherwise (exists, no password). A created row's
// outcome is on disk before its token's tag is taken off, so that a kill in
// between still finds the row settled.
func (p *Provisioner) settleFound(calls context.Context, o report.Outcome, u createdUser) report.Outcome {
	if o.CreationToken != "" && u.tags[CreationTagKey] != o.CreationToken {
		o.Status, o.ConnectUserID, o.SignInURL, o.Error = report.Exists, u.id, p.signInURL(), madeByAnother
		o.Password, o.CreationToken = "", ""
		return o
	}
	o.Status, o.ConnectUserID, o.Error, o.SignInURL = report.Created, u.id, "", p.signInURL()
	if o.CreationToken == "" || !p.appendSynced(o) {
		return o
	}
	if api, ok := p.Connect.(untagger); ok {
		if _, err := api.UntagResource(calls, &connect.UntagResourceInput{ResourceArn: aws.String(u.arn), TagKeys: []string{CreationTagKey}}); err == nil {
			o.CreationToken = ""
		}
	}
	return o
}
