package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/bulkagents/bulkagents/importer"
)

const validateUsage = `Usage: bulkagents validate [--identity connect|saml] [--sso] [--format text|json] FILE

Checks every row of an agents file in the Connect bulk-upload template format,
without calling AWS. Every problem is reported with its line, column and value,
and how to fix it. --sso also checks what an import with IAM Identity Center
needs (a SAML instance; the login valid as an Identity Center user name, and an
email for each agent).

Exit status: 0 every row is valid, 1 some rows are invalid, 2 the file cannot
be used at all.

Examples:
    bulkagents validate agents.csv
    bulkagents validate --identity saml --format json agents.csv
`

var validateCommand = &command{
	name:  "validate",
	usage: validateUsage,
	run: func(ctx context.Context, env *environment, args []string) error {
		fset := newFlagSet(env, "validate", validateUsage)
		identity := fset.String("identity", "connect", "the instance's identity management: connect or saml")
		sso := fset.Bool("sso", false, "also check the rules of an import with IAM Identity Center users (implies --identity saml)")
		format := fset.String("format", "text", "report format: text (on standard error) or json (on standard output)")
		rest, err := parseArgs(fset, args)
		if err != nil {
			return flagError(err)
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
			identitySet := false
			fset.Visit(func(f *flag.Flag) { identitySet = identitySet || f.Name == "identity" })
			if identitySet && id != importer.IdentitySAML {
				return usageError("drop --identity, or use --identity saml", "--sso goes with a SAML instance, not --identity %s", *identity)
			}
			id = importer.IdentitySAML
		}
		file, err := readTemplate(ctx, rest[0], importer.ReadOptions{})
		if err != nil {
			return err
		}
		checked := importer.Validate(file, importer.ValidateOptions{Identity: id, IdentityCenter: *sso})
		out := env.stderr
		if *format == "json" {
			out = env.stdout
		}
		if err := importer.WriteReport(out, *format, checked); err != nil {
			return err
		}
		for _, c := range checked {
			if c.Agent == nil {
				return &exitError{code: exitRowsFailed}
			}
		}
		return nil
	},
}

// parseIdentity maps the --identity flag to an identity type.
func parseIdentity(s string) (importer.Identity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "connect", "connect_managed", "connect-managed":
		return importer.IdentityConnect, nil
	case "saml":
		return importer.IdentitySAML, nil
	}
	return "", usageError("use --identity connect (Connect-managed users and passwords) or --identity saml", "unknown identity type %q", s)
}

// readTemplate opens and reads an agents file, turning an unusable file into
// an exit-2 error that names the line and column.
func readTemplate(ctx context.Context, path string, opts importer.ReadOptions) (*importer.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &exitError{code: exitUnusable, msg: err.Error()}
	}
	defer f.Close()
	file, err := importer.Read(ctx, f, opts)
	var fe *importer.FileError
	if errors.As(err, &fe) {
		return nil, &exitError{code: exitUnusable, msg: fmt.Sprintf("%s: %v", path, fe), hint: fe.Hint}
	}
	if err != nil {
		return nil, &exitError{code: exitUnusable, msg: fmt.Sprintf("%s: %v", path, err)}
	}
	return file, nil
}
