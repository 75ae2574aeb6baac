package agentfile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// ValidateOptions says what the rows will be imported into.
type ValidateOptions struct {
	Identity Identity // IdentityConnect (the default when empty), IdentitySAML or IdentityDirectory
	// IdentityCenter: the login must also be a valid IAM Identity Center user
	// name (1-128, no whitespace, not "Administrator"/"AWSAdministrators"), and
	// a row needs an email: the email column, else the login when it is an
	// address.
	IdentityCenter bool
	// EmailWhenCreating: with IdentityCenter, a row without an email is not
	// a problem here; the import decides once it knows whether the row's
	// Identity Center user exists (only a user to create needs one), with
	// MissingEmailProblem.
	EmailWhenCreating bool
	// SSOHint is the hint of a filled Identity Center column (title,
	// department, manager...) when IdentityCenter is off: the command's
	// way of asking for IAM Identity Center (the flag to add).
	SSOHint string
	// KeepSSOColumns reads the Identity Center columns without
	// IdentityCenter, as IdentityCenter would, for a reader of a file that
	// was imported already (handout).
	KeepSSOColumns bool
	// Update: the rows are checked as updates of existing users (import
	// --update, validate --update): a cell a create needs (names, routing
	// profile, security profiles) may be blank, and the file may lack its
	// column. What a row leaves blank of it is in Checked.CreateNeeds, for
	// the plan to refuse the row when its user does not exist yet
	// (File.CreateProblem).
	Update bool
}

// MissingEmailProblem is the problem of a row that needs an IAM Identity
// Center user made and has no email for it; column is the email column as
// the file spells it.
func MissingEmailProblem(line int, column string) Problem {
	return Problem{Line: line, Column: column, Message: missingEmailMessage, Hint: missingEmailHint}
}

// MissingEmail is MissingEmailProblem naming f's email column.
func (f *File) MissingEmail(line int) Problem {
	return MissingEmailProblem(line, f.ColumnName(ColEmail))
}

// EmailColumnName names the column row r's email came from: the email
// column, or the user login when the row gave no email.
func (f *File) EmailColumnName(r Row) string {
	if f != nil && strings.TrimSpace(f.Value(r, ColEmail)) == "" {
		return f.ColumnName(ColLogin)
	}
	return f.ColumnName(ColEmail)
}

// IdentityStoreProblems are the problems of a row's names and email that
// the identity store's CreateUser would refuse.
func (f *File) IdentityStoreProblems(r Row, a *Agent) []Problem {
	var problems []Problem
	for _, field := range []struct{ column, value string }{
		{f.ColumnName(ColFirstName), a.FirstName},
		{f.ColumnName(ColLastName), a.LastName},
		{f.EmailColumnName(r), a.Email},
	} {
		if msg, hint, bad := IdentityStoreRefusesText(field.value); bad {
			problems = append(problems, Problem{Line: r.Line, Column: field.column, Value: field.value, Message: msg, Hint: hint})
		}
	}
	return problems
}

// PasswordIgnored is the warning that row r's password cell is not
// applied to an existing user (bulkagents never resets a password); false
// when the cell is blank.
func (f *File) PasswordIgnored(r Row) (Problem, bool) {
	if strings.TrimSpace(f.Value(r, ColPassword)) == "" {
		return Problem{}, false
	}
	return Problem{Line: r.Line, Column: f.ColumnName(ColPassword),
		Message: "ignored: the user exists, and bulkagents never changes an existing user's password",
		Hint:    "reset it in the Connect admin website if the agent needs a new one"}, true
}

const (
	missingEmailMessage = "missing email address: an IAM Identity Center user needs one"
	missingEmailHint    = "fill in the email address column, or use the agent's email address as the user login"
)

// Checked is the verdict on one row.
type Checked struct {
	Row      Row
	Agent    *Agent    // nil when the row is invalid
	Problems []Problem // empty when valid
	// Warnings are worth saying but do not make the row invalid (a rule that
	// is unconfirmed, a value that is ignored).
	Warnings []Problem
	// CreateNeeds (with ValidateOptions.Update) are the columns a create
	// needs that the row leaves blank; CreateWarnings, the warnings only a
	// create calls for.
	CreateNeeds    []Column
	CreateWarnings []Problem
}

// Limits of CreateUser and the template (docs/aws.md §1, §2).
const (
	maxFirstName        = 255 // AgentFirstName, every identity type
	maxLastName         = 300 // AgentLastName, every identity type
	maxLogin            = 64
	ConnectLoginDocs    = 20 // the documented Connect-managed limit, unconfirmed: a warning only
	maxIdentityCenter   = 128
	minPassword         = 8
	maxPassword         = 64
	maxSecurityProfiles = 10
	maxHierarchyLevels  = 5
	maxTags             = 50
	maxTagKey           = 128
	maxTagValue         = 256
	maxACW              = 2_000_000
	maxEmail            = 254
)

const e164Example = "+14255550100"

// Validate checks every row; the result is in input order, one per row.
// Agents whose rows repeat a security profiles, hierarchy or tags cell share
// the parsed slice or map: treat them as read-only.
func Validate(f *File, opts ValidateOptions) []Checked {
	v := NewValidator(f.Header, f.Columns, opts)
	out := make([]Checked, len(f.Rows))
	for i, row := range f.Rows {
		out[i] = v.Check(row)
	}
	v.Duplicates(func(i int, p Problem) {
		out[i].Problems = append(out[i].Problems, p)
		out[i].Agent = nil
	})
	return out
}

// Validator checks rows one at a time, remembering of each only its login
// (for duplicates): a file of any length is validated in memory that grows
// with its logins, not its rows.
type Validator struct {
	lay  *layout
	opts ValidateOptions
	seen *repeats
	n    int // rows checked
	// Logins are compared case-insensitively, as the console refuses
	// "JDoe" next to "jdoe". logins holds every row's; dups, made from it
	// once every row is checked, the rows of each login seen again.
	logins loginSet
	dups   map[string][]loginAt
	found  bool // dups is made
	// spelled is how a row spelt its login, for the rows whose spelling is
	// not the lower-case key.
	spelled map[int32]string
	agent   Agent // the scratch agent of a Check whose agent is not kept
	keep    bool  // Check gives each valid row its own Agent
	cells   cells // the scratch cells of a Check
	agents  agentArena
}

// cells are a row's values by column, as layout.fill gives them, "" for a
// column the file lacks: looked up and trimmed once per row, as most
// columns are read more than once.
type cells [ColBlank + 1]string

// loginAt is where a login was seen: the row's index and line.
type loginAt struct {
	index, line int32
}

// NewValidator is a Validator for rows under header.
func NewValidator(header []string, columns []Column, opts ValidateOptions) *Validator {
	if opts.Identity == "" {
		opts.Identity = IdentityConnect
	}
	return &Validator{
		lay:     newLayoutOf(header, columns),
		opts:    opts,
		seen:    newRepeats(),
		keep:    true,
		spelled: make(map[int32]string),
	}
}

