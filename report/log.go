package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrClosed is returned by a Log used after Finish or Close.
var ErrClosed = errors.New("results file already closed")

// Log is the results file while a run is under way. The file on disk is at
// every instant a valid results CSV: the header, then whole rows appended as
// outcomes become known, each with a single write. A kill -9 leaves whole
// rows; a power cut can tear only the last, unsynced row, which Load and
// Resume ignore. A later row for the same line supersedes an earlier one, so
// the import writes a row before a risky call (the write-ahead) and another
// once it knows the outcome. Finish then replaces the file with one row per
// input row, in input order.
//
// A Log is safe for concurrent use.
type Log struct {
	path string
	// lay is the file's header and where each of its columns' cells come
	// from: Header and the carried columns, or a resumed file's own header.
	lay *layout
	// carried are the carried columns' names as Finish writes them, and
	// carriedKeys the same canonical; cells gives a row's cells of them.
	carried, carriedKeys []string
	cells                func(line int) []string
	// instance is written in the instance column of every row that names
	// none (SetInstance), so that --resume can tell the file's instance
	// from any row.
	instance string

	// syncMu serialises syncs, Finish and Close; it is taken before mu.
	// Holding it across an fsync lets one fsync cover every row written
	// while the previous one ran (group commit).
	syncMu sync.Mutex
	synced uint64 // rows known to be on disk

	mu      sync.Mutex // guards the fields below and the file's writes
	f       *os.File
	written uint64 // rows written
	err     error  // the first write or sync failure: the file may be torn, so no more appends
	closed  bool
}

// Create makes a new results file holding just the header, mode 0600.
// Without force it refuses an existing file (ErrExists, wrapped with the
// path); with force it replaces it atomically.
func Create(path string, force bool) (*Log, error) {
	return CreateCarrying(path, force, CarriedColumns{})
}

// CarriedColumns are the input's columns of the user's own (outside the
// template, such as "notes") that a run carries into the results file,
// after the tool's own columns.
type CarriedColumns struct {
	// Names are the columns' names as the input spells them. A name that is
	// one of the results file's own columns (Header) is not carried: the
	// file would have two columns of one name.
	Names []string
	// Cells gives a row's cells of Names by its input line; nil, or fewer
	// cells than names, leaves them blank.
	Cells func(line int) []string
}

// CreateCarrying is Create with carried columns.
func CreateCarrying(path string, force bool, carry CarriedColumns) (*Log, error) {
	l := &Log{path: path}
	l.carry(nil, carry, nil)
	f, err := writeTemp(path, [][]string{l.lay.header})
	if err != nil {
		return nil, fmt.Errorf("results file: %w", err)
	}
	// The temporary file's descriptor stays ours: once published under
	// path, it is the results file.
	if err := publish(f.Name(), path, force); err != nil {
		f.Close()
		return nil, fmt.Errorf("results file: %w", err)
	}
	l.f = f
	return l, nil
}

// carry sets the carried columns: a resumed file's own (fileCarried, with
// their cells by line in kept) first, then the run's that the file lacks;
// the run's cells win for a column both have. A name that is one of
// Header's is not carried. It lays the file out as a new one is: Header,
// then the carried columns.
func (l *Log) carry(fileCarried []string, run CarriedColumns, kept map[int][]string) {
	index := map[string]int{}
	add := func(name string) int {
		key := canonicalColumn(name)
		if i, ok := index[key]; ok {
			return i
		}
		for _, h := range Header {
			if h == key {
				return -1
			}
		}
		index[key] = len(l.carried)
		l.carried = append(l.carried, strings.TrimSpace(name))
		l.carriedKeys = append(l.carriedKeys, key)
		return index[key]
	}
	for _, name := range fileCarried {
		add(name)
	}
	runAt := make([]int, len(run.Names))
	for j, name := range run.Names {
		runAt[j] = add(name)
	}
	n := len(l.carried)
	if n > 0 {
		l.cells = func(line int) []string {
			cells := make([]string, n)
			copy(cells, kept[line])
			if run.Cells != nil {
				for j, c := range run.Cells(line) {
					if j < len(runAt) && runAt[j] >= 0 {
						cells[runAt[j]] = c
					}
				}
			}
			return cells
		}
	}
	l.lay = newLayout(append(slices.Clone(Header), l.carried...), l.carriedKeys)
}

// rowCells are the carried cells of line's row, in l.carried's order.
func (l *Log) rowCells(line int) []string {
	if l.cells == nil {
		return nil
	}
	return l.cells(line)
}

// Resume opens an existing results file for appending and returns its rows,
// the last row per line. A torn last row (from a power cut) is cut off the
// file before anything is appended.
func Resume(path string) (*Log, map[int]Outcome, error) {
	return ResumeCarrying(path, CarriedColumns{})
}

