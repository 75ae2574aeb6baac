// Package report writes what an import did: the results file (one row per
// input row, with the generated passwords), the retry file (the rows to fix
// and import again) and the counts for the end-of-run summary. It knows
// nothing of AWS.
//
// The results file is written to survive a crash at any instant: see Log.
package report

import (
	"fmt"
	"path/filepath"
	"slices"
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

// Header is the header this version writes: Outcome's csv tags, in order,
// which are the contract's columns, then the columns added since, each at
// the end so that an older reader that finds columns by name keeps working.
// A file written before a column existed still reads: the column's cells
// are blank. The input's columns of the user's own that a run carries
// (CarriedColumns) follow these.
var Header = tagHeader[Outcome]()

// Outcome is one row of the results file: what happened to one input row.
// Its csv tags are the results file's column names (gocsv reads and writes
// it by them); each cell is neutralised in the file (Neutralise). A field
// added here must have a tag, at the end: TestHeader holds the order.
type Outcome struct {
	Line int `csv:"line"` // the input's line number of the row (the header is line 1)

	Login          string `csv:"user login"`
	FirstName      string `csv:"first name"`
	LastName       string `csv:"last name"`
	Email          string `csv:"email"`
	RoutingProfile string `csv:"routing profile"`

	Status Status `csv:"status"`

	ConnectUserID string `csv:"connect user id"`
	SSOUserID     string `csv:"sso user id"`
	Password      string `csv:"password"` // the password a created Connect-managed user now has
	SignInURL     string `csv:"sign-in url"`
	Error         string `csv:"error"` // which step failed and why

	// Changes says what was, would be, or differs, field by field:
	// "routing profile: Basic Routing Profile -> Sales Routing Profile".
	Changes string `csv:"changes"`
	// Instance is the Connect instance the run belonged to (its id), so that
	// --resume can refuse a results file made against another instance.
	Instance string `csv:"instance"`
	// Steps names the steps of the row that are done, in the order they
	// ran ("connect user; proficiencies"), so that --resume skips them.
	Steps string `csv:"steps"`
	// CreationToken is the tag value the row's CreateUser carried while its
	// outcome is unsettled, so that --resume can tell the user that
	// CreateUser made from one another run or person made.
	CreationToken string `csv:"creation token"`
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
// Every cell is neutralised (a line number or a status word never starts
// with any of these), the password too: a generated password
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
