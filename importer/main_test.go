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
	// A login the instance lacks is looked for again for 15 s before it is
	// called absent (the listing may lag); the tests' sandboxes do not lag
	// unless a test says so, and that test sets the schedule it wants (in
	// the environment of the commands it runs, which run this TestMain too).
	if os.Getenv(LagBackoffVariable) == "" {
		os.Setenv(LagBackoffVariable, "10ms,20ms")
	}
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
