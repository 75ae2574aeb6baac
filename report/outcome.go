// Package report writes what an import did: the results file (one row per
// input row, with the generated passwords), the retry file (the rows to fix
// and import again) and the counts for the end-of-run summary. It knows
// nothing of AWS.
//
// The results file is written to survive a crash at any instant: see Log.
package report

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Status is what happened to one input row.
type Status string

// The status words of the results file (README.md).
const (
	Created      Status = "created"       // this run created the Connect and/or Identity Center user
	Exists       Status = "exists"        // everything already existed
	WouldCreate  Status = "would-create"  // dry run
	Updated      Status = "updated"       // import --update changed an existing user
	WouldUpdate  Status = "would-update"  // dry run with --update
	Deleted      Status = "deleted"       // remove deleted the user
	WouldDelete  Status = "would-delete"  // remove's dry run
	Absent       Status = "absent"        // remove: no such user, nothing to do
	Invalid      Status = "invalid"       // the row failed validation; nothing was called
	Failed       Status = "failed"        // an API call failed
	NotAttempted Status = "not-attempted" // the run stopped before this row
)

// Statuses lists every status, in the order a summary shows them.
var Statuses = []Status{Created, Exists, WouldCreate, Updated, WouldUpdate, Deleted, WouldDelete, Absent, Invalid, Failed, NotAttempted}

// Valid reports whether s is one of the status words.
func (s Status) Valid() bool {
	return slices.Contains(Statuses, s)
}

// Done reports whether the row needs no more work: a resumed run does not
// redo it and keeps its password.
func (s Status) Done() bool {
	switch s {
	case Created, Exists, Updated, Deleted, Absent:
		return true
	}
	return false
}

// DryRun reports whether s is what a dry run says would happen.
func (s Status) DryRun() bool { return s == WouldCreate || s == WouldUpdate || s == WouldDelete }

// NeedsRetry reports whether the row belongs in the retry file.
func (s Status) NeedsRetry() bool { return s == Invalid || s == Failed || s == NotAttempted }

// ContractHeader is the results file's first twelve columns, exactly as the
// README's results-file section gives them. Scripts rely on these names; a
// reader requires them (in any order) and finds every column by name.
var ContractHeader = []string{
	"line", "user login", "first name", "last name", "email", "routing profile",
	"status", "connect user id", "sso user id", "password", "sign-in url", "error",
}

// Header is the header this version writes: the contract's columns, then
// the columns added since, each at the end so that an older reader that
// finds columns by name keeps working. A file written before a column
// existed still reads: the column's cells are blank.
var Header = append(slices.Clone(ContractHeader), "changes", "instance", "steps", "creation token")

// Outcome is one row of the results file: what happened to one input row.
type Outcome struct {
	Line int // the input's line number of the row (the header is line 1)

	Login, FirstName, LastName, Email, RoutingProfile string

	Status Status

	ConnectUserID, SSOUserID string
	Password                 string // the password a created Connect-managed user now has
	SignInURL                string
	Error                    string // which step failed and why

	// Changes says what was, would be, or differs, field by field:
	// "routing profile: Basic Routing Profile -> Sales Routing Profile".
	Changes string
	// Instance is the Connect instance the run belonged to (its id), so that
	// --resume can refuse a results file made against another instance.
	Instance string
	// Steps names the steps of the row that are done, in the order they
	// ran ("connect user; proficiencies"), so that --resume skips them.
	Steps string
	// CreationToken is the tag value the row's CreateUser carried while its
	// outcome is unsettled, so that --resume can tell the user that
	// CreateUser made from one another run or person made.
	CreationToken string
}

// HasStep says whether the step named is among o's steps done.
func (o Outcome) HasStep(name string) bool { return StepsHave(o.Steps, name) }

// StepsHave says whether a steps column names the step.
func StepsHave(steps, name string) bool {
	for s := range strings.SplitSeq(steps, "; ") {
		if s == name {
			return true
		}
	}
	return false
}

// AddStep records the step named as done.
func (o *Outcome) AddStep(name string) {
	switch {
	case o.HasStep(name):
	case o.Steps == "":
		o.Steps = name
	default:
		o.Steps += "; " + name
	}
}

// Paths gives the default results and retry file names for an input file,
// next to it: agents.csv gives agents-results.csv and agents-retry.csv.
func Paths(input string) (results, retry string) {
	stem := input
	if ext := filepath.Ext(input); ext != filepath.Base(input) { // keep a name that is all extension, such as ".csv"
		stem = strings.TrimSuffix(input, ext)
	}
	return stem + "-results.csv", stem + "-retry.csv"
}

// Neutralise returns cell as the results file holds it. A spreadsheet runs a
// cell that starts with =, +, - or @ as a formula (and tab or carriage return
// can hide such a start), so such a cell gets a leading apostrophe, which
// spreadsheets take as "this is text". A cell that already starts with an
// apostrophe gets one too, so that reading the file back (Load) can always
// remove exactly one and give the original value.
//
// Every text column is neutralised, the password too: a generated password
// never starts with any of these characters, but a password supplied in the
// input might, and then the results file shows it with one extra leading
// apostrophe that is not part of the password.
func Neutralise(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + cell
	}
	return cell
}

// restore undoes Neutralise.
func restore(cell string) string {
	return strings.TrimPrefix(cell, "'")
}