// ResumeCarrying is Resume with the run's carried columns. The file's own
// columns that this version does not know (carried by the run that wrote
// it, or a later version's) are read back by name and kept: rows appended
// now carry them, and Finish writes them after the tool's own columns (the
// file's first, then the run's that the file lacks).
func ResumeCarrying(path string, carry CarriedColumns) (*Log, map[int]Outcome, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("results file: %w", err)
	}
	fail := func(err error) (*Log, map[int]Outcome, error) {
		f.Close()
		return nil, nil, fmt.Errorf("results file %s: %w", path, err)
	}
	// A mode loosened since (a copy, a chmod) is tightened before any
	// password is appended.
	if runtime.GOOS != "windows" {
		if err := f.Chmod(0o600); err != nil {
			return fail(fmt.Errorf("make it private (mode 0600): %w", err))
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fail(err)
	}
	res, err := parseResults(data)
	if err != nil {
		return fail(err)
	}
	good := res.good
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			return fail(fmt.Errorf("cut off the torn last row: %w", err))
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		return fail(err)
	}
	l := &Log{path: path, f: f}
	l.carry(res.carried, carry, res.kept)
	// Rows appended now follow the file's own header (an older file may
	// lack a column); Finish rewrites the file with today's header.
	written := l.lay
	if res.header != nil {
		l.lay = newLayout(res.header, l.carriedKeys)
	}
	if good == 0 { // an empty file, or a header torn by a power cut
		if err := l.write(append([]byte(utf8BOM), encode(written.header)...)); err != nil {
			return fail(err)
		}
	}
	if good < len(data) || good == 0 {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	return l, res.rows, nil
}

// Load reads a results file: the last row per line, values as they were
// before neutralisation. A torn last row is ignored.
// DryRunOnly reports whether the results file at path holds rows and every
// one of them is a dry run's (would-create, would-update, would-delete) with
// no password: a file no run has recorded any outcome in, which the next run
// may replace without --force and lose nothing. A file that cannot be read
// as results is not.
func DryRunOnly(path string) bool {
	rows, err := Load(path)
	if err != nil || len(rows) == 0 {
		return false
	}
	for _, o := range rows {
		if !o.Status.DryRun() || o.Password != "" {
			return false
		}
	}
	return true
}

func Load(path string) (map[int]Outcome, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("results file: %w", err)
	}
	res, err := parseResults(data)
	if err != nil {
		return nil, fmt.Errorf("results file %s: %w", path, err)
	}
	return res.rows, nil
}

// Append writes one row as one write(2). A row that carries a password, or
// whose status is created, is synced to disk before Append returns: the
// import appends the password it is about to set before it sends the call
// that sets it. Other rows are synced by the next such row, Sync, Finish or
// Close, so that re-running 20,000 rows that exist costs no fsync per row.
func (l *Log) Append(o Outcome) error {
	if err := o.check(); err != nil {
		return fmt.Errorf("results file %s: %w", l.path, err)
	}
	if o.Instance == "" {
		o.Instance = l.instance
	}
	row, err := encodeOutcome(l.lay, o, l.rowCells(o.Line))
	if err != nil {
		return fmt.Errorf("results file %s: %w", l.path, err)
	}
	l.mu.Lock()
	err = l.write(row)
	seq := l.written
	l.mu.Unlock()
	if err != nil {
		return err
	}
	if o.Password == "" && o.Status != Created {
		return nil
	}
	return l.syncTo(seq)
}

// SetInstance makes every row written from now on that names no instance
// name this one: the run's. Call it before the first Append.
func (l *Log) SetInstance(id string) { l.instance = id }

// Sync makes every row appended so far durable.
func (l *Log) Sync() error {
	l.mu.Lock()
	seq, stuck := l.written, l.err
	l.mu.Unlock()
	if stuck != nil {
		return stuck
	}
	return l.syncTo(seq)
}

// write appends one encoded row; l.mu is held.
func (l *Log) write(row []byte) error {
	if l.closed {
		return fmt.Errorf("results file %s: %w", l.path, ErrClosed)
	}
	if l.err != nil {
		return l.err
	}
	if _, err := l.f.Write(row); err != nil {
		l.err = fmt.Errorf("results file %s: append: %w", l.path, err)
		return l.err
	}
	l.written++
	return nil
}

