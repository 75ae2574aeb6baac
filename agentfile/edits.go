package agentfile

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// The edit columns: add security profiles, remove security profiles, add
// tags, remove tags, add proficiencies and remove proficiencies. Each names
// items of a set field to add or remove, in its set column's format, and
// leaves the rest of the user's set as it is (a set column's cell replaces
// the whole set). Separate columns rather than + and - in a cell: a
// spreadsheet takes a cell that begins with + or - for a formula.
//
// - remove tags takes keys alone (team||site); a key|value item (as the
//   tags column writes it) removes the tag only when it has that value.
// - remove proficiencies takes attribute|value pairs; a level after them
//   (as the proficiencies column writes it) is allowed and not compared:
//   the user's proficiency of that attribute and value goes, whatever its
//   level.
// - Adding an item the user has (a tag with the same value, a proficiency
//   at the same level) is no change; adding a tag it has with another
//   value, or a proficiency at another level, changes that value or level.
//   Removing an item the user lacks is no change, and the changes cell,
//   which lists only changes, does not name it.
// - A row may not fill a set column and an edit column of that set, nor
//   add and remove the same item.
// - For a user to create, an add column gives the set when the set column
//   is blank (add security profiles stands for the security profiles
//   CreateUser needs); a remove column is no change.

// SetEdits are the items of a row's edit columns.
type SetEdits struct {
	AddSecurityProfiles, RemoveSecurityProfiles []string
	AddTags                                     map[string]string
	RemoveTags                                  []TagRemoval
	AddProficiencies                            []Proficiency
	// RemoveProficiencies' levels are not compared (0 when not given).
	RemoveProficiencies []Proficiency
}

// TagRemoval is one item of the remove tags column: a key, and the value
// the tag must have to be removed, when the item gives one.
type TagRemoval struct {
	Key      string
	Value    string
	HasValue bool
}

func (a *Agent) edits() *SetEdits {
	if a.Edits == nil {
		return &SetEdits{}
	}
	return a.Edits
}

// EditsProficiencies says whether the agent's row adds or removes
// proficiencies.
func (a *Agent) EditsProficiencies() bool {
	return a != nil && a.Edits != nil && (len(a.Edits.AddProficiencies) > 0 || len(a.Edits.RemoveProficiencies) > 0)
}

// EditsSecurityProfiles says whether the agent's row adds or removes
// security profiles.
func (a *Agent) EditsSecurityProfiles() bool {
	return a != nil && a.Edits != nil && (len(a.Edits.AddSecurityProfiles) > 0 || len(a.Edits.RemoveSecurityProfiles) > 0)
}

// ForCreate is the agent as a create makes it: an add column gives the
// set its set column leaves blank; a remove column is no change. The
// agent itself is not changed (its slices may be shared).
func (a *Agent) ForCreate() *Agent {
	if a == nil || a.Edits == nil {
		return a
	}
	out := *a
	e := a.Edits
	if len(out.SecurityProfiles) == 0 {
		out.SecurityProfiles = e.AddSecurityProfiles
	}
	if len(out.Tags) == 0 && len(e.AddTags) > 0 {
		out.Tags = e.AddTags
	}
	if len(out.Proficiencies) == 0 {
		out.Proficiencies = e.AddProficiencies
	}
	return &out
}

// editColumns are the edit columns of each set column, in the table's
// order.
var editColumns = func() map[Column][]*columnSpec {
	m := map[Column][]*columnSpec{}
	for i := range columnTable {
		if x := &columnTable[i]; x.edits != 0 {
			m[x.edits] = append(m[x.edits], x)
		}
	}
	return m
}()

// editedSets are the set columns that have edit columns, in the table's
// order.
var editedSets = columnsWhere(func(x *columnSpec) bool { return len(editColumns[x.col]) > 0 })

// EditedSet is the set column edit column c adds to or removes from (0:
// c is no edit column).
func EditedSet(c Column) Column {
	if c > 0 && c < ColBlank && specs[c] != nil {
		return specs[c].edits
	}
	return 0
}

// EditColumns lists the edit columns of set column c (none for another).
func EditColumns(c Column) []Column {
	var out []Column
	for _, x := range editColumns[c] {
		out = append(out, x.col)
	}
	return out
}

