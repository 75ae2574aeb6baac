package importer

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/aws/smithy-go"
)

// loginLimitHint explains (validate only warns above connectLoginDocs, the
// limit being unconfirmed) a CreateUser refusal that the documented
// 20-character limit would explain: a Connect-managed row whose login is
// longer, refused as an invalid parameter. "" otherwise.
func loginLimitHint(identity Identity, login string, err error) string {
	var ae smithy.APIError
	if identity != IdentityConnect || utf8.RuneCountInString(login) <= connectLoginDocs ||
		!errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterException" {
		return ""
	}
	return "; hint: the user login has " + strconv.Itoa(utf8.RuneCountInString(login)) +
		" characters, and Amazon Connect documents at most 20 for an instance that manages its own users (its API allows up to 100): shorten the login to 20 characters or fewer"
}
