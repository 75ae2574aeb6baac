package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise
// the module version from the build info is used.
var version = ""

var versionCommand = &command{
	name:  "version",
	usage: "Usage: bulkagents version\n",
	run: func(ctx context.Context, env *environment, args []string) error {
		v := version
		if v == "" {
			v = "(devel)"
			if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
				v = bi.Main.Version
			}
		}
		fmt.Fprintf(env.stdout, "bulkagents %s\n", v)
		return nil
	},
}
