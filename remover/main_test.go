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
	os.Exit(m.Run())
}
