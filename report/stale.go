package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// RemoveStaleTemps removes what killed runs left beside these files: the
// temporary files of their atomic rewrites (NAME.DIGITS.tmp, each holding
// every password) and a second name for the file left by a kill between
// link and unlink (the same pattern). The caller holds the results file's
// lock, so no other run is writing them.
func RemoveStaleTemps(paths ...string) error {
	for _, path := range paths {
		dir, base := filepath.Dir(path), filepath.Base(path)
		entries, err := os.ReadDir(dir)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return fmt.Errorf("look for stale temporary files in %s: %w", dir, err)
		}
		for _, e := range entries {
			if !isTempOf(e.Name(), base) || !e.Type().IsRegular() {
				continue
			}
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove stale temporary file: %w", err)
			}
		}
	}
	return nil
}

// isTempOf says whether name is one of os.CreateTemp's names for base
// (base + "." + digits + ".tmp", the pattern writeTemp uses).
func isTempOf(name, base string) bool {
	mid, ok := strings.CutPrefix(name, base+".")
	if !ok {
		return false
	}
	mid, ok = strings.CutSuffix(mid, ".tmp")
	if !ok || mid == "" {
		return false
	}
	for _, r := range mid {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
