package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise
// the module version from the build info is used.
var version = ""

const versionUsage = `Usage: bulkagents version

Prints the version of bulkagents: the module version, the VCS revision and
the date of the commit it was built from (what the Go toolchain recorded in
the binary), and the Go version and platform.
`

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
		bi, _ := debug.ReadBuildInfo()
		writeVersion(env.stdout, version, bi)
		return nil
	},
}

// writeVersion writes the version lines from the build info (nil when the
// binary has none): "go install ...@v1.2.0" records the module version, "go
// build" in a clone the VCS revision, its commit time and whether the tree
// had changes.
func writeVersion(w io.Writer, override string, bi *debug.BuildInfo) {
	v, revision, date, modified := override, "unknown", "unknown", false
	goVersion := runtime.Version()
	if bi != nil {
		if v == "" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				date = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if modified {
		revision += " (with uncommitted changes)"
	}
	fmt.Fprintf(w, "bulkagents %s\nrevision:   %s\nbuild date: %s\ngo:         %s %s/%s\n",
		v, revision, date, goVersion, runtime.GOOS, runtime.GOARCH)
}