// syncTo returns once the first seq rows are on disk.
func (l *Log) syncTo(seq uint64) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	if l.synced >= seq {
		return nil // a sync that started after our write covered it
	}
	l.mu.Lock()
	target, f, closed, stuck := l.written, l.f, l.closed, l.err
	l.mu.Unlock()
	if stuck != nil {
		return stuck
	}
	if closed { // Close synced everything written, or would have set l.err
		return nil
	}
	// Other goroutines may write while this syncs; their rows get the next sync.
	if err := f.Sync(); err != nil {
		// After a failed fsync the kernel may have dropped the dirty pages:
		// a retry could succeed without the rows being on disk.
		l.mu.Lock()
		if l.err == nil {
			l.err = fmt.Errorf("results file %s: sync: %w", l.path, err)
		}
		err = l.err
		l.mu.Unlock()
		return err
	}
	l.synced = target
	return nil
}

// Finish replaces the results file atomically (a temporary file in the same
// folder, mode 0600, synced, renamed over it, the folder synced) with exactly
// rows, in the order given: the caller passes input order, one row per data
// row. It then closes the log. If Finish fails, the file on disk is the one
// the appends made, and the log stays open: Append or Finish again, or Close.
//
// The rows are written one at a time, never all formatted at once: the
// outcomes are the largest thing a big import holds, and a second copy of
// them as text would nearly double its peak memory.
func (l *Log) Finish(rows []Outcome) error {
	for _, o := range rows {
		if err := o.check(); err != nil {
			return fmt.Errorf("results file %s: %w", l.path, err)
		}
	}

	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return fmt.Errorf("results file %s: %w", l.path, ErrClosed)
	}
	lay := newLayout(append(slices.Clone(Header), l.carried...), l.carriedKeys)
	tmp, err := writeTempRows(l.path, utf8BOM, func(w *csv.Writer) error {
		if err := w.Write(lay.header); err != nil {
			return err
		}
		rw := &rowWriter{w: w, lay: lay}
		for _, o := range rows {
			if o.Instance == "" {
				o.Instance = l.instance
			}
			if err := rw.put(o, l.rowCells(o.Line)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("results file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("results file: write %s: %w", l.path, err)
	}
	if runtime.GOOS == "windows" { // an open file cannot be renamed over there
		if err := l.closeFile(); err != nil {
			os.Remove(tmp.Name())
			return err
		}
	}
	if err := publish(tmp.Name(), l.path, true); err != nil {
		return fmt.Errorf("results file: %w", err)
	}
	// The old file's rows are superseded: no need to sync them.
	l.closed = true
	if err := l.f.Close(); err != nil && !errors.Is(err, fs.ErrClosed) {
		return fmt.Errorf("results file %s: %w", l.path, err)
	}
	return nil
}

// Close syncs and closes the file, leaving it as the appends made it.
// Closing a closed log does nothing.
func (l *Log) Close() error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	return l.closeFile()
}

// closeFile syncs and closes the file and marks the log closed; l.syncMu
// and l.mu are held.
func (l *Log) closeFile() error {
	l.closed = true
	syncErr := l.f.Sync()
	closeErr := l.f.Close()
	if err := errors.Join(syncErr, closeErr); err != nil {
		if l.err == nil {
			l.err = fmt.Errorf("results file %s: close: %w", l.path, err)
		}
		return l.err
	}
	l.synced = l.written
	return nil
}

// utf8BOM is what Excel puts in front of a CSV file it saves, and what the
// results file, the team files and the retry file start with, so that Excel
// reads their accented names as UTF-8. It goes in the header's write, so a
// file is never without it once it has a header.
const utf8BOM = "\ufeff"

// results is what parseResults read.
type results struct {
	rows map[int]Outcome // the last row per line
	// header is the file's header as written; nil when the file has none
	// (empty, or its header torn).
	header []string
	// carried are the file's columns this version does not know, as
	// written, and kept their cells by line (of the last row per line).
	carried []string
	kept    map[int][]string
	good    int // where a torn last row begins: the length to cut the file to
}

// parseResults reads the rows of a results file. Only a whole row counts:
// one that ends with a line break and reads as an outcome. Anything after
// the last whole row is a row torn by a crash and is ignored; good is where
// it begins, the length the file should be cut to before appending (0: no
// usable header either). A bad row before a whole one is an error, as is a
// header that is not the results file's.
//
// The rows are read here, with encoding/csv, and checked; gocsv then makes
// them Outcomes by the header's names (csvrows.go says why so).
func parseResults(data []byte) (*results, error) {
	res := &results{rows: map[int]Outcome{}}
	start := 0
	if len(data) < len(utf8BOM) && bytes.HasPrefix([]byte(utf8BOM), data) {
		return res, nil // the byte order mark itself torn
	}
	if bytes.HasPrefix(data, []byte(utf8BOM)) {
		start = len(utf8BOM)
	}
	if rest := data[start:]; !bytes.Contains(rest, []byte("\n")) {
		for _, h := range [][]string{Header, ContractHeader} {
			if headerLine := encode(h); len(rest) < len(headerLine) && bytes.HasPrefix(headerLine, rest) {
				return res, nil // empty, or the header itself torn
			}
		}
	}

	r := csv.NewReader(bytes.NewReader(data[start:]))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	wholeAt := func(end int64) bool { return end > 0 && data[start+int(end)-1] == '\n' }

	header, err := r.Read()
	if err != nil || !wholeAt(r.InputOffset()) {
		return nil, fmt.Errorf("not a results file: the first line should begin %q", strings.Join(ContractHeader, ","))
	}
	names, err := checkHeader(header)
	if err != nil {
		return nil, fmt.Errorf("not a results file: %v in the header (it should begin %q)", err, strings.Join(ContractHeader, ","))
	}
	res.header = header
	res.good = start + int(r.InputOffset())
	lineAt, statusAt := slices.Index(names, "line"), slices.Index(names, "status")
	var extra []int // the columns this version does not know
	for i, n := range names {
		if n != "" && !slices.Contains(Header, n) {
			extra = append(extra, i)
			res.carried = append(res.carried, strings.TrimSpace(header[i]))
		}
	}

	recs, good, err := readRows(r, names, lineAt, statusAt, start, wholeAt)
	if err != nil {
		return nil, err
	}
	if good >= 0 {
		res.good = good
	}
	outs, err := decodeOutcomes(names, recs)
	if err != nil { // every cell was checked: a defect, said as such
		return nil, fmt.Errorf("read the rows: %w", err)
	}
	if len(extra) > 0 {
		res.kept = map[int][]string{}
	}
	for i, o := range outs {
		res.rows[o.Line] = o
		if res.kept != nil {
			cells := make([]string, len(extra))
			for k, j := range extra {
				cells[k] = recs[i][j]
			}
			res.kept[o.Line] = cells
		}
	}
	return res, nil
}

// readRows reads the rows after the header: every whole row, checked,
// and the offset in data after the last whole one (-1: none). Rows torn
// at the end (a run killed while appending) are left out; a bad row before
// a whole one is an error.
func readRows(r *csv.Reader, names []string, lineAt, statusAt, start int, wholeAt func(int64) bool) ([][]string, int, error) {
	type entry struct {
		rec  []string
		line int // the file's line the row starts on
		err  error
		end  int
	}
	var entries []entry
	lastWhole := -1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		e := entry{err: err, end: start + int(r.InputOffset())}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			e.line = pe.StartLine
		} else if err == nil {
			e.line, _ = r.FieldPos(0)
			e.rec, e.err = checkRecord(rec, len(names), lineAt, statusAt)
			if e.err == nil && !wholeAt(r.InputOffset()) {
				e.err = errors.New("no line break at its end")
			}
		}
		if e.err == nil {
			lastWhole = len(entries)
		}
		entries = append(entries, e)
	}
	recs := make([][]string, 0, lastWhole+1)
	for _, e := range entries[:lastWhole+1] {
		if e.err != nil {
			return nil, -1, fmt.Errorf("row on line %d: %w", e.line, e.err)
		}
		recs = append(recs, e.rec)
	}
	good := -1
	if lastWhole >= 0 {
		good = entries[lastWhole].end
	}
	return recs, good, nil
}

