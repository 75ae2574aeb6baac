// Package templates holds the Amazon Connect console's bulk-upload CSV
// templates (the current header, variant C, for a Connect-managed and for a
// SAML instance) and an example of each with a few rows that validate
// cleanly against a fresh instance (routing profile "Basic Routing Profile",
// security profiles Admin, Agent, CallCenterManager, QualityAnalyst, and the
// hierarchy Example Corp|Support|Tier 1).
package templates

import (
	_ "embed"
	"strings"
)

var (
	//go:embed connect-managed.csv
	connectHeader []byte
	//go:embed connect-managed-example.csv
	connectExample []byte
	//go:embed saml.csv
	samlHeader []byte
	//go:embed saml-example.csv
	samlExample []byte
	// An existing-directory instance takes the names, the email and the
	// password from the directory: its template has none of those columns.
	//go:embed directory.csv
	directoryHeader []byte
	//go:embed directory-example.csv
	directoryExample []byte
)

// isDirectory says whether an identity type names EXISTING_DIRECTORY (as
// DescribeInstance spells it) or "directory" (as the --identity flag does).
func isDirectory(identity string) bool {
	switch strings.ToLower(strings.TrimSpace(identity)) {
	case "existing_directory", "directory":
		return true
	}
	return false
}

// isSAML says whether an identity type names SAML: "SAML" (as
// DescribeInstance spells it) or "saml" (as the --identity flag does). Every
// other type gets the Connect-managed template.
func isSAML(identity string) bool {
	return strings.EqualFold(strings.TrimSpace(identity), "saml")
}

// Header is the template's header line for an identity type ("CONNECT_MANAGED"
// or "connect", "SAML" or "saml"), ending in a newline. The slice is a copy.
func Header(identity string) []byte {
	if isDirectory(identity) {
		return clone(directoryHeader)
	}
	if isSAML(identity) {
		return clone(samlHeader)
	}
	return clone(connectHeader)
}

// Example is the header followed by a few realistic rows: Connect-managed
// logins are plain names with the password left blank (to be generated); SAML
// logins are email addresses and carry no password.
func Example(identity string) []byte {
	if isDirectory(identity) {
		return clone(directoryExample)
	}
	if isSAML(identity) {
		return clone(samlExample)
	}
	return clone(connectExample)
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
