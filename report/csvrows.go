package report

import (
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/gocarina/gocsv"
)

// The results file and the team files go through gocsv: a struct's csv tags
// name the columns (Outcome's for the results file, teamRow's for a team's
// file), and gocsv turns a struct into a record and a record into a struct,
// finding the columns by header name. This package owns the encoding/csv
// reader and writer around it, because of what gocsv does on its own:
//
//   - its settings (FailIfUnmatchedStructTags, the header normaliser, the
//     reader and writer it makes) are package globals, racy if changed while
//     another goroutine reads or writes: nothing here sets any of them, and
//     nothing here relies on a value other than the default;
//   - it mishandles a UTF-8 byte order mark (with FailIfUnmatchedStructTags,
//     and before a quoted first header): the BOM is taken off before the
//     csv.Reader sees the data, and header names are made canonical (trimmed,
//     lower-case) before gocsv matches them;
//   - its error line numbers count records, wrong once a quoted cell spans
//     lines: each row's line comes from the csv.Reader's FieldPos, and the
//     rows gocsv is given were checked already (it has nothing left to
//     refuse);
//   - UnmarshalToCallback leaks a goroutine when the callback fails: not used.
//
// gocsv is handed records through its CSVReader and CSVWriter interfaces
// (UnmarshalCSV, MarshalCSVWithoutHeaders).

// recordsReader gives gocsv records already read and checked.
type recordsReader struct {
	recs [][]string
	next int
}

func (r *recordsReader) Read() ([]string, error) {
	if r.next >= len(r.recs) {
		return nil, io.EOF
	}
	r.next++
	return r.recs[r.next-1], nil
}

func (r *recordsReader) ReadAll() ([][]string, error) {
	rest := r.recs[r.next:]
	r.next = len(r.recs)
	return rest, nil
}

// recordWriter is the gocsv.CSVWriter a row goes through: gocsv gives it
// the record of a struct (its tags' columns, in the struct's order, in a
// slice it reuses), and put writes it.
type recordWriter struct {
	put func(rec []string) error
	err error
}

func (w *recordWriter) Write(rec []string) error {
	if w.err == nil {
		w.err = w.put(rec)
	}
	return w.err
}
func (w *recordWriter) Flush()       {}
func (w *recordWriter) Error() error { return w.err }

// tagHeader is the header gocsv writes for a struct type: its csv tags, in
// field order. T's tags are this package's, so this cannot fail.
func tagHeader[T any]() []string {
	var header []string
	w := &recordWriter{put: func(rec []string) error {
		header = append([]string(nil), rec...)
		return nil
	}}
	_ = gocsv.MarshalCSV(&[]T{}, w)
	return header
}

// structRecords gives rows as records, the header (their tags) first.
func structRecords[T any](rows []T) [][]string {
	records := make([][]string, 0, len(rows)+1)
	w := &recordWriter{put: func(rec []string) error {
		records = append(records, slices.Clone(rec)) // gocsv reuses rec
		return nil
	}}
	_ = gocsv.MarshalCSV(&rows, w) // T's tags are this package's: it cannot fail
	return records
}

