package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"

	"github.com/bulkagents/bulkagents/agentfile"
)

const validateUsage = `Usage: bulkagents validate [--identity connect|saml|directory] [--sso] [--update] [--split-by KEY] [--format text|json]
                           [--encoding utf-8|windows-1252] FILE

Checks every row of an agents file in the Connect bulk-upload template format,
without calling AWS. Every problem is reported with its line, column and value,
and how to fix it. --sso also checks what an import with IAM Identity Center
needs (a SAML instance; the login valid as an Identity Center user name, and an
email for each agent). --split-by reads the file as 'import --split-by' does:
a column of your own named by it is accepted. --update checks the rows as
'import --update' does: the file needs only the user login column and the
columns it changes, and a row that leaves blank what a new agent needs is
valid as an update of an existing user (the summary counts them).

Exit status: 0 every row is valid, 1 some rows are invalid, 2 the file cannot
be used at all.

Examples:
    bulkagents validate agents.csv
    bulkagents validate --identity saml --format json agents.csv
    bulkagents validate --update billing.csv
`

var validateCommand = &command{
	name:  "validate",
	usage: validateUsage,
	run: func(ctx context.Context, env *environment, args []string) error {
		fset := newFlagSet(env, "validate", validateUsage)
		identity, splitBy := new(string), new(string)
		identityFlag(fset, identity)
		sso := fset.Bool("sso", false, "also check the rules of an import with IAM Identity Center users (implies --identity saml)")
		format := new(string)
		formatFlag(fset, format, "report format: text (on standard error) or json (on standard output)")
		splitByFlag(fset, splitBy, "check the file as 'import --split-by' reads it: `KEY` is hierarchy, routing-profile or a column's name, which must exist (no file is written)")
		var encoding string
		encodingFlag(fset, &encoding)
		var update bool
		updateFlag(fset, &update, "check the rows as updates of existing users, as 'import --update' reads them")
		rest, err := fset.parse(args)
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return usageError("bulkagents validate agents.csv", "validate takes one file, got %d arguments", len(rest))
		}
		if *format != "text" && *format != "json" {
			return usageError("use --format text or --format json", "unknown format %q", *format)
		}
		id, err := parseIdentity(*identity)
		if err != nil {
			return err
		}
		if *sso {
			if fset.was("identity") && id != agentfile.IdentitySAML {
				return usageError("drop --identity, or use --identity saml", "--sso goes with a SAML instance, not --identity %s", *identity)
			}
			id = agentfile.IdentitySAML
		}
		// The file is validated as it is read: a row leaves nothing behind
		// but its login (for duplicates) and its problems. What stays is
		// held without pointers (agentfile/logins.go), so the collector is
		// cheap to run often: a heap of 1.25 times what is live rather than
		// the default twice keeps a million rows in about 100 MB.
		defer debug.SetGCPercent(debug.SetGCPercent(25))
		fileError := func(err error) error {
			if *format == "json" {
				// A script reading standard output learns why there is no report.
				if werr := writeJSONFileError(env.stdout, err); werr != nil {
					return werr
				}
			}
			return templateError(rest[0], err)
		}
		in, err := os.Open(rest[0])
		if err != nil {
			return fileError(err)
		}
		defer in.Close()
		scan, err := agentfile.NewScanner(in, agentfile.ReadOptions{Keep: agentfile.SplitKeep(*splitBy), Identity: id, Encoding: encoding, Update: update})
		if err != nil {
			return fileError(err)
		}
		noteCarried(env, rest[0], agentfile.Carried(scan.Header(), scan.Columns(), agentfile.SplitKeep(*splitBy)))
		if *splitBy != "" {
			if _, err := agentfile.TeamKey(&agentfile.File{Header: scan.Header(), Columns: scan.Columns()}, nil, *splitBy); err != nil {
				return usageError(splitByHint, "%v", err)
			}
		}
		rep, err := agentfile.ValidateRows(ctx, scan, agentfile.ValidateOptions{Identity: id, IdentityCenter: *sso, Update: update, SSOHint: ssoColumnsHint})
		if err != nil {
			return fileError(err)
		}
		out := env.stderr
		if *format == "json" {
			out = env.stdout
		}
		if err := rep.Write(out, *format); err != nil {
			if *format == "json" {
				return writeFailed(exitUnusable, fmt.Errorf("write standard output: %w", err), stdoutPath, "")
			}
			return err
		}
		if rep.Summary.Invalid > 0 {
			return &exitError{code: exitRowsFailed}
		}
		return nil
	},
}

// readTemplate opens and reads an agents file, turning an unusable file into
// an exit-2 error that names the line and column.
func readTemplate(ctx context.Context, path string, opts agentfile.ReadOptions) (*agentfile.File, error) {
	file, err := loadTemplate(ctx, path, opts)
	if err != nil {
		return nil, templateError(path, err)
	}
	return file, nil
}

// loadTemplate opens and reads an agents file; its errors are as Read and
// os.Open give them.
func loadTemplate(ctx context.Context, path string, opts agentfile.ReadOptions) (*agentfile.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return agentfile.Read(ctx, f, opts)
}

// templateError is loadTemplate's error as the exit-2 error the user sees.
func templateError(path string, err error) error {
	var fe *agentfile.FileError
	if errors.As(err, &fe) {
		return &exitError{code: exitUnusable, msg: fmt.Sprintf("%s: %v", path, fe), hint: fe.Hint}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &exitError{code: exitUnusable, msg: err.Error()}
	}
	return &exitError{code: exitUnusable, msg: fmt.Sprintf("%s: %v", path, err)}
}

// writeJSONFileError writes, for --format json, why a file cannot be used:
// {"error": {"line", "column", "message", "hint"}}, the fields of the text
// message.
func writeJSONFileError(w io.Writer, err error) error {
	var fe *agentfile.FileError
	if !errors.As(err, &fe) {
		fe = &agentfile.FileError{Message: err.Error()}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Error *agentfile.FileError `json:"error"`
	}{fe}); err != nil {
		return fmt.Errorf("writing the validation report: %w", err)
	}
	return nil
}
