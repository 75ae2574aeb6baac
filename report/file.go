package report

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"unicode/utf8"
)

// ErrExists is returned, wrapped with the path, when a results or retry file
// is already there and force was not given.
var ErrExists = errors.New("file already exists")

// renameFile and linkFile are os.Rename and os.Link, swapped by tests to
// fail.
var (
	renameFile = os.Rename
	linkFile   = os.Link
)

// writeTemp writes records as CSV to a new file, mode 0600, in the folder
// of path, and syncs it. It returns the open file, its offset at the end, so
// that the caller can keep writing to it once it is in place.
func writeTemp(path string, records [][]string) (*os.File, error) {
	return writeTempWith(path, utf8BOM, records)
}

// writeTempWith is writeTemp with prefix (a byte order mark) written first.
func writeTempWith(path, prefix string, records [][]string) (*os.File, error) {
	return writeTempRows(path, prefix, func(w *csv.Writer) error {
		for _, rec := range records {
			if err := w.Write(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeTempRows is writeTempWith with the records written by write, so that
// they need not all be held at once.
func writeTempRows(path, prefix string, write func(w *csv.Writer) error) (*os.File, error) {
	// os.CreateTemp makes the file with mode 0600: passwords are never readable
	// by others, not even for an instant.
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	fail := func(err error) (*os.File, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	bw.WriteString(prefix) // an error here is the Flush's below
	cw := csv.NewWriter(bw)
	if err := write(cw); err != nil {
		return fail(err)
	}
	if cw.Flush(); cw.Error() != nil {
		return fail(cw.Error())
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	return f, nil
}

// publish puts the synced temporary file tmp in place at path, atomically:
// at every instant path is either absent or old, or the whole new file.
// Without force it refuses to replace an existing path (ErrExists). The
// folder is synced so that the new name survives a power cut.
func publish(tmp, path string, force bool) error {
	if force {
		if err := renameFile(tmp, path); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("write %s: %w", path, err)
		}
		return syncDir(filepath.Dir(path))
	}
	// A hard link never replaces an existing name, so this is an atomic
	// "create if absent" of a file that already holds its content.
	err := linkFile(tmp, path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// Some file systems have no hard links: check, then rename. Another
		// process could create path in between; nothing here races with us.
		if _, statErr := os.Lstat(path); statErr == nil {
			err = fs.ErrExist
		} else if errors.Is(statErr, fs.ErrNotExist) {
			if err = renameFile(tmp, path); err == nil {
				tmp = "" // renamed: nothing left to remove
			}
		}
	}
	if tmp != "" {
		os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s: %w", path, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes a folder's entries durable: a new or renamed file's name
// survives a power cut only once its folder is synced.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" { // folders cannot be opened for syncing there; NTFS journals names
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// WriteRetry writes the retry file: the input's own header and just the given
// records (the rows that are invalid, failed or not attempted), as plain CSV,
// mode 0600, ready to fix and import again. Cells keep the values the input
// gave them, but a cell a spreadsheet would run as a formula is written with
// the leading apostrophe of Neutralise, which the readers (import and
// remove) take off again: the retry file is opened in Excel to be fixed. It
// replaces an existing file only when force is set.
//
// The file starts with a UTF-8 byte order mark, as Excel's "CSV UTF-8"
// does: without one, Excel opens it in the Windows code page ("José" shows
// as "JosÃ©") and saves it back so. Text that is not UTF-8 (a file saved in
// Windows-1252) is left as the input had it, unmarked.
func WriteRetry(path string, header []string, records [][]string, force bool) error {
	all := make([][]string, 0, len(records)+1)
	all = append(all, header)
	for _, rec := range records {
		out := make([]string, len(rec))
		for i, cell := range rec {
			out[i] = retryCell(cell)
		}
		all = append(all, out)
	}
	prefix := ""
	if needsBOM(all) {
		prefix = utf8BOM
	}
	f, err := writeTempWith(path, prefix, all)
	if err != nil {
		return fmt.Errorf("retry file: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("retry file: write %s: %w", path, err)
	}
	if err := publish(f.Name(), path, force); err != nil {
		return fmt.Errorf("retry file: %w", err)
	}
	return nil
}

// retryCell is an input cell as the retry file holds it: with the formula
// mark when a spreadsheet would run it as a formula. A cell that has the
// mark already (a file bulkagents wrote, or a careful spreadsheet) keeps it
// as it is: the readers take one mark off, so its value is unchanged.
func retryCell(cell string) string {
	if len(cell) >= 2 && cell[0] == '\'' {
		switch cell[1] {
		case '=', '+', '-', '@', '\t', '\r', '\'':
			return cell
		}
	}
	return Neutralise(cell)
}

// needsBOM reports whether records are all UTF-8: a byte order mark would
// make a spreadsheet misread anything else.
func needsBOM(records [][]string) bool {
	for _, rec := range records {
		for _, cell := range rec {
			if !utf8.ValidString(cell) {
				return false
			}
		}
	}
	return true
}
