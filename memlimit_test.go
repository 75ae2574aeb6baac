package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// The import's memory limit is its budget for the rows, and GOMEMLIMIT,
// when set, wins.
func TestImportMemoryLimit(t *testing.T) {
	was := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(was) })

	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(math.MaxInt64)
	setImportMemoryLimit(200000)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the limit became %d", got)
	}

	t.Setenv("GOMEMLIMIT", "")
	setImportMemoryLimit(200000)
	if got, want := debug.SetMemoryLimit(-1), int64(16<<20+200000<<10); got != want {
		t.Errorf("limit for 200,000 rows = %d, want %d", got, want)
	}
}
