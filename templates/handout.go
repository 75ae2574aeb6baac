package templates

import _ "embed"

//go:embed handout.tmpl
var handout string

// Handout is the default team handout, a Go text/template: one printable
// section per agent, with the user name, password (where there is one),
// sign-in address and first-sign-in steps.
func Handout() string { return handout }