// Check validates one row; a login seen before is reported by Duplicates,
// once every row is checked (and no row is checked after). row.Record may be reused after Check: nothing
// of it is kept but the login.
func (v *Validator) Check(row Row) Checked {
	i := v.n
	v.n++
	rc := rowCheck{lay: v.lay, opts: v.opts, line: row.Line, seen: v.seen, rec: row.Record, cells: &v.cells}
	a := &v.agent
	if v.keep {
		a = v.agents.next()
	} else {
		*a = Agent{}
	}
	agent, aligned := rc.check(row, a)
	if v.keep && agent == nil {
		v.agents.unused() // nothing holds it: the next row may have it
	}
	c := Checked{Row: row, Agent: agent, Problems: rc.problems, Warnings: rc.warnings, CreateNeeds: rc.needs, CreateWarnings: rc.createWarnings}
	if !aligned {
		// A misaligned row's login cell may hold anything, a password
		// included: it is nobody's duplicate.
		return c
	}
	spelled := rc.cell(ColLogin)
	if spelled == "" {
		return c
	}
	login := lower(spelled)
	at := loginAt{index: int32(i), line: int32(row.Line)}
	if login != spelled {
		// Messages show each row's own spelling; most logins are lower
		// case and need no copy.
		v.spelled[at.index] = strings.Clone(spelled)
	}
	v.logins.add(login, at)
	return c
}

// lower is strings.ToLower with a fast path for the usual ASCII login.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Duplicates gives, once every row is checked, the problem of each row
// whose login another row has too, by the row's index in checking order.
func (v *Validator) Duplicates(report func(index int, p Problem)) {
	if !v.found {
		v.found = true
		v.logins.repeated(func(login []byte, rows []loginAt) {
			if v.dups == nil {
				v.dups = make(map[string][]loginAt)
			}
			v.dups[string(login)] = rows
		})
	}
	for login, rows := range v.dups {
		for _, r := range rows {
			// Name a few of the other lines: a file with one login on every
			// row must not cost a message of every line for every row.
			const named = 5
			var others []string
			for _, o := range rows {
				if o.index == r.index {
					continue
				}
				if len(others) == named {
					others = append(others, fmt.Sprintf("and %d more", len(rows)-1-named))
					break
				}
				others = append(others, strconv.Itoa(int(o.line)))
			}
			value, ok := v.spelled[r.index]
			if !ok {
				value = login
			}
			word := "line"
			if len(rows) > 2 {
				word = "lines"
			}
			report(int(r.index), Problem{
				Line:    int(r.line),
				Column:  v.lay.name(ColLogin),
				Value:   value,
				Message: fmt.Sprintf("user login %s is also on %s %s (logins are compared without regard to case)", Quote(value), word, strings.Join(others, ", ")),
				Hint:    "give each agent a different user login, or remove the repeated row",
			})
		}
	}
}

// layout is where each column sits in a file's records.
type layout struct {
	header  []string
	columns []Column
	index   [ColBlank + 1]int // field index of each column, -1 when absent
	extras  []extraColumn
	present []columnAt // the columns index has, in column order
	// extensions and hierarchies are the entries of extensionColumns and
	// hierarchyColumns the file has.
	extensions  []extensionColumn
	hierarchies []hierarchyColumn
	blanks      bool // a header field is left blank
}

// columnAt is a column and its field index.
type columnAt struct {
	column Column
	index  int
}

type extraColumn struct {
	index int
	name  string // canonical, the key in Agent.Extra
}

func newLayout(f *File) *layout { return newLayoutOf(f.Header, f.Columns) }

func newLayoutOf(header []string, columns []Column) *layout {
	l := &layout{header: header, columns: columns}
	for i := range l.index {
		l.index[i] = -1
	}
	for i, c := range columns {
		switch {
		case c == ColExtra:
			name := ""
			if i < len(header) {
				name = CanonicalName(header[i])
			}
			l.extras = append(l.extras, extraColumn{index: i, name: name})
		case c > 0 && c <= ColBlank && l.index[c] < 0:
			l.index[c] = i
		}
		l.blanks = l.blanks || c == ColBlank
	}
	for c, i := range l.index {
		if i >= 0 {
			l.present = append(l.present, columnAt{Column(c), i})
		}
	}
	for _, x := range extensionColumns {
		if l.index[x.column] >= 0 {
			l.extensions = append(l.extensions, x)
		}
	}
	for _, h := range hierarchyColumns {
		if l.index[h.c] >= 0 {
			l.hierarchies = append(l.hierarchies, h)
		}
	}
	return l
}

// fill sets a row's cells: each as value gives it, without white space
// around it, but for the password, which is as typed (white space in it is
// a problem).
func (l *layout) fill(cs *cells, rec []string) {
	for _, p := range l.present {
		v := ""
		if p.index < len(rec) {
			v = unmark(rec[p.index])
		}
		// trim, written out: a call per cell costs more than the test.
		if v != "" && p.column != ColPassword && (v[0]-0x21 >= 0x5f || v[len(v)-1]-0x21 >= 0x5f) {
			v = strings.TrimSpace(v)
		}
		cs[p.column] = v
	}
}

// name is how problems name a column: as the file spells it.
func (l *layout) name(c Column) string {
	return displayName(l.header, l.index[c], c)
}

// value is a row's cell of column c, its formula mark (see unmark) taken
// off; "" when the column is absent or the row short.
func (l *layout) value(rec []string, c Column) string {
	if c <= 0 || c > ColBlank {
		return ""
	}
	i := l.index[c]
	if i < 0 || i >= len(rec) {
		return ""
	}
	return unmark(rec[i])
}

// unmark takes off the ' that the results file, the export and a
// spreadsheet put before a cell Excel would run as a formula (= + - @, a
// tab or carriage return, or a ' itself; report.Neutralise), so that a file
// written by bulkagents reads back as the values it was written from. Only
// that mark is taken: a ' before anything else is the value's own.
func unmark(cell string) string {
	if len(cell) < 2 || cell[0] != '\'' {
		return cell
	}
	switch cell[1] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return cell[1:]
	}
	return cell
}

// Value returns the named cell of a row ("" when the column is absent or the
// row is short). A row with a field too many or too few gives "" for every
// column: its values sit under the wrong columns, and the one under "user
// login" may be the password.
func (f *File) Value(r Row, c Column) string {
	if !fitsHeader(f.Columns, r.Record) {
		return ""
	}
	for i, col := range f.Columns {
		if col == c {
			if i < len(r.Record) {
				return unmark(r.Record[i])
			}
			return ""
		}
	}
	return ""
}

// fitsHeader reports whether a record's fields sit under the header's
// columns: as many as the header, or more but blank, or fewer but only
// under header fields left blank; and nothing under a header field left
// blank.
func fitsHeader(columns []Column, rec []string) bool {
	n, want := len(rec), len(columns)
	switch {
	case n > want && !BlankRecord(rec[want:]):
		return false
	case n < want:
		for _, c := range columns[n:] {
			if c != ColBlank {
				return false
			}
		}
	}
	for i, c := range columns[:min(n, want)] {
		if c == ColBlank && trim(rec[i]) != "" {
			return false
		}
	}
	return true
}