// cell gives o's value for a column of the results file, as written
// (neutralised), and whether the column is one this version knows.
func (o Outcome) cell(column string) (string, bool) {
	switch column {
	case "line":
		return strconv.Itoa(o.Line), true // a number, never neutralised
	case "user login":
		return Neutralise(o.Login), true
	case "first name":
		return Neutralise(o.FirstName), true
	case "last name":
		return Neutralise(o.LastName), true
	case "email":
		return Neutralise(o.Email), true
	case "routing profile":
		return Neutralise(o.RoutingProfile), true
	case "status":
		return string(o.Status), true // one of the status words, never a formula
	case "connect user id":
		return Neutralise(o.ConnectUserID), true
	case "sso user id":
		return Neutralise(o.SSOUserID), true
	case "password":
		return Neutralise(o.Password), true
	case "sign-in url":
		return Neutralise(o.SignInURL), true
	case "error":
		return Neutralise(o.Error), true
	case "changes":
		return Neutralise(o.Changes), true
	case "instance":
		return Neutralise(o.Instance), true
	case "steps":
		return o.Steps, true // step names, never a formula
	case "creation token":
		return Neutralise(o.CreationToken), true
	}
	return "", false
}

// set stores a cell read from a results file into o; unknown columns are
// ignored, so a file with a column added by a later version still reads.
func (o *Outcome) set(column, value string) error {
	v := restore(value)
	switch column {
	case "line":
		line, err := strconv.Atoi(value)
		if err != nil || line < 1 {
			return fmt.Errorf("line %q is not a line number", value)
		}
		o.Line = line
	case "user login":
		o.Login = v
	case "first name":
		o.FirstName = v
	case "last name":
		o.LastName = v
	case "email":
		o.Email = v
	case "routing profile":
		o.RoutingProfile = v
	case "status":
		o.Status = Status(value)
		if !o.Status.Valid() {
			return fmt.Errorf("unknown status %q", value)
		}
	case "connect user id":
		o.ConnectUserID = v
	case "sso user id":
		o.SSOUserID = v
	case "password":
		o.Password = v
	case "sign-in url":
		o.SignInURL = v
	case "error":
		o.Error = v
	case "changes":
		o.Changes = v
	case "instance":
		o.Instance = v
	case "steps":
		o.Steps = value
	case "creation token":
		o.CreationToken = v
	}
	return nil
}

// record is o as a row of a results file whose header is columns.
func (o Outcome) record(columns []string) []string {
	rec := make([]string, len(columns))
	for i, c := range columns {
		rec[i], _ = o.cell(c)
	}
	return rec
}

// check says what stops o from being written as a row that Load reads back.
func (o Outcome) check() error {
	if o.Line < 1 {
		return fmt.Errorf("outcome with line %d: want a line number of 1 or more", o.Line)
	}
	if !o.Status.Valid() {
		return fmt.Errorf("line %d: unknown status %q", o.Line, o.Status)
	}
	return nil
}

// layout is the column order of one results file, found by name.
type layout struct {
	columns []string
}

// newLayout checks a results file's header: every contract column present
// once (any order); further columns, known or not, are allowed.
func newLayout(header []string) (*layout, error) {
	seen := map[string]bool{}
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if h != "" && seen[h] {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		seen[h] = true
		cols[i] = h
	}
	for _, c := range ContractHeader {
		if !seen[c] {
			return nil, fmt.Errorf("no %q column", c)
		}
	}
	return &layout{columns: cols}, nil
}

// parse is the inverse of record for this layout.
func (l *layout) parse(rec []string) (Outcome, error) {
	if len(rec) != len(l.columns) {
		return Outcome{}, fmt.Errorf("%d fields, want %d", len(rec), len(l.columns))
	}
	var o Outcome
	for i, c := range l.columns {
		if err := o.set(c, rec[i]); err != nil {
			return Outcome{}, err
		}
	}
	if o.Line < 1 {
		return Outcome{}, errors.New("no line number")
	}
	if !o.Status.Valid() {
		return Outcome{}, fmt.Errorf("unknown status %q", o.Status)
	}
	return o, nil
}

// Counts is how many rows ended with each status, for the end-of-run summary
// and the exit status.
type Counts map[Status]int

// Count counts rows by status.
func Count(rows []Outcome) Counts {
	c := Counts{}
	for _, o := range rows {
		c[o.Status]++
	}
	return c
}

// Total is the number of rows counted.
func (c Counts) Total() int {
	n := 0
	for _, k := range c {
		n += k
	}
	return n
}

// Success reports whether no row is invalid, failed or not attempted: the
// run exits 0.
func (c Counts) Success() bool {
	for s, n := range c {
		if n > 0 && (s.NeedsRetry() || !s.Valid()) {
			return false
		}
	}
	return true
}

// String gives the counts as a summary line, "12 rows: 10 created, 2 failed",
// naming only the statuses that occur.
func (c Counts) String() string {
	var b strings.Builder
	total := c.Total()
	if total == 1 {
		b.WriteString("1 row")
	} else {
		fmt.Fprintf(&b, "%d rows", total)
	}
	sep := ": "
	for _, s := range Statuses {
		if c[s] > 0 {
			fmt.Fprintf(&b, "%s%d %s", sep, c[s], s)
			sep = ", "
		}
	}
	return b.String()
}
