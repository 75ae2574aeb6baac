package importer

import (
	"context"
	"fmt"
	"slices"
	"sort"
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
	Set      bool // New lists the items added (+) and removed (-)
}

func (c FieldChange) String() string {
	if c.Set {
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
	if u == nil {
		return nil
	}
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

// aspects maps each kind of field of the column table to the Connect API
// that updates it.
var aspects = map[agentfile.Group]Aspect{
	agentfile.GroupIdentity:      AspectIdentity,
	agentfile.GroupRouting:       AspectRouting,
	agentfile.GroupSecurity:      AspectSecurity,
	agentfile.GroupHierarchy:     AspectHierarchy,
	agentfile.GroupPhone:         AspectPhone,
	agentfile.GroupTags:          AspectTags,
	agentfile.GroupConfig:        AspectConfig,
	agentfile.GroupProficiencies: AspectProficiencies,
}

// DeskNeedsNumberError is a phone number cell of (none) for a user who
// keeps a desk phone: Connect needs a desk phone's number.
type DeskNeedsNumberError = agentfile.DeskNeedsNumberError

// diffUser compares a valid row with its user as DescribeUser gave it,
// through the column table (agentfile's Compare): only cells that are not
// blank are compared; ClearCell stands for "none". Then each kind of field
// that changes becomes the input of its one call (the proficiencies are
// compared apart, diffExtensions).
func diffUser(ctx context.Context, f *agentfile.File, inst Instance, pr *PlannedRow, u *types.User, n *names) (*UserUpdate, error) {
	have, err := userAgent(ctx, f, pr, u, n)
	if err != nil {
		return nil, err
	}
	want, changes, err := f.Compare(pr.Row, inst.Identity, pr.Agent, have)
	if err != nil {
		return nil, err
	}
	up := &UserUpdate{UserID: aws.ToString(u.Id), UserARN: aws.ToString(u.Arn)}
	var changed [aspectCount]bool
	for _, c := range changes {
		asp := aspects[c.Group]
		changed[asp] = true
		up.Changes = append(up.Changes, FieldChange{Field: c.Field, Old: c.Old, New: c.New, Aspect: asp, Set: c.Set})
	}
	if changed[AspectIdentity] {
		up.identity = identityInput(inst, u.IdentityInfo, have, want)
	}
	if changed[AspectRouting] {
		up.routing = pr.RoutingProfileID
	}
	if changed[AspectSecurity] {
		if f.Given(pr.Row, agentfile.GroupColumn(agentfile.GroupSecurity)) {
			up.security = pr.SecurityProfileIDs
		} else if up.security, err = editedSecurity(f, pr, u.SecurityProfileIds); err != nil {
			return nil, err
		}
	}
	if changed[AspectHierarchy] && len(want.Hierarchy) > 0 {
		up.hierarchy = pr.HierarchyGroupID
	}
	if changed[AspectPhone] {
		up.phone = phoneInput(want)
		up.clearsNumber = have.PhoneNumber != "" && want.PhoneNumber == ""
	}
	if changed[AspectTags] {
		up.tagSet, up.tagUnset = tagInput(have.Tags, want.Tags)
	}
	if changed[AspectConfig] {
		up.config = configInput(have, want)
	}
	return up, nil
}

// userAgent is a user as the template's values, as the row would spell
// them: a profile or a hierarchy group that is the row's is named as the
// row names it (names compare as the plan resolved them), another one by
// its name, or its id when no name is known (a profile made since the
// listing). The hierarchy group's path is looked up only when the row's
// hierarchy differs from it.
func userAgent(ctx context.Context, f *agentfile.File, pr *PlannedRow, u *types.User, n *names) (*agentfile.Agent, error) {
	a := pr.Agent
	have := &agentfile.Agent{Login: aws.ToString(u.Username), Tags: u.Tags}
	if info := u.IdentityInfo; info != nil {
		have.FirstName, have.LastName, have.Email = aws.ToString(info.FirstName), aws.ToString(info.LastName), aws.ToString(info.Email)
		have.SecondaryEmail, have.Mobile = aws.ToString(info.SecondaryEmail), aws.ToString(info.Mobile)
	}
	if old := aws.ToString(u.RoutingProfileId); pr.RoutingProfileID == "" || old == pr.RoutingProfileID {
		have.RoutingProfile = a.RoutingProfile
	} else {
		have.RoutingProfile = orID(n.routing.nameOf(old), old)
	}
	named := len(pr.SecurityProfileIDs) > 0 || a.EditsSecurityProfiles()
	if !named {
		have.SecurityProfiles = a.SecurityProfiles // not resolved: not compared
	}
	for _, id := range u.SecurityProfileIds {
		if !named {
			break
		}
		name := orID(n.security.nameOf(id), id)
		for i, w := range pr.SecurityProfileIDs {
			if w == id && i < len(a.SecurityProfiles) {
				name = a.SecurityProfiles[i]
			}
		}
		have.SecurityProfiles = append(have.SecurityProfiles, name)
	}
	switch old := aws.ToString(u.HierarchyGroupId); {
	case old == "":
	case old == pr.HierarchyGroupID:
		have.Hierarchy = a.Hierarchy
	case f.Given(pr.Row, agentfile.GroupColumn(agentfile.GroupHierarchy)):
		p, err := n.hierarchyPath(ctx, old)
		if err != nil {
			return nil, err
		}
		have.Hierarchy = []string{p}
	default:
		have.Hierarchy = []string{old} // not compared
	}
	have.PhoneType = string(types.PhoneTypeSoftPhone)
	if pc := u.PhoneConfig; pc != nil {
		if pc.PhoneType != "" {
			have.PhoneType = string(pc.PhoneType)
		}
		have.PhoneNumber, have.AutoAccept, have.ACWTimeout = aws.ToString(pc.DeskPhoneNumber), pc.AutoAccept, pc.AfterContactWorkTimeLimit
	}
	have.Channels = userChannelsOf(u).settings()
	return have, nil
}

// identityInput is UpdateUserIdentityInfo's whole input, as it replaces
// the user's: what the user has, with the row's fields.
func identityInput(inst Instance, old *types.UserIdentityInfo, have, want *agentfile.Agent) types.UserIdentityInfo {
	var info types.UserIdentityInfo
	if old != nil {
		info = *old
	}
	info.FirstName, info.LastName = aws.String(want.FirstName), aws.String(want.LastName)
	set := func(p **string, o, w string) {
		if o != w {
			*p = aws.String(w)
		}
	}
	set(&info.Email, have.Email, want.Email)
	set(&info.SecondaryEmail, have.SecondaryEmail, want.SecondaryEmail)
	set(&info.Mobile, have.Mobile, want.Mobile)
	if inst.Identity == agentfile.IdentitySAML {
		info.Email = nil // not sent on SAML: Connect refuses it
	}
	return info
}

// phoneInput is UpdateUserPhoneConfig's whole input, as it replaces the
// user's: a number left out is gone.
func phoneInput(want *agentfile.Agent) types.UserPhoneConfig {
	pc := types.UserPhoneConfig{PhoneType: types.PhoneType(want.PhoneType), AutoAccept: want.AutoAccept, AfterContactWorkTimeLimit: want.ACWTimeout}
	if want.PhoneNumber != "" {
		pc.DeskPhoneNumber = aws.String(want.PhoneNumber)
	}
	return pc
}

// tagInput is what TagResource sets and UntagResource removes.
func tagInput(have, want map[string]string) (set map[string]string, unset []string) {
	set = map[string]string{}
	for k, v := range want {
		if old, ok := have[k]; !ok || old != v {
			set[k] = v
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			unset = append(unset, k)
		}
	}
	sort.Strings(unset)
	return set, unset
}

// maxUserSecurityProfiles is how many security profiles a user holds at
// most (UpdateUserSecurityProfiles takes 1 to 10).
const maxUserSecurityProfiles = 10

// RowProblemError is a problem of a row found when its user is read: the
// row is invalid, and nothing of it is sent.
type RowProblemError struct{ Problem agentfile.Problem }

func (e *RowProblemError) Error() string {
	m := e.Problem.Message
	if e.Problem.Column != "" {
		m = e.Problem.Column + ": " + m
	}
	if e.Problem.Hint != "" {
		m += " (" + e.Problem.Hint + ")"
	}
	return m
}

// editedSecurity is UpdateUserSecurityProfiles' whole set for a row of add
// and remove security profiles: the user's, with the added ones and
// without the removed ones; a set outside 1 to 10 is a problem of the row.
func editedSecurity(f *agentfile.File, pr *PlannedRow, have []string) ([]string, error) {
	var ids []string
	for _, id := range have {
		if !slices.Contains(pr.RemoveSecurityProfileIDs, id) {
			ids = append(ids, id)
		}
	}
	for _, id := range pr.AddSecurityProfileIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if n := len(ids); n >= 1 && n <= maxUserSecurityProfiles {
		return ids, nil
	}
	edits := agentfile.EditColumns(agentfile.GroupColumn(agentfile.GroupSecurity))
	col, msg := edits[0], fmt.Sprintf("the user has %d security profiles; with these it would have %d, and a user has at most %d", len(have), len(ids), maxUserSecurityProfiles)
	hint := "add fewer, or remove some in the same row (remove security profiles)"
	if len(ids) == 0 {
		col, msg = edits[1], "this removes every security profile the user has, and a user needs at least one"
		hint = "keep one, or add another in the same row (add security profiles)"
	}
	return nil, &RowProblemError{Problem: agentfile.Problem{Line: pr.Row.Line, Column: f.ColumnName(col), Value: strings.TrimSpace(f.Value(pr.Row, col)), Message: msg, Hint: hint}}
}