// rowCheck collects the problems of one row.
type rowCheck struct {
	lay      *layout
	opts     ValidateOptions
	line     int
	seen     *repeats
	rec      []string // the row's fields
	cells    *cells   // the row's values, once checkRecord found them in place
	ascii    bool     // every byte of the row is ASCII
	problems []Problem
	warnings []Problem
	// needs and createWarnings: with ValidateOptions.Update, the blank
	// cells a create needs and the warnings only a create calls for.
	needs          []Column
	createWarnings []Problem
}

// cell is the row's value of column c, as layout.value gives it, without
// white space around it but for the password (see layout.fill). The
// check* functions take their cells so.
func (rc *rowCheck) cell(c Column) string { return rc.cells[c] }

// trim is strings.TrimSpace, without its scans for the usual cell that has
// nothing to trim: a byte b is neither white space nor part of a longer
// UTF-8 character when ' ' < b < 0x80, that is when b-0x21 < 0x5f.
func trim(s string) string {
	if s != "" && (s[0]-0x21 >= 0x5f || s[len(s)-1]-0x21 >= 0x5f) {
		return strings.TrimSpace(s)
	}
	return s
}

// repeats remembers the parsed form of list cells that came out clean, so
// that rows repeating a cell (the same security profiles, hierarchy or tags
// down a whole file) share one slice or map instead of each holding a copy:
// for a large file that is a third of the memory. Agents therefore share
// them: Agent.SecurityProfiles, Hierarchy and Tags are read-only.
//
// What they keep is copied out of the row (strings.Clone): a streamed
// row's text is overwritten by the next (templateReader.textOf), and a
// read one's would keep the text of the rows around it (textArena). The
// cell last remembered of each kind is checked first: a file mostly
// repeats one cell down a column.
type repeats struct {
	profiles  map[string][]string
	hierarchy map[hierarchyKey][]string
	tags      map[string]map[string]string

	lastProfiles        string
	lastProfilesV       []string
	lastHierarchy       hierarchyKey
	lastHierarchyV      []string
	lastTags            string
	lastTagsV           map[string]string
	haveP, haveH, haveT bool // the last* of each kind are set
}

// cloneAll gives v's strings copied out of the row they were cut from.
func cloneAll(v []string) []string {
	for i, s := range v {
		v[i] = strings.Clone(s)
	}
	return v
}

// hierarchyKey is a hierarchy cell and the separator it is read with.
type hierarchyKey struct{ sep, cell string }

// maxRepeats bounds each cache: a file whose cells never repeat must not
// pay for remembering them.
const maxRepeats = 1024

func newRepeats() *repeats {
	return &repeats{
		profiles:  make(map[string][]string),
		hierarchy: make(map[hierarchyKey][]string),
		tags:      make(map[string]map[string]string),
	}
}

// clean says whether nothing was reported since the counts np and nw.
func (rc *rowCheck) clean(np, nw int) bool {
	return len(rc.problems) == np && len(rc.warnings) == nw
}

func (rc *rowCheck) problem(c Column, value, message, hint string) {
	rc.problems = append(rc.problems, Problem{Line: rc.line, Column: rc.lay.name(c), Value: value, Message: message, Hint: hint})
}

// missing reports a blank cell a create needs: a problem of the row, or,
// with ValidateOptions.Update, a need of a create (Checked.CreateNeeds).
func (rc *rowCheck) missing(c Column, message, hint string) {
	if rc.opts.Update {
		rc.needs = append(rc.needs, c)
		return
	}
	rc.problem(c, "", message, hint)
}

func (rc *rowCheck) warn(c Column, value, message, hint string) {
	rc.warnings = append(rc.warnings, Problem{Line: rc.line, Column: rc.lay.name(c), Value: value, Message: message, Hint: hint})
}

// check validates one row and gives its Agent, or nil when it has problems.
// aligned is false when the row has a field too many or too few, or a value
// under a header field left blank: its values then sit under the wrong
// columns (a password under "email address", say), so only that is
// reported, and no value that may be the password is shown.
func (rc *rowCheck) check(row Row, a *Agent) (agent *Agent, aligned bool) {
	if !rc.checkRecord(row.Record, row.ascii) {
		return nil, false
	}
	rc.lay.fill(rc.cells, row.Record)
	rc.ascii = row.ascii
	a.Line = row.Line
	id := rc.opts.Identity

	a.FirstName = rc.checkName(ColFirstName, rc.cell(ColFirstName), maxFirstName, "first name")
	a.LastName = rc.checkName(ColLastName, rc.cell(ColLastName), maxLastName, "last name")
	a.Login = rc.checkLogin(rc.cell(ColLogin))
	a.Password = rc.checkPassword(rc.cell(ColPassword))
	a.Email = rc.checkEmail(ColEmail, rc.cell(ColEmail))
	second := rc.aliasCell(ColSecondaryEmail)
	a.SecondaryEmail = rc.checkEmail(second, rc.cell(second))
	if id == IdentityConnect && rc.cell(ColEmail) == "" {
		// CreateUser's documentation says a Connect-managed user needs an
		// email, UserIdentityInfo's does not; unconfirmed, so a warning
		// (README, "validate"), which a row checked as an update gets only
		// when its user is to be created.
		w := Problem{Line: rc.line, Column: rc.lay.name(ColEmail),
			Message: "no email address: the CreateUser documentation says a Connect-managed user needs one, and Connect may refuse the row",
			Hint:    "fill in the agent's email address"}
		if rc.opts.Update {
			rc.createWarnings = append(rc.createWarnings, w)
		} else {
			rc.warnings = append(rc.warnings, w)
		}
	}
	if rc.opts.IdentityCenter {
		rc.checkIdentityCenter(a)
	}
	a.Mobile = rc.checkPhone(ColMobile, rc.cell(ColMobile))

	a.RoutingProfile = rc.cell(ColRoutingProfile)
	if a.RoutingProfile == "" {
		rc.missing(ColRoutingProfile, "missing routing profile name",
			"write the routing profile's name exactly as Connect shows it, for example Basic Routing Profile")
	}
	switch {
	case rc.cell(ColSecurityProfiles) != "":
		a.SecurityProfiles = rc.checkSecurityProfiles(rc.cell(ColSecurityProfiles))
	case rc.cell(addColumnOf(ColSecurityProfiles)) == "" || rc.lay.index[addColumnOf(ColSecurityProfiles)] < 0:
		// (add security profiles gives a create its security profiles)
		rc.missing(ColSecurityProfiles, "missing security profile", "name 1 to 10 security profiles joined by |, for example Agent|CallCenterManager")
	}
	a.Hierarchy = rc.checkHierarchies()

	a.PhoneType, a.PhoneNumber = rc.checkPhoneConfig(rc.cell(ColPhoneType), rc.cell(ColPhoneNumber))
	a.AutoAccept = rc.checkAutoAccept(rc.cell(ColAutoAccept))
	a.ACWTimeout = rc.checkACW(rc.cell(ColACWTimeout))
	a.Tags = rc.checkTags(rc.cell(ColTags))
	rc.checkExtensions(a)
	rc.checkEdits(a)
	rc.checkIdentityCenterColumns(a)

	if len(rc.lay.extras) > 0 {
		a.Extra = make(map[string]string, len(rc.lay.extras))
		for _, x := range rc.lay.extras {
			if x.index < len(row.Record) {
				a.Extra[x.name] = trim(unmark(row.Record[x.index]))
			} else {
				a.Extra[x.name] = ""
			}
		}
	}
	if id == IdentityDirectory {
		// Names and email come from the directory.
		a.FirstName, a.LastName = "", ""
	}
	if len(rc.problems) > 0 {
		return nil, true
	}
	return a, true
}

