// Command bulkagents creates Amazon Connect agents (and their IAM Identity
// Center users) from Connect's own bulk-upload CSV template, within the API
// rate limits, and writes a results file with every outcome.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses, as the README gives them.
const (
	exitOK          = 0
	exitRowsFailed  = 1
	exitUnusable    = 2
	exitInterrupted = 130
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand: a flag set, a usage text and the work.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, env *environment, args []string) error
}

// environment is what a command may touch of the outside world.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// interrupts delivers the second and later Ctrl-C after ctx has been
	// cancelled by the first, so a command can abort at once.
	interrupts <-chan os.Signal
}

var commands = []*command{
	templateCommand,
	validateCommand,
	importCommand,
	removeCommand,
	syncCommand,
	exportCommand,
	handoutCommand,
	sandboxCommand,
	versionCommand,
}

const mainUsage = `bulkagents creates Amazon Connect agents from the console's bulk-upload CSV template.

Usage:
    bulkagents template [--identity connect|saml|directory] [--example] [--out FILE]
    bulkagents validate [--identity connect|saml|directory] [--sso] [--format text|json] FILE
    bulkagents import   FILE [--instance-id ID|ARN] [--out FILE] [--dry-run] [--resume] [--force] ...
    bulkagents export   [--instance-id ID|ARN] [--out FILE|-] [--force] ...
    bulkagents remove   FILE [--instance-id ID|ARN] [--dry-run] [--yes] [--sso] ...
    bulkagents sync     FILE [--instance-id ID|ARN] [--dry-run] [--scope-hierarchy PATH] [--yes] ...
    bulkagents handout  FILE --split-by KEY [--results FILE] [--protect] ...
    bulkagents sandbox  [--addr HOST:PORT] [--identity connect|saml|directory] [--rate-scale X] ...
    bulkagents version

Run 'bulkagents COMMAND -h' for a command's flags.

Examples:
    bulkagents template --example --out agents.csv
    bulkagents validate agents.csv
    bulkagents import agents.csv --sandbox
    bulkagents import agents.csv --instance-id 11111111-2222-3333-4444-555555555555 --dry-run
    bulkagents handout agents.csv --split-by hierarchy --protect
`

// run is main without os.Exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUnusable
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		// "bulkagents help import" is "bulkagents import -h".
		if name != "help" || len(args) < 2 {
			fmt.Fprint(stdout, mainUsage)
			return exitOK
		}
		name, args = args[1], []string{args[1], "-h"}
	}
	if name == "-v" || name == "--version" {
		name = "version"
	}
	var cmd *command
	for _, c := range commands {
		if c.name == name {
			cmd = c
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "bulkagents: unknown command %q\n", name)
		names := make([]string, len(commands))
		for i, c := range commands {
			names[i] = c.name
		}
		if near := closest(name, names); near != "" {
			fmt.Fprintf(stderr, "hint: did you mean 'bulkagents %s'?\n", near)
		}
		fmt.Fprintf(stderr, "\n%s", usageLines(mainUsage[strings.Index(mainUsage, "Usage:"):]))
		return exitUnusable
	}

	// The first Ctrl-C cancels ctx (stop starting work, write everything);
	// later ones arrive on interrupts for an immediate abort.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	later := make(chan os.Signal, 4)
	go func() {
		first := true
		for s := range sigs {
			if first {
				first = false
				cancel()
				continue
			}
			select {
			case later <- s:
			default:
			}
		}
	}()

	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, interrupts: later}
	err := cmd.run(ctx, env, args[1:])
	return exitStatus(err, stderr)
}

// exitError carries an exit status and, optionally, a message and a hint.
type exitError struct {
	code  int
	msg   string // printed as "bulkagents: msg" unless empty
	hint  string // printed as "hint: ..." unless empty
	usage string // printed after the hint, unless empty: the command's usage line
}

func (e *exitError) Error() string { return e.msg }

// usageError is an exit-2 error with a hint.
func usageError(hint, format string, a ...any) error {
	return &exitError{code: exitUnusable, msg: fmt.Sprintf(format, a...), hint: hint}
}

// exitStatus turns a command's error into an exit status, printing it. It is
// the one place where an error becomes a status.
func exitStatus(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(stderr, "bulkagents: %s\n", ee.msg)
		}
		if ee.hint != "" {
			for _, l := range strings.Split(ee.hint, "\n") {
				fmt.Fprintf(stderr, "hint: %s\n", l)
			}
		}
		if ee.usage != "" {
			fmt.Fprintf(stderr, "\n%s", ee.usage)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "bulkagents: %v\n", err)
	return exitUnusable
}

// parseArgs parses flags that may stand before or after the positional
// arguments (`bulkagents import agents.csv --dry-run`), and returns the
// positional ones. A lone "--" ends the flags.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
