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
	// The Identity Center columns (identitycenter.go): attributes of the
	// agent's IAM Identity Center user, which Connect does not hold; read
	// only with --sso.
	ColTitle
	ColDepartment
	ColEmployeeNumber
	ColCostCenter
	ColOrganization
	ColDivision
	ColManager
	// The edit columns (edits.go): items to add to or remove from a set
	// field, leaving the rest of the user's set as it is.
	ColAddSecurityProfiles
	ColRemoveSecurityProfiles
	ColAddTags
	ColRemoveTags
	ColAddProficiencies
	ColRemoveProficiencies
	// ColExtra is a column outside the template that the caller asked to keep
	// (ReadOptions.Keep); its values go to Agent.Extra.
	ColExtra
	// ColBlank is a header field left empty, as spreadsheets write trailing
	// commas; its cells must stay blank.
	ColBlank
)

// Kind is how a column's cells read and write: its rule, and the words it
// writes.
type Kind int

const (
	KindName            Kind = iota + 1 // a name, as typed
	KindEmail                           // an email address
	KindE164                            // a phone number in E.164 form
	KindPassword                        // a password, never written by export
	KindLogin                           // the Connect user name, the row's key
	KindProfile                         // a routing profile's name
	KindProfiles                        // security profiles' names joined by |
	KindHierarchy                       // hierarchy levels from the top down
	KindPhoneType                       // soft or desk
	KindYesNo                           // yes or no
	KindSeconds                         // a whole number of seconds
	KindTags                            // key|value pairs joined by ||
	KindProficiencies                   // attribute|value|level triples joined by ||
	KindEnhancement                     // a voice enhancement mode
	KindTagKeys                         // tag keys (or key|value pairs) joined by ||
	KindProficiencyKeys                 // attribute|value pairs (a level may follow) joined by ||
	KindText                            // free text (an Identity Center attribute)
)

// columnSpec is one entry of the column table: everything the code knows
// of a template column.
type columnSpec struct {
	col     Column
	name    string   // canonical: lower case, the console's spelling
	aliases []string // further spellings seen in files (matchKey compares them)
	// field is the column whose field this column gives: the column itself,
	// or, for another spelling of a field, its first column (FieldColumns).
	field Column
	kind  Kind
	// clear: (none) clears the field on import --update.
	clear bool
	// secret: the column's cells are never shown (a password), nor split
	// teams by.
	secret bool
	// extension: a column beyond the console's template (extension.go);
	// channel is its channel.
	extension bool
	channel   Channel
	// sso: an Identity Center column (identitycenter.go): neither the
	// template's nor an extension of Connect's user.
	sso bool
	// sep is a hierarchy column's level separator.
	sep string
	// cell writes an agent's value as the column's cell (export); nil: the
	// column is not written (the password, another spelling of a field).
	cell func(a *Agent) string

	// How import --update compares the field (compare.go); a field's own
	// column holds these. label names the field in the changes column,
	// group is its kind (the update call that sets it); only: the one
	// identity type whose users hold the field in Connect.
	label string
	group Group
	only  Identity
	// take sets the field of dst to src's; wipe clears it (nil: take
	// from a zero Agent).
	take func(dst, src *Agent)
	wipe func(dst *Agent)
	// text is the field's value as the changes column shows it (nil:
	// cell); items, for a set field, lists how want's set differs from
	// have's.
	text  func(a *Agent) string
	items func(have, want *Agent) []string
	// refuseClear refuses a clear the user's other fields do not allow.
	refuseClear func(want *Agent) error

	// edits is the set column an edit column adds items to (or, with
	// remove, removes them from): the column is neither the template's
	// nor the export's, and its take applies the row's items to the
	// user's set (edits.go).
	edits  Column
	remove bool
	// edit is which of the row's edits the column's cell reads into
	// (rowCheck.parseEdit); keys are the items an edit column names, to
	// find one both added and removed.
	edit editKind
	keys func(e *SetEdits) []string
}

