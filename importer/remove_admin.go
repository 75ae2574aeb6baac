package importer

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
)

// adminProfile is the security profile of an instance's administrators.
const adminProfile = "Admin"

// adminNote is the changes cell of a dry run's row for an administrator.
const adminNote = "holds the Admin security profile: a real run refuses to delete it unless --allow-admin is given"

// guardAdmins finds the users to delete that hold the Admin security
// profile (one ListSecurityProfiles listing, only when some user is to be
// deleted). A leavers file made from an export names the instance's
// administrators too, and deleting them can lock everyone out of the admin
// website: the dry run says so, and a real run is refused, before anything
// is changed, unless --allow-admin.
func (r *removeRun) guardAdmins() error {
	if len(r.jobs) == 0 {
		return nil
	}
	id, err := r.adminProfileID()
	if err != nil {
		return r.interrupted(&SetupError{Message: "cannot tell which users hold the Admin security profile: " + ErrSummary(err), Err: err,
			Hint: "the credentials need connect:ListSecurityProfiles"})
	}
	var admins []string
	for _, j := range r.jobs {
		t := j.Planned.Delete
		for _, sp := range t.Security {
			if id != "" && sp == id {
				t.Admin = true
				admins = append(admins, t.Login)
				break
			}
		}
	}
	if len(admins) == 0 {
		return nil
	}
	who := fmt.Sprintf("%d user(s) holding the %s security profile (%s)", len(admins), adminProfile, QuoteAll(admins))
	switch {
	case r.cfg.DryRun:
		fmt.Fprintf(r.ev, "warning: a real run would delete %s, and refuses to unless --allow-admin is given: "+
			"a leavers file made from an export names the instance's administrators too\n", who)
	case !r.cfg.AllowAdmin:
		return &SetupError{
			Message: "refusing to delete " + who + "; nothing was deleted",
			Hint: "take them out of " + r.cfg.Input + " (a leavers file made from an export names the administrators too),\n" +
				"or add --allow-admin to delete them as well",
		}
	}
	return nil
}

// adminProfileID is the id of the instance's Admin security profile, ""
// when it has none.
func (r *removeRun) adminProfileID() (string, error) {
	p := connect.NewListSecurityProfilesPaginator(r.api, &connect.ListSecurityProfilesInput{
		InstanceId: aws.String(r.inst.ID), MaxResults: aws.Int32(PageSize)})
	for p.HasMorePages() {
		page, err := p.NextPage(r.stop)
		if err != nil {
			return "", fmt.Errorf("list security profiles: %w", err)
		}
		for _, sp := range page.SecurityProfileSummaryList {
			if aws.ToString(sp.Name) == adminProfile {
				return aws.ToString(sp.Id), nil
			}
		}
	}
	return "", nil
}
