package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Identity Store user attributes beyond names and email: Title, UserStatus
// and the aws:identitystore:enterprise extension.
//
// What the model (botocore 1.43, aws-sdk-go-v2 identitystore v1.50.0) says:
// CreateUser takes Title and Extensions, a map (1 to 10 entries) from an
// extension name (pattern aws:identitystore:[a-z]{1,20}) to a document,
// aws:identitystore:enterprise being "the only supported extension name";
// DescribeUser and ListUsers take Extensions, a list of names, and return
// the extensions asked for only. Neither model names the document's
// members. UserStatus (ENABLED, DISABLED) is in DescribeUser's answer and
// ListUsers' User only: CreateUser does not take it, and UpdateUser's
// operations are generic (an AttributePath and a document), so whether
// UpdateUser sets it is not said.
//
// Choices where AWS's behaviour is not documented:
//   - The enterprise document has SCIM's enterprise user members (RFC 7643
//     §4.3): employeeNumber, costCenter, organization, division,
//     department (strings of 1 to 1024 characters, the model's
//     SensitiveStringType), and manager, an object whose value is the
//     manager's user id. Any other member, or a value of another type, is
//     ValidationException. The manager need not exist (SCIM does not ask).
//   - A user is ENABLED when created; UpdateUser sets userStatus to ENABLED
//     or DISABLED (it cannot be removed).
//   - UpdateUser takes the paths title, userStatus,
//     aws:identitystore:enterprise (the whole document; absent or null
//     removes it) and aws:identitystore:enterprise.MEMBER (one member, and
//     ...manager.value); a null value removes an optional attribute.
//   - An extension name that matches the pattern but is not
//     aws:identitystore:enterprise is ValidationException.

// EnterpriseExtension is a user's aws:identitystore:enterprise document.
type EnterpriseExtension struct {
	EmployeeNumber string
	CostCenter     string
	Organization   string
	Division       string
	Department     string
	Manager        string // the manager's user id
}

// extensionEnterprise is the one extension name Identity Store supports.
const extensionEnterprise = "aws:identitystore:enterprise"

var extensionNamePattern = regexp.MustCompile(`^aws:identitystore:[a-z]{1,20}$`)

// checkExtensionName applies the model's ExtensionName rules.
func checkExtensionName(field, name string) *apiError {
	if e := checkPattern(field, name, extensionNamePattern); e != nil {
		return e
	}
	if name != extensionEnterprise {
		return validation(fmt.Sprintf("Extension %s is not supported: %s is the only supported extension name", name, extensionEnterprise))
	}
	return nil
}

// checkExtensionNames reads DescribeUser's and ListUsers' Extensions: it
// says whether the enterprise extension is asked for.
func checkExtensionNames(names *[]string) (bool, *apiError) {
	if names == nil {
		return false, nil
	}
	if n := len(*names); n < 1 || n > 10 {
		return false, validation("1 validation error detected: Value at 'extensions' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	for _, n := range *names {
		if e := checkExtensionName("extensions.member", n); e != nil {
			return false, e
		}
	}
	return true, nil
}

// createExtensions reads CreateUser's Extensions into u.
func createExtensions(u *IdentityStoreUser, ext map[string]json.RawMessage) *apiError {
	if ext == nil {
		return nil
	}
	if n := len(ext); n < 1 || n > 10 {
		return validation("1 validation error detected: Value at 'extensions' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	for name, doc := range ext {
		if e := checkExtensionName("extensions.key", name); e != nil {
			return e
		}
		x, e := parseEnterprise(doc)
		if e != nil {
			return e
		}
		u.Enterprise = x
	}
	return nil
}

var enterpriseStrings = []string{"employeeNumber", "costCenter", "organization", "division", "department"}

func (x *EnterpriseExtension) field(member string) *string {
	switch member {
	case "employeeNumber":
		return &x.EmployeeNumber
	case "costCenter":
		return &x.CostCenter
	case "organization":
		return &x.Organization
	case "division":
		return &x.Division
	case "department":
		return &x.Department
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// parseEnterprise checks an enterprise document and reads it.
func parseEnterprise(raw json.RawMessage) (EnterpriseExtension, *apiError) {
	var x EnterpriseExtension
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil || doc == nil {
		return x, validation("The " + extensionEnterprise + " extension must be a JSON object")
	}
	for k, v := range doc {
		if k == "manager" {
			id, e := parseManager(v)
			if e != nil {
				return x, e
			}
			x.Manager = id
			continue
		}
		f := x.field(k)
		if f == nil {
			return x, validation(fmt.Sprintf("%s has no member %q: its members are %s and manager", extensionEnterprise, k, strings.Join(enterpriseStrings, ", ")))
		}
		s, e := enterpriseString(k, v)
		if e != nil {
			return x, e
		}
		*f = s
	}
	return x, nil
}

func enterpriseString(member string, raw json.RawMessage) (string, *apiError) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", validation(fmt.Sprintf("%s.%s must be a string", extensionEnterprise, member))
	}
	if e := checkString(extensionEnterprise+"."+member, s, true); e != nil {
		return "", e
	}
	return s, nil
}

// parseManager reads the manager member: {"value": USER_ID}.
func parseManager(raw json.RawMessage) (string, *apiError) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return "", validation(extensionEnterprise + ".manager must be an object with the manager's user id as value")
	}
	for k := range m {
		if k != "value" {
			return "", validation(fmt.Sprintf("%s.manager has no member %q: it takes value, the manager's user id", extensionEnterprise, k))
		}
	}
	return managerValue(m["value"])
}

