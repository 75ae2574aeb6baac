//go:build !unix && !windows

package report

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("locked")

// lockFile does nothing where no advisory lock is known (wasm, plan9).
func lockFile(*os.File) error { return nil }
