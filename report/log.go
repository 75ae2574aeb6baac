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
	path    string
	columns []string // the file's header: Header, or a resumed file's own
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
	f, err := writeTemp(path, [][]string{Header})
	if err != nil {
		return nil, fmt.Errorf("results file: %w", err)
	}
	// The temporary file's descriptor stays ours: once published under
	// path, it is the results file.
	if err := publish(f.Name(), path, force); err != nil {
		f.Close()
		return nil, fmt.Errorf("results file: %w", err)
	}
	return &Log{path: path, columns: Header, f: f}, nil
}

// Resume opens an existing results file for appending and returns its rows,
// the last row per line. A torn last row (from a power cut) is cut off the
// file before anything is appended.
func Resume(path string) (*Log, map[int]Outcome, error) {
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
	rows, lay, good, err := parseResults(data)
	if err != nil {
		return fail(err)
	}
	if good < len(data) {
		if err := f.Truncate(int64(good)); err != nil {
			return fail(fmt.Errorf("cut off the torn last row: %w", err))
		}
	}
	if _, err := f.Seek(int64(good), io.SeekStart); err != nil {
		return fail(err)
	}
	// Rows appended now follow the file's own header (an older file may
	// lack a column); Finish rewrites the file with today's header.
	l := &Log{path: path, columns: Header, f: f}
	if lay != nil {
		l.columns = lay.columns
	}
	if good == 0 { // an empty file, or a header torn by a power cut
		if err := l.write(append([]byte(utf8BOM), encode(Header)...)); err != nil {
			return fail(err)
		}
	}
	if good < len(data) || good == 0 {
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	}
	return l, rows, nil
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
	rows, _, _, err := parseResults(data)
	if err != nil {
		return nil, fmt.Errorf("results file %s: %w", path, err)
	}
	return rows, nil
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
	row := encode(o.record(l.columns))
	l.mu.Lock()
	err := l.write(row)
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
	tmp, err := writeTempRows(l.path, utf8BOM, len(rows)+1, func(i int) []string {
		if i == 0 {
			return Header
		}
		if o := rows[i-1]; o.Instance == "" && l.instance != "" {
			o.Instance = l.instance
			return o.record(Header)
		}
		return rows[i-1].record(Header)
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

// encode formats one CSV row into a buffer, so that it reaches the file in
// a single write. The CSV writers are pooled: each holds a 4 KiB buffer,
// and an import encodes a row or two per input row.
func encode(record []string) []byte {
	e := encoders.Get().(*encoder)
	e.buf.Reset()
	e.w.Write(record) // writing to a bytes.Buffer cannot fail
	e.w.Flush()
	row := bytes.Clone(e.buf.Bytes())
	encoders.Put(e)
	return row
}

type encoder struct {
	buf bytes.Buffer
	w   *csv.Writer
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.w = csv.NewWriter(&e.buf)
	return e
}}

// utf8BOM is what Excel puts in front of a CSV file it saves, and what the
// results file, the team files and the retry file start with, so that Excel
// reads their accented names as UTF-8. It goes in the header's write, so a
// file is never without it once it has a header.
const utf8BOM = "\ufeff"

// parseResults reads the rows of a results file. Only a whole row counts:
// one that ends with a line break and reads as an outcome. Anything after
// the last whole row is a row torn by a crash and is ignored; good is where
// it begins, the length the file should be cut to before appending (0: no
// usable header either). A bad row before a whole one is an error, as is a
// header that is not the results file's.
func parseResults(data []byte) (rows map[int]Outcome, lay *layout, good int, err error) {
	rows = map[int]Outcome{}
	start := 0
	if len(data) < len(utf8BOM) && bytes.HasPrefix([]byte(utf8BOM), data) {
		return rows, nil, 0, nil // the byte order mark itself torn
	}
	if bytes.HasPrefix(data, []byte(utf8BOM)) {
		start = len(utf8BOM)
	}
	if rest := data[start:]; !bytes.Contains(rest, []byte("\n")) {
		for _, h := range [][]string{Header, ContractHeader} {
			if headerLine := encode(h); len(rest) < len(headerLine) && bytes.HasPrefix(headerLine, rest) {
				return rows, nil, 0, nil // empty, or the header itself torn
			}
		}
	}

	r := csv.NewReader(bytes.NewReader(data[start:]))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	wholeAt := func(end int64) bool { return end > 0 && data[start+int(end)-1] == '\n' }

	header, err := r.Read()
	if err != nil || !wholeAt(r.InputOffset()) {
		return nil, nil, 0, fmt.Errorf("not a results file: the first line should begin %q", strings.Join(ContractHeader, ","))
	}
	lay, err = newLayout(header)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("not a results file: %v in the header (it should begin %q)", err, strings.Join(ContractHeader, ","))
	}
	good = start + int(r.InputOffset())

	type entry struct {
		o    Outcome
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
			e.o, e.err = lay.parse(rec)
			if e.err == nil && !wholeAt(r.InputOffset()) {
				e.err = errors.New("no line break at its end")
			}
		}
		if e.err == nil {
			lastWhole = len(entries)
		}
		entries = append(entries, e)
	}
	for _, e := range entries[:lastWhole+1] {
		if e.err != nil {
			return nil, nil, 0, fmt.Errorf("row on line %d: %w", e.line, e.err)
		}
		rows[e.o.Line] = e.o
	}
	if lastWhole >= 0 {
		good = entries[lastWhole].end
	}
	return rows, lay, good, nil
}