func managerValue(raw json.RawMessage) (string, *apiError) {
	var id string
	if err := json.Unmarshal(raw, &id); err != nil {
		return "", validation(extensionEnterprise + ".manager.value must be a string, the manager's user id")
	}
	if e := checkResourceID(extensionEnterprise+".manager.value", id); e != nil {
		return "", e
	}
	return id, nil
}

// enterpriseJSON is the document as Identity Store answers it.
func (x EnterpriseExtension) json() map[string]any {
	out := map[string]any{}
	for _, k := range enterpriseStrings {
		if v := *x.field(k); v != "" {
			out[k] = v
		}
	}
	if x.Manager != "" {
		out["manager"] = map[string]any{"value": x.Manager}
	}
	return out
}

func (x EnterpriseExtension) empty() bool { return x == EnterpriseExtension{} }

// addAttributes adds a user's Title, UserStatus and (when asked) its
// extensions to its JSON.
func addAttributes(out map[string]any, u *IdentityStoreUser, withExtensions bool) {
	if u.Title != "" {
		out["Title"] = u.Title
	}
	status := u.UserStatus
	if status == "" {
		status = "ENABLED"
	}
	out["UserStatus"] = status
	if withExtensions && !u.Enterprise.empty() {
		out["Extensions"] = map[string]any{extensionEnterprise: u.Enterprise.json()}
	}
}

// applyAttributeOperation applies an UpdateUser operation on title,
// userStatus or the enterprise extension; handled is false for other paths.
func applyAttributeOperation(u *IdentityStoreUser, path string, raw json.RawMessage) (handled bool, e *apiError) {
	remove := isNull(raw)
	switch {
	case path == "title":
		if remove {
			u.Title = ""
			return true, nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return true, validation("AttributeValue of title must be a string")
		}
		if e := checkString("title", s, true); e != nil {
			return true, e
		}
		u.Title = s
		return true, nil
	case path == "userStatus":
		var s string
		if remove || json.Unmarshal(raw, &s) != nil || (s != "ENABLED" && s != "DISABLED") {
			return true, validation("AttributeValue of userStatus must be ENABLED or DISABLED")
		}
		u.UserStatus = s
		return true, nil
	case path == extensionEnterprise:
		if remove {
			u.Enterprise = EnterpriseExtension{}
			return true, nil
		}
		x, e := parseEnterprise(raw)
		if e != nil {
			return true, e
		}
		u.Enterprise = x
		return true, nil
	case strings.HasPrefix(path, extensionEnterprise+"."):
		return true, applyEnterpriseMember(&u.Enterprise, strings.TrimPrefix(path, extensionEnterprise+"."), raw, remove)
	case strings.HasPrefix(path, "aws:"):
		name, _, _ := strings.Cut(path, ".")
		return true, checkExtensionName("operations.member.attributePath", name)
	}
	return false, nil
}

func applyEnterpriseMember(x *EnterpriseExtension, member string, raw json.RawMessage, remove bool) *apiError {
	switch member {
	case "manager", "manager.value":
		if remove {
			x.Manager = ""
			return nil
		}
		var id string
		var e *apiError
		if member == "manager" {
			id, e = parseManager(raw)
		} else {
			id, e = managerValue(raw)
		}
		if e != nil {
			return e
		}
		x.Manager = id
		return nil
	}
	f := x.field(member)
	if f == nil {
		return validation(fmt.Sprintf("%s has no member %q: its members are %s and manager", extensionEnterprise, member, strings.Join(enterpriseStrings, ", ")))
	}
	if remove {
		*f = ""
		return nil
	}
	s, e := enterpriseString(member, raw)
	if e != nil {
		return e
	}
	*f = s
	return nil
}
