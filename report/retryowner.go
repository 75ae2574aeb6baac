package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"
)

// A retry file is the user's to edit and import. A run replaces or removes
// the one an earlier run wrote only while it is as that run left it: a run
// stamps its retry file with its results file's modification time, and an
// editor that saves it, or a results file of its own (it was imported),
// makes it the user's. A user's retry file is kept; a new one goes beside
// it under the next free name.

// RetryOwner is what a run found of an earlier retry file at its start.
type RetryOwner struct {
	UserOwned bool   // exists, and was edited or imported since a run wrote it
	Why       string // "edited" or "imported", for the summary
}

// CheckRetryFile looks at retryPath before the run touches the results
// file.
func CheckRetryFile(resultsPath, retryPath string) RetryOwner {
	rst, err := os.Stat(retryPath)
	if err != nil {
		return RetryOwner{}
	}
	if own, _ := Paths(retryPath); exists(own) {
		return RetryOwner{UserOwned: true, Why: "imported"}
	}
	res, err := os.Stat(resultsPath)
	if err != nil || !rst.ModTime().Equal(res.ModTime()) {
		return RetryOwner{UserOwned: true, Why: "edited"}
	}
	return RetryOwner{}
}

// FreeRetryPath is retryPath, or when the user owns that file, the first
// of agents-retry-2.csv, agents-retry-3.csv ... that does not exist.
func FreeRetryPath(retryPath string, owner RetryOwner) string {
	if !owner.UserOwned {
		return retryPath
	}
	stem := strings.TrimSuffix(retryPath, ".csv")
	for n := 2; ; n++ {
		p := fmt.Sprintf("%s-%d.csv", stem, n)
		if !exists(p) {
			return p
		}
	}
}

// StampRetryFile gives the retry file the results file's modification
// time, so that the next run can tell it was not edited since.
func StampRetryFile(resultsPath, retryPath string) error {
	st, err := os.Stat(resultsPath)
	if err != nil {
		return err
	}
	return os.Chtimes(retryPath, time.Time{}, st.ModTime())
}

// RemoveStaleRetry removes an earlier run's retry file once no row needs
// it, unless the user owns it.
func RemoveStaleRetry(retryPath string, owner RetryOwner) error {
	if owner.UserOwned {
		return nil
	}
	if err := os.Remove(retryPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the stale retry file: %w", err)
	}
	return nil
}

// exists says whether something is at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
