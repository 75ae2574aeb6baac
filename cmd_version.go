package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise
// the module version from the build info is used.
var version = ""

const versionUsage = "Usage: bulkagents version\n\nPrints the version of bulkagents.\n"

var versionCommand = &command{
	name:  "version",
	usage: versionUsage,
	run: func(ctx context.Context, env *environment, args []string) error {
		rest, err := newFlagSet(env, "version", versionUsage).parse(args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageError("bulkagents version", "version takes no argument, got %q", rest[0])
		}
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
