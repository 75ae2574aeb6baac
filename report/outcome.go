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
	"strconv"
	"strings"
)

// Status is what happened to one input row.
type Status string

// The status words of the results file (product.md).
const (
	Created      Status = "created"       // this run created the Connect and/or Identity Center user
	Exists       Status = "exists"        // everything already existed
	WouldCreate  Status = "would-create"  // dry run
	Invalid      Status = "invalid"       // the row failed validation; nothing was called
	Failed       Status = "failed"        // an API call failed
	NotAttempted Status = "not-attempted" // the run stopped before this row
)

// Statuses lists every status, in the order a summary shows them.
var Statuses = []Status{Created, Exists, WouldCreate, Invalid, Failed, NotAttempted}

// Valid reports whether s is one of the status words.
func (s Status) Valid() bool {
	switch s {
	case Created, Exists, WouldCreate, Invalid, Failed, NotAttempted:
		return true
	}
	return false
}

// Done reports whether the row needs no more work: a resumed run does not
// redo it and keeps its password.
func (s Status) Done() bool { return s == Created || s == Exists }

// NeedsRetry reports whether the row belongs in the retry file.
func (s Status) NeedsRetry() bool { return s == Invalid || s == Failed || s == NotAttempted }

// Header is the results file's header, exactly as product.md gives it.
var Header = []string{
	"line", "user login", "first name", "last name", "email", "routing profile",
	"status", "connect user id", "sso user id", "password", "sign-in url", "error",
}

// Outcome is one row of the results file: what happened to one input row.
type Outcome struct {
	Line int // the input's line number of the row (the header is line 1)

	Login, FirstName, LastName, Email, RoutingProfile string

	Status Status

	ConnectUserID, SSOUserID string
	Password                 string // the password a created Connect-managed user now has
	SignInURL                string
	Error                    string // which step failed and why
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

// record is o as a row of the results file. The line is a number and is
// never neutralised.
func (o Outcome) record() []string {
	return []string{
		strconv.Itoa(o.Line),
		Neutralise(o.Login),
		Neutralise(o.FirstName),
		Neutralise(o.LastName),
		Neutralise(o.Email),
		Neutralise(o.RoutingProfile),
		string(o.Status), // one of the status words, never a formula
		Neutralise(o.ConnectUserID),
		Neutralise(o.SSOUserID),
		Neutralise(o.Password),
		Neutralise(o.SignInURL),
		Neutralise(o.Error),
	}
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

// parseRecord is the inverse of record.
func parseRecord(rec []string) (Outcome, error) {
	if len(rec) != len(Header) {
		return Outcome{}, fmt.Errorf("%d fields, want %d", len(rec), len(Header))
	}
	line, err := strconv.Atoi(rec[0])
	if err != nil || line < 1 {
		return Outcome{}, fmt.Errorf("line %q is not a line number", rec[0])
	}
	o := Outcome{
		Line:           line,
		Login:          restore(rec[1]),
		FirstName:      restore(rec[2]),
		LastName:       restore(rec[3]),
		Email:          restore(rec[4]),
		RoutingProfile: restore(rec[5]),
		Status:         Status(rec[6]),
		ConnectUserID:  restore(rec[7]),
		SSOUserID:      restore(rec[8]),
		Password:       restore(rec[9]),
		SignInURL:      restore(rec[10]),
		Error:          restore(rec[11]),
	}
	if !o.Status.Valid() {
		return Outcome{}, fmt.Errorf("unknown status %q", rec[6])
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

// Success reports whether every row is created, exists or would-create: the
// run exits 0.
func (c Counts) Success() bool {
	for s, n := range c {
		if n > 0 && s != Created && s != Exists && s != WouldCreate {
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