// checkIdentityCenter applies the rules of an import with IAM Identity
// Center: an email for every agent (the login, when it is an address), and
// names and email the identity store takes.
func (rc *rowCheck) checkIdentityCenter(a *Agent) {
	if a.Email == "" && rc.cell(ColEmail) == "" {
		if strings.Contains(a.Login, "@") {
			a.Email = a.Login
		} else if !rc.opts.EmailWhenCreating {
			rc.problem(ColEmail, "", missingEmailMessage, missingEmailHint)
		}
	}
	emailColumn := ColEmail
	if rc.cell(ColEmail) == "" {
		emailColumn = ColLogin
	}
	for _, f := range []struct {
		c Column
		v string
	}{{ColFirstName, a.FirstName}, {ColLastName, a.LastName}, {emailColumn, a.Email}} {
		if msg, hint, bad := IdentityStoreRefusesText(f.v); bad {
			rc.problem(f.c, f.v, msg, hint)
		}
	}
}

// checkIdentityCenterColumns reads the Identity Center columns (title,
// department, manager...) into a.SSO: text the identity store takes; the
// manager a login other than the row's own. Connect has no such fields,
// so without IdentityCenter a filled one is a problem.
func (rc *rowCheck) checkIdentityCenterColumns(a *Agent) {
	var attrs SSOAttributes
	any := false
	var unwanted []Column // filled without IdentityCenter
	for _, c := range ssoColumns {
		if rc.lay.index[c] < 0 {
			continue
		}
		s := rc.cell(c)
		if s == "" {
			continue
		}
		if !rc.opts.IdentityCenter && !rc.opts.KeepSSOColumns {
			unwanted = append(unwanted, c)
			continue
		}
		if msg, hint, bad := IdentityStoreRefusesText(s); bad {
			rc.problem(c, s, msg, hint)
			continue
		}
		if c == ColManager {
			if strings.ContainsFunc(s, unicode.IsSpace) {
				rc.problem(c, s, Quote(s)+" is not a user login: it holds white space", "write the manager's user login, as its own row or IAM Identity Center has it")
				continue
			}
			if strings.EqualFold(s, a.Login) {
				rc.problem(c, s, "an agent cannot be their own manager", "write the manager's user login, or leave the cell blank")
				continue
			}
		}
		*ssoField(&attrs, c) = s
		any = true
	}
	if len(unwanted) > 0 {
		// One problem for the row, at its first such cell.
		names := make([]string, len(unwanted))
		for i, c := range unwanted {
			names[i] = rc.lay.name(c)
		}
		what := names[0] + " is an attribute"
		if len(names) > 1 {
			what = strings.Join(names, ", ") + " are attributes"
		}
		rc.problem(unwanted[0], rc.cell(unwanted[0]), what+" of the agent's IAM Identity Center user: Connect has no such field",
			orHint(rc.opts.SSOHint, "import into IAM Identity Center too, or empty these cells"))
	}
	if any {
		a.SSO = &attrs
	}
}

func orHint(hint, fallback string) string {
	if hint != "" {
		return hint
	}
	return fallback
}

// ssoField is the field of s that Identity Center column c gives.
func ssoField(s *SSOAttributes, c Column) *string {
	switch c {
	case ColTitle:
		return &s.Title
	case ColDepartment:
		return &s.Department
	case ColEmployeeNumber:
		return &s.EmployeeNumber
	case ColCostCenter:
		return &s.CostCenter
	case ColOrganization:
		return &s.Organization
	case ColDivision:
		return &s.Division
	}
	return &s.Manager
}

// checkRecord checks what holds for any cell: the field count, UTF-8, Excel's
// ellipsis, and the cells under a header field left blank. It reports false,
// and checks no other cell, when the field count is wrong or a value sits
// under a header field left blank: the row's values are then misplaced.
func (rc *rowCheck) checkRecord(rec []string, allASCII bool) bool {
	if !rc.checkFieldCount(rec) || rc.checkStray(rec) {
		return false
	}
	if !allASCII { // else every cell is valid UTF-8, and holds no "…"
		rc.checkText(rec)
	}
	return true
}

// checkFieldCount reports false when the row has a field too many or too
// few, and that is a problem.
func (rc *rowCheck) checkFieldCount(rec []string) bool {
	n, want := len(rec), len(rc.lay.header)
	switch {
	case n < want && rc.unnamedFrom(n):
		// Only columns without a name are missing: nothing is lost.
	case n < want:
		rc.problems = append(rc.problems, Problem{
			Line:    rc.line,
			Message: fmt.Sprintf("the row has %d fields but the header has %d, so its values may be under the wrong columns", n, want),
			Hint:    "every row needs a field for every column, blank ones included; a comma may be missing",
		})
		return false
	case n > want:
		extra := rec[want:]
		if BlankRecord(extra) {
			rc.warnings = append(rc.warnings, Problem{
				Line:    rc.line,
				Message: fmt.Sprintf("the row has %d fields but the header has %d; the extra fields are blank and ignored", n, want),
			})
		} else {
			rc.problems = append(rc.problems, Problem{
				Line:    rc.line,
				Message: fmt.Sprintf("the row has %d fields but the header has %d, so its values may be under the wrong columns", n, want),
				Hint:    `a value holding a comma must be enclosed in double quotes: "Smith, Jr."`,
			})
			return false
		}
	}
	return true
}

