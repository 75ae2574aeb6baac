package importer

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"

	"github.com/bulkagents/bulkagents/agentfile"
)

// Aspect is one part of a user that one Connect API updates.
type Aspect int

const (
	AspectIdentity      Aspect = iota // UpdateUserIdentityInfo
	AspectRouting                     // UpdateUserRoutingProfile
	AspectSecurity                    // UpdateUserSecurityProfiles
	AspectHierarchy                   // UpdateUserHierarchy
	AspectPhone                       // UpdateUserPhoneConfig
	AspectTags                        // TagResource and UntagResource
	AspectConfig                      // UpdateUserConfig: the per-channel settings (update_ext.go)
	AspectProficiencies               // Disassociate, Update and AssociateUserProficiencies (update_ext.go)
	AspectSSO                         // the Identity Store's UpdateUser (update_sso.go)
	aspectCount
)

// FieldChange is one field that differs: its name as the results file
// says it, and the old and new values as names, never ids.
type FieldChange struct {
	Field    string
	Old, New string
	Aspect   Aspect
}

func (c FieldChange) String() string {
	if c.Field == "security profiles" || c.Field == "tags" || c.Field == fieldProficiencies {
		return c.Field + ": " + c.New // already a list of + and - items
	}
	return c.Field + ": " + shown(c.Old) + " -> " + shown(c.New)
}

func shown(v string) string {
	if v == "" {
		return agentfile.ClearCell
	}
	return v
}

// UserUpdate is what differs between a row and its existing user, and the
// calls that make the user match the row.
type UserUpdate struct {
	UserID  string
	UserARN string
	Changes []FieldChange

	identity  types.UserIdentityInfo // the whole of it, as UpdateUserIdentityInfo replaces it
	routing   string
	security  []string
	hierarchy string
	phone     types.UserPhoneConfig // the whole of it, as UpdateUserPhoneConfig replaces it
	// clearsNumber: the phone update leaves out a number the user has, to
	// clear it (send checks that it is gone).
	clearsNumber bool
	tagSet       map[string]string
	tagUnset     []string
	config       connect.UpdateUserConfigInput // the per-channel settings that change, and only those
	profs        proficiencyChange
	ssoUserID    string
	ssoOps       []istypes.AttributeOperation
}

// Empty reports whether nothing differs.
func (u *UserUpdate) Empty() bool { return u == nil || len(u.Changes) == 0 }