// columnTable is the template's columns: the console's current template in
// its order, then the other spellings, then the extension columns in the
// order `template --extended` writes them. Every list of columns, the
// extended template's header, the export's cells and the reading of a
// file are made from it.
var columnTable = []columnSpec{
	{col: ColFirstName, name: "first name", kind: KindName, cell: func(a *Agent) string { return a.FirstName },
		label: "first name", group: GroupIdentity, take: func(d, s *Agent) { d.FirstName = s.FirstName }},
	{col: ColLastName, name: "last name", kind: KindName, cell: func(a *Agent) string { return a.LastName },
		label: "last name", group: GroupIdentity, take: func(d, s *Agent) { d.LastName = s.LastName }},
	{col: ColEmail, name: "email address", aliases: []string{"email", "e-mail address"}, kind: KindEmail, cell: func(a *Agent) string { return a.Email },
		label: "email", group: GroupIdentity, only: IdentityConnect, take: func(d, s *Agent) { d.Email = s.Email }},
	{col: ColSecondaryEmail, name: "secondary email address", kind: KindEmail, clear: true, cell: func(a *Agent) string { return a.SecondaryEmail },
		label: "secondary email", group: GroupIdentity, take: func(d, s *Agent) { d.SecondaryEmail = s.SecondaryEmail }},
	{col: ColMobile, name: "mobile", kind: KindE164, clear: true, cell: func(a *Agent) string { return a.Mobile },
		label: "mobile", group: GroupIdentity, take: func(d, s *Agent) { d.Mobile = s.Mobile }},
	{col: ColPassword, name: "password", kind: KindPassword, secret: true},
	{col: ColLogin, name: "user login", aliases: []string{"username"}, kind: KindLogin, cell: func(a *Agent) string { return a.Login }},
	// The documented template's "agent hierarchy" holds what
	// user_hierarchy_1|user_hierarchy_2 holds; the export writes the
	// latter, which every template (and the real SAML file) has.
	{col: ColAgentHierarchy, name: "agent hierarchy", field: ColHierarchy, kind: KindHierarchy, clear: true, sep: "|"},
	{col: ColRoutingProfile, name: "routing profile name", aliases: []string{"routing profile"}, kind: KindProfile, cell: func(a *Agent) string { return a.RoutingProfile },
		label: "routing profile", group: GroupRouting, take: func(d, s *Agent) { d.RoutingProfile = s.RoutingProfile }},
	{col: ColSecurityProfiles, name: "security_profile_name_1|security_profile_name_2", aliases: []string{"security profiles", "security profile name"},
		kind: KindProfiles, cell: func(a *Agent) string { return strings.Join(a.SecurityProfiles, "|") },
		label: "security profiles", group: GroupSecurity, take: func(d, s *Agent) { d.SecurityProfiles = s.SecurityProfiles },
		items: listItems(func(a *Agent) []string { return a.SecurityProfiles })},
	{col: ColHierarchy, name: "user_hierarchy_1|user_hierarchy_2", kind: KindHierarchy, clear: true, sep: "|", cell: func(a *Agent) string { return strings.Join(a.Hierarchy, "|") },
		label: "hierarchy", group: GroupHierarchy, take: func(d, s *Agent) { d.Hierarchy = s.Hierarchy }},
	{col: ColPhoneType, name: "phone type (soft/desk)", aliases: []string{"phone type"}, kind: KindPhoneType, cell: func(a *Agent) string {
		if a.PhoneType == "DESK_PHONE" {
			return "desk"
		}
		return "soft"
	},
		label: "phone type", group: GroupPhone, take: func(d, s *Agent) { d.PhoneType = s.PhoneType }},
	// A soft phone's number is not used: the export leaves it out, (none)
	// clears it.
	{col: ColPhoneNumber, name: "phone number", kind: KindE164, clear: true, cell: func(a *Agent) string {
		if a.PhoneType == "DESK_PHONE" {
			return a.PhoneNumber
		}
		return ""
	},
		label: "phone number", group: GroupPhone, text: func(a *Agent) string { return a.PhoneNumber },
		// A number is a desk phone's: a soft phone's number cell is
		// ignored (validation warns), and (none) clears the number.
		take: func(d, s *Agent) {
			if d.PhoneType == "DESK_PHONE" {
				d.PhoneNumber = s.PhoneNumber
			}
		},
		wipe: func(d *Agent) { d.PhoneNumber = "" },
		refuseClear: func(w *Agent) error {
			if w.PhoneType == "DESK_PHONE" {
				return DeskNeedsNumberError{}
			}
			return nil
		}},
	{col: ColAutoAccept, name: "soft phone auto accept (yes/no)", aliases: []string{"auto accept", "soft phone auto accept"}, kind: KindYesNo,
		cell:  func(a *Agent) string { return YesNo(a.AutoAccept) },
		label: "soft phone auto accept", group: GroupPhone, take: func(d, s *Agent) { d.AutoAccept = s.AutoAccept }},
	{col: ColACWTimeout, name: "acw timeout (seconds)", aliases: []string{"acw timeout"}, kind: KindSeconds,
		cell:  func(a *Agent) string { return strconv.Itoa(int(a.ACWTimeout)) },
		label: "ACW timeout", group: GroupPhone, take: func(d, s *Agent) { d.ACWTimeout = s.ACWTimeout }},
	{col: ColTags, name: "tags", kind: KindTags, clear: true, cell: func(a *Agent) string { return TagsCell(a.Tags) },
		label: "tags", group: GroupTags, take: func(d, s *Agent) { d.Tags = s.Tags }, items: tagItems},
	// A home-made column: a path joined by / (technical support/IT/Eastern).
	{col: ColUserHierarchy, name: "userhierarchy", field: ColHierarchy, kind: KindHierarchy, clear: true, sep: "/"},
	// The SAML template's spelling.
	{col: ColSecondaryEmailShort, name: "secondary email", field: ColSecondaryEmail, kind: KindEmail, clear: true},

	// The engine compares the proficiencies itself (levels set elsewhere
	// may have a fraction, which an Agent cannot hold): no take.
	{col: ColProficiencies, name: "proficiencies", kind: KindProficiencies, clear: true, extension: true,
		cell: func(a *Agent) string { return ProficienciesCell(a.Proficiencies) }, label: "proficiencies", group: GroupProficiencies},
	{col: ColChatAutoAccept, name: "chat auto accept (yes/no)", kind: KindYesNo, extension: true, channel: ChannelChat,
		cell:  func(a *Agent) string { return yesNoPtr(a.channels().AutoAccept[ChannelChat]) },
		label: "chat auto accept", group: GroupConfig, take: func(d, s *Agent) { d.Channels.AutoAccept[ChannelChat] = s.channels().AutoAccept[ChannelChat] }},
	{col: ColTaskAutoAccept, name: "task auto accept (yes/no)", kind: KindYesNo, extension: true, channel: ChannelTask,
		cell:  func(a *Agent) string { return yesNoPtr(a.channels().AutoAccept[ChannelTask]) },
		label: "task auto accept", group: GroupConfig, take: func(d, s *Agent) { d.Channels.AutoAccept[ChannelTask] = s.channels().AutoAccept[ChannelTask] }},
	{col: ColEmailAutoAccept, name: "email auto accept (yes/no)", kind: KindYesNo, extension: true, channel: ChannelEmail,
		cell:  func(a *Agent) string { return yesNoPtr(a.channels().AutoAccept[ChannelEmail]) },
		label: "email auto accept", group: GroupConfig, take: func(d, s *Agent) { d.Channels.AutoAccept[ChannelEmail] = s.channels().AutoAccept[ChannelEmail] }},
	{col: ColChatACW, name: "chat acw timeout (seconds)", kind: KindSeconds, extension: true, channel: ChannelChat,
		cell:  func(a *Agent) string { return secondsPtr(a.channels().ACW[ChannelChat]) },
		label: "chat ACW timeout", group: GroupConfig, take: func(d, s *Agent) { d.Channels.ACW[ChannelChat] = s.channels().ACW[ChannelChat] }},
	{col: ColTaskACW, name: "task acw timeout (seconds)", kind: KindSeconds, extension: true, channel: ChannelTask,
		cell:  func(a *Agent) string { return secondsPtr(a.channels().ACW[ChannelTask]) },
		label: "task ACW timeout", group: GroupConfig, take: func(d, s *Agent) { d.Channels.ACW[ChannelTask] = s.channels().ACW[ChannelTask] }},
	{col: ColEmailACW, name: "email acw timeout (seconds)", kind: KindSeconds, extension: true, channel: ChannelEmail,
		cell:  func(a *Agent) string { return secondsPtr(a.channels().ACW[ChannelEmail]) },
		label: "email ACW timeout", group: GroupConfig, take: func(d, s *Agent) { d.Channels.ACW[ChannelEmail] = s.channels().ACW[ChannelEmail] }},
	{col: ColCallbackAutoAccept, name: "callback auto accept (yes/no)", kind: KindYesNo, extension: true, channel: ChannelVoice,
		cell:  func(a *Agent) string { return yesNoPtr(a.channels().CallbackAutoAccept) },
		label: "callback auto accept", group: GroupConfig, take: func(d, s *Agent) { d.Channels.CallbackAutoAccept = s.channels().CallbackAutoAccept }},
	{col: ColCallbackACW, name: "callback acw timeout (seconds)", kind: KindSeconds, extension: true, channel: ChannelVoice,
		cell:  func(a *Agent) string { return secondsPtr(a.channels().CallbackACW) },
		label: "callback ACW timeout", group: GroupConfig, take: func(d, s *Agent) { d.Channels.CallbackACW = s.channels().CallbackACW }},
	{col: ColPersistentConnection, name: "persistent connection (yes/no)", kind: KindYesNo, extension: true, channel: ChannelVoice,
		cell:  func(a *Agent) string { return yesNoPtr(a.channels().PersistentConnection) },
		label: "persistent connection", group: GroupConfig, take: func(d, s *Agent) { d.Channels.PersistentConnection = s.channels().PersistentConnection }},
	{col: ColVoiceEnhancement, name: "voice enhancement (isolation/suppression/none)", kind: KindEnhancement, extension: true, channel: ChannelVoice,
		cell:  func(a *Agent) string { return EnhancementWord(a.channels().VoiceEnhancement) },
		label: "voice enhancement", group: GroupConfig, take: func(d, s *Agent) { d.Channels.VoiceEnhancement = s.channels().VoiceEnhancement }},
	// The voice channel's per-channel spellings of the console's auto
	// accept and ACW columns: not in the extended template.
	{col: ColVoiceAutoAccept, name: "voice auto accept (yes/no)", field: ColAutoAccept, kind: KindYesNo, extension: true, channel: ChannelVoice},
	{col: ColVoiceACW, name: "voice acw timeout (seconds)", field: ColACWTimeout, kind: KindSeconds, extension: true, channel: ChannelVoice},

	// The edit columns: the items of a set to add or remove, the rest of
	// the user's set left as it is (edits.go). The engine applies the
	// proficiencies' itself, as it compares the proficiencies: no take.
	{col: ColAddSecurityProfiles, name: "add security profiles", kind: KindProfiles, edits: ColSecurityProfiles, group: GroupSecurity,
		take: func(d, s *Agent) { d.SecurityProfiles = addNames(d.SecurityProfiles, s.edits().AddSecurityProfiles) },
		edit: editAddProfiles,
		keys: func(e *SetEdits) []string { return e.AddSecurityProfiles }},
	{col: ColRemoveSecurityProfiles, name: "remove security profiles", kind: KindProfiles, edits: ColSecurityProfiles, group: GroupSecurity, remove: true,
		take: func(d, s *Agent) {
			d.SecurityProfiles = removeNames(d.SecurityProfiles, s.edits().RemoveSecurityProfiles)
		},
		edit: editRemoveProfiles,
		keys: func(e *SetEdits) []string { return e.RemoveSecurityProfiles }},
	{col: ColAddTags, name: "add tags", kind: KindTags, edits: ColTags, group: GroupTags,
		take: func(d, s *Agent) { d.Tags = addTags(d.Tags, s.edits().AddTags) },
		edit: editAddTags,
		keys: func(e *SetEdits) []string { return tagKeys(e.AddTags) }},
	{col: ColRemoveTags, name: "remove tags", kind: KindTagKeys, edits: ColTags, group: GroupTags, remove: true,
		take: func(d, s *Agent) { d.Tags = removeTags(d.Tags, s.edits().RemoveTags) },
		edit: editRemoveTags,
		keys: func(e *SetEdits) []string { return removalKeys(e.RemoveTags) }},
	{col: ColAddProficiencies, name: "add proficiencies", kind: KindProficiencies, edits: ColProficiencies, group: GroupProficiencies,
		edit: editAddProficiencies,
		keys: func(e *SetEdits) []string { return proficiencyKeys(e.AddProficiencies) }},
	{col: ColRemoveProficiencies, name: "remove proficiencies", kind: KindProficiencyKeys, edits: ColProficiencies, group: GroupProficiencies, remove: true,
		edit: editRemoveProficiencies,
		keys: func(e *SetEdits) []string { return proficiencyKeys(e.RemoveProficiencies) }},

	// The Identity Center columns, in the order export --sso writes them.
	ssoColumn(ColTitle, "title", nil),
	ssoColumn(ColDepartment, "department", nil),
	ssoColumn(ColEmployeeNumber, "employee number", nil),
	ssoColumn(ColCostCenter, "cost center", []string{"cost centre"}),
	ssoColumn(ColOrganization, "organization", []string{"organisation"}),
	ssoColumn(ColDivision, "division", nil),
	ssoColumn(ColManager, "manager", nil),
}

