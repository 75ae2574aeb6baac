package remover

import (
	"os"
	"testing"

	"github.com/bulkagents/bulkagents/importer"
)

// TestMain gives the tests' clients longer than the 5 s an endpoint gets to
// answer first: a loaded machine (the race detector, two cores) can starve
// their in-process sandbox for that long (importer/reach_test.go tests the
// bound itself).
func TestMain(m *testing.M) {
	os.Setenv(importer.ReachTimeoutVariable, "2m")
	// A login the instance lacks is looked for again for 15 s before it is
	// called absent (the listing may lag); the tests' sandboxes do not lag
	// unless a test says so, and that test sets the schedule it wants (in
	// the environment of the commands it runs, which run this TestMain too).
	if os.Getenv(importer.LagBackoffVariable) == "" {
		os.Setenv(importer.LagBackoffVariable, "10ms,20ms")
	}
	os.Exit(m.Run())
}