// editSet applies row r's edit columns of set field x to out, from the
// row's agent want; it says whether the row gives any.
func (f *File) editSet(r Row, x *columnSpec, out, want *Agent) bool {
	given := false
	for _, e := range editColumns[x.col] {
		if e.take == nil || !f.Given(r, e.col) {
			continue
		}
		e.take(out, want)
		given = true
	}
	return given
}

func addNames(have, add []string) []string {
	out := append([]string(nil), have...)
	for _, n := range add {
		if !containsString(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func removeNames(have, remove []string) []string {
	var out []string
	for _, n := range have {
		if !containsString(remove, n) {
			out = append(out, n)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func addTags(have, add map[string]string) map[string]string {
	out := make(map[string]string, len(have)+len(add))
	for k, v := range have {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}

func removeTags(have map[string]string, remove []TagRemoval) map[string]string {
	out := make(map[string]string, len(have))
	for k, v := range have {
		out[k] = v
	}
	for _, t := range remove {
		if v, ok := out[t.Key]; ok && (!t.HasValue || v == t.Value) {
			delete(out, t.Key)
		}
	}
	return out
}

// checkEdits reads the row's edit columns into a.Edits: each in its set
// column's format; a row that also fills the set column, or adds and
// removes the same item, is refused.
func (rc *rowCheck) checkEdits(a *Agent) {
	var e SetEdits
	any := false
	for _, set := range editedSets {
		edits := editColumns[set]
		setCell, setCol := "", set
		for _, c := range FieldColumns(set) {
			if v := rc.cell(c); v != "" && rc.lay.index[c] >= 0 {
				setCell, setCol = v, c
				break
			}
		}
		for _, x := range edits {
			if rc.lay.index[x.col] < 0 {
				continue
			}
			s := rc.cell(x.col)
			if s == "" {
				continue
			}
			if setCell != "" {
				rc.problem(x.col, s, fmt.Sprintf("the row fills both %s and %s", rc.lay.name(setCol), rc.lay.name(x.col)),
					fmt.Sprintf("fill in one of them: %s replaces the user's whole set, %s changes only the items it names", rc.lay.name(setCol), rc.lay.name(x.col)))
				continue
			}
			if s == ClearCell {
				rc.problem(x.col, s, ClearCell+" is not an item to "+map[bool]string{false: "add", true: "remove"}[x.remove],
					fmt.Sprintf("name the items; to remove them all, write %s in %s", ClearCell, rc.lay.name(setCol)))
				continue
			}
			any = true
			rc.parseEdit(x, &e, s)
		}
	}
	if !any {
		return
	}
	for _, set := range editedSets {
		var add, remove *columnSpec
		for _, x := range editColumns[set] {
			if x.remove {
				remove = x
			} else {
				add = x
			}
		}
		if add == nil || remove == nil {
			continue
		}
		added := add.keys(&e)
		for _, k := range remove.keys(&e) {
			if containsString(added, k) {
				rc.problem(remove.col, rc.cell(remove.col), fmt.Sprintf("%s is both in %s and in %s", Quote(k), rc.lay.name(add.col), rc.lay.name(remove.col)),
					"name it in one of the two columns")
			}
		}
	}
	a.Edits = &e
}

func cloneTags(tags map[string]string) map[string]string {
	if tags == nil {
		return nil
	}
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		out[strings.Clone(k)] = strings.Clone(v)
	}
	return out
}

func tagKeys(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for k := range tags {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func removalKeys(rs []TagRemoval) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key
	}
	return out
}

func proficiencyKeys(ps []Proficiency) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Attribute + "|" + p.Value
	}
	return out
}

// editKind is which of a row's edits an edit column reads.
type editKind int

const (
	editAddProfiles editKind = iota + 1
	editRemoveProfiles
	editAddTags
	editRemoveTags
	editAddProficiencies
	editRemoveProficiencies
)

// parseEdit reads edit column x's cell s into e, in its set column's
// format (the text copied out of the row).
func (rc *rowCheck) parseEdit(x *columnSpec, e *SetEdits, s string) {
	switch x.edit {
	case editAddProfiles:
		e.AddSecurityProfiles = cloneAll(rc.parseSecurityProfilesIn(x.col, s))
	case editRemoveProfiles:
		e.RemoveSecurityProfiles = cloneAll(rc.parseSecurityProfilesIn(x.col, s))
	case editAddTags:
		e.AddTags = cloneTags(rc.parseTagsIn(x.col, s))
	case editRemoveTags:
		e.RemoveTags = rc.parseTagRemovals(x.col, s)
	case editAddProficiencies:
		e.AddProficiencies = rc.parseProficienciesIn(x.col, s, true)
	case editRemoveProficiencies:
		e.RemoveProficiencies = rc.parseProficienciesIn(x.col, s, false)
	}
}

// addColumnOf is the add column of set column c, or 0.
func addColumnOf(c Column) Column {
	for _, x := range editColumns[c] {
		if !x.remove {
			return x.col
		}
	}
	return 0
}

// parseTagRemovals reads the remove tags column: keys, or key|value pairs,
// joined by ||.
func (rc *rowCheck) parseTagRemovals(c Column, s string) []TagRemoval {
	const hint = "write tag keys joined by ||, for example team||site (a key|value pair removes the tag only when it has that value)"
	items := strings.Split(s, "||")
	if len(items) > maxTags {
		rc.problem(c, s, fmt.Sprintf("%d tags, at most %d", len(items), maxTags), "drop some tags")
		return nil
	}
	var out []TagRemoval
	bad := false
	for _, item := range items {
		key, value, found := strings.Cut(item, "|")
		key, value = strings.Clone(trim(key)), strings.Clone(trim(value))
		switch {
		case trim(item) == "":
			rc.problem(c, s, Quote(s)+" has an empty tag", "remove the extra ||; "+hint)
			bad = true
		case key == "":
			rc.problem(c, s, fmt.Sprintf("tag %s has an empty key", Quote(item)), hint)
			bad = true
		case strings.Contains(value, "|"):
			rc.problem(c, s, fmt.Sprintf("tag %s is neither a key nor one key|value pair", Quote(item)), hint)
			bad = true
		default:
			out = append(out, TagRemoval{Key: key, Value: value, HasValue: found})
		}
	}
	if bad {
		return nil
	}
	return out
}

// parseProficienciesIn reads attribute|value|level triples joined by ||
// (the proficiencies column's format) in column c; without level, the
// level may be left out (attribute|value) and is not checked.
func (rc *rowCheck) parseProficienciesIn(c Column, s string, level bool) []Proficiency {
	if level {
		out := rc.checkProficienciesIn(c, s)
		for i := range out {
			out[i].Attribute, out[i].Value = strings.Clone(out[i].Attribute), strings.Clone(out[i].Value)
		}
		return out
	}
	const hint = "write attribute|value pairs joined by ||, for example Skill|Billing||Language|French"
	var out []Proficiency
	bad := false
	for _, part := range strings.Split(s, "||") {
		f := strings.Split(trim(part), "|")
		if len(f) == 3 {
			if _, err := strconv.Atoi(trim(f[2])); err == nil || strings.Contains(trim(f[2]), ".") {
				f = f[:2] // a level, as the proficiencies column writes it: not compared
			}
		}
		if len(f) != 2 || trim(f[0]) == "" || trim(f[1]) == "" {
			rc.problem(c, s, fmt.Sprintf("%s is not attribute|value", Quote(trim(part))), hint)
			bad = true
			continue
		}
		out = append(out, Proficiency{Attribute: strings.Clone(trim(f[0])), Value: strings.Clone(trim(f[1]))})
	}
	if bad {
		return nil
	}
	return out
}

// needsForCreate are the problems of a row for a user to create that
// leaves blank, or whose file lacks, what a create needs: with
// ValidateOptions.Update the row is checked as an update, and the plan
// gives this problem only when the user does not exist yet.
func (f *File) CreateProblem(line int, login string, needs []Column) Problem {
	names := make([]string, len(needs))
	for i, c := range needs {
		names[i] = f.ColumnName(c)
	}
	column := ""
	if len(names) > 0 {
		column = names[0]
	}
	return Problem{Line: line, Column: column,
		Message: fmt.Sprintf("no user %s to update, and creating it needs %s, which the row leaves blank or the file lacks", Quote(login), strings.Join(names, ", ")),
		Hint:    "fill them in to create the agent, or correct the user login if the agent exists under another"}
}