// checkHeader gives a results file's header names made canonical. Every
// contract column must be there once (any order); further columns, known
// or not, are allowed.
func checkHeader(header []string) ([]string, error) {
	seen := map[string]bool{}
	names := make([]string, len(header))
	for i, h := range header {
		h = canonicalColumn(h)
		if h != "" && seen[h] {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		seen[h] = true
		names[i] = h
	}
	for _, c := range ContractHeader {
		if !seen[c] {
			return nil, fmt.Errorf("no %q column", c)
		}
	}
	return names, nil
}

// checkRecord checks what gocsv would take for a zero or refuse: the number
// of fields, the line number, the status word. It gives the record with
// each cell as it was before neutralisation, and the line number as gocsv
// reads it (in decimal: it would take "010" for octal).
func checkRecord(rec []string, fields, lineAt, statusAt int) ([]string, error) {
	if len(rec) != fields {
		return nil, fmt.Errorf("%d fields, want %d", len(rec), fields)
	}
	line, err := strconv.Atoi(rec[lineAt])
	if err != nil || line < 1 {
		return nil, fmt.Errorf("line %q is not a line number", rec[lineAt])
	}
	if s := Status(rec[statusAt]); !s.Valid() {
		return nil, fmt.Errorf("unknown status %q", s)
	}
	for i, cell := range rec {
		rec[i] = restore(cell)
	}
	rec[lineAt] = strconv.Itoa(line)
	return rec, nil
}
