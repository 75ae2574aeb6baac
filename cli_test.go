package main

import (
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
)

var flagInText = regexp.MustCompile(`--([a-z][a-z0-9-]*)`)

// helpFlags runs "bulkagents NAME -h" and returns the flags its listing
// shows (generated from the flag set) and its usage text's synopsis.
func helpFlags(t *testing.T, name string) (listed []string, synopsis string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{name, "-h"}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("%s -h: exit %d, stderr %q", name, code, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s -h wrote on stderr: %q", name, stderr.String())
	}
	help := stdout.String()
	for _, m := range regexp.MustCompile(`(?m)^  --([a-z][a-z0-9-]*)`).FindAllStringSubmatch(help, -1) {
		listed = append(listed, m[1])
	}
	return listed, usageLines(help)
}

func flagsIn(s string) []string {
	var out []string
	for _, m := range flagInText.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// readmeSynopsis is the README's synopsis of a command: its line in the
// Commands block and the continuation lines after it.
func readmeSynopsis(t *testing.T, readme, name string) string {
	t.Helper()
	var b strings.Builder
	in := false
	for _, l := range strings.Split(readme, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "bulkagents" && !strings.HasPrefix(l, " "):
			in = f[1] == name
		case in && strings.HasPrefix(l, " ") && strings.HasPrefix(strings.TrimSpace(l), "["):
		default:
			in = false
		}
		if in {
			b.WriteString(l + "\n")
		}
		if strings.HasPrefix(l, "```") && b.Len() > 0 {
			break
		}
	}
	return b.String()
}

// TestUsageMatchesFlags: every flag of every command is in its usage line,
// in the README's synopsis and section, and every flag those name exists.
func TestUsageMatchesFlags(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	commandsBlock := readme[strings.Index(readme, "## Commands"):]
	commandsBlock = commandsBlock[:strings.Index(commandsBlock, "\n## Development")]
	for _, c := range commands {
		listed, synopsis := helpFlags(t, c.name)
		slices.Sort(listed)
		if got := flagsIn(synopsis); !slices.Equal(got, listed) {
			t.Errorf("%s: usage line names %v, flag set has %v", c.name, got, listed)
		}
		if got := flagsIn(readmeSynopsis(t, commandsBlock, c.name)); !slices.Equal(got, listed) {
			t.Errorf("%s: README synopsis names %v, flag set has %v", c.name, got, listed)
		}
		if !strings.Contains(mainUsage, "bulkagents "+c.name) {
			t.Errorf("%s is not in the main usage", c.name)
		}
		for _, f := range flagsIn(mainUsageLine(c.name)) {
			if !slices.Contains(listed, f) {
				t.Errorf("main usage: %s --%s is not a flag of %s", c.name, f, c.name)
			}
		}
	}
}

func mainUsageLine(name string) string {
	for _, l := range strings.Split(mainUsage, "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "bulkagents" && f[1] == name {
			return l
		}
	}
	return ""
}

// TestClosest: the suggestions of a mistyped flag or command.
func TestClosest(t *testing.T) {
	t.Parallel()
	flags := []string{"sandbox", "sso", "sso-group", "split-by", "dry-run", "resume"}
	for _, c := range []struct{ typed, want string }{
		{"sandbx", "sandbox"},
		{"dryrun", "dry-run"},
		{"sso-grup", "sso-group"},
		{"splitby", "split-by"},
		{"resum", "resume"},
		{"colour", ""},
		{"x", ""},
	} {
		if got := closest(c.typed, flags); got != c.want {
			t.Errorf("closest(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
}

// TestHelpNamesResultsFiles: the help names the files as the tool really
// names them.
func TestHelpNamesResultsFiles(t *testing.T) {
	t.Parallel()
	results, _ := report.Paths("agents.csv")
	for _, c := range []struct{ command, want string }{
		{"import", results},
		{"handout", results},
		{"handout", report.HandoutDir(results)},
	} {
		var stdout, stderr bytes.Buffer
		run([]string{c.command, "-h"}, strings.NewReader(""), &stdout, &stderr)
		if !strings.Contains(stdout.String(), c.want) {
			t.Errorf("%s -h does not name %s", c.command, c.want)
		}
		if strings.Contains(stdout.String(), "FILE-results") {
			t.Errorf("%s -h names FILE-results, which no file is called", c.command)
		}
	}
}
