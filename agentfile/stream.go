package agentfile

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"
)

// Report is a validation as the validate command prints it: the counts, and
// the rows that have something to say. A valid row without warnings leaves
// nothing behind, so that validating a file costs memory for its logins and
// its problems, not its rows.
type Report struct {
	Summary Summary
	// Rows are the rows with problems or warnings, in input order; neither
	// Agent nor Row.Record is kept.
	Rows []Checked
}

// ValidateRows validates every row that s gives, one at a time. A file
// without data rows is a *FileError, as with Read.
func ValidateRows(ctx context.Context, s *Scanner, opts ValidateOptions) (*Report, error) {
	v := NewValidator(s.Header(), s.Columns(), opts)
	v.keep = false // no row's Agent is kept
	// Nothing of a row is used once the next is read but what is copied:
	// the problems kept (ownValues), and what the validator remembers (the
	// logins, their spellings, the repeated cells of repeats).
	s.transient = true
	defer func() { s.transient = false }()
	rep := &Report{}
	var kept []int32 // the checking index of each of rep.Rows
	for i := 0; ; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row, err := s.Next()
		if err != nil && errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		c := v.Check(row)
		rep.Summary.Rows++
		rep.Summary.Warnings += len(c.Warnings)
		if len(c.Problems) == 0 {
			rep.Summary.Valid++
			if len(c.CreateNeeds) > 0 {
				rep.Summary.UpdatesOnly++
			}
		} else {
			rep.Summary.Invalid++
		}
		if len(c.Problems)+len(c.Warnings) > 0 {
			rep.Rows = append(rep.Rows, Checked{Row: Row{Line: row.Line}, Problems: ownValues(c.Problems), Warnings: ownValues(c.Warnings)})
			kept = append(kept, int32(i))
		}
	}
	if rep.Summary.Rows == 0 {
		return nil, s.noRows()
	}
	var added []Checked
	v.Duplicates(func(i int, p Problem) {
		if k, ok := slices.BinarySearch(kept, int32(i)); ok {
			c := &rep.Rows[k]
			if len(c.Problems) == 0 {
				rep.Summary.Valid--
				rep.Summary.Invalid++
			}
			c.Problems = append(c.Problems, p)
			return
		}
		rep.Summary.Valid--
		rep.Summary.Invalid++
		added = append(added, Checked{Row: Row{Line: p.Line}, Problems: []Problem{p}})
	})
	if len(added) > 0 {
		rep.Rows = append(rep.Rows, added...)
		sort.SliceStable(rep.Rows, func(a, b int) bool { return rep.Rows[a].Row.Line < rep.Rows[b].Row.Line })
	}
	return rep, nil
}

// ownValues copies each problem's value out of its row, whose text the
// rows read after it overwrite (templateReader.textOf).
func ownValues(ps []Problem) []Problem {
	for i := range ps {
		ps[i].Value = strings.Clone(ps[i].Value)
	}
	return ps
}

// Write writes the report as WriteReport does.
func (r *Report) Write(w io.Writer, format string) error {
	return writeReport(w, format, r.Summary, r.Rows)
}
