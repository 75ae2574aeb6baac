package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionFromBuildInfo: the version lines say the module version, the
// VCS revision and the commit date the toolchain recorded.
func TestVersionFromBuildInfo(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/bulkagents/bulkagents", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0ac4db0e4f1c2b3a4d5e6f708192a3b4c5d6e7f8"},
			{Key: "vcs.time", Value: "2026-12-08T02:51:00Z"},
			{Key: "vcs.modified", Value: "true"},
		}}
	var b strings.Builder
	writeVersion(&b, "", bi)
	for _, want := range []string{
		"bulkagents v1.4.0\n",
		"revision:   0ac4db0e4f1c2b3a4d5e6f708192a3b4c5d6e7f8 (with uncommitted changes)\n",
		"build date: 2026-12-08T02:51:00Z\n",
		"go:         go1.26.0 ",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("version output lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	writeVersion(&b, "v9.9.9", nil)
	if !strings.HasPrefix(b.String(), "bulkagents v9.9.9\nrevision:   unknown\nbuild date: unknown\n") {
		t.Errorf("without build info:\n%s", b.String())
	}
}
