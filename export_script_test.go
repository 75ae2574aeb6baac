package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/sandbox"
)

// scriptSandboxes are the sandboxes that test scripts started, one per
// script, served from the test process so that the commands of the script
// reach it with --endpoint-url, as they would reach AWS.
var scriptSandboxes sync.Map // *testscript.TestScript → *sandbox.Sandbox

// scriptCommands are the test scripts' own commands, which stand for what
// happens to an instance outside bulkagents:
//
//	sandbox-start [saml|directory]  start a sandbox; sets $ENDPOINT, $INSTANCE and dummy credentials
//	sandbox-add-routing-profile N   add a routing profile named N
//	sandbox-delete-routing-profile N  delete it, leaving its users on it
//	interrupt-when TEXT PROG ARGS   run PROG, Ctrl-C it once TEXT is on its stdout, wait
var scriptCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"sandbox-start": func(ts *testscript.TestScript, neg bool, args []string) {
		opts := sandbox.Options{Unlimited: true}
		if len(args) > 0 && args[0] == "saml" {
			opts.Identity = "SAML"
		}
		if len(args) > 0 && args[0] == "directory" {
			opts.Identity = "EXISTING_DIRECTORY"
		}
		sb, err := sandbox.Start(context.Background(), "127.0.0.1:0", opts)
		ts.Check(err)
		ts.Defer(func() { sb.Close() })
		scriptSandboxes.Store(ts, sb)
		ts.Setenv("ENDPOINT", sb.URL())
		ts.Setenv("INSTANCE", sb.InstanceID())
		ts.Setenv("AWS_REGION", "us-east-1")
		ts.Setenv("AWS_ACCESS_KEY_ID", "SANDBOX")
		ts.Setenv("AWS_SECRET_ACCESS_KEY", "sandbox")
	},
	"sandbox-add-routing-profile": func(ts *testscript.TestScript, neg bool, args []string) {
		scriptSandbox(ts).AddRoutingProfile(args[0])
	},
	"sandbox-delete-routing-profile": func(ts *testscript.TestScript, neg bool, args []string) {
		if !scriptSandbox(ts).DeleteRoutingProfile(args[0]) {
			ts.Fatalf("no routing profile %q", args[0])
		}
	},
	"interrupt-when": interruptWhen,
}

// interruptWhen runs a program (a serving one, such as bulkagents sandbox)
// until TEXT appears on its standard output, then sends it SIGINT and
// waits for it to end: a script acts when the program says it is ready,
// not after a guess at how long starting takes. Its output becomes the
// command's, for stdout and stderr to match; ! expects it to fail.
func interruptWhen(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: interrupt-when TEXT PROGRAM [ARG...]")
	}
	cmd := exec.Command(lookPath(ts, args[1]), args[2:]...)
	cmd.Dir = ts.MkAbs(".")
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "WORK", "AWS_EC2_METADATA_DISABLED", "AWS_CONFIG_FILE",
		"AWS_SHARED_CREDENTIALS_FILE", "GORACE", importer.ReachTimeoutVariable} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	ts.Check(err)
	ts.Check(cmd.Start())
	seen, copied := make(chan struct{}), make(chan struct{})
	var stdout strings.Builder // written by the copier until copied closes
	go func() {
		defer close(copied)
		said := false
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			stdout.WriteString(sc.Text() + "\n")
			if !said && strings.Contains(stdout.String(), args[0]) {
				said = true
				close(seen)
			}
		}
		if !said {
			close(seen) // it ended without saying it
		}
	}()
	select {
	case <-seen:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
	}
	cmd.Process.Signal(os.Interrupt)
	<-copied
	err = cmd.Wait()
	fmt.Fprint(ts.Stdout(), stdout.String())
	fmt.Fprint(ts.Stderr(), stderr.String())
	if !strings.Contains(stdout.String(), args[0]) {
		ts.Fatalf("%s never wrote %q", args[1], args[0])
	}
	if (err != nil) != neg {
		ts.Fatalf("%s ended with %v", args[1], err)
	}
}

// lookPath finds a program in the script's PATH, where testscript puts
// the bulkagents command.
func lookPath(ts *testscript.TestScript, name string) string {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	ts.Fatalf("%s is not in the script's PATH", name)
	return ""
}

func scriptSandbox(ts *testscript.TestScript) *sandbox.Sandbox {
	v, ok := scriptSandboxes.Load(ts)
	if !ok {
		ts.Fatalf("no sandbox: run sandbox-start first")
	}
	return v.(*sandbox.Sandbox)
}
