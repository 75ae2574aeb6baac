package main

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	// A login the instance lacks is looked for again for 15 s before it is
	// called absent (the listing may lag); the tests' sandboxes do not lag
	// unless a test says so, and that test sets the schedule it wants (in
	// the environment of the commands it runs, which run this TestMain too).
	if os.Getenv(importer.LagBackoffVariable) == "" {
		os.Setenv(importer.LagBackoffVariable, "10ms,20ms")
	}
	// The sandboxes speak plain HTTP: a CA bundle from the machine's
	// environment would only be parsed again by every command run.
	os.Unsetenv("AWS_CA_BUNDLE")
	// A program built with -race sleeps a second before it exits, to let
	// late race reports print; the tests run the command hundreds of times,
	// and each run would cost that second. A race is still reported where
	// it happens, and fails the run (exit 66).
	if g := os.Getenv("GORACE"); !strings.Contains(g, "atexit_sleep_ms") {
		os.Setenv("GORACE", strings.TrimSpace(g+" atexit_sleep_ms=0"))
	}
	waitingTestsAtOnce(8)
	testscript.Main(m, map[string]func(){
		"bulkagents": main,
	})
}

// waitingTestsAtOnce runs n parallel tests at once unless -parallel says
// otherwise. These tests spend most of their time waiting on sandboxes paced
// at API rates, not on the CPU, so the default of one per core leaves the
// machine idle.
func waitingTestsAtOnce(n int) {
	if !strings.HasSuffix(filepath.Base(os.Args[0]), ".test") {
		return // the binary runs as the bulkagents command of a test script: its flags are the command's
	}
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", strconv.Itoa(n))
	}
}

// TestScripts runs the command-line scripts in testdata/script: each is the
// commands a user types, their input files inline and their output compared.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: scriptCommands,
		Setup: func(env *testscript.Env) error {
			// Keep the AWS SDK off the real machine's credentials and IMDS.
			env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			env.Setenv("AWS_CONFIG_FILE", os.DevNull)
			env.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
			env.Setenv(importer.ReachTimeoutVariable, os.Getenv(importer.ReachTimeoutVariable))
			env.Setenv(importer.LagBackoffVariable, os.Getenv(importer.LagBackoffVariable))
			env.Setenv("GORACE", os.Getenv("GORACE"))
			return nil
		},
	})
}