// Aspects lists the aspects that change, in order.
func (u *UserUpdate) Aspects() []Aspect {
	var seen [aspectCount]bool
	var out []Aspect
	for _, c := range u.Changes {
		if !seen[c.Aspect] {
			seen[c.Aspect] = true
			out = append(out, c.Aspect)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Cell is the changes column: "field: old -> new; ...".
func (u *UserUpdate) Cell() string {
	if u.Empty() {
		return ""
	}
	parts := make([]string, len(u.Changes))
	for i, c := range u.Changes {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// fieldsOf names the fields of one aspect that change, for an error.
func (u *UserUpdate) fieldsOf(a Aspect) string {
	var names []string
	for _, c := range u.Changes {
		if c.Aspect == a {
			names = append(names, c.Field)
		}
	}
	return strings.Join(names, ", ")
}

// names turns the ids of a user into names for the changes column.
type names struct {
	routing, security *nameIndex
	mu                sync.Mutex // hierarchyIndex caches paths in a map
	hierarchy         *hierarchyIndex
}

func (n *names) hierarchyPath(ctx context.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	p, err := n.hierarchy.path(ctx, id)
	if err != nil {
		return "", err
	}
	if len(p) == 0 {
		return id, nil
	}
	return strings.Join(p, "|"), nil
}

// orID is a name, or the id itself when no name is known (a profile made
// since the listing).
func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

// diffUser compares a valid row with its user as DescribeUser gave it.
// Only cells that are not blank are compared; ClearCell stands for "none".
func diffUser(ctx context.Context, f *agentfile.File, inst Instance, pr *PlannedRow, u *types.User, n *names) (*UserUpdate, error) {
	a := pr.Agent
	cell := func(c agentfile.Column) string { v, _ := f.FieldValue(pr.Row, c); return v }
	up := &UserUpdate{UserID: aws.ToString(u.Id), UserARN: aws.ToString(u.Arn)}
	add := func(asp Aspect, field, old, new string) {
		up.Changes = append(up.Changes, FieldChange{Field: field, Old: old, New: new, Aspect: asp})
	}

	// Identity: names always (they are required cells), email only where
	// Connect holds it, secondary email and mobile unless blank.
	var info types.UserIdentityInfo
	if u.IdentityInfo != nil {
		info = *u.IdentityInfo
	}
	want := info
	if inst.Identity != agentfile.IdentityDirectory {
		want.FirstName, want.LastName = aws.String(a.FirstName), aws.String(a.LastName)
		if inst.Identity == agentfile.IdentityConnect && cell(agentfile.ColEmail) != "" {
			want.Email = aws.String(a.Email)
		}
		if cell(agentfile.ColSecondaryEmail) != "" {
			want.SecondaryEmail = aws.String(a.SecondaryEmail)
		}
		if cell(agentfile.ColMobile) != "" {
			want.Mobile = aws.String(a.Mobile)
		}
		for _, fld := range []struct {
			name     string
			old, new *string
		}{
			{"first name", info.FirstName, want.FirstName},
			{"last name", info.LastName, want.LastName},
			{"email", info.Email, want.Email},
			{"secondary email", info.SecondaryEmail, want.SecondaryEmail},
			{"mobile", info.Mobile, want.Mobile},
		} {
			if aws.ToString(fld.old) != aws.ToString(fld.new) {
				add(AspectIdentity, fld.name, aws.ToString(fld.old), aws.ToString(fld.new))
			}
		}
		if inst.Identity == agentfile.IdentitySAML {
			want.Email = nil // not sent on SAML: Connect refuses it
		}
		up.identity = want
	}

	if old := aws.ToString(u.RoutingProfileId); pr.RoutingProfileID != "" && old != pr.RoutingProfileID {
		up.routing = pr.RoutingProfileID
		add(AspectRouting, "routing profile", orID(n.routing.nameOf(old), old), a.RoutingProfile)
	}

	if d := setDiff(u.SecurityProfileIds, pr.SecurityProfileIDs, n.security); d != "" {
		up.security = pr.SecurityProfileIDs
		add(AspectSecurity, "security profiles", "", d)
	}

	if hc := cell(agentfile.ColHierarchy); hc != "" {
		old, want := aws.ToString(u.HierarchyGroupId), pr.HierarchyGroupID
		if hc == agentfile.ClearCell {
			want = ""
		}
		if old != want {
			oldName, err := n.hierarchyPath(ctx, old)
			if err != nil {
				return nil, err
			}
			up.hierarchy = want
			add(AspectHierarchy, "hierarchy", oldName, strings.Join(a.Hierarchy, "|"))
		}
	}

	if err := diffPhone(up, a, cell, u.PhoneConfig, add); err != nil {
		return nil, err
	}
	diffTags(up, a, cell(agentfile.ColTags), u.Tags, add)
	return up, nil
}

// DeskNeedsNumberError is a phone number cell of (none) for a user who
// keeps a desk phone: Connect needs a desk phone's number.
type DeskNeedsNumberError struct{}

func (DeskNeedsNumberError) Error() string {
	return "phone number (none): the user has a desk phone, which needs a number; make the phone type soft to clear it"
}

// diffPhone compares the phone settings whose cells are not blank; the
// update sends the whole configuration, the unchanged fields as they are.
// The phone number is a desk phone's: for a soft phone a number cell is
// ignored (validation warns), and (none) clears the number the user keeps
// (UpdateUserPhoneConfig replaces the configuration: the number left out
// is gone).
func diffPhone(up *UserUpdate, a *agentfile.Agent, cell func(agentfile.Column) string, pc *types.UserPhoneConfig, add func(Aspect, string, string, string)) error {
	var old types.UserPhoneConfig
	if pc != nil {
		old = *pc
	}
	want := types.UserPhoneConfig{
		PhoneType:                 old.PhoneType,
		DeskPhoneNumber:           old.DeskPhoneNumber,
		AutoAccept:                old.AutoAccept,
		AfterContactWorkTimeLimit: old.AfterContactWorkTimeLimit,
	}
	if want.PhoneType == "" {
		want.PhoneType = types.PhoneTypeSoftPhone
	}
	if cell(agentfile.ColPhoneType) != "" {
		want.PhoneType = types.PhoneType(a.PhoneType)
	}
	switch num := cell(agentfile.ColPhoneNumber); {
	case num == agentfile.ClearCell && want.PhoneType == types.PhoneTypeDeskPhone:
		return DeskNeedsNumberError{}
	case num == agentfile.ClearCell:
		want.DeskPhoneNumber = nil
	case num != "" && want.PhoneType == types.PhoneTypeDeskPhone:
		want.DeskPhoneNumber = aws.String(a.PhoneNumber)
	}
	// The voice channel's per-channel columns set the same fields.
	if cell(agentfile.ColAutoAccept) != "" || a.Channels != nil && a.Channels.VoiceAutoAcceptSet {
		want.AutoAccept = a.AutoAccept
	}
	if cell(agentfile.ColACWTimeout) != "" || a.Channels != nil && a.Channels.VoiceACWSet {
		want.AfterContactWorkTimeLimit = a.ACWTimeout
	}
	changed := false
	if old.PhoneType != want.PhoneType {
		add(AspectPhone, "phone type", phoneWord(old.PhoneType), phoneWord(want.PhoneType))
		changed = true
	}
	if o, w := aws.ToString(old.DeskPhoneNumber), aws.ToString(want.DeskPhoneNumber); o != w {
		add(AspectPhone, "phone number", o, w)
		changed, up.clearsNumber = true, w == ""
	}
	if o, w := old.AutoAccept, want.AutoAccept; o != w {
		add(AspectPhone, "soft phone auto accept", agentfile.YesNo(o), agentfile.YesNo(w))
		changed = true
	}
	if o, w := old.AfterContactWorkTimeLimit, want.AfterContactWorkTimeLimit; o != w {
		add(AspectPhone, "ACW timeout", strconv.Itoa(int(o)), strconv.Itoa(int(w)))
		changed = true
	}
	if changed {
		up.phone = want
	}
	return nil
}

// diffTags: a tags cell that is not blank is the user's whole set.
func diffTags(up *UserUpdate, a *agentfile.Agent, raw string, have map[string]string, add func(Aspect, string, string, string)) {
	if raw == "" {
		return
	}
	want := a.Tags
	if raw == agentfile.ClearCell {
		want = nil
	}
	var items []string
	up.tagSet = map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			up.tagSet[k] = v
			if ok {
				items = append(items, fmt.Sprintf("%s=%s -> %s", k, old, v))
			} else {
				items = append(items, "+"+k+"="+v)
			}
		}
	}
	for k, v := range have {
		if _, ok := want[k]; !ok {
			up.tagUnset = append(up.tagUnset, k)
			items = append(items, "-"+k+"="+v)
		}
	}
	if len(items) == 0 {
		up.tagSet = nil
		return
	}
	sort.Strings(up.tagUnset)
	sort.Slice(items, func(i, j int) bool { return strings.TrimLeft(items[i], "+-") < strings.TrimLeft(items[j], "+-") })
	add(AspectTags, "tags", "", strings.Join(items, ", "))
}

// setDiff describes how the set want differs from have, by name: "+A, -B".
func setDiff(have, want []string, x *nameIndex) string {
	in := func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	}
	var items []string
	for _, id := range want {
		if !in(have, id) {
			items = append(items, "+"+orID(x.nameOf(id), id))
		}
	}
	for _, id := range have {
		if !in(want, id) {
			items = append(items, "-"+orID(x.nameOf(id), id))
		}
	}
	return strings.Join(items, ", ")
}

func phoneWord(t types.PhoneType) string {
	switch t {
	case types.PhoneTypeSoftPhone:
		return "soft"
	case types.PhoneTypeDeskPhone:
		return "desk"
	}
	return string(t)
}
