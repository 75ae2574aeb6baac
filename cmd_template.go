package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/bulkagents/bulkagents/templates"
)

const templateUsage = `Usage: bulkagents template [--identity connect|saml|directory] [--example] [--extended] [--out FILE] [--force]

Writes the header of the Amazon Connect console's current bulk-upload template
(for a Connect-managed or a SAML instance), and with --example a few filled rows
that validate cleanly, to standard output or to FILE.

Examples:
    bulkagents template --example --out agents.csv
    bulkagents template --identity saml > agents.csv
`

var templateCommand = &command{
	name:  "template",
	usage: templateUsage,
	run: func(ctx context.Context, env *environment, args []string) error {
		fset := newFlagSet(env, "template", templateUsage)
		var identity string
		identityFlag(fset, &identity)
		example := fset.Bool("example", false, "add a few example rows")
		extended := fset.Bool("extended", false, "add the extension columns (proficiencies, per-channel settings)")
		out := fset.String("out", "", "write to `FILE` instead of standard output")
		force := fset.Bool("force", false, "replace FILE if it exists")
		rest, err := fset.parse(args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageError("the template goes to standard output or to --out FILE", "template takes no file argument, got %q", rest[0])
		}
		id, err := parseIdentity(identity)
		if err != nil {
			return err
		}
		data := templates.Header(string(id))
		if *example {
			data = templates.Example(string(id))
		}
		if *extended {
			data = templates.Extended(data)
		}
		if *out == "" {
			_, err := env.stdout.Write(data)
			return err
		}
		flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if *force {
			flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(*out, flags, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return usageError("choose another name, or add --force to replace it", "%s already exists", *out)
		}
		if err != nil {
			return &exitError{code: exitUnusable, msg: err.Error()}
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return &exitError{code: exitUnusable, msg: fmt.Sprintf("writing %s: %v", *out, err)}
		}
		if err := f.Close(); err != nil {
			return &exitError{code: exitUnusable, msg: fmt.Sprintf("writing %s: %v", *out, err)}
		}
		fmt.Fprintf(env.stderr, "wrote %s\n", *out)
		return nil
	},
}
