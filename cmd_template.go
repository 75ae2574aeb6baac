package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/bulkagents/bulkagents/agentfile"
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
		var out string
		var force bool
		outFlag(fset, &out, "", "write to `FILE` instead of standard output")
		forceFlag(fset, &force, "replace FILE if it exists")
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
			data = templates.Extended(data, agentfile.ExtensionHeader())
		}
		if out == "" {
			if _, err := env.stdout.Write(data); err != nil {
				return writeFailed(exitUnusable, err, stdoutPath, "")
			}
			return nil
		}
		return writeTemplateFile(env, out, data, force)
	},
}

// writeTemplateFile writes the template to path, never over a file unless
// force; a write that fails leaves no half file behind.
func writeTemplateFile(env *environment, path string, data []byte, force bool) error {
	const elsewhere = "or leave out --out: the template then goes to standard output"
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return usageError("choose another name, or add --force to replace it", "%s already exists", path)
	}
	if err != nil {
		return writeFailed(exitUnusable, err, path, elsewhere)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		removePartial(path)
		return writeFailed(exitUnusable, err, path, elsewhere)
	}
	fmt.Fprintf(env.stderr, "wrote %s\n", path)
	return nil
}