// checkStray reports whether a value sits under a header field left blank:
// a stray note, or a value pushed right by an unquoted comma. Then the
// cells are misplaced as with a wrong count, and the value may be the
// password.
func (rc *rowCheck) checkStray(rec []string) bool {
	n, want := len(rec), len(rc.lay.header)
	stray := false
	from := 0
	if !rc.lay.blanks {
		from = len(rc.lay.columns) // no header field is blank: only a field past them can be stray
	}
	for i := from; i < min(n, want); i++ {
		v := rec[i]
		if i < len(rc.lay.columns) && rc.lay.columns[i] != ColBlank || trim(v) == "" {
			continue
		}
		stray = true
		p := Problem{
			Line: rc.line, Column: displayName(rc.lay.header, i, ColBlank), Value: v,
			Message: Quote(v) + " is in a column without a name",
			Hint:    `give the column a name in the header, or move the value to its column; a value holding a comma must be enclosed in double quotes: "Smith, Jr."`,
		}
		if rc.lay.index[ColPassword] >= 0 && rc.lay.index[ColPassword] < i {
			p.Value, p.Message = "", "a value is in a column without a name (not shown: it may be a password pushed right by a comma)"
		}
		rc.problems = append(rc.problems, p)
	}
	return stray
}

// checkText reports the cells that are not UTF-8 or hold Excel's "…".
func (rc *rowCheck) checkText(rec []string) {
	want := len(rc.lay.header)
	for i, v := range rec {
		if i >= want {
			break
		}
		col := ColBlank
		if i < len(rc.lay.columns) {
			col = rc.lay.columns[i]
		}
		if ascii(v) {
			continue // valid UTF-8, and no "…"
		}
		hidden := col == ColPassword
		shown := v
		if hidden {
			shown = ""
		}
		if !utf8.ValidString(v) {
			p := Problem{
				Line: rc.line, Column: displayName(rc.lay.header, i, col), Value: shown,
				Message: describe(shown, hidden) + " is not valid UTF-8 text",
				Hint:    `save the spreadsheet as "CSV UTF-8 (Comma delimited)"`,
			}
			if d, ok := fromWindows1252(v); ok {
				// Show the cell as the spreadsheet shows it, not as bytes.
				if !hidden {
					p.Value = d
				}
				p.Message = describe(p.Value, hidden) + ` is not valid UTF-8 text: the file seems saved in Windows-1252, as Excel's plain "CSV" format does`
			}
			rc.problems = append(rc.problems, p)
		}
		if strings.Contains(v, "…") {
			rc.problems = append(rc.problems, Problem{
				Line: rc.line, Column: displayName(rc.lay.header, i, col), Value: shown,
				Message: describe(shown, hidden) + ` holds "…", which Excel makes of "..."`,
				Hint:    `write three dots "..." instead (Excel: File > Options > Proofing > AutoCorrect, remove the "..." entry)`,
			})
		}
	}
}

// unnamedFrom reports whether every header field from index i on is blank.
func (rc *rowCheck) unnamedFrom(i int) bool {
	if i >= len(rc.lay.columns) {
		return false // a File not made by Read: judge by the count alone
	}
	for _, c := range rc.lay.columns[i:] {
		if c != ColBlank {
			return false
		}
	}
	return true
}

// fromWindows1252 decodes a cell that Excel's plain "CSV" wrote in
// Windows-1252; ok is false when the bytes are not text in it either.
func fromWindows1252(v string) (string, bool) {
	d, err := charmap.Windows1252.NewDecoder().String(v)
	if err != nil {
		return "", false
	}
	for _, r := range d {
		if r == utf8.RuneError || unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return "", false
		}
	}
	return d, true
}

// describe is the subject of a message about a cell: its value, or "the
// password" when the value must not be shown.
func describe(shown string, hidden bool) string {
	if hidden {
		return "the password"
	}
	return Quote(shown)
}

// ascii reports whether s is all ASCII, eight bytes at a time.
func ascii(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// plainE164 is the usual number already in E.164 form: + then 2 to 15
// digits, the first not 0.
func plainE164(s string) bool {
	if len(s) < 3 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Quote shows a value in a message: quoted, escaped, and cut when long.
func Quote(s string) string {
	return strconv.Quote(cut(s, maxShown))
}

// maxShown is how many characters of a value or a column name a message
// shows: a 5 MB cell must not be echoed whole.
const maxShown = 60

// cut shortens s to max characters and a "…".
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func (rc *rowCheck) checkName(c Column, s string, max int, what string) string {
	if rc.opts.Identity == IdentityDirectory {
		if s != "" {
			rc.warn(c, s, "ignored: for an existing-directory instance the "+what+" comes from the directory",
				"leave the column out or blank: 'bulkagents template --identity directory' writes the template without it")
		}
		return ""
	}
	if s == "" {
		rc.missing(c, "missing "+what, "every agent needs a "+what)
		return ""
	}
	allASCII := rc.ascii || ascii(s)
	n := len(s) // the characters of ASCII
	if !allASCII {
		n = utf8.RuneCountInString(s)
	}
	if n > max {
		rc.problem(c, s, fmt.Sprintf("%s is too long: %d characters, at most %d", Quote(s), n, max), "shorten it")
	}
	if allASCII {
		// Plain ASCII is in NFC; only its control characters need a look.
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] == 0x7f {
				rc.problem(c, s, fmt.Sprintf("%s holds a control character (%U)", Quote(s), rune(s[i])), "remove line breaks and tabs from the name")
				break
			}
		}
		return s
	}
	if !utf8.ValidString(s) {
		return s // reported by checkRecord
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			rc.problem(c, s, fmt.Sprintf("%s holds a control character (%U)", Quote(s), r), "remove line breaks and tabs from the name")
			break
		}
	}
	if !norm.NFC.IsNormalString(s) {
		rc.problem(c, s, Quote(s)+" is not in Unicode NFC form (it holds decomposed accents)",
			fmt.Sprintf("write it in the composed form %s; retyping it usually does that", Quote(norm.NFC.String(s))))
	}
	return s
}

func (rc *rowCheck) checkLogin(s string) string {
	if s == "" {
		rc.problem(ColLogin, "", "missing user login", "every agent needs a user login (letters, digits and _ - . @)")
		return ""
	}
	for i := 0; i < len(s); i++ {
		if !loginByte(s[i]) {
			r, _ := utf8.DecodeRuneInString(s[i:])
			rc.problem(ColLogin, s, fmt.Sprintf("%s holds %q, which a user login cannot hold", Quote(s), r),
				"use only letters, digits and _ - . @")
			break
		}
	}
	if strings.IndexByte(s, '@') >= 0 && !validEmail(s) {
		rc.problem(ColLogin, s, Quote(s)+" holds an @ but is not an email address",
			"an @ is allowed only in an email form, such as jdoe@example.com")
	}
	n := len(s)
	switch rc.opts.Identity {
	case IdentityConnect:
		if n > maxLogin {
			rc.problem(ColLogin, s, fmt.Sprintf("%s is too long: %d characters, at most %d", Quote(s), n, maxLogin), "shorten it")
		} else if n > ConnectLoginDocs {
			rc.warn(ColLogin, s, fmt.Sprintf("%s has %d characters; the Connect documentation says at most %d for Connect-managed users (the API allows more)", Quote(s), n, ConnectLoginDocs),
				"if Connect refuses it, shorten it")
		}
	default:
		if n > maxLogin {
			rc.problem(ColLogin, s, fmt.Sprintf("%s is too long: %d characters, at most %d", Quote(s), n, maxLogin), "shorten it")
		}
	}
	if rc.opts.IdentityCenter {
		if strings.EqualFold(s, "Administrator") || strings.EqualFold(s, "AWSAdministrators") {
			rc.problem(ColLogin, s, Quote(s)+" is a reserved IAM Identity Center user name", "choose another user login")
		} else if n > maxIdentityCenter {
			rc.problem(ColLogin, s, fmt.Sprintf("%s is too long for IAM Identity Center: %d characters, at most %d", Quote(s), n, maxIdentityCenter), "shorten it")
		}
	}
	return s
}

