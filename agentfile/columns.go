package agentfile

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Column is a canonical column of Connect's bulk-upload template. Every
// spelling of the header that the console has used over the years maps to one
// of these (see aliases).
type Column int

// The template's columns, in the order of the console's current template
// (variant C), then the home-made slash-path hierarchy column, then the
// columns that are not part of the template.
const (
	ColFirstName Column = iota + 1
	ColLastName
	ColEmail
	ColSecondaryEmail
	ColMobile
	ColPassword
	ColLogin
	// ColAgentHierarchy is the "agent hierarchy" column of the documented
	// template; it holds the same thing as ColHierarchy (a path joined by |).
	ColAgentHierarchy
	ColRoutingProfile
	ColSecurityProfiles
	ColHierarchy
	ColPhoneType
	ColPhoneNumber
	ColAutoAccept
	ColACWTimeout
	ColTags
	// ColUserHierarchy is a home-made "UserHierarchy" column holding a path
	// joined by / (technical support/IT/Eastern).
	ColUserHierarchy
	// ColSecondaryEmailShort is "secondary email", the SAML template's
	// spelling of ColSecondaryEmail: the same field (see fieldColumns).
	ColSecondaryEmailShort
	// The extension columns (extension.go): what CreateUser takes beyond the
	// console's template.
	ColProficiencies
	ColChatAutoAccept
	ColTaskAutoAccept
	ColEmailAutoAccept
	ColVoiceAutoAccept
	ColChatACW
	ColTaskACW
	ColEmailACW
	ColVoiceACW
	ColCallbackAutoAccept
	ColCallbackACW
	ColPersistentConnection
	ColVoiceEnhancement
	// ColExtra is a column outside the template that the caller asked to keep
	// (ReadOptions.Keep); its values go to Agent.Extra.
	ColExtra
	// ColBlank is a header field left empty, as spreadsheets write trailing
	// commas; its cells must stay blank.
	ColBlank
)

// templateColumns are the template's own columns, in template order.
var templateColumns = []Column{
	ColFirstName, ColLastName, ColEmail, ColSecondaryEmail, ColMobile, ColPassword, ColLogin,
	ColAgentHierarchy, ColRoutingProfile, ColSecurityProfiles, ColHierarchy, ColPhoneType,
	ColPhoneNumber, ColAutoAccept, ColACWTimeout, ColTags, ColUserHierarchy, ColSecondaryEmailShort,
}

// canonicalNames are the lower-case names of the console's current template.
var canonicalNames = map[Column]string{
	ColFirstName:        "first name",
	ColLastName:         "last name",
	ColEmail:            "email address",
	ColSecondaryEmail:   "secondary email address",
	ColMobile:           "mobile",
	ColPassword:         "password",
	ColLogin:            "user login",
	ColAgentHierarchy:   "agent hierarchy",
	ColRoutingProfile:   "routing profile name",
	ColSecurityProfiles: "security_profile_name_1|security_profile_name_2",
	ColHierarchy:        "user_hierarchy_1|user_hierarchy_2",
	ColPhoneType:        "phone type (soft/desk)",
	ColPhoneNumber:      "phone number",
	ColAutoAccept:       "soft phone auto accept (yes/no)",
	ColACWTimeout:       "acw timeout (seconds)",
	ColTags:             "tags",
	ColUserHierarchy:    "userhierarchy",

	ColSecondaryEmailShort: "secondary email",

	ColProficiencies:        "proficiencies",
	ColChatAutoAccept:       "chat auto accept (yes/no)",
	ColTaskAutoAccept:       "task auto accept (yes/no)",
	ColEmailAutoAccept:      "email auto accept (yes/no)",
	ColVoiceAutoAccept:      "voice auto accept (yes/no)",
	ColChatACW:              "chat acw timeout (seconds)",
	ColTaskACW:              "task acw timeout (seconds)",
	ColEmailACW:             "email acw timeout (seconds)",
	ColVoiceACW:             "voice acw timeout (seconds)",
	ColCallbackAutoAccept:   "callback auto accept (yes/no)",
	ColCallbackACW:          "callback acw timeout (seconds)",
	ColPersistentConnection: "persistent connection (yes/no)",
	ColVoiceEnhancement:     "voice enhancement (isolation/suppression/none)",
	ColExtra:                "extra",
	ColBlank:                "",
}

// String gives the column's canonical (lower-case) name.
func (c Column) String() string {
	if n, ok := canonicalNames[c]; ok {
		return n
	}
	return "unknown"
}

// aliases are further spellings seen in files in the wild, besides the
// canonical names. They are compared by matchKey, so case, spaces and
// underscores do not matter ("UserHierarchy" = "user_hierarchy"). A slice, so
// that suggestions do not depend on map order.
var aliases = []struct {
	name   string
	column Column
}{
	{"email", ColEmail},
	{"e-mail address", ColEmail},
	{"routing profile", ColRoutingProfile},
	// Hand-written headers name the lists plainly.
	{"security profiles", ColSecurityProfiles},
	{"security profile name", ColSecurityProfiles},
	{"phone type", ColPhoneType},
	{"auto accept", ColAutoAccept},
	{"soft phone auto accept", ColAutoAccept},
	{"acw timeout", ColACWTimeout},
	{"username", ColLogin},
}

