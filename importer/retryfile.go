package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/bulkagents/bulkagents/report"
)

// A retry file is the user's to edit and import. A run replaces or removes
// the one an earlier run wrote only while it is as that run left it: a run
// stamps its retry file with its results file's modification time, and an
// editor that saves it, or a results file of its own (it was imported),
// makes it the user's. A user's retry file is kept; a new one goes beside
// it under the next free name.

// retryOwner is what a run found of an earlier retry file at its start.
type retryOwner struct {
	userOwned bool   // exists, and was edited or imported since a run wrote it
	why       string // "edited" or "imported", for the summary
}

// checkRetryFile looks at retryPath before the run touches the results
// file.
func checkRetryFile(resultsPath, retryPath string) retryOwner {
	rst, err := os.Stat(retryPath)
	if err != nil {
		return retryOwner{}
	}
	if own, _ := report.Paths(retryPath); FileExists(own) {
		return retryOwner{userOwned: true, why: "imported"}
	}
	res, err := os.Stat(resultsPath)
	if err != nil || !rst.ModTime().Equal(res.ModTime()) {
		return retryOwner{userOwned: true, why: "edited"}
	}
	return retryOwner{}
}

// freeRetryPath is retryPath, or when the user owns that file, the first
// of agents-retry-2.csv, agents-retry-3.csv ... that does not exist.
func freeRetryPath(retryPath string, owner retryOwner) string {
	if !owner.userOwned {
		return retryPath
	}
	stem := strings.TrimSuffix(retryPath, ".csv")
	for n := 2; ; n++ {
		p := fmt.Sprintf("%s-%d.csv", stem, n)
		if !FileExists(p) {
			return p
		}
	}
}

// stampRetryFile gives the retry file the results file's modification
// time, so that the next run can tell it was not edited since.
func stampRetryFile(resultsPath, retryPath string) error {
	st, err := os.Stat(resultsPath)
	if err != nil {
		return err
	}
	return os.Chtimes(retryPath, time.Time{}, st.ModTime())
}

// removeStaleRetry removes an earlier run's retry file once no row needs
// it, unless the user owns it.
func removeStaleRetry(retryPath string, owner retryOwner) error {
	if owner.userOwned {
		return nil
	}
	if err := os.Remove(retryPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the stale retry file: %w", err)
	}
	return nil
}
