package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/bulkagents/bulkagents/importer"
)

// TestMain lets the test scripts run the command as "bulkagents", exactly as
// a user types it.
func TestMain(m *testing.M) {
	// The commands these tests run reach a sandbox in this process, which a
	// loaded machine (the race detector, two cores) can starve for longer
	// than the 5 s an endpoint gets to answer first; the reach timeout has
	// tests of its own (cmd_reach_test.go, importer/reach_test.go).
	os.Setenv(importer.ReachTimeoutVariable, "2m")
	testscript.Main(m, map[string]func(){
		"bulkagents": main,
	})
}

// TestScripts runs the command-line scripts in testdata/script: each is the
// commands a user types, their input files inline and their output compared.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: scriptCommands,
		Setup: func(env *testscript.Env) error {
			// Keep the AWS SDK off the real machine's credentials and IMDS.
			env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			env.Setenv("AWS_CONFIG_FILE", os.DevNull)
			env.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
			env.Setenv(importer.ReachTimeoutVariable, os.Getenv(importer.ReachTimeoutVariable))
			return nil
		},
	})
}
