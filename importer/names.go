package importer

// nameOf gives the name that id has in the index ("" when none does), so
// that what is written for a user (an export, the changes column) names
// things, never ids.
func (x *nameIndex) nameOf(id string) string {
	for name, v := range x.exact {
		if v == id {
			return name
		}
	}
	return ""
}
