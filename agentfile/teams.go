package agentfile

import (
	"fmt"
	"strings"
)

// The built-in --split-by keys. Any other key names a column of the input.
const (
	// SplitHierarchy splits by the hierarchy group the agent is placed in,
	// named by its whole path as the template writes it (Example
	// Corp|Support|Tier 1): Connect allows two groups of the same name under
	// different parents, and they are different teams.
	SplitHierarchy = "hierarchy"
	// SplitRoutingProfile splits by the routing profile's name.
	SplitRoutingProfile = "routing-profile"
)

// builtinSplit maps the spellings a user may type to a built-in key.
func builtinSplit(key string) string {
	switch strings.ReplaceAll(strings.ReplaceAll(CanonicalName(key), "_", "-"), " ", "-") {
	case "hierarchy":
		return SplitHierarchy
	case "routing-profile":
		return SplitRoutingProfile
	}
	return ""
}

// SplitKeep is the ReadOptions.Keep that reading the input needs for a
// --split-by key: the column the key names, unless it is a built-in key.
// Read still refuses every other column outside the template.
func SplitKeep(key string) []string {
	if builtinSplit(key) != "" || strings.TrimSpace(key) == "" {
		return nil
	}
	return []string{key}
}

// TeamKey gives each input row's team, by line, for a --split-by key:
// "hierarchy" (the whole path of the agent's hierarchy group, levels joined
// by |), "routing-profile", or the name of a column of the input (an extra
// column kept through SplitKeep, such as "team lead", or a template column).
// A row with no value gets the team "". checked is Validate's verdict on f's
// rows; a valid row's team comes from its Agent (trimmed and normalised as
// validation made it), an invalid row's from its raw cells, so that the
// administrator's list of rows not handed out can still say whose they are.
//
// The password column cannot be a key: team names end up in file names and
// messages.
func TeamKey(f *File, checked []Checked, key string) (map[int]string, error) {
	if strings.TrimSpace(key) == "" {
		return nil, fmt.Errorf("split by: no key given; use %s, %s or the name of a column", SplitHierarchy, SplitRoutingProfile)
	}
	teams := make(map[int]string, len(checked))
	switch builtinSplit(key) {
	case SplitHierarchy:
		if !f.hasHierarchy() {
			return nil, fmt.Errorf("split by %s: the input has no hierarchy column", SplitHierarchy)
		}
		for _, c := range checked {
			if c.Agent != nil {
				teams[c.Row.Line] = strings.Join(c.Agent.Hierarchy, "|")
				continue
			}
			teams[c.Row.Line] = f.rawHierarchy(c.Row)
		}
		return teams, nil
	case SplitRoutingProfile:
		for _, c := range checked {
			if c.Agent != nil {
				teams[c.Row.Line] = c.Agent.RoutingProfile
				continue
			}
			teams[c.Row.Line], _ = f.FieldValue(c.Row, GroupColumn(GroupRouting))
		}
		return teams, nil
	}

	idx := f.columnIndex(key)
	if idx < 0 {
		return nil, fmt.Errorf("split by %q: the input has no column of that name (its columns: %s)", key, strings.Join(trimmed(f.Header), ", "))
	}
	if f.Columns[idx].Secret() {
		return nil, fmt.Errorf("split by %q: a team cannot be named by a password", key)
	}
	name := CanonicalName(f.Header[idx])
	for _, c := range checked {
		if c.Agent != nil && f.Columns[idx] == ColExtra {
			if v, ok := c.Agent.Extra[name]; ok {
				teams[c.Row.Line] = v
				continue
			}
		}
		// A row whose fields do not line up with the header has its values
		// under the wrong columns (the one under this column may be the
		// password): it gets no team.
		v := ""
		if idx < len(c.Row.Record) && fitsHeader(f.Columns, c.Row.Record) {
			v = strings.TrimSpace(c.Row.Record[idx])
		}
		teams[c.Row.Line] = v
	}
	return teams, nil
}

// columnIndex finds the header field a key names: by its canonical name, or
// as any spelling of a template column. -1 when there is none.
func (f *File) columnIndex(key string) int {
	want := CanonicalName(key)
	for i, h := range f.Header {
		if CanonicalName(h) == want && i < len(f.Columns) && f.Columns[i] != ColBlank {
			return i
		}
	}
	if c, ok := LookupColumn(key); ok {
		for i, col := range f.Columns {
			if col == c {
				return i
			}
		}
	}
	return -1
}

func (f *File) hasHierarchy() bool {
	for _, h := range hierarchyColumns {
		for _, col := range f.Columns {
			if col == h.c {
				return true
			}
		}
	}
	return false
}

// rawHierarchy is an invalid row's hierarchy path, from the first filled
// hierarchy column, written as the template writes it.
func (f *File) rawHierarchy(r Row) string {
	for _, h := range hierarchyColumns {
		s := strings.TrimSpace(f.Value(r, h.c))
		if s == "" {
			continue
		}
		sep := h.sep
		if sep == "/" && !strings.Contains(s, "/") {
			sep = "|"
		}
		levels := strings.Split(s, sep)
		for i, l := range levels {
			levels[i] = strings.TrimSpace(l)
		}
		return strings.Join(levels, "|")
	}
	return ""
}

func trimmed(fields []string) []string {
	out := make([]string, len(fields))
	for i, s := range fields {
		out[i] = fmt.Sprintf("%q", strings.TrimSpace(s))
	}
	return out
}