// columnByKey maps a matchKey to its column; built once from the canonical
// names and the aliases.
var columnByKey = func() map[string]Column {
	m := make(map[string]Column, len(canonicalNames)+len(aliases))
	for _, c := range templateColumns {
		m[matchKey(canonicalNames[c])] = c
	}
	for _, x := range extensionColumns {
		m[matchKey(canonicalNames[x.column])] = x.column
	}
	for _, a := range aliases {
		m[matchKey(a.name)] = a.column
	}
	return m
}()

// CanonicalName is how header names are compared: surrounding space trimmed,
// runs of white space collapsed to one space, lower case, and invisible
// format characters dropped (a byte order mark written twice, a zero-width
// space pasted with a name, which counts as a space). Agent.Extra is keyed
// by it.
func CanonicalName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u200b' {
			space = b.Len() > 0
			continue
		}
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// matchKey is the canonical name without spaces and underscores, so that
// "First Name", "firstname" and "first_name" find the same column.
func matchKey(s string) string {
	c := CanonicalName(s)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' {
			return -1
		}
		return r
	}, c)
}

// LookupColumn finds the template column a header field names.
func LookupColumn(field string) (Column, bool) {
	c, ok := columnByKey[matchKey(field)]
	return c, ok
}

// acceptedNames lists the canonical names, for hints.
func acceptedNames() []string {
	names := make([]string, 0, len(templateColumns)+1)
	for _, c := range templateColumns {
		names = append(names, canonicalNames[c])
	}
	for _, x := range extensionColumns {
		names = append(names, canonicalNames[x.column])
	}
	return names
}

// closestName is the known column name nearest to an unknown one (by edit
// distance over the comparison keys), to suggest a fix for a typo; "" when
// none is near enough to be a typo of it ("team lead" is no misspelt
// "mobile").
func closestName(field string) string {
	key := matchKey(field)
	best, bestDist := "", -1
	consider := func(name string) {
		d := EditDistance(key, matchKey(name))
		if bestDist < 0 || d < bestDist {
			best, bestDist = name, d
		}
	}
	for _, c := range templateColumns {
		consider(canonicalNames[c])
	}
	for _, x := range extensionColumns {
		consider(canonicalNames[x.column])
	}
	for _, a := range aliases {
		consider(a.name)
	}
	if bestDist > max(2, utf8.RuneCountInString(key)/3) {
		return ""
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, in runes. Header
// names are short, so the quadratic cost does not matter; long inputs are cut.
func EditDistance(a, b string) int {
	const limit = 200
	ra, rb := []rune(a), []rune(b)
	if len(ra) > limit {
		ra = ra[:limit]
	}
	if len(rb) > limit {
		rb = rb[:limit]
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// requiredColumns are the columns a file must have for an identity type: the
// ones CreateUser needs. For EXISTING_DIRECTORY the names come from the
// directory, so only the login and the profiles are needed. Everything else is
// optional, email included: CreateUser does not need one (the SAML template
// has no email column at all), so a Connect-managed row may leave it blank;
// only IAM Identity Center users need one (ValidateOptions.IdentityCenter).
// The phone type may be left out too: a blank one means a soft phone.
func requiredColumns(id Identity) []Column {
	if id == IdentityDirectory {
		return []Column{ColLogin, ColRoutingProfile, ColSecurityProfiles}
	}
	return []Column{ColFirstName, ColLastName, ColLogin, ColRoutingProfile, ColSecurityProfiles}
}

// displayName is how problems name a column: as the file spells it (trimmed),
// or by its canonical name when the file lacks it.
func displayName(header []string, idx int, c Column) string {
	if idx >= 0 && idx < len(header) {
		if h := strings.TrimSpace(header[idx]); h != "" && utf8.ValidString(h) {
			return cut(h, maxShown)
		}
		if header[idx] != "" {
			return cut(header[idx], maxShown)
		}
		return "column " + strconv.Itoa(idx+1)
	}
	return c.String()
}

// ClearCell is the cell that, with import --update, clears an optional
// field (hierarchy, tags, secondary email, mobile, proficiencies, and a
// soft phone's phone number). A blank cell leaves a field as it is.
const ClearCell = "(none)"

// fieldColumns are the fields that more than one column can give, each
// with its columns in the order a filled cell is taken from: the same
// field in several spellings of the template. A blank cell in one says
// nothing when another holds a value; two different values are a problem
// of the row (checkAliases).
var fieldColumns = map[Column][]Column{
	ColSecondaryEmail: {ColSecondaryEmail, ColSecondaryEmailShort},
	ColHierarchy:      {ColHierarchy, ColAgentHierarchy, ColUserHierarchy},
}

// FieldColumns gives the columns that hold the field of column c: c's
// field's columns when it has several spellings, else c alone.
func FieldColumns(c Column) []Column {
	if cs, ok := fieldColumns[fieldOf(c)]; ok {
		return cs
	}
	return []Column{c}
}

// fieldOf is the field a column gives: its first column.
func fieldOf(c Column) Column {
	switch c {
	case ColSecondaryEmailShort:
		return ColSecondaryEmail
	case ColAgentHierarchy, ColUserHierarchy:
		return ColHierarchy
	}
	return c
}

// FieldValue is a row's cell of the field column c gives, trimmed: the
// first of the field's columns (FieldColumns) that is not blank, and the
// column it is in; "" and c when all are blank. A valid row's columns of
// one field agree (checkAliases), so which one is read does not matter.
func (f *File) FieldValue(r Row, c Column) (string, Column) {
	if f == nil {
		return "", c
	}
	for _, col := range FieldColumns(c) {
		if v := strings.TrimSpace(f.Value(r, col)); v != "" {
			return v, col
		}
	}
	return "", c
}
