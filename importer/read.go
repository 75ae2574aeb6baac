package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gocarina/gocsv"
)

// File is a template as read: its header and its data rows.
type File struct {
	Header  []string // the header fields as the file spells them (BOM stripped)
	Columns []Column // the canonical column of each header field
	Rows    []Row

	// decoded holds each row's cells by column, as gocsv decoded them; it
	// parallels Rows. A File built by hand has none, and Validate falls back
	// to Value.
	decoded []templateRow
}

// Row is one data record.
type Row struct {
	Line   int      // the line the record starts on (the header is line 1 when it is the first line)
	Record []string // the fields as read, for the retry file
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
		fmt.Fprintf(&b, "column %q: ", e.Column)
	}
	b.WriteString(e.Message)
	return b.String()
}

// templateRow is one row as gocsv decodes it, by the canonical column names
// that templateReader puts in the header it hands over. Every field is a
// string: validation, not decoding, judges the values, so that every problem
// of a row is reported and none stops the read.
type templateRow struct {
	FirstName        string `csv:"first name"`
	LastName         string `csv:"last name"`
	Email            string `csv:"email address"`
	SecondaryEmail   string `csv:"secondary email address"`
	Mobile           string `csv:"mobile"`
	Password         string `csv:"password"`
	Login            string `csv:"user login"`
	AgentHierarchy   string `csv:"agent hierarchy"`
	RoutingProfile   string `csv:"routing profile name"`
	SecurityProfiles string `csv:"security_profile_name_1|security_profile_name_2"`
	Hierarchy        string `csv:"user_hierarchy_1|user_hierarchy_2"`
	PhoneType        string `csv:"phone type (soft/desk)"`
	PhoneNumber      string `csv:"phone number"`
	AutoAccept       string `csv:"soft phone auto accept (yes/no)"`
	ACWTimeout       string `csv:"acw timeout (seconds)"`
	Tags             string `csv:"tags"`
	UserHierarchy    string `csv:"userhierarchy"`
}

// Read reads a whole template. A file that cannot be used at all (unknown or
// missing required column, duplicate column, no data rows, not CSV) gives a
// *FileError.
func Read(ctx context.Context, r io.Reader, opts ReadOptions) (*File, error) {
	tr, err := newTemplateReader(ctx, r, opts)
	if err != nil {
		return nil, err
	}
	var decoded []templateRow
	// gocsv is handed our own reader (BOM stripped, header canonical, lines
	// recorded) instead of being configured through its package globals,
	// which are shared and racy.
	if err := gocsv.UnmarshalCSV(tr, &decoded); err != nil {
		var fe *FileError
		if errors.As(err, &fe) || errors.Is(err, ctx.Err()) && ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("decoding the template: %w", err)
	}
	if len(decoded) != len(tr.rows) {
		return nil, fmt.Errorf("decoding the template: %d rows decoded of %d read", len(decoded), len(tr.rows))
	}
	return &File{Header: tr.header, Columns: tr.columns, Rows: tr.rows, decoded: decoded}, nil
}

// templateReader is the csv.Reader that Read owns, seen by gocsv through its
// CSVReader interface. Its first record is the header with every field
// replaced by its canonical column name; the data records follow, blank ones
// skipped, each one's start line kept in rows.
type templateReader struct {
	ctx      context.Context
	csv      *csv.Reader
	opts     ReadOptions
	header   []string
	headerAt int // the header's line
	columns  []Column
	rows     []Row
	started  bool
}

func newTemplateReader(ctx context.Context, r io.Reader, opts ReadOptions) (*templateReader, error) {
	br := bufio.NewReaderSize(r, 64*1024)
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // a row with too many or too few fields is a row problem
	cr.LazyQuotes = false
	cr.ReuseRecord = false // Row.Record keeps each record
	return &templateReader{ctx: ctx, csv: cr, opts: opts}, nil
}

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

