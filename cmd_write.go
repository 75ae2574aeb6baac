package main

// The one voice of every command that writes a file (template --out,
// export, remove, handout, import) or standard output (template, validate
// --format json, export --out -) when the writing fails: what stopped it and
// what to do about it, a read-only folder or a full disk.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// stdoutPath names standard output in writeFailed.
const stdoutPath = "-"

// writeFailed is the error of a command that could not write path ("-" for
// standard output): err's own words, and a hint on what to do. elsewhere,
// when not "", says how to write it somewhere else (the flag to use).
func writeFailed(code int, err error, path, elsewhere string) error {
	hint := writeFailureHint(err, path)
	if hint != "" && elsewhere != "" {
		hint += "\n" + elsewhere
	}
	return &exitError{code: code, msg: err.Error(), hint: hint}
}

// writeFailureHint says what to do about err, an error writing path; ""
// when it is not a read-only folder, a refused file or a full disk.
func writeFailureHint(err error, path string) string {
	if path == stdoutPath {
		switch {
		case errors.Is(err, syscall.ENOSPC):
			return "standard output goes to a full disk: free some space, or send it to another disk"
		case errors.Is(err, os.ErrPermission), errors.Is(err, syscall.EROFS):
			return "standard output goes to a file that cannot be written: send it elsewhere"
		}
		return ""
	}
	// The folder to fix is the one where the writing failed (a temporary
	// file's, the team folder's parent); the file is still the one meant.
	where := path
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		where = pe.Path
	case errors.As(err, &le):
		where = le.New
	}
	return writeErrorHint(err, filepath.Join(filepath.Dir(where), filepath.Base(path)))
}

// removePartial removes what a failed write left of path, when it is a
// file the command made (never a device such as /dev/full, or a folder).
func removePartial(path string) {
	if st, err := os.Lstat(path); err == nil && st.Mode().IsRegular() {
		_ = os.Remove(path)
	}
}

// writeErrorHint is the hint for an error writing a file: what to do about
// a folder that is read-only, a file that cannot be replaced, a full disk;
// "" for other errors.
func writeErrorHint(err error, path string) string {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, os.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("%s cannot be written here: make the folder %s writable (chmod u+w %s), or write to a folder you own", filepath.Base(path), dir, dir)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Sprintf("the disk holding %s is full: free some space, or write to another disk", dir)
	}
	return ""
}
