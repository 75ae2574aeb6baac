package importer

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/aws/smithy-go"
	"github.com/bulkagents/bulkagents/agentfile"
)

// loginLimitHint explains (validate only warns above agentfile.ConnectLoginDocs, the
// limit being unconfirmed) a CreateUser refusal that the documented
// 20-character limit would explain: a Connect-managed row whose login is
// longer, refused as an invalid parameter. "" otherwise.
func loginLimitHint(identity agentfile.Identity, login string, err error) string {
	var ae smithy.APIError
	if identity != agentfile.IdentityConnect || utf8.RuneCountInString(login) <= agentfile.ConnectLoginDocs ||
		!errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" {
		return ""
	}
	return "; hint: the user login has " + strconv.Itoa(utf8.RuneCountInString(login)) +
		" characters, and Amazon Connect documents at most 20 for an instance that manages its own users (its API allows up to 100): shorten the login to 20 characters or fewer"
}