// ssoColumn is the table entry of an Identity Center column: free text,
// the field of the agent's SSOAttributes that ssoField gives, compared in
// GroupIdentityCenter.
func ssoColumn(c Column, name string, aliases []string) columnSpec {
	get := func(s *SSOAttributes) *string { return ssoField(s, c) }
	return columnSpec{col: c, name: name, aliases: aliases, kind: KindText, sso: true,
		cell: func(a *Agent) string {
			if a.SSO == nil {
				return ""
			}
			return *get(a.SSO)
		},
		label: name, group: GroupIdentityCenter,
		take: func(d, s *Agent) {
			v := ""
			if s.SSO != nil {
				v = *get(s.SSO)
			}
			if d.SSO == nil {
				if v == "" {
					return
				}
				d.SSO = &SSOAttributes{}
			}
			*get(d.SSO) = v
		}}
}

// specs indexes the column table by column.
var specs = func() [ColBlank + 1]*columnSpec {
	var m [ColBlank + 1]*columnSpec
	for i := range columnTable {
		x := &columnTable[i]
		if x.field == 0 {
			x.field = x.col
		}
		m[x.col] = x
	}
	return m
}()

// Derived from the column table.
var (
	// templateColumns are the template's own columns, in template order.
	templateColumns = columnsWhere(func(x *columnSpec) bool { return !x.extension && x.edits == 0 && !x.sso })
	// ssoColumns are the Identity Center columns, in the table's order.
	ssoColumns = columnsWhere(func(x *columnSpec) bool { return x.sso })
	// extensionColumns are the columns beyond the template.
	extensionColumns = func() []extensionColumn {
		var out []extensionColumn
		for _, x := range columnTable {
			if x.extension {
				out = append(out, extensionColumn{x.col, x.kind, x.channel})
			}
		}
		return out
	}()
	// hierarchyColumns can hold a hierarchy path, in the order a filled
	// cell is taken from: the field's own column (the export's) first.
	hierarchyColumns = func() []hierarchyColumn {
		out := []hierarchyColumn{{ColHierarchy, specs[ColHierarchy].sep}}
		for _, x := range columnTable {
			if x.kind == KindHierarchy && x.col != ColHierarchy {
				out = append(out, hierarchyColumn{x.col, x.sep})
			}
		}
		return out
	}()
	// fieldColumns are the fields more than one column can give, each with
	// its columns in the order a filled cell is taken from. A blank cell in
	// one says nothing when another holds a value; two different values
	// are a problem of the row.
	fieldColumns = func() map[Column][]Column {
		m := map[Column][]Column{}
		for _, x := range columnTable {
			if x.field != x.col {
				if m[x.field] == nil {
					m[x.field] = []Column{x.field}
				}
				m[x.field] = append(m[x.field], x.col)
			}
		}
		return m
	}()
)

