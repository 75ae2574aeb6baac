package importer

import (
	"fmt"
	"io"

	"github.com/bulkagents/bulkagents/agentfile"
)

// writeSignInNotes tells the administrator what the run left for the
// agents to be able to sign in: on a SAML instance without --sso, who
// signs them in and that --sso exists; with --sso but no application
// assignment, the assignment still to make (every handout tells the agents
// to choose Amazon Connect on the portal).
func writeSignInNotes(w io.Writer, res *Result) {
	ic := res.IdentityCenter
	switch {
	case res.Instance.Identity == agentfile.IdentitySAML && ic == nil:
		fmt.Fprint(w, "sign-in: this is a SAML instance: its agents sign in through the identity provider, with no password from\n"+
			"  Amazon Connect (the results file's password and sign-in url stay empty). Only their Connect users were made:\n"+
			"  the identity provider must know them under the same user login. If that provider is IAM Identity Center,\n"+
			"  --sso also makes each agent's Identity Center user and adds it to the agents' group.\n")
	case ic != nil && ic.Assignment == "":
		fmt.Fprintf(w, "identity center: group %q must still be assigned to the Amazon Connect application, or the agents will not\n"+
			"  find Amazon Connect on the portal: IAM Identity Center console > Applications > the Amazon Connect\n"+
			"  application of this instance > Assign users and groups > Groups > %s > Assign\n"+
			"  (or run again with --sso-application-arn ARN to assign it).\n", ic.Group, ic.Group)
	}
}
