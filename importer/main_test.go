package importer

import (
	"os"
	"testing"
)

// TestMain gives the tests' clients longer than the 5 s an endpoint gets to
// answer first: a loaded machine (the race detector, two cores) can starve
// their in-process sandbox for that long. reach_test.go tests the bound
// itself, with timeouts of its own.
//
// The tests talk plain HTTP to sandboxes, so a CA bundle named by the
// machine's environment would only be parsed again by every client built;
// without it they run as on most machines (transport_test.go tests both).
func TestMain(m *testing.M) {
	os.Setenv(ReachTimeoutVariable, "2m")
	os.Unsetenv("AWS_CA_BUNDLE")
	os.Exit(m.Run())
}

// fullSize is small in the suite and full with BULKAGENTS_FULL=1 (the
// acceptance figures).
func fullSize(t testing.TB, small, full int) int {
	t.Helper()
	if os.Getenv("BULKAGENTS_FULL") == "1" {
		return full
	}
	return small
}
