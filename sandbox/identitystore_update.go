package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

func init() {
	identityStoreOps["UpdateUser"] = operation{handle: isUpdateUser, mutating: true}
}

type isOperation struct {
	AttributePath  string
	AttributeValue json.RawMessage // a document; absent or null removes the attribute
}

// isUpdateUser is the Identity Store's UpdateUser: Operations (1 to 100)
// each replace one attribute, or remove it when the value is absent. The
// sandbox keeps a user's display name, given and family names, one email,
// title, status and enterprise extension (identitystore_ext.go), so it
// takes operations on those; a path it does not keep is
// refused with a ValidationException that says so, rather than accepted
// and forgotten. userName cannot be changed (docs/aws.md §7); displayName
// and the names, which CreateUser requires, cannot be removed; an email
// another user has is a ConflictException, as on CreateUser. The
// operations apply all or none.
func isUpdateUser(c *call) (any, *apiError) {
	var in struct {
		IdentityStoreId string
		UserId          string
		Operations      []isOperation
	}
	if e := c.decodeFor(&in, &in.IdentityStoreId); e != nil {
		return nil, e
	}
	if e := checkResourceID("userId", in.UserId); e != nil {
		return nil, e
	}
	switch n := len(in.Operations); {
	case n == 0:
		return nil, validation("Operations is required")
	case n > 100:
		return nil, validation("1 validation error detected: Value at 'operations' failed to satisfy constraint: Member must have length less than or equal to 100")
	}
	if e := c.failHook(c.userNameOf(in.UserId)); e != nil {
		return nil, e
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	u := c.s.isUsers[in.UserId]
	if u == nil {
		return nil, isNotFound("USER", in.UserId)
	}
	next := u.IdentityStoreUser
	for _, op := range in.Operations {
		if e := applyUserOperation(&next, op); e != nil {
			return nil, e
		}
	}
	if next.Email != "" && !strings.EqualFold(next.Email, u.Email) {
		for _, o := range c.s.isUserOrder {
			if o.ID != u.ID && strings.EqualFold(o.Email, next.Email) {
				return nil, conflict("Duplicate emails.value")
			}
		}
	}
	u.IdentityStoreUser = next
	return map[string]any{}, nil
}

// applyUserOperation checks one operation and applies it to u.
func applyUserOperation(u *IdentityStoreUser, op isOperation) *apiError {
	p := op.AttributePath
	if p == "" || utf8.RuneCountInString(p) > 255 || !isAttributePathPattern.MatchString(p) {
		return checkPattern("operations.member.attributePath", p, isAttributePathPattern)
	}
	if handled, e := applyAttributeOperation(u, p, op.AttributeValue); handled {
		return e
	}
	remove := len(op.AttributeValue) == 0 || string(op.AttributeValue) == "null"
	var field *string
	switch p {
	case "displayName":
		field = &u.DisplayName
	case "name.givenName":
		field = &u.GivenName
	case "name.familyName":
		field = &u.FamilyName
	case "emails":
		return applyEmails(u, op.AttributeValue, remove)
	case "userName":
		return validation("userName cannot be updated")
	default:
		return validation(fmt.Sprintf("AttributePath %s is not one the sandbox keeps: it takes displayName, name.givenName, name.familyName, emails, title, userStatus and %s (or one of its members)", p, extensionEnterprise))
	}
	if remove {
		return validation(fmt.Sprintf("%s is required and cannot be removed", p))
	}
	var v string
	if err := json.Unmarshal(op.AttributeValue, &v); err != nil {
		return validation(fmt.Sprintf("AttributeValue of %s must be a string", p))
	}
	if e := checkString(p, v, true); e != nil {
		return e
	}
	*field = v
	return nil
}

func applyEmails(u *IdentityStoreUser, raw json.RawMessage, remove bool) *apiError {
	if remove {
		u.Email = ""
		return nil
	}
	var emails []isEmailJSON
	if err := json.Unmarshal(raw, &emails); err != nil {
		return validation("AttributeValue of emails must be a list of {value, type, primary}")
	}
	switch len(emails) {
	case 0:
		u.Email = ""
		return nil
	case 1:
	default:
		return validation("1 validation error detected: Value at 'emails' failed to satisfy constraint: Member must have length less than or equal to 1")
	}
	v := emails[0].Value
	if e := checkString("emails.value", v, true); e != nil {
		return e
	}
	if !emailPattern.MatchString(v) {
		return validation("emails.value is not a valid email address")
	}
	u.Email = v
	return nil
}
