package importer

import (
	"os"
	"testing"
)

// TestMain gives the tests' clients longer than the 5 s an endpoint gets to
// answer first: a loaded machine (the race detector, two cores) can starve
// their in-process sandbox for that long. reach_test.go tests the bound
// itself, with timeouts of its own.
func TestMain(m *testing.M) {
	os.Setenv(ReachTimeoutVariable, "2m")
	os.Exit(m.Run())
}
