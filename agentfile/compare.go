package agentfile

import (
	"fmt"
	"sort"
	"strings"
)

// Group is a kind of field: the fields of a user that one update call
// sets together (the engine maps each group to its SDK call, once).
type Group int

// The groups, in the order the changes column lists them.
const (
	GroupNone          Group = iota
	GroupIdentity            // names, emails, mobile
	GroupRouting             // the routing profile
	GroupSecurity            // the security profiles
	GroupHierarchy           // the hierarchy group
	GroupPhone               // the phone settings, the voice channel's auto accept and ACW included
	GroupTags                // the tags
	GroupConfig              // the per-channel settings beyond the voice phone's
	GroupProficiencies       // the routing proficiencies
	// GroupIdentityCenter is the IAM Identity Center user's title and
	// enterprise attributes (--sso): compared only with IdentityStore.
	GroupIdentityCenter
)

// IdentityStore, given to Compare, compares a row with its IAM Identity
// Center user: its names and email (as a Connect-managed user's) and the
// Identity Center columns, and nothing Connect holds.
const IdentityStore Identity = "IDENTITY_STORE"

// Change is one field that differs between a row and its user: its name
// as the changes column says it, and the old and new values as cells say
// them ("" when none). A set field (Set) says its change in New alone, as
// a list of +added, -removed and changed items.
type Change struct {
	Column   Column // the field's own column
	Field    string
	Old, New string
	Group    Group
	Set      bool
}

// Compare compares row r of f, read as want, with its user read as have
// (the template's values of a user, as export writes them), field by field
// (the spellings of a field fold into one). A blank cell leaves the field
// as it is; ClearCell clears it; a set field's cell is the whole set. It
// gives the user as the row wants it (have with the row's fields) and the
// changes, in the changes column's order. The fields a user of identity
// id does not hold in Connect are not compared (a directory's names, a
// SAML user's email). A clear the user's other fields do not allow is an
// error (a desk phone's number).
func (f *File) Compare(r Row, id Identity, want, have *Agent) (*Agent, []Change, error) {
	out := have.clone()
	var changes []Change
	for _, x := range compareOrder {
		if x.take == nil || !x.applies(id) {
			continue
		}
		v, _ := f.FieldValue(r, x.col)
		if v == "" {
			if x.items != nil && f.editSet(r, x, out, want) {
				changes = appendItems(changes, x, have, out)
			}
			continue
		}
		switch {
		case v == ClearCell && x.clear && x.wipe != nil:
			x.wipe(out)
		case v == ClearCell && x.clear:
			x.take(out, &Agent{})
		default:
			x.take(out, want)
		}
		if v == ClearCell && x.clear {
			if x.refuseClear != nil {
				if err := x.refuseClear(out); err != nil {
					return nil, nil, err
				}
			}
		}
		if x.items != nil {
			changes = appendItems(changes, x, have, out)
			continue
		}
		if o, n := x.text(have), x.text(out); o != n {
			changes = append(changes, Change{Column: x.col, Field: x.label, Old: o, New: n, Group: x.group})
		}
	}
	return out, changes, nil
}

// appendItems adds the change of set field x, if its items differ.
func appendItems(changes []Change, x *columnSpec, have, out *Agent) []Change {
	if items := x.items(have, out); len(items) > 0 {
		changes = append(changes, Change{Column: x.col, Field: x.label, New: strings.Join(items, ", "), Group: x.group, Set: true})
	}
	return changes
}

// Given says whether row r of f gives column c's field: a cell of it that
// is not blank.
func (f *File) Given(r Row, c Column) bool {
	v, _ := f.FieldValue(r, c)
	return v != ""
}

// GroupColumn is the column of group g's one field (the routing profile's,
// the proficiencies'), for a caller that handles that field itself.
func GroupColumn(g Group) Column {
	for _, x := range compareOrder {
		if x.group == g {
			return x.col
		}
	}
	return 0
}