// Read gives the canonical header first, then each data record.
func (t *templateReader) Read() ([]string, error) {
	if !t.started {
		t.started = true
		return t.readHeader()
	}
	for {
		if len(t.rows)%1024 == 0 {
			if err := t.ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := t.csv.Read()
		if err != nil {
			return nil, t.csvError(err)
		}
		if blankRecord(rec) {
			// Spreadsheets save empty rows as a line of commas: like a blank
			// line, it is not a data row.
			continue
		}
		line, _ := t.csv.FieldPos(0)
		t.rows = append(t.rows, Row{Line: line, Record: rec})
		return rec, nil
	}
}

// ReadAll reads the header and every data record; a file without data rows is
// unusable.
func (t *templateReader) ReadAll() ([][]string, error) {
	var all [][]string
	for {
		rec, err := t.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		all = append(all, rec)
	}
	if len(all) == 0 {
		return nil, &FileError{Message: "the file is empty", Hint: "start from 'bulkagents template', which writes the header"}
	}
	if len(all) == 1 {
		return nil, &FileError{
			Line:    t.headerAt,
			Message: "no data rows below the header",
			Hint:    "add one row per agent below the header line",
		}
	}
	return all, nil
}

// readHeader reads the first record and maps every field to its column.
func (t *templateReader) readHeader() ([]string, error) {
	var rec []string
	for {
		var err error
		rec, err = t.csv.Read()
		if err != nil {
			return nil, t.csvError(err)
		}
		// Excel's "sep=," line names the delimiter; a row of commas is blank.
		if strings.EqualFold(strings.TrimSpace(strings.Join(rec, ",")), "sep=,") || blankRecord(rec) {
			continue
		}
		break
	}
	t.headerAt, _ = t.csv.FieldPos(0)
	canon, columns, err := mapHeader(rec, t.headerAt, t.opts)
	if err != nil {
		return nil, err
	}
	t.header, t.columns = rec, columns
	return canon, nil
}

// csvError turns an encoding/csv error into a FileError at its line.
func (t *templateReader) csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return fmt.Errorf("reading the template: %w", err)
	}
	fe := &FileError{Line: pe.Line, Message: "not valid CSV: " + pe.Err.Error()}
	if pe.Column > 0 {
		fe.Message = fmt.Sprintf("not valid CSV at character %d: %v", pe.Column, pe.Err)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		fe.Hint = `a field holding a " must be enclosed in double quotes, with the quote doubled: "O""Brien"`
	case errors.Is(pe.Err, csv.ErrQuote):
		fe.Hint = "a quoted field must end with a closing double quote; look for an unmatched \" on or after this line"
	default:
		fe.Hint = `save the spreadsheet as "CSV UTF-8 (Comma delimited)"`
	}
	return fe
}

// blankRecord is a record with nothing but white space in it.
func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// mapHeader maps each header field to its column and gives the canonical
// header gocsv decodes by. Unknown, duplicate and missing required columns
// make the file unusable.
func mapHeader(header []string, line int, opts ReadOptions) ([]string, []Column, error) {
	keep := make(map[string]bool, len(opts.Keep))
	for _, k := range opts.Keep {
		keep[CanonicalName(k)] = true
	}
	canon := make([]string, len(header))
	columns := make([]Column, len(header))
	seen := make(map[string]int, len(header)) // column (or extra name) -> field index
	var unknown []int
	for i, field := range header {
		name := CanonicalName(field)
		c, ok := lookupColumn(field)
		switch {
		case name == "":
			c = ColBlank
		case ok:
			canon[i] = c.String()
		case keep[name]:
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
			return nil, nil, &FileError{
				Line:    line,
				Column:  strings.TrimSpace(field),
				Message: fmt.Sprintf("duplicate column: field %d and field %d (%q) are both %q", j+1, i+1, strings.TrimSpace(header[j]), c.String()),
				Hint:    "remove or rename one of them",
			}
		}
		seen[key] = i
	}
	if len(unknown) > 0 {
		return nil, nil, unknownColumnError(header, columns, unknown, line)
	}
	id := opts.Identity
	for _, c := range requiredColumns(id) {
		if _, ok := seen[c.String()]; ok {
			continue
		}
		return nil, nil, &FileError{
			Line:    line,
			Column:  c.String(),
			Message: "missing required column",
			Hint:    fmt.Sprintf("add a %q column; 'bulkagents template' writes the whole header", c.String()),
		}
	}
	return canon, columns, nil
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
	first := unknown[0]
	field := strings.TrimSpace(header[first])
	if known == 0 {
		return &FileError{
			Line:    line,
			Message: "the first line is not the template's header (no column name is known)",
			Hint:    "put the header first; 'bulkagents template' writes it. Accepted column names: " + strings.Join(acceptedNames(), ", "),
		}
	}
	msg := fmt.Sprintf("unknown column; the closest known name is %q", closestName(field))
	if len(unknown) > 1 {
		others := make([]string, 0, len(unknown)-1)
		for n, i := range unknown[1:] {
			if n == 5 {
				others = append(others, fmt.Sprintf("and %d more", len(unknown)-6))
				break
			}
			others = append(others, fmt.Sprintf("%q", strings.TrimSpace(header[i])))
		}
		msg += fmt.Sprintf(" (also unknown: %s)", strings.Join(others, ", "))
	}
	return &FileError{
		Line:    line,
		Column:  field,
		Message: msg,
		Hint:    "rename it to one of the accepted names, or remove it: " + strings.Join(acceptedNames(), ", "),
	}
}
