package agentfile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// File is a template as read: its header and its data rows.
type File struct {
	Header  []string // the header fields as the file spells them (BOM stripped)
	Columns []Column // the canonical column of each header field
	Rows    []Row
}

// Row is one data record.
type Row struct {
	Line   int      // the line the record starts on (the header is line 1 when it is the first line)
	Record []string // the fields as read, for the retry file
	// ascii: the reader found every byte of the record ASCII, so that no
	// cell needs its encoding checked again (false: not known).
	ascii bool
}

// ReadOptions tunes Read.
type ReadOptions struct {
	// Keep names extra columns outside the template to accept (compared
	// canonically); any other unknown column makes the file unusable. Their
	// values go to Agent.Extra.
	Keep []string
	// Identity, when set, decides the required columns: EXISTING_DIRECTORY
	// takes names from the directory, so it needs no name columns. Left empty,
	// the columns CONNECT_MANAGED and SAML need are required.
	Identity Identity
	// Encoding is the file's encoding (EncodingUTF8 when empty): a file in
	// Windows-1252 is read as that, not refused.
	Encoding string
	// Update: the file updates existing users (import --update, validate
	// --update): it needs only the user login column and the columns it
	// changes. A row whose user does not exist yet still needs what a
	// create needs (ValidateOptions.Update).
	Update bool
}

// FileError says that a file cannot be used at all (exit status 2).
type FileError struct {
	Line    int    `json:"line,omitempty"`
	Column  string `json:"column,omitempty"` // as the file spells it
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
}

// Error is one line: where, then what.
func (e *FileError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "column %q: ", cut(e.Column, maxShown))
	}
	b.WriteString(e.Message)
	return b.String()
}

// Read reads a whole template. A file that cannot be used at all (unknown or
// missing required column, duplicate column, no data rows, not CSV, a bound
// of bounds.go passed) gives a *FileError.
func Read(ctx context.Context, r io.Reader, opts ReadOptions) (*File, error) {
	s, err := NewScanner(r, opts)
	if err != nil {
		return nil, err
	}
	s.keep = true
	// The rows go in chunks, then into one slice of the right length: a
	// slice grown row by row is copied over and over (by a quarter of its
	// length each time, once it is large), its old copies left to the
	// garbage collector.
	var chunks [][]Row
	chunk := make([]Row, 0, 1024)
	n := 0
	for ; ; n++ {
		if n%1024 == 0 {
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
		if len(chunk) == cap(chunk) {
			chunks = append(chunks, chunk)
			chunk = make([]Row, 0, min(2*cap(chunk), 64<<10))
		}
		chunk = append(chunk, row)
	}
	if n == 0 {
		return nil, s.noRows()
	}
	rows := chunk
	if len(chunks) > 0 {
		rows = make([]Row, 0, n)
		for _, c := range append(chunks, chunk) {
			rows = append(rows, c...)
		}
	}
	return &File{Header: s.header, Columns: s.columns, Rows: rows}, nil
}

// Scanner reads a template one row at a time, so that a large file is never
// held whole: validate keeps nothing of a row once it is checked.
type Scanner = templateReader

// NewScanner reads the header; Next then gives the data rows.
func NewScanner(r io.Reader, opts ReadOptions) (*Scanner, error) {
	tr, err := newTemplateReader(r, opts)
	if err != nil {
		return nil, err
	}
	if err := tr.readHeader(); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FileError{Message: "the file is empty", Hint: "start from 'bulkagents template', which writes the header"}
		}
		return nil, err
	}
	return tr, nil
}

// Header is the header as the file spells it; Columns the column of each
// of its fields.
func (t *templateReader) Header() []string  { return t.header }
func (t *templateReader) Columns() []Column { return t.columns }

// Next gives the next data row, or io.EOF. Unless the scanner belongs to
// Read, the row's Record is reused by the next call: copy what must stay.
func (t *templateReader) Next() (Row, error) {
	err := t.readRow()
	if err != nil {
		return Row{}, err
	}
	t.rows++
	return t.row, nil
}

// noRows is the error of a file without data rows.
func (t *templateReader) noRows() error {
	return &FileError{
		Line:    t.headerAt,
		Message: "no data rows below the header",
		Hint:    "add one row per agent below the header line",
	}
}