// FieldLabel is how the changes column names column c's field.
func FieldLabel(c Column) string {
	if x := specs[fieldOf(c)]; x != nil {
		return x.label
	}
	return c.String()
}

func (x *columnSpec) applies(id Identity) bool {
	if id == IdentityStore {
		return x.group == GroupIdentityCenter || x.group == GroupIdentity && (x.col == ColFirstName || x.col == ColLastName || x.col == ColEmail)
	}
	if x.group == GroupIdentityCenter {
		return false // Connect has no such field
	}
	if x.group == GroupIdentity && id == IdentityDirectory {
		return false // the directory holds them
	}
	return x.only == "" || x.only == id
}

// clone copies an agent deeply enough for Compare to set its fields.
func (a *Agent) clone() *Agent {
	out := *a
	out.SecurityProfiles = append([]string(nil), a.SecurityProfiles...)
	out.Hierarchy = append([]string(nil), a.Hierarchy...)
	out.Proficiencies = append([]Proficiency(nil), a.Proficiencies...)
	out.Edits = nil // the row's, not the user's
	if a.Tags != nil {
		out.Tags = make(map[string]string, len(a.Tags))
		for k, v := range a.Tags {
			out.Tags[k] = v
		}
	}
	if a.SSO != nil {
		s := *a.SSO
		out.SSO = &s
	}
	ch := a.channels()
	c := *ch
	out.Channels = &c
	return &out
}

// compareOrder is the fields Compare compares, in the changes column's
// order: by group, a group's fields in the table's order, the per-channel
// settings channel by channel (the voice channel's last).
var compareOrder = func() []*columnSpec {
	var out []*columnSpec
	for i := range columnTable {
		x := &columnTable[i]
		if x.group == GroupNone || x.field != x.col || x.edits != 0 {
			continue
		}
		if x.text == nil {
			x.text = x.cell
		}
		out = append(out, x)
	}
	rank := func(x *columnSpec) int {
		if x.group == GroupConfig && x.channel == ChannelVoice {
			return int(ChannelCount)
		}
		if x.group == GroupConfig {
			return int(x.channel)
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].group != out[j].group {
			return out[i].group < out[j].group
		}
		return rank(out[i]) < rank(out[j])
	})
	return out
}()

// listItems is how a list field's value changes: each name of want that
// have lacks, +name, then each of have that want lacks, -name.
func listItems(get func(*Agent) []string) func(have, want *Agent) []string {
	return func(have, want *Agent) []string {
		h, w := get(have), get(want)
		in := func(list []string, s string) bool {
			for _, v := range list {
				if v == s {
					return true
				}
			}
			return false
		}
		var items []string
		for _, n := range w {
			if !in(h, n) {
				items = append(items, "+"+n)
			}
		}
		for _, n := range h {
			if !in(w, n) {
				items = append(items, "-"+n)
			}
		}
		return items
	}
}

// tagItems is how the tags change: +key=value, -key=value and
// key=old -> new, by key.
func tagItems(have, want *Agent) []string {
	var items []string
	for k, v := range want.Tags {
		if old, ok := have.Tags[k]; !ok {
			items = append(items, "+"+k+"="+v)
		} else if old != v {
			items = append(items, fmt.Sprintf("%s=%s -> %s", k, old, v))
		}
	}
	for k, v := range have.Tags {
		if _, ok := want.Tags[k]; !ok {
			items = append(items, "-"+k+"="+v)
		}
	}
	sort.Slice(items, func(i, j int) bool { return strings.TrimLeft(items[i], "+-") < strings.TrimLeft(items[j], "+-") })
	return items
}

// DeskNeedsNumberError is a phone number cell of (none) for a user who
// keeps a desk phone: Connect needs a desk phone's number.
type DeskNeedsNumberError struct{}

func (DeskNeedsNumberError) Error() string {
	return "phone number (none): the user has a desk phone, which needs a number; make the phone type soft to clear it"
}
