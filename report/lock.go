package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrLocked is returned, wrapped with the path, when another run holds the
// lock of a results file.
var ErrLocked = errors.New("another bulkagents run is using it")

// Lock is the exclusive hold of one run on a results file (docs/aws.md §8:
// nothing in the file system stops two processes from rewriting it, and the
// last rewrite would win). It is a lock file beside the results file,
// PATH.lock, locked with the operating system's advisory lock: the results
// file itself is replaced by each atomic rewrite, so a lock on it would not
// outlive the first one. The kernel releases the lock when its process
// dies, so a killed run never blocks the next; the file left behind is
// reused, and removed when a run ends.
type Lock struct {
	path string
	f    *os.File
}

// LockPath is the lock file of a results file.
func LockPath(results string) string { return results + ".lock" }

// AcquireLock takes the lock of the results file at path, at once or not at
// all: ErrLocked when another run holds it.
func AcquireLock(path string) (*Lock, error) {
	lp := LockPath(path)
	for range 10 {
		f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := lockFile(f); err != nil {
			f.Close()
			if errors.Is(err, errWouldBlock) {
				return nil, fmt.Errorf("%s: %w", path, ErrLocked)
			}
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		// A run that was ending may have removed the lock file between our
		// open and our lock: then we hold a lock on a name no one else
		// sees. Take it again on the file the name now gives.
		held, err1 := f.Stat()
		named, err2 := os.Stat(lp)
		if err1 == nil && err2 == nil && os.SameFile(held, named) {
			return &Lock{path: lp, f: f}, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("lock %s: the lock file %s keeps being removed", path, lp)
}

// Release removes the lock file and lets the lock go. Releasing a nil or
// released lock does nothing.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// Removed while still held, so that a run that opened it meanwhile
	// sees that it is gone and takes the lock anew (AcquireLock).
	rmErr := os.Remove(l.path)
	closeErr := l.f.Close()
	l.f = nil
	if errors.Is(rmErr, os.ErrNotExist) {
		rmErr = nil
	}
	return errors.Join(rmErr, closeErr)
}

// ResolveLink gives the file a results path stands for: the path itself,
// or, when it is a symbolic link, the file the link names (followed to the
// end, and whether or not that file exists yet). A run locks and writes that
// file, so that a link and its target are one results file (one lock), and
// the link stays a link (the atomic rewrite replaces the target, not it).
func ResolveLink(path string) (string, error) {
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return p, nil // a file, or none yet: that is the results file
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("results file %s: %w", path, err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(p), target)
		}
		p = target
	}
	return "", fmt.Errorf("results file %s: too many levels of symbolic links", path)
}
