// Package importer reads Amazon Connect's bulk-upload CSV template, validates
// every row, plans the import against an instance (names to ids, who already
// exists) and provisions the agents within the API rate limits.
package agentfile

// Identity is an Amazon Connect instance's identity management type.
type Identity string

const (
	// IdentityConnect is CONNECT_MANAGED: Connect stores users and passwords.
	IdentityConnect Identity = "CONNECT_MANAGED"
	// IdentitySAML is SAML: users sign in through an IdP; Connect holds no password.
	IdentitySAML Identity = "SAML"
	// IdentityDirectory is EXISTING_DIRECTORY: names and email come from the directory.
	IdentityDirectory Identity = "EXISTING_DIRECTORY"
)

// Agent is one valid row of the template, normalised and ready to be planned.
type Agent struct {
	Line int // the input line the row starts on (1 = the header)

	FirstName      string
	LastName       string
	Email          string
	SecondaryEmail string
	Mobile         string // E.164
	Password       string // blank: generate one (CONNECT_MANAGED only)
	Login          string // Connect user name

	RoutingProfile   string   // routing profile name, exactly as typed
	SecurityProfiles []string // 1 to 10 names
	Hierarchy        []string // group names from the top level down; empty: none

	PhoneType   string // "SOFT_PHONE" or "DESK_PHONE"
	PhoneNumber string // E.164, for DESK_PHONE
	AutoAccept  bool
	ACWTimeout  int32 // seconds, 0 = no limit

	Tags map[string]string

	// Proficiencies are the routing proficiencies of the proficiencies
	// column (extension.go), in the cell's order; empty: none.
	Proficiencies []Proficiency
	// Channels holds the per-channel settings of the extension columns;
	// nil when the row sets none. The voice channel's auto accept and ACW
	// stay in AutoAccept and ACWTimeout above, whichever column gave them.
	Channels *ChannelSettings

	// SSO holds the Identity Center columns' values (the IAM Identity
	// Center user's title and enterprise attributes); nil when the row
	// fills none.
	SSO *SSOAttributes

	// Edits are the items of the edit columns (add security profiles,
	// remove tags...; edits.go); nil when the row fills none.
	Edits *SetEdits

	// Extra holds the values of columns outside the template that the caller
	// asked to keep (for example a "team lead" column to split results by),
	// keyed by their canonical (lower-case, single-spaced) header name.
	Extra map[string]string
}

// SSOAttributes are the Identity Center columns of a row: the IAM
// Identity Center user's Title and the members of its
// aws:identitystore:enterprise extension. Manager is the manager's user
// login (the Identity Store holds the manager's user id). "" is a value
// not given.
type SSOAttributes struct {
	Title, Department, EmployeeNumber, CostCenter, Organization, Division, Manager string
}

// Problem is one thing wrong with one cell (or row) of the input, written so
// that the user can find it and fix it.
type Problem struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"` // the header name as the file spells it; empty for a whole-row problem
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`        // what is wrong, lower-case, no trailing period
	Hint    string `json:"hint,omitempty"` // how to fix it
}
