package importer

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/bulkagents/bulkagents/agentfile"
)

// maxGroupName is the Identity Store's GroupDisplayName limit (1 to 1024).
const maxGroupName = 1024

// CheckGroupName checks an Identity Center group name (--sso-group) the way
// CreateGroup would: 1 to 1024 characters of the model's GroupDisplayName
// pattern [\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r and space, no-break space], and
// neither of the names IAM Identity Center reserves for users and groups,
// Administrator and AWSAdministrators (compared without regard to case, as
// for logins). It gives what is wrong and how to fix it, or "" when the
// name is fine.
func CheckGroupName(name string) (problem, hint string) {
	const fix = "choose a group name of letters, digits, punctuation and spaces, for example " + DefaultSSOGroup
	if name == "" {
		return "the group name is empty", fix
	}
	if n := agentfile.UTF16Len(name); n > maxGroupName {
		return fmt.Sprintf("the group name has %d characters, at most %d", n, maxGroupName), "shorten it"
	}
	for _, r := range name {
		if unicode.In(r, unicode.L, unicode.M, unicode.S, unicode.N, unicode.P) ||
			r == '\t' || r == '\n' || r == '\r' || r == ' ' || r == '\u00a0' {
			continue
		}
		return fmt.Sprintf("the group name %s holds %q, which an IAM Identity Center group name cannot hold", agentfile.Quote(name), r), fix
	}
	if strings.EqualFold(name, "Administrator") || strings.EqualFold(name, "AWSAdministrators") {
		return fmt.Sprintf("%s is a name IAM Identity Center reserves", agentfile.Quote(name)), "choose another group name, for example " + DefaultSSOGroup
	}
	return "", ""
}
