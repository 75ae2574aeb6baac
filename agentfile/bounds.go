package agentfile

import (
	"bytes"
	"fmt"
	"io"
)

// Bounds on the input (README, "Limits of the input file"). They are far
// above what any real template needs, and keep a broken or hostile file (a
// line of 50 MB of commas, a quote left open that turns the rest of the file
// into one field) from costing more than a few megabytes: encoding/csv holds
// a whole record, and every field of it, in memory.
const (
	// maxRecordBytes bounds a row: one line, or the lines a quoted field
	// spans. A full template row is well under 4 KiB.
	maxRecordBytes = 1 << 20
	// MaxFields is Excel's column limit (XFD): a spreadsheet cannot write a
	// row with more.
	MaxFields = 16_384
	// maxFieldBytes bounds one cell: Excel's cell limit is 32,767
	// characters, at most 4 bytes each in UTF-8.
	maxFieldBytes = 128 << 10
)

// BoundedReader counts the bytes and line breaks it passes on, and fails
// once a record (counted from startRecord) passes maxRecordBytes. The CSV
// reader's own buffer reads a few KiB ahead, so the count is exact to within
// that, which a bound of a MiB does not notice.
//
// It counts the commas too: encoding/csv splits a whole line into fields
// before it returns, and a MiB of commas is a million fields, 60 MB of
// bookkeeping. More commas outside quotes than maxFields fail the record
// before that; commas inside a quoted cell are that cell's text (encoding/csv
// keeps them in the one field), bounded by the record's size alone.
type BoundedReader struct {
	R      io.Reader
	Line   int // the line the next byte is on
	record int // bytes since startRecord
	commas int // commas outside quotes since startRecord
	// quoted: the bytes passed on end inside a quoted field. The stream
	// starts at the beginning of a record, outside quotes, and a doubled
	// quote inside a field toggles twice, so counting every quote tells.
	quoted bool
	failed *BoundError
}

// countCommas counts the commas of p outside quoted fields, carrying the
// quote state on from the bytes before.
func (b *BoundedReader) countCommas(p []byte) {
	for len(p) > 0 {
		q := bytes.IndexByte(p, '"')
		seg := p
		if q >= 0 {
			seg = p[:q]
		}
		if !b.quoted {
			b.commas += bytes.Count(seg, []byte{','})
		}
		if q < 0 {
			return
		}
		b.quoted = !b.quoted
		p = p[q+1:]
	}
}

func (b *BoundedReader) StartRecord() { b.record, b.commas = 0, 0 }

func (b *BoundedReader) Read(p []byte) (int, error) {
	if b.failed != nil {
		return 0, b.failed
	}
	if room := maxRecordBytes - b.record; len(p) > room {
		p = p[:room]
	}
	if len(p) > 4096 {
		p = p[:4096] // counted in small steps, to stop near the bound
	}
	n, err := b.R.Read(p)
	b.record += n
	b.countCommas(p[:n])
	lines := bytes.Count(p[:n], []byte{'\n'})
	b.Line += lines
	// Say where a bound was crossed: the line of the last byte read.
	line := b.Line
	if n > 0 && p[n-1] == '\n' {
		line--
	}
	switch {
	case b.commas >= MaxFields:
		b.failed = &BoundError{line: line, what: "fields", n: b.commas + 1}
	case b.record >= maxRecordBytes:
		b.failed = &BoundError{line: line, what: "record"}
	}
	if b.failed != nil {
		return n, b.failed
	}
	return n, err
}

// BoundError is a bound of the input passed.
type BoundError struct {
	line  int
	what  string // "record", "fields" or "field"
	field int    // the field's position (1-based), for "field"
	n     int    // how many fields or bytes
}

func (e *BoundError) Error() string { return e.FileError().Error() }

func (e *BoundError) FileError() *FileError {
	switch e.what {
	case "fields":
		return &FileError{
			Line:    e.line,
			Message: fmt.Sprintf("the row has more than %d fields (the most columns a spreadsheet has)", MaxFields),
			Hint:    "the file is not an agents template, or a row holds a run of commas: remove it",
		}
	case "field":
		return &FileError{
			Line:    e.line,
			Message: fmt.Sprintf("field %d holds %d bytes, more than %d (the most a spreadsheet cell holds)", e.field, e.n, maxFieldBytes),
			Hint:    `a quote left open runs on to the next "; look for an unmatched " in this row or above, and double a " inside a field ("O""Brien")`,
		}
	}
	return &FileError{
		Line:    e.line,
		Message: fmt.Sprintf("the row is longer than %d bytes (1 MiB) by this line", maxRecordBytes),
		Hint: `a row of the template is a few hundred bytes: the file is not an agents template, or a quote left open ` +
			`runs on across line breaks; look for an unmatched " in this row or above`,
	}
}

// CheckRecordBounds applies the field bounds to a record read.
func CheckRecordBounds(rec []string, line int) error {
	if len(rec) > MaxFields {
		return (&BoundError{line: line, what: "fields", n: len(rec)}).FileError()
	}
	for i, f := range rec {
		if len(f) > maxFieldBytes {
			return (&BoundError{line: line, what: "field", field: i + 1, n: len(f)}).FileError()
		}
	}
	return nil
}