func columnsWhere(keep func(*columnSpec) bool) []Column {
	var out []Column
	for i := range columnTable {
		if keep(&columnTable[i]) {
			out = append(out, columnTable[i].col)
		}
	}
	return out
}

// ExtensionHeader is the extension columns the extended template adds to
// the console's (its header fields), in the table's order.
func ExtensionHeader() []string {
	var out []string
	for _, x := range columnTable {
		if x.extension && x.field == x.col {
			out = append(out, x.name)
		}
	}
	return out
}

// IdentityCenterHeader is the Identity Center columns that export --sso
// adds (their header fields), in the table's order.
func IdentityCenterHeader() []string {
	out := make([]string, len(ssoColumns))
	for i, c := range ssoColumns {
		out[i] = specs[c].name
	}
	return out
}

// IdentityCenterColumns are the Identity Center columns, in the table's
// order.
func IdentityCenterColumns() []Column { return append([]Column(nil), ssoColumns...) }

// IsIdentityCenter says whether column c is an Identity Center column: an
// attribute of the IAM Identity Center user, which Connect does not hold.
func (c Column) IsIdentityCenter() bool {
	return c > 0 && c < ColBlank && specs[c] != nil && specs[c].sso
}

// HeaderColumns finds the column of each header field (0: none), for
// Cells. A field is written once: in its own column, or, when the header
// lacks it, in the first other spelling of it the header has (the SAML
// template's "secondary email"), which then stands for the field's column.
func HeaderColumns(header []string) []Column {
	out := make([]Column, len(header))
	has := map[Column]bool{}
	for i, h := range header {
		out[i], _ = LookupColumn(h)
		has[out[i]] = true
	}
	for i, c := range out {
		if f := fieldOf(c); f != c && !has[f] {
			out[i], has[f] = f, true
		}
	}
	return out
}