// templateReader is the csv.Reader that Read owns: BOM stripped, the header
// mapped to columns, blank records skipped, and each record's start line
// taken from FieldPos (gocsv's own line numbers are wrong after a quoted
// field spanning lines).
//
// Lines without a double quote, nearly every line of a real file, are split
// by fastRead, twice as fast as encoding/csv; from the first line holding a
// quote on, encoding/csv reads the rest, so that quoted fields and their
// errors are exactly its own.
type templateReader struct {
	br       *bufio.Reader
	line     int    // fastRead: the line the next byte is on
	buf      []byte // fastRead: a line longer than br's buffer
	fastRec  []string
	commas   []int32     // fastRead: the offsets of the commas of the last line
	text     textArena   // fastRead: the lines' text
	records  recordArena // fastRead: the records Read keeps
	ascii    bool        // fastRead: the last record's line is all ASCII
	lineLen  int         // fastRead: the length of the last record's line
	csv      *csv.Reader // nil until a line holds a quote
	csvAt    int         // the line encoding/csv calls line 1
	bound    *BoundedReader
	opts     ReadOptions
	header   []string
	headerAt int // the header's line
	columns  []Column
	row      Row  // the last row read
	rows     int  // how many data rows were read
	keep     bool // every record is kept (Read): no reuse
	// transient: the rows' text is read in place, not copied (see
	// textOf); only ValidateRows, which keeps nothing of a row that it
	// does not copy, sets it.
	transient bool
}

func newTemplateReader(r io.Reader, opts ReadOptions) (*templateReader, error) {
	br := bufio.NewReaderSize(Decode(r, opts.Encoding), 64*1024)
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	if err := sniffFormat(br); err != nil {
		return nil, err
	}
	return &templateReader{br: br, line: 1, opts: opts}, nil
}

// startCSV hands the rest of the input, from line (whose bytes are
// pending), to encoding/csv.
func (t *templateReader) startCSV(pending []byte, line int) {
	t.bound = &BoundedReader{R: io.MultiReader(bytes.NewReader(pending), t.br), Line: line}
	cr := csv.NewReader(t.bound)
	cr.FieldsPerRecord = -1 // a row with too many or too few fields is a row problem
	cr.LazyQuotes = false
	cr.ReuseRecord = false // set per record: Read keeps each one
	t.csv, t.csvAt = cr, line
}

