package main

import (
	"context"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/bulkagents/bulkagents/sandbox"
)

// scriptSandboxes are the sandboxes that test scripts started, one per
// script, served from the test process so that the commands of the script
// reach it with --endpoint-url, as they would reach AWS.
var scriptSandboxes sync.Map // *testscript.TestScript → *sandbox.Sandbox

// scriptCommands are the test scripts' own commands, which stand for what
// happens to an instance outside bulkagents:
//
//	sandbox-start [saml]            start a sandbox; sets $ENDPOINT, $INSTANCE and dummy credentials
//	sandbox-add-routing-profile N   add a routing profile named N
//	sandbox-delete-routing-profile N  delete it, leaving its users on it
var scriptCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"sandbox-start": func(ts *testscript.TestScript, neg bool, args []string) {
		opts := sandbox.Options{Unlimited: true}
		if len(args) > 0 && args[0] == "saml" {
			opts.Identity = "SAML"
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
}

func scriptSandbox(ts *testscript.TestScript) *sandbox.Sandbox {
	v, ok := scriptSandboxes.Load(ts)
	if !ok {
		ts.Fatalf("no sandbox: run sandbox-start first")
	}
	return v.(*sandbox.Sandbox)
}
