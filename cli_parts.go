package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
)

// The part of the instance a command reads, as the command line gives it:
// --columns (which template columns) and --where (which users), read into
// the engine's values.

// parseColumnList reads export's --columns value: template column names,
// any of their spellings, separated by commas. The list is read as one CSV
// line, so a name that holds a comma is written in double quotes
// (`user login,"a, b"`); the | inside
// security_profile_name_1|security_profile_name_2 is part of that name. It
// gives each named column's field once (agentfile.FieldOf: "agent
// hierarchy" and user_hierarchy_1|user_hierarchy_2 are one field), in the
// order given; the export writes them in the template's order.
func parseColumnList(list string) ([]agentfile.Column, error) {
	r := csv.NewReader(strings.NewReader(list))
	r.TrimLeadingSpace = true
	names, err := r.Read()
	if err != nil && err != io.EOF {
		return nil, &importer.SetupError{Message: fmt.Sprintf("--columns %q cannot be read: %v", list, err),
			Hint: "give column names separated by commas; put a name that holds a comma in double quotes"}
	}
	if len(names) == 0 {
		return nil, &importer.SetupError{Message: "--columns is empty", Hint: "give column names separated by commas, for example --columns 'user login,routing profile name'"}
	}
	seen := map[agentfile.Column]bool{}
	var out []agentfile.Column
	for _, name := range names {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, &importer.SetupError{Message: fmt.Sprintf("--columns %q has an empty name", list), Hint: "remove the extra comma"}
		}
		c, ok := agentfile.LookupColumn(name)
		if !ok {
			hint := "run 'bulkagents template --extended' for the column names"
			if near := agentfile.ClosestName(name); near != "" {
				hint = fmt.Sprintf("did you mean %q?", near)
			}
			return nil, &importer.SetupError{Message: fmt.Sprintf("--columns: %q is not a template column", name), Hint: hint}
		}
		f := agentfile.FieldOf(c)
		if set := agentfile.EditedSet(c); set != 0 {
			return nil, &importer.SetupError{Message: fmt.Sprintf("--columns: %q is a column of edits for import --update, which export never writes", name),
				Hint: fmt.Sprintf("export writes the whole set: ask for %q", set.String())}
		}
		if !agentfile.Writes(f) {
			return nil, &importer.SetupError{Message: fmt.Sprintf("--columns: export never writes %q", name), Hint: "leave it out: an export holds no password"}
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// whereColumns are the columns SearchUsers can filter on, as the hint
// names them.
const whereColumns = "user login (a prefix), first name, last name, routing profile name, " +
	"security_profile_name_1|security_profile_name_2, agent hierarchy (the group and those below it), " +
	"tags (key|value), proficiencies (attribute|value or attribute|value|level)"

// parseWhere reads one --where COLUMN=VALUE (the first = ends the column's
// name). A column SearchUsers cannot filter on is refused, naming those it
// can.
func parseWhere(s string) (importer.Where, error) {
	name, value, ok := strings.Cut(s, "=")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" {
		return importer.Where{}, &importer.SetupError{Message: fmt.Sprintf("--where %q is not COLUMN=VALUE", s),
			Hint: "for example --where 'routing profile name=Sales Routing Profile'"}
	}
	c, known := agentfile.LookupColumn(name)
	if !known {
		hint := "--where takes " + whereColumns
		if near := agentfile.ClosestName(name); near != "" {
			hint = fmt.Sprintf("did you mean %q? %s", near, hint)
		}
		return importer.Where{}, &importer.SetupError{Message: fmt.Sprintf("--where: %q is not a template column", name), Hint: hint}
	}
	w := importer.Where{Column: agentfile.FieldOf(c), Typed: name, Value: value}
	switch w.Column {
	case agentfile.ColLogin, agentfile.ColFirstName, agentfile.ColLastName, agentfile.ColRoutingProfile,
		agentfile.ColSecurityProfiles, agentfile.ColHierarchy, agentfile.ColTags, agentfile.ColProficiencies:
	default:
		return importer.Where{}, &importer.SetupError{Message: fmt.Sprintf("--where: SearchUsers cannot filter on %q", name),
			Hint: "--where takes " + whereColumns}
	}
	if value == "" {
		return importer.Where{}, &importer.SetupError{Message: fmt.Sprintf("--where %q has no value", s), Hint: "give the value after =: " + name + "=VALUE"}
	}
	if w.Column == agentfile.ColHierarchy {
		if sep := agentfile.HierarchySeparator(c); sep != "|" {
			// The home-made userhierarchy column's levels are joined by /.
			w.Value = strings.Join(strings.Split(value, sep), "|")
		}
	}
	return w, nil
}