// loginByte is a character a Connect user name may hold.
func loginByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '_' || b == '-' || b == '.' || b == '@'
}

// checkPassword never puts the password in a problem: neither value nor
// message shows it.
func (rc *rowCheck) checkPassword(raw string) string {
	if trim(raw) == "" {
		return "" // blank: one is generated (Connect-managed)
	}
	switch rc.opts.Identity {
	case IdentitySAML:
		rc.problem(ColPassword, "", "a password cannot be set for a SAML instance",
			"leave the password column blank: these users sign in through their identity provider")
		return ""
	case IdentityDirectory:
		rc.problem(ColPassword, "", "a password cannot be set for an existing-directory instance",
			"leave the password column blank: these users sign in with their directory password")
		return ""
	}
	var lower, upper, digit, space bool
	for _, r := range raw {
		switch {
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upper = true
		case '0' <= r && r <= '9':
			digit = true
		case unicode.IsSpace(r):
			space = true
		}
	}
	var broken []string
	// Connect checks the length with a Java/JavaScript regular expression,
	// which counts UTF-16 code units: a character outside the Basic
	// Multilingual Plane counts twice.
	if n := UTF16Len(raw); n < minPassword {
		broken = append(broken, fmt.Sprintf("it has %d characters, fewer than %d", n, minPassword))
	} else if n > maxPassword {
		broken = append(broken, fmt.Sprintf("it has %d characters, more than %d", n, maxPassword))
	}
	if !lower {
		broken = append(broken, "no lower-case letter")
	}
	if !upper {
		broken = append(broken, "no upper-case letter")
	}
	if !digit {
		broken = append(broken, "no digit")
	}
	if space {
		broken = append(broken, "it holds white space")
	}
	if len(broken) > 0 {
		rc.problem(ColPassword, "", "the password breaks Connect's rules: "+strings.Join(broken, ", "),
			"use 8 to 64 characters with a lower-case letter, an upper-case letter and a digit, and no spaces; or leave it blank to have one generated")
		return ""
	}
	return raw
}

func (rc *rowCheck) checkEmail(c Column, s string) string {
	if s == "" || fieldOf(c) == ColSecondaryEmail && s == ClearCell {
		return "" // (none): import --update clears it
	}
	if !validEmail(s) {
		rc.problem(c, s, Quote(s)+" is not an email address Connect accepts", "write a plain address such as jdoe@example.com: letters, digits and . _ % + - before the @, a domain ending in a dot and 2 to 63 letters")
		return ""
	}
	return s
}

// UTF16Len is the length of s in UTF-16 code units.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

// validEmail accepts a plain address as the model's pattern for
// UserIdentityInfo's Email and SecondaryEmail does,
// [a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63} (so neither ' nor !,
// which RFC 5322 allows), and more strictly: no empty dot-separated part, at
// most 254 characters, a label of at most 63 that neither starts nor ends
// with a hyphen.
func validEmail(s string) bool {
	if len(s) > maxEmail {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[len(local)-1] == '.' {
		return false
	}
	for i := 0; i < len(local); i++ {
		b := local[i]
		if emailBytes[b] == 0 || b == '.' && (i == 0 || local[i-1] == '.') {
			return false
		}
	}
	// One pass over the domain, label by label: each label 1 to 63
	// letters, digits and hyphens, not starting or ending with one; the
	// last (the top-level domain) at least 2 letters; at least two labels.
	labels, start, letters := 0, 0, true
	for i := 0; i <= len(domain); i++ {
		if i < len(domain) && domain[i] != '.' {
			switch k := emailBytes[domain[i]]; {
			case k == emailLetter:
			case k == emailDigitHyphen:
				letters = false
			default:
				return false
			}
			continue
		}
		label := domain[start:i]
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		labels++
		if i == len(domain) && (len(label) < 2 || !letters) {
			return false
		}
		start, letters = i+1, true
	}
	return labels >= 2
}

// emailBytes is what each byte is to validEmail: a letter, a digit or a
// hyphen, or one of the other characters the model's pattern allows before
// the @; 0 is a byte an address cannot hold. A look-up costs less than the
// comparisons.
var emailBytes = func() (t [256]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		t[b], t[b-'a'+'A'] = emailLetter, emailLetter
	}
	for _, b := range "0123456789-" {
		t[b] = emailDigitHyphen
	}
	for _, b := range "._%+" {
		t[b] = emailLocalOnly
	}
	return t
}()

const (
	emailLetter = 1 + iota
	emailDigitHyphen
	emailLocalOnly
)

// checkPhone checks an optional E.164 number; blank is fine.
func (rc *rowCheck) checkPhone(c Column, s string) string {
	if s == "" || c == ColMobile && s == ClearCell {
		return "" // (none): import --update clears it
	}
	n, msg, hint := parseE164(s)
	if msg != "" {
		rc.problem(c, s, Quote(s)+" "+msg, hint)
		return ""
	}
	return n
}

// parseE164 gives a number in E.164 form (+ and up to 15 digits), allowing the
// spaces, hyphens, dots and brackets people write numbers with. It never
// guesses a country code: a number without + is refused with a hint.
func parseE164(s string) (number, msg, hint string) {
	if plainE164(s) {
		return s, "", ""
	}
	switch s {
	case "#NULL!", "#NAME?", "#VALUE!", "#REF!", "#NUM!", "#N/A", "#ERROR!":
		// A number typed with + in a General cell is a formula to Excel,
		// and its spaces are the intersection operator.
		return "", "is an error value: Excel took the number for a formula",
			"format the column as Text, then type the number again, for example " + e164Example
	}
	if strings.ContainsAny(s, "Ee") && strings.Contains(s, "+") && !strings.HasPrefix(s, "+") {
		return "", "looks like a number Excel turned into scientific notation; its digits are lost",
			"format the column as Text in the spreadsheet and type the number again, for example " + e164Example
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '+' && i == 0:
			b.WriteByte(c)
		case '0' <= c && c <= '9':
			b.WriteByte(c)
		default:
			return "", "is not a phone number", "write it in E.164 form: + and the country code, for example " + e164Example
		}
	}
	t := b.String()
	if !strings.HasPrefix(t, "+") {
		if strings.HasPrefix(t, "00") {
			return "", "is not in E.164 form", "write + instead of the international prefix 00, for example " + e164Example
		}
		hint := "write it with + and the country code, for example " + e164Example
		if len(t) > 10 {
			// Long enough to hold a country code already: most likely a
			// spreadsheet dropped the + of a number typed in a General cell.
			hint += " (a spreadsheet drops the + unless the column is formatted as Text)"
		}
		return "", "is not in E.164 form", hint
	}
	digits := t[1:]
	if len(digits) < 2 || len(digits) > 15 || digits[0] == '0' {
		return "", "is not in E.164 form", "E.164 is + then the country code and number, 2 to 15 digits, the first not 0, for example " + e164Example
	}
	return t, "", ""
}

