package sandbox

// Refusals that follow the published models and documents (botocore's
// connect and identitystore service-2.json; the Amazon Connect
// administrator guide), where the sandbox was laxer than AWS.

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var (
	// UserIdentityInfo.SecondaryEmail's model pattern,
	// (?=^.{0,265}$)[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}, the
	// look-ahead written as a length check (Go's regexp has none). AWS
	// checks the whole value against it. Email has no pattern of its own
	// in the model; the same rule is applied to it (the documents give no
	// other).
	modelEmailPattern = regexp.MustCompile(`^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$`)
	// TagKey's model pattern (botocore 1.43),
	// ^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$, with its 1 to 128 characters:
	// letters and digits of any script, spaces, and _ . : / = + - @. The
	// aws: prefix (Go's regexp has no look-ahead) is checked apart.
	tagKeyPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// AgentFirstName and AgentLastName's model lengths, whatever the identity
// type (the model has no other).
const (
	maxFirstName = 255
	maxLastName  = 300
)

// documentedLoginLimit is the user login length the Amazon Connect
// administrator guide gives for Connect-managed instances (the API model
// allows 100); Options.ShortLogins enforces it.
const documentedLoginLimit = 20

// modelEmailOK is the model's address rule, with its 265-character bound.
func modelEmailOK(s string) bool {
	return utf8.RuneCountInString(s) <= 265 && modelEmailPattern.MatchString(s)
}

// checkIdentityInfo is what CreateUser refuses in IdentityInfo beyond the
// lengths: names not in Unicode NFC, an address outside the model's
// pattern, and an Email on a SAML instance (UserIdentityInfo: "don't
// include Email" for SAML; the sandbox refuses it, the stricter reading,
// so that a client that sends it is caught here rather than in AWS).
func (s *Sandbox) checkIdentityInfo(info *identityInfoJSON) *apiError {
	switch {
	case !norm.NFC.IsNormalString(info.FirstName):
		return invalidParameter("IdentityInfo.FirstName must be in Unicode normalization form C (NFC)")
	case !norm.NFC.IsNormalString(info.LastName):
		return invalidParameter("IdentityInfo.LastName must be in Unicode normalization form C (NFC)")
	case info.Email != "" && s.identity == "SAML":
		return invalidRequest("IdentityInfo.Email is not supported for an instance that uses SAML for identity management: use SecondaryEmail")
	case info.Email != "" && !modelEmailOK(info.Email):
		return invalidParameter("IdentityInfo.Email is not a valid email address")
	case info.SecondaryEmail != "" && !modelEmailOK(info.SecondaryEmail):
		return invalidParameter("1 validation error detected: Value at 'identityInfo.secondaryEmail' failed to satisfy constraint: Member must satisfy regular expression pattern: (?=^.{0,265}$)[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,63}")
	}
	return nil
}

// checkLoginLength enforces the documented 20 characters of a
// Connect-managed instance's user login when the sandbox was started so.
func (s *Sandbox) checkLoginLength(username string) *apiError {
	if s.shortLogins && s.identity == "CONNECT_MANAGED" && utf8.RuneCountInString(username) > documentedLoginLimit {
		return invalidParameter("Username must be at most 20 characters for an instance that uses Amazon Connect for identity management")
	}
	return nil
}

// checkTagKey is TagKey's model rule, for the keys of a TagMap (field
// "tags") or of a TagKeyList ("tagKeys"). The model's look-ahead refuses
// aws: in lower case only; AWS's tagging rules reserve the prefix in any
// case ("aws:, AWS:, or any upper or lowercase combination"), and the
// sandbox refuses it so, the stricter reading.
func checkTagKey(field, k string) *apiError {
	switch {
	case k == "" || utf8.RuneCountInString(k) > 128:
		return invalidParameter("1 validation error detected: Value at '" + field + "' failed to satisfy constraint: Member must have length between 1 and 128")
	case strings.HasPrefix(strings.ToLower(k), "aws:"):
		return invalidParameter("Tag keys beginning with aws: are reserved for AWS use")
	case !tagKeyPattern.MatchString(k):
		return invalidParameter("1 validation error detected: Value at '" + field + "' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$")
	}
	return nil
}

// reservedGroupName: Identity Store keeps Administrator and
// AWSAdministrators for itself, for groups as for users.
func reservedGroupName(name string) bool {
	return strings.EqualFold(name, "Administrator") || strings.EqualFold(name, "AWSAdministrators")
}