// fastRead reads the next record as encoding/csv would when its line holds
// no double quote: empty lines skipped, the line end (\n, or \r\n, or a \r
// at the end of the file) dropped, the fields split at each comma. It gives
// handOver when the line holds a quote, after handing it to encoding/csv.
func (t *templateReader) fastRead() (rec []string, line int, err error) {
	for {
		b, err := t.br.ReadSlice('\n')
		if err != nil && errors.Is(err, bufio.ErrBufferFull) {
			t.buf = append(t.buf[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				if len(t.buf) > maxRecordBytes {
					return nil, 0, (&BoundError{line: t.line, what: "record"}).FileError()
				}
				b, err = t.br.ReadSlice('\n')
				t.buf = append(t.buf, b...)
			}
			b = t.buf
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("reading the template: %w", err)
		}
		if len(b) == 0 && errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		line = t.line
		if bytes.IndexByte(b, '"') >= 0 {
			t.startCSV(bytes.Clone(b), line)
			return nil, 0, errHandOver
		}
		t.line++
		if len(b) > maxRecordBytes {
			return nil, 0, (&BoundError{line: line, what: "record"}).FileError()
		}
		switch end := len(b); {
		case end >= 2 && b[end-2] == '\r' && b[end-1] == '\n':
			b = b[:end-2]
		case end >= 1 && b[end-1] == '\n':
			b = b[:end-1]
		case end >= 1 && b[end-1] == '\r': // the end of the file
			b = b[:end-1]
		}
		if len(b) == 0 {
			if errors.Is(err, io.EOF) {
				return nil, 0, io.EOF
			}
			continue // an empty line
		}
		if len(b) >= MaxFields { // a shorter line has at most MaxFields fields
			if n := bytes.Count(b, []byte{','}); n+1 > MaxFields {
				return nil, 0, (&BoundError{line: line, what: "fields", n: n + 1}).FileError()
			}
		}
		commas, ascii := scanLine(b, t.commas[:0])
		t.commas = commas
		t.ascii, t.lineLen = ascii, len(b)
		n := len(commas)
		text := t.textOf(b)
		reuse := !t.keep && t.header != nil // the header is kept
		rec = t.fastRec[:0]
		if !reuse {
			rec = t.records.next(n + 1)
		}
		from := 0
		for _, c := range commas {
			rec = append(rec, text[from:c])
			from = int(c) + 1
		}
		rec = append(rec, text[from:])
		if reuse {
			t.fastRec = rec
		}
		return rec, line, nil
	}
}

// textOf is a line's text: a copy, or with transient set, the line's bytes
// where the reader holds them, which the next line read overwrites. The
// strings of a transient row are therefore good only until the next row is
// read: whatever outlives that is copied out (strings.Clone) first.
func (t *templateReader) textOf(b []byte) string {
	if t.transient {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return t.text.of(b)
}

// errHandOver: fastRead has handed the input to encoding/csv.
var errHandOver = errors.New("handed over to encoding/csv")

// skipBOM drops a UTF-8 byte order mark (Excel's "CSV UTF-8" writes one) and
// refuses UTF-16, which Excel's "Unicode text" writes.
func skipBOM(br *bufio.Reader) error {
	head, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("reading the template: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return &FileError{
			Line:    1,
			Message: "the file is UTF-16 text, not CSV",
			Hint:    `save it as "CSV UTF-8 (Comma delimited)"`,
		}
	}
	return nil
}

// sniffSize is how much of the file sniffFormat looks at: the header is
// well within it.
const sniffSize = 8 << 10

// sniffFormat refuses, before any CSV parsing, the files that are not
// comma-separated text, which would otherwise be reported as "no column name
// is known": a workbook saved as is, UTF-16 without a byte order mark, and a
// header separated by semicolons (spreadsheets in European locales write
// them) or tabs (Excel's "Text" and "Unicode Text").
func sniffFormat(br *bufio.Reader) error {
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return fmt.Errorf("reading the template: %w", err)
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		return &FileError{
			Message: "the file is a spreadsheet workbook (.xlsx, .xls, .ods or .numbers), not CSV",
			Hint:    `open it and save it as "CSV UTF-8 (Comma delimited)" (Excel: File > Save As; LibreOffice: Save As > Text CSV; Numbers: File > Export To > CSV)`,
		}
	}
	if bytes.IndexByte(head[:min(len(head), 512)], 0) >= 0 {
		return &FileError{
			Line:    1,
			Message: "the file holds NUL bytes: it is UTF-16 text, or not text at all, not CSV",
			Hint:    `save it as "CSV UTF-8 (Comma delimited)"`,
		}
	}
	truncated := len(head) == sniffSize
	for line := 1; len(head) > 0; line++ {
		text, rest, found := bytes.Cut(head, []byte("\n"))
		if !found && truncated {
			return nil // the line goes on past what was read: let the CSV reader judge it
		}
		head = rest
		if bytes.IndexByte(bytes.TrimRight(text, "\r"), '\r') >= 0 {
			return &FileError{
				Line:    line,
				Message: `the lines end in carriage returns alone (Excel's "CSV (Macintosh)" writes them), which CSV readers do not take as line breaks`,
				Hint:    `save it as "CSV UTF-8 (Comma delimited)"`,
			}
		}
		text = bytes.TrimSpace(text)
		sep := bytes.EqualFold(text, []byte("sep=;"))
		if !sep {
			if len(bytes.Trim(text, ",")) == 0 || bytes.EqualFold(text, []byte("sep=,")) {
				continue // a blank line, a row of commas, or Excel's "sep=," line
			}
			if bytes.IndexByte(text, ',') >= 0 {
				return nil // the header, comma-separated
			}
		}
		switch {
		case sep || bytes.IndexByte(text, ';') >= 0:
			return &FileError{
				Line:    line,
				Message: "the columns are separated by semicolons, not commas",
				Hint: "save the file with commas between the columns (LibreOffice: Save As > Text CSV > Edit filter settings, field delimiter \",\"; " +
					"Excel uses the list separator of the Windows region settings: set it to \",\" or save from LibreOffice or Google Sheets)",
			}
		case bytes.IndexByte(text, '\t') >= 0:
			return &FileError{
				Line:    line,
				Message: `the columns are separated by tabs: the file is tab-separated text (Excel's "Text" or "Unicode Text"), not CSV`,
				Hint:    `save it as "CSV UTF-8 (Comma delimited)"`,
			}
		}
		return nil
	}
	return nil
}