// Cells writes an agent as the template's cells of columns (export): a
// column that does not write (the password, the spellings of a field other
// than its own column's) is left blank, as is an unknown one.
func (a *Agent) Cells(columns []Column) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		if c > 0 && c < ColBlank && specs[c] != nil && specs[c].cell != nil {
			out[i] = specs[c].cell(a)
		}
	}
	return out
}

func (a *Agent) channels() *ChannelSettings {
	if a.Channels == nil {
		return &ChannelSettings{}
	}
	return a.Channels
}

// Secret says whether column c's cells are never shown.
func (c Column) Secret() bool { return c > 0 && c < ColBlank && specs[c] != nil && specs[c].secret }

// IsLoginHeader says whether header field h is the login column as the
// template and the results file both spell it ("user login").
func IsLoginHeader(h string) bool { return CanonicalName(h) == specs[ColLogin].name }

// TableColumns lists every column of the column table, in its order.
func TableColumns() []Column { return columnsWhere(func(*columnSpec) bool { return true }) }

// Clears says whether (none) clears column c's field.
func Clears(c Column) bool { return specs[c] != nil && specs[c].clear }

// String gives the column's canonical (lower-case) name.
func (c Column) String() string {
	switch {
	case c == ColExtra:
		return "extra"
	case c == ColBlank:
		return ""
	case c > 0 && c < ColBlank && specs[c] != nil:
		return specs[c].name
	}
	return "unknown"
}