func (rc *rowCheck) checkPhoneConfig(t, num string) (phoneType, number string) {
	switch strings.ToLower(t) {
	case "", "soft", "soft_phone", "soft phone", "softphone":
		phoneType = "SOFT_PHONE"
	case "desk", "desk_phone", "desk phone", "deskphone":
		phoneType = "DESK_PHONE"
	default:
		rc.problem(ColPhoneType, t, Quote(t)+" is not a phone type", "write soft or desk")
	}
	switch {
	case num == ClearCell && phoneType == "DESK_PHONE" && t != "":
		rc.problem(ColPhoneNumber, num, "a desk phone needs a phone number: (none) cannot clear it",
			"make the phone type soft to clear the number, or write the desk phone's number")
	case num == ClearCell:
		// (none): import --update clears the number a soft phone keeps.
	case phoneType == "DESK_PHONE" && num == "":
		rc.problem(ColPhoneNumber, "", "a desk phone needs a phone number",
			"write the desk phone's number with + and the country code, for example "+e164Example+", or make the phone type soft")
	case phoneType == "DESK_PHONE":
		number = rc.checkPhone(ColPhoneNumber, num)
	case phoneType == "SOFT_PHONE" && num != "":
		if _, msg, hint := parseE164(num); msg != "" {
			rc.problem(ColPhoneNumber, num, Quote(num)+" "+msg, hint)
		} else {
			rc.warn(ColPhoneNumber, num, "ignored: a soft phone does not use the phone number", "make the phone type desk to use it")
		}
	}
	return phoneType, number
}

func (rc *rowCheck) checkAutoAccept(s string) bool {
	switch strings.ToLower(s) {
	case "", "no", "n", "false":
		return false
	case "yes", "y", "true":
		return true
	}
	rc.problem(ColAutoAccept, s, Quote(s)+" is neither yes nor no", "write yes or no")
	return false
}

func (rc *rowCheck) checkACW(s string) int32 {
	if s == "" {
		return 0
	}
	const hint = "write a whole number of seconds from 0 to 2000000 (0 means no limit)"
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			rc.problem(ColACWTimeout, s, Quote(s)+" is not a whole number of seconds", hint)
			return 0
		}
		if n <= maxACW {
			n = n*10 + int(c-'0')
		}
	}
	if n > maxACW {
		rc.problem(ColACWTimeout, s, fmt.Sprintf("%s seconds is more than %d", Quote(s), maxACW), hint)
		return 0
	}
	return int32(n)
}

func (rc *rowCheck) checkSecurityProfiles(s string) []string {
	r := rc.seen
	if r.haveP && s == r.lastProfiles {
		return r.lastProfilesV
	}
	if v, ok := r.profiles[s]; ok {
		return v
	}
	np, nw := len(rc.problems), len(rc.warnings)
	v := rc.parseSecurityProfilesIn(ColSecurityProfiles, s)
	if v != nil && rc.clean(np, nw) && len(r.profiles) < maxRepeats {
		s, v = strings.Clone(s), cloneAll(v)
		r.profiles[s] = v
		r.lastProfiles, r.lastProfilesV, r.haveP = s, v, true
	}
	return v
}

func (rc *rowCheck) parseSecurityProfilesIn(c Column, s string) []string {
	const hint = "name 1 to 10 security profiles joined by |, for example Agent|CallCenterManager"
	if s == "" {
		rc.problem(c, "", "missing security profile", hint)
		return nil
	}
	names := strings.Split(s, "|")
	if len(names) > maxSecurityProfiles {
		// Count before anything else: the duplicate check below is
		// quadratic, fine for ten names, not for a runaway cell.
		n := 0
		for _, name := range names {
			if trim(name) != "" {
				n++
			}
		}
		if n > maxSecurityProfiles {
			rc.problem(c, s, fmt.Sprintf("%d security profiles, at most %d", n, maxSecurityProfiles), hint)
			return nil
		}
	}
	out := names[:0]
	blank := false
	for _, n := range names {
		n = trim(n)
		if n == "" {
			blank = true
			continue
		}
		dup := false
		for _, o := range out {
			if o == n {
				dup = true
				break
			}
		}
		if dup {
			rc.warn(c, s, fmt.Sprintf("security profile %s is named twice; it is given once", Quote(n)), "")
			continue
		}
		out = append(out, n)
	}
	if blank {
		rc.problem(c, s, Quote(s)+" has an empty security profile name", "remove the extra |; "+hint)
	}
	if len(out) == 0 {
		if !blank {
			rc.problem(c, s, "missing security profile", hint)
		}
		return nil
	}
	return out
}

// hierarchyColumn is a column a hierarchy can be given in (teams.go lists
// them), with the separator of its levels.
type hierarchyColumn struct {
	c   Column
	sep string
}

// checkHierarchies reads the hierarchy from whichever hierarchy columns the
// file has; when several are filled they must agree ((none) in one and a
// group in another do not).
func (rc *rowCheck) checkHierarchies() []string {
	var path []string
	var from Column
	cleared := false
	for _, h := range rc.lay.hierarchies {
		cell := rc.cell(h.c)
		p, ok := rc.checkHierarchy(h.c, cell, h.sep)
		if !ok || cell == "" {
			continue
		}
		if from == 0 {
			path, from, cleared = p, h.c, cell == ClearCell
			continue
		}
		if (cell == ClearCell) != cleared || strings.Join(p, "\x00") != strings.Join(path, "\x00") {
			had := ClearCell
			if !cleared {
				had = strings.Join(path, "|")
			}
			rc.problem(h.c, cell,
				fmt.Sprintf("%s names another hierarchy group than column %q (%s)", Quote(cell), rc.lay.name(from), Quote(had)),
				"fill in one hierarchy column only, or make them agree")
		}
	}
	return path
}

// aliasCell is the column of field c that a row fills (c when none is):
// the first filled of its columns, which must agree with every other
// filled one, or the row has a problem naming both columns and values.
func (rc *rowCheck) aliasCell(c Column) Column {
	from := c
	for _, col := range FieldColumns(c) {
		if rc.lay.index[col] < 0 {
			continue
		}
		v := rc.cell(col)
		switch {
		case v == "":
		case rc.cell(from) == "" || from == col:
			from = col
		case v != rc.cell(from):
			rc.problem(col, v, fmt.Sprintf("%s says %s but %s says %s: the same field is given two ways", rc.lay.name(col), Quote(v), rc.lay.name(from), Quote(rc.cell(from))),
				"fill in one of the two columns, or make them agree")
		}
	}
	return from
}