// readRow reads the next data record into row.
func (t *templateReader) readRow() error {
	for {
		rec, line, err := t.read()
		if err != nil {
			return err
		}
		if BlankRecord(rec) {
			// Spreadsheets save empty rows as a line of commas: like a blank
			// line, it is not a data row.
			continue
		}
		t.row = Row{Line: line, Record: rec, ascii: t.csv == nil && t.ascii}
		return nil
	}
}

// read reads one record within the bounds of bounds.go, and the line it
// starts on.
func (t *templateReader) read() ([]string, int, error) {
	rec, line, err := t.readRecord()
	if err != nil {
		return nil, 0, err
	}
	if t.csv != nil || t.lineLen > maxFieldBytes { // a shorter line holds no field longer
		if err := CheckRecordBounds(rec, line); err != nil {
			return nil, 0, err
		}
	}
	if t.csv == nil && t.ascii {
		return rec, line, nil // fastRead saw every byte: ASCII is UTF-8
	}
	if err := t.checkEncoding(rec, line); err != nil {
		return nil, 0, err
	}
	return rec, line, nil
}

func (t *templateReader) readRecord() ([]string, int, error) {
	if t.csv == nil {
		rec, line, err := t.fastRead()
		if err == nil || !errors.Is(err, errHandOver) {
			return rec, line, err
		}
	}
	t.csv.ReuseRecord = !t.keep && t.header != nil
	t.bound.StartRecord()
	rec, err := t.csv.Read()
	if err != nil {
		return nil, 0, t.csvError(err)
	}
	line, _ := t.csv.FieldPos(0)
	return rec, line + t.csvAt - 1, nil
}

// checkEncoding refuses the whole file at its first cell that is not UTF-8.
//
// Excel's "CSV (Comma delimited)" on Windows writes the code page of the
// region: Windows-1252 in Western Europe and the Americas, but 1250 in
// Central Europe, 1251 for Cyrillic, and more. The bytes do not say which,
// and read in the wrong one "Jiří" becomes "JiĹ™Ă­" without any error: names
// changed in Connect that nobody asked for. Read as UTF-8, only the rows with
// accents would fail, and the file would be imported in part. So the file is
// refused whole (exit status 2) before any row is used, naming the line, the
// value as Windows-1252 shows it when it reads as that, and how to re-save.
func (t *templateReader) checkEncoding(rec []string, line int) error {
	for i, v := range rec {
		if ascii(v) || utf8.ValidString(v) {
			continue
		}
		fe := &FileError{
			Line:    line,
			Message: fmt.Sprintf("field %d is not UTF-8 text, so the file was not saved as CSV UTF-8", i+1),
			Hint:    `save it again as "CSV UTF-8 (Comma delimited)" (Excel: File > Save As; LibreOffice: Text CSV, character set Unicode (UTF-8)); the file is refused whole, so that no row is read with its accents wrong`,
		}
		if t.columns != nil && i < len(t.columns) {
			fe.Column = displayName(t.header, i, t.columns[i])
		}
		// A password is never shown, nor a cell of a row whose fields may be
		// misplaced (a password pushed right by a comma).
		hidden := t.columns == nil || len(rec) != len(t.columns) || i >= len(t.columns) || t.columns[i].Secret()
		if d, ok := fromWindows1252(v); ok {
			if hidden {
				fe.Message = fmt.Sprintf("field %d is not UTF-8 text: the file seems saved in Windows-1252, as Excel's \"CSV (Comma delimited)\" does", i+1)
			} else {
				fe.Message = fmt.Sprintf("%s is not UTF-8 text: the file seems saved in Windows-1252, as Excel's \"CSV (Comma delimited)\" does, or in another code page", Quote(d))
			}
			fe.Hint = `if it is Windows-1252 (Excel's "CSV (Comma delimited)" in Western Europe and the Americas), read it so with --encoding windows-1252; otherwise ` + fe.Hint
		}
		return fe
	}
	return nil
}