// columnByKey maps a matchKey to its column; built once from the canonical
// names and the aliases.
var columnByKey = func() map[string]Column {
	m := map[string]Column{}
	for _, x := range columnTable {
		m[matchKey(x.name)] = x.col
	}
	for _, x := range columnTable {
		for _, a := range x.aliases {
			m[matchKey(a)] = x.col
		}
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
	names := make([]string, 0, len(columnTable))
	for _, x := range columnTable {
		names = append(names, x.name)
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
	for _, x := range columnTable {
		consider(x.name)
	}
	for _, x := range columnTable {
		for _, a := range x.aliases {
			consider(a)
		}
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
	if c > 0 && c < ColBlank && specs[c] != nil {
		return specs[c].field
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

// Writes says whether export writes column c's cells: not the password,
// nor a spelling of a field other than the column that writes it.
func Writes(c Column) bool { return c > 0 && c < ColBlank && specs[c] != nil && specs[c].cell != nil }

// FieldOf is the field column c gives: c itself, or for another spelling
// of a field ("agent hierarchy", "secondary email") the field's own column.
func FieldOf(c Column) Column { return fieldOf(c) }

// HierarchySeparator is the level separator of a hierarchy column ("|",
// or "/" for the home-made userhierarchy); "" for another column.
func HierarchySeparator(c Column) string {
	if c > 0 && c < ColBlank && specs[c] != nil && specs[c].kind == KindHierarchy {
		return specs[c].sep
	}
	return ""
}

// ClosestName is the known column name nearest to an unknown one, to
// suggest a fix for a typo; "" when none is near enough.
func ClosestName(field string) string { return closestName(field) }

// Login is row r's user login, its key, as typed.
func (f *File) Login(r Row) string { return f.Value(r, ColLogin) }

// Echo is what the results file repeats of a row, as typed (an invalid
// row has no Agent): its login, names, email and routing profile.
type Echo struct{ Login, FirstName, LastName, Email, RoutingProfile string }

// Echo gives row r's cells the results file repeats.
func (f *File) Echo(r Row) Echo {
	return Echo{Login: f.Value(r, ColLogin), FirstName: f.Value(r, ColFirstName), LastName: f.Value(r, ColLastName),
		Email: f.Value(r, ColEmail), RoutingProfile: f.Value(r, ColRoutingProfile)}
}

// ColumnName is how problems name column c: as f's header spells it, or
// by its canonical name when f lacks it (or f is nil).
func (f *File) ColumnName(c Column) string {
	if f != nil {
		for i, fc := range f.Columns {
			if fc == c && i < len(f.Header) {
				return f.Header[i]
			}
		}
	}
	return c.String()
}

// LoginName is how problems name the login column.
func (f *File) LoginName() string { return f.ColumnName(ColLogin) }