// canonicalColumn is a header name as columns are matched: a spreadsheet
// may have changed its case or padded it.
func canonicalColumn(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// layout is where each column of a results file gets its cell: from the
// record gocsv makes of an Outcome (Header's columns), or from the row's
// carried cells.
type layout struct {
	header []string // the file's header, as written
	// from is, per column, i >= 0 for Header[i], or -1-k for carried cell k
	// (-1-len(carried) and beyond: a column this version neither knows nor
	// carries, left blank).
	from []int
}

// newLayout places header's columns: this version's own by name, then the
// carried ones (carried, canonical names) by name.
func newLayout(header, carried []string) *layout {
	own := make(map[string]int, len(Header))
	for i, h := range Header {
		own[h] = i
	}
	l := &layout{header: header, from: make([]int, len(header))}
	for i, h := range header {
		c := canonicalColumn(h)
		if j, ok := own[c]; ok {
			l.from[i] = j
			continue
		}
		l.from[i] = -1 - len(carried) // unknown: blank
		for k, name := range carried {
			if name == c {
				l.from[i] = -1 - k
				break
			}
		}
	}
	return l
}

// fill makes the file's row of rec (an Outcome's cells in Header's order)
// and carried into out, each cell neutralised.
func (l *layout) fill(out, rec, carried []string) []string {
	out = out[:0]
	for _, f := range l.from {
		cell := ""
		switch {
		case f >= 0:
			cell = rec[f]
		case -1-f < len(carried):
			cell = carried[-1-f]
		}
		out = append(out, Neutralise(cell))
	}
	return out
}

// rowWriter writes the rows of one file laid out by lay to w: gocsv gives it
// the record of an Outcome, and it writes the file's row of it.
type rowWriter struct {
	w   *csv.Writer
	lay *layout
	car []string // the carried cells of the row being written
	out []string
	one [1]Outcome // what gocsv is given: no slice is made per row
	err error
}

func (r *rowWriter) Write(rec []string) error {
	if r.err == nil {
		r.out = r.lay.fill(r.out, rec, r.car)
		r.err = r.w.Write(r.out)
	}
	return r.err
}
func (r *rowWriter) Flush()       {} // the caller flushes w
func (r *rowWriter) Error() error { return r.err }

// put writes o, with carried its carried cells, through gocsv.
func (r *rowWriter) put(o Outcome, carried []string) error {
	r.one[0], r.car = o, carried
	err := gocsv.MarshalCSVWithoutHeaders(&r.one, r)
	r.one[0], r.car = Outcome{}, nil // no password kept once written
	clear(r.out)
	return err
}

// rowEncoder is a rowWriter into a buffer. Encoders are pooled: each holds
// a csv.Writer with its 4 KiB buffer, and an import encodes a row or two
// per input row.
type rowEncoder struct {
	buf bytes.Buffer
	rw  rowWriter
}

var rowEncoders = sync.Pool{New: func() any {
	e := &rowEncoder{}
	e.rw.w = csv.NewWriter(&e.buf)
	return e
}}

// encodeOutcome is o as one row of the file laid out by lay, with carried
// its carried cells, in one buffer, so that it reaches the file in a single
// write.
func encodeOutcome(lay *layout, o Outcome, carried []string) ([]byte, error) {
	e := rowEncoders.Get().(*rowEncoder)
	defer rowEncoders.Put(e)
	e.buf.Reset()
	e.rw.lay, e.rw.err = lay, nil
	err := e.rw.put(o, carried)
	e.rw.w.Flush()
	if err == nil {
		err = e.rw.w.Error()
	}
	e.rw.lay = nil
	row := bytes.Clone(e.buf.Bytes())
	e.buf.Reset()
	return row, err
}

// encode formats one CSV record (a header) the way rows are.
func encode(record []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(record) // writing to a bytes.Buffer cannot fail
	w.Flush()
	return b.Bytes()
}

// record is o as a row of a results file whose header is columns (no
// carried column).
func (o Outcome) record(columns []string) []string {
	var rec []string
	lay := newLayout(columns, nil)
	w := &recordWriter{put: func(r []string) error {
		rec = lay.fill(nil, r, nil)
		return nil
	}}
	_ = gocsv.MarshalCSVWithoutHeaders(&[1]Outcome{o}, w)
	return rec
}

// decodeOutcomes gives the outcomes of records (checked already, cells
// restored) read under header (canonical names), through gocsv.
func decodeOutcomes(header []string, recs [][]string) ([]Outcome, error) {
	all := make([][]string, 0, len(recs)+1)
	all = append(all, header)
	all = append(all, recs...)
	var out []Outcome
	if err := gocsv.UnmarshalCSV(&recordsReader{recs: all}, &out); err != nil {
		return nil, err
	}
	return out, nil
}