// readHeader reads the first record and maps every field to its column.
func (t *templateReader) readHeader() error {
	var rec []string
	for {
		var err error
		rec, t.headerAt, err = t.read()
		if err != nil {
			return err
		}
		// Excel's "sep=," line names the delimiter; a row of commas is blank.
		if strings.EqualFold(strings.TrimSpace(strings.Join(rec, ",")), "sep=,") || BlankRecord(rec) {
			continue
		}
		break
	}
	columns, err := mapHeader(rec, t.headerAt, t.opts)
	if err != nil {
		return err
	}
	t.header, t.columns = rec, columns
	return nil
}

// csvError turns an encoding/csv error into a FileError at its line.
func (t *templateReader) csvError(err error) error {
	var be *BoundError
	if errors.As(err, &be) {
		return be.FileError()
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return fmt.Errorf("reading the template: %w", err)
	}
	pe.Line += t.csvAt - 1
	if pe.StartLine > 0 {
		pe.StartLine += t.csvAt - 1
	}
	fe := &FileError{Line: pe.Line, Message: "not valid CSV: " + pe.Err.Error()}
	if pe.Column > 0 {
		fe.Message = fmt.Sprintf("not valid CSV at character %d: %v", pe.Column, pe.Err)
	}
	if pe.StartLine > 0 && pe.StartLine != pe.Line {
		// A quote left open runs on across line breaks, to the end of the
		// file perhaps: the row where it opens is the one to fix.
		fe.Line = pe.StartLine
		fe.Message = fmt.Sprintf("not valid CSV: a quoted field of this row is still open on line %d, at character %d: %v", pe.Line, pe.Column, pe.Err)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		fe.Hint = `a field holding a " must be enclosed in double quotes, with the quote doubled: "O""Brien"`
	case errors.Is(pe.Err, csv.ErrQuote):
		fe.Hint = `a field that starts with " runs, across line breaks, to the next ": look for an unmatched " in this row, and double a " inside a field ("O""Brien")`
	default:
		fe.Hint = `save the spreadsheet as "CSV UTF-8 (Comma delimited)"`
	}
	return fe
}

// BlankRecord is a record with nothing but white space in it.
func BlankRecord(rec []string) bool {
	for _, f := range rec {
		if trim(f) != "" {
			return false
		}
	}
	return true
}

// mapHeader maps each header field to its column. Unknown, duplicate and missing required columns
// make the file unusable.
func mapHeader(header []string, line int, opts ReadOptions) ([]Column, error) {
	keep := make(map[string]bool, len(opts.Keep))
	for _, k := range opts.Keep {
		keep[CanonicalName(k)] = true
	}
	columns := make([]Column, len(header))
	seen := make(map[string]int, len(header)) // column (or extra name) -> field index
	var unknown []int
	for i, field := range header {
		name := CanonicalName(field)
		c, ok := LookupColumn(field)
		switch {
		case name == "":
			c = ColBlank
		case ok:
		case keep[name]:
			c = ColExtra
		case closestName(field) == "":
			// Far from every known name ("notes", "start date"): a column
			// of the user's own, carried through like a kept one.
			c = ColExtra
		default:
			unknown = append(unknown, i)
			continue
		}
		columns[i] = c
		if c == ColBlank {
			continue
		}
		key := c.String()
		if c == ColExtra {
			key = "extra:" + name
		}
		if j, dup := seen[key]; dup {
			return nil, &FileError{
				Line:    line,
				Column:  cut(strings.TrimSpace(field), maxShown),
				Message: fmt.Sprintf("duplicate column: field %d and field %d (%q) are both %q", j+1, i+1, cut(strings.TrimSpace(header[j]), maxShown), c.String()),
				Hint:    "remove or rename one of them",
			}
		}
		seen[key] = i
	}
	if !knownColumn(columns, keep, header) {
		return nil, unknownColumnError(header, nil, unknown, line)
	}
	if len(unknown) > 0 {
		return nil, unknownColumnError(header, columns, unknown, line)
	}
	id := opts.Identity
	for _, c := range requiredColumns(id) {
		if _, ok := seen[c.String()]; ok || opts.Update && c != ColLogin {
			continue
		}
		if add := addColumnOf(c); add != 0 {
			if _, ok := seen[add.String()]; ok {
				continue // a create's set is the one it adds
			}
		}
		return nil, &FileError{
			Line:    line,
			Column:  c.String(),
			Message: "missing required column",
			Hint:    fmt.Sprintf("add a %q column; 'bulkagents template' writes the whole header (a file for import --update needs only the user login column and the columns it changes: check it with validate --update)", c.String()),
		}
	}
	return columns, nil
}