// checkHierarchy parses one hierarchy cell: level names from the top down.
func (rc *rowCheck) checkHierarchy(c Column, s, sep string) ([]string, bool) {
	if s == "" || s == ClearCell {
		return nil, true // (none): import --update clears it
	}
	key := hierarchyKey{sep, s} // no concatenation: a lookup costs no allocation
	r := rc.seen
	if r.haveH && key == r.lastHierarchy {
		return r.lastHierarchyV, true
	}
	if v, ok := r.hierarchy[key]; ok {
		return v, true
	}
	np, nw := len(rc.problems), len(rc.warnings)
	v, ok := rc.parseHierarchy(c, s, sep)
	if ok && v != nil && rc.clean(np, nw) && len(r.hierarchy) < maxRepeats {
		key, v = hierarchyKey{sep, strings.Clone(s)}, cloneAll(v)
		r.hierarchy[key] = v
		r.lastHierarchy, r.lastHierarchyV, r.haveH = key, v, true
	}
	return v, ok
}

func (rc *rowCheck) parseHierarchy(c Column, s, sep string) ([]string, bool) {
	if sep == "/" && !strings.Contains(s, "/") && strings.Contains(s, "|") {
		sep = "|" // a home-made column written like the template's
	}
	levels := strings.Split(s, sep)
	ok := true
	for i, l := range levels {
		levels[i] = trim(l)
		if levels[i] == "" {
			ok = false
		}
	}
	hint := func() string {
		return fmt.Sprintf("name the levels from the top down joined by %s, at most %d, for example Example Corp%sSupport%sTier 1", sep, maxHierarchyLevels, sep, sep)
	}
	if !ok {
		rc.problem(c, s, Quote(s)+" has an empty level name", "remove the extra "+sep+"; "+hint())
	}
	if len(levels) > maxHierarchyLevels {
		rc.problem(c, s, fmt.Sprintf("%s has %d levels, at most %d", Quote(s), len(levels), maxHierarchyLevels), hint())
		ok = false
	}
	if !ok {
		return nil, false
	}
	return levels, true
}

// checkTags parses key|value pairs joined by ||.
func (rc *rowCheck) checkTags(s string) map[string]string {
	if s == "" || s == ClearCell {
		return nil // (none): import --update clears them
	}
	r := rc.seen
	if r.haveT && s == r.lastTags {
		return r.lastTagsV
	}
	if v, ok := r.tags[s]; ok {
		return v
	}
	np, nw := len(rc.problems), len(rc.warnings)
	v := rc.parseTagsIn(ColTags, s)
	if v != nil && rc.clean(np, nw) && len(r.tags) < maxRepeats {
		kept := make(map[string]string, len(v))
		for k, x := range v {
			kept[strings.Clone(k)] = strings.Clone(x)
		}
		s, v = strings.Clone(s), kept
		r.tags[s] = v
		r.lastTags, r.lastTagsV, r.haveT = s, v, true
	}
	return v
}

func (rc *rowCheck) parseTagsIn(c Column, s string) map[string]string {
	const hint = "write key|value pairs joined by ||, for example team|blue||site|leeds"
	tags := make(map[string]string)
	bad := false
	pairs := strings.Split(s, "||")
	if len(pairs) > maxTags {
		// One problem, rather than one per pair of a runaway cell.
		rc.problem(c, s, fmt.Sprintf("%d tags, at most %d", len(pairs), maxTags), "drop some tags")
		return nil
	}
	for _, pair := range pairs {
		key, value, found := strings.Cut(pair, "|")
		key, value = trim(key), trim(value)
		switch {
		case trim(pair) == "":
			rc.problem(c, s, Quote(s)+" has an empty tag", "remove the extra ||; "+hint)
			bad = true
			continue
		case !found || strings.Contains(value, "|"):
			rc.problem(c, s, fmt.Sprintf("tag %s is not one key|value pair", Quote(pair)), hint)
			bad = true
			continue
		}
		if key == "" {
			rc.problem(c, s, fmt.Sprintf("tag %s has an empty key", Quote(pair)), hint)
			bad = true
		} else if n := utf8.RuneCountInString(key); n > maxTagKey {
			rc.problem(c, s, fmt.Sprintf("tag key %s is too long: %d characters, at most %d", Quote(key), n, maxTagKey), "shorten it")
			bad = true
		}
		if strings.HasPrefix(strings.ToLower(key), "aws:") {
			rc.problem(c, s, fmt.Sprintf("tag key %s starts with aws:, which AWS reserves", Quote(key)), "choose a key without the aws: prefix")
			bad = true
		}
		if r, ok := badTagRune(key); ok {
			rc.problem(c, s, fmt.Sprintf("tag key %s holds %q, which a tag key cannot hold", Quote(key), r),
				"use letters, digits, spaces and _ . : / = + - @")
			bad = true
		}
		if n := utf8.RuneCountInString(value); n > maxTagValue {
			rc.problem(c, s, fmt.Sprintf("the value of tag %s is too long: %d characters, at most %d", Quote(key), n, maxTagValue), "shorten it")
			bad = true
		}
		if _, dup := tags[key]; dup {
			rc.problem(c, s, fmt.Sprintf("tag key %s is given twice", Quote(key)), "give each key once")
			bad = true
		}
		tags[key] = value
	}
	if bad {
		return nil
	}
	return tags
}

// badTagRune finds a character outside the API's tag key pattern
// [\p{L}\p{Z}\p{N}_.:/=+\-@].
func badTagRune(key string) (rune, bool) {
	for _, r := range key {
		if unicode.IsLetter(r) || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) || unicode.IsNumber(r) ||
			strings.ContainsRune("_.:/=+-@", r) {
			continue
		}
		return r, true
	}
	return 0, false
}

// IdentityStoreRefusesText says why the identity store would refuse a name
// or an email, if it would. validate --sso and the import share it.
func IdentityStoreRefusesText(value string) (msg, hint string, bad bool) {
	if value == "" || (identityStoreText.MatchString(value) && utf8.RuneCountInString(value) <= identityStoreMaxText) {
		return "", "", false
	}
	for _, r := range value {
		if !identityStoreText.MatchString(string(r)) {
			return fmt.Sprintf("%q holds %U, a character IAM Identity Center does not accept", value, r),
				"remove it (it is often invisible: retype the cell)", true
		}
	}
	return fmt.Sprintf("%q is longer than IAM Identity Center takes (1,024 characters)", value), "shorten it", true
}

// identityStoreText is the identity store's pattern for a name or an email
// (the model's SensitiveStringType): letters, marks, symbols, digits,
// punctuation and a few spaces. Connect takes more, such as the zero-width
// space or the soft hyphen that a copy from a web page leaves.
var identityStoreText = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \x{00a0}\x{3000}]+$`)

const identityStoreMaxText = 1024 // characters