// knownColumn says whether a header has a template column, or one the caller
// asked to keep: one with neither is a data row, not a header.
func knownColumn(columns []Column, keep map[string]bool, header []string) bool {
	for i, c := range columns {
		if c != 0 && c != ColBlank && (c != ColExtra || keep[CanonicalName(header[i])]) {
			return true
		}
	}
	return false
}

// Carried are the columns of a header outside the template that were
// neither known nor asked for (keep): a spreadsheet user's own, far from
// every known name, which are read and written back unchanged.
func Carried(header []string, columns []Column, keep []string) []string {
	var out []string
	for i, c := range columns {
		if c == ColExtra && !slices.ContainsFunc(keep, func(k string) bool { return CanonicalName(k) == CanonicalName(header[i]) }) {
			out = append(out, cut(strings.TrimSpace(header[i]), maxShown))
		}
	}
	return out
}

// CarriedCells gives the carried columns' names (Carried's, whole, as the
// header spells them but trimmed) and each row's cells of them by input
// line: a valid row's as validated (Agent.Extra), an invalid row's as read
// (trimmed, without a formula mark), blank for a row with a field too many
// or too few. Both are nil when nothing is carried.
func CarriedCells(f *File, checked []Checked, keep []string) ([]string, map[int][]string) {
	var idx []int
	for i, c := range f.Columns {
		if c == ColExtra && !slices.ContainsFunc(keep, func(k string) bool { return CanonicalName(k) == CanonicalName(f.Header[i]) }) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	names := make([]string, len(idx))
	for j, i := range idx {
		names[j] = strings.TrimSpace(f.Header[i])
	}
	byLine := make(map[int][]string, len(checked))
	for _, c := range checked {
		cells := make([]string, len(idx))
		for j, i := range idx {
			switch {
			case c.Agent != nil:
				cells[j] = c.Agent.Extra[CanonicalName(f.Header[i])]
			case len(c.Row.Record) == len(f.Header):
				cells[j] = trim(unmark(c.Row.Record[i]))
			}
		}
		byLine[c.Row.Line] = cells
	}
	return names, byLine
}

// unknownColumnError names the first unknown column, the closest known name
// and the accepted names. A header none of whose fields is known is most
// likely a data row: say so.
func unknownColumnError(header []string, columns []Column, unknown []int, line int) error {
	known := 0
	for _, c := range columns {
		if c != 0 && c != ColBlank {
			known++
		}
	}
	if known == 0 {
		return &FileError{
			Line:    line,
			Message: "the first line is not the template's header (no column name is known)",
			Hint:    "put the header first; 'bulkagents template' writes it. Accepted column names: " + strings.Join(acceptedNames(), ", "),
		}
	}
	field := cut(strings.TrimSpace(header[unknown[0]]), maxShown)
	msg := "unknown column"
	if near := closestName(field); near != "" {
		msg += fmt.Sprintf("; the closest known name is %q", near)
	}
	if len(unknown) > 1 {
		others := make([]string, 0, len(unknown)-1)
		for n, i := range unknown[1:] {
			if n == 5 {
				others = append(others, fmt.Sprintf("and %d more", len(unknown)-6))
				break
			}
			others = append(others, fmt.Sprintf("%q", cut(strings.TrimSpace(header[i]), maxShown)))
		}
		msg += fmt.Sprintf(" (also unknown: %s)", strings.Join(others, ", "))
	}
	return &FileError{
		Line:    line,
		Column:  field,
		Message: msg,
		Hint: "rename it to one of the accepted names, or remove it: " + strings.Join(acceptedNames(), ", ") +
			"\na column of your own is carried through unchanged when its name is not this close to a known one",
	}
}
