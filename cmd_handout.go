package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

const handoutUsage = `Usage: bulkagents handout FILE [--results RESULTS] --split-by KEY [--handout-template FILE] [--protect] [--out DIR] [--force]

Hands a finished import to the team leads, without calling AWS: from the input
FILE and its results file (agents-results.csv for agents.csv, unless --results
says otherwise), writes a folder beside the results file (agents-results-teams,
mode 0700) with,
per team, a file of its agents only (name, user login, password where there is
one, sign-in URL, first sign-in steps) and a printable handout, a page per
agent. Rows that are invalid, failed or not attempted are listed for the
administrator in agents-results-teams-not-handed-out.csv, not in any team's
file.

--split-by KEY names the teams:
    hierarchy          the agent's hierarchy group, by its whole path (Example Corp|Support|Tier 1)
    routing-profile    the agent's routing profile
    COLUMN             a column of FILE, such as "team lead" (import accepts a
                       column outside the template only when --split-by names it)

--protect writes each team's file as a password-protected .xlsx workbook
(agents and handout) instead, and lists one generated passphrase per team in
agents-results-teams-passphrases.csv (mode 0600): send it by another channel.

--handout-template FILE renders the handouts with a Go text/template of your
own (see docs/handoff.md for its data); page.html.tmpl renders .html files.

The same flags on 'bulkagents import' do this at the end of the import.

Examples:
    bulkagents handout agents.csv --split-by hierarchy
    bulkagents handout agents.csv --split-by "team lead" --protect
    bulkagents handout agents.csv --results run1-results.csv --split-by routing-profile --out handouts
`

var handoutCommand = &command{
	name:  "handout",
	usage: handoutUsage,
	run:   runHandout,
}

func runHandout(ctx context.Context, env *environment, args []string) error {
	fs := newFlagSet(env, "handout", handoutUsage)
	results := fs.String("results", "", "the results `FILE` of the import (default: agents-results.csv for agents.csv)")
	var split splitFlags
	splitFlagsVar(fs, &split)
	splitBy := &split.splitBy
	var out string
	var force bool
	outFlag(fs, &out, "", "the team folder `DIR` (default: beside the results file, agents-results-teams)")
	forceFlag(fs, &force, "replace team files that exist")
	rest, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError(`bulkagents handout agents.csv --split-by hierarchy`, "handout takes one file (the import's input), got %d arguments", len(rest))
	}
	input := rest[0]
	if *splitBy == "" {
		return usageError(`--split-by hierarchy, --split-by routing-profile, or --split-by "team lead" (a column of the file)`, "handout needs --split-by")
	}

	// A broken template is reported before anything is read or written.
	tmpl, err := handoutTemplate(ctx, split.template)
	if err != nil {
		return err
	}
	opts := report.HandoutOptions{SplitBy: *splitBy, Template: tmpl, Protect: split.protect, Force: force}

	// The import has already read this file; a column outside the template
	// that it kept for one split (a "team lead") must not stop a split by
	// another key now.
	file, err := readTemplate(ctx, input, agentfile.ReadOptions{Keep: append(headerFields(ctx, input), agentfile.SplitKeep(*splitBy)...)})
	if err != nil {
		return err
	}
	checked := agentfile.Validate(file, agentfile.ValidateOptions{KeepSSOColumns: true})

	resultsPath := *results
	if resultsPath == "" {
		resultsPath, _ = report.Paths(input)
	}
	rows, err := handoutRows(input, resultsPath, file)
	if err != nil {
		return err
	}
	dir := out
	if dir == "" {
		dir = report.HandoutDir(resultsPath)
	}
	return handOut(ctx, env, file, checked, rows, dir, opts)
}

// handoutRows are the outcomes of the results file, in input order, once
// checked to be of this input: every line a row of it, every handed-out
// row the same user.
func handoutRows(input, resultsPath string, file *agentfile.File) ([]report.Outcome, error) {
	loaded, err := report.Load(resultsPath)
	if err != nil {
		return nil, &exitError{code: exitUnusable, msg: err.Error(), hint: "give the import's results file with --results"}
	}
	inInput := make(map[int]agentfile.Row, len(file.Rows))
	for _, r := range file.Rows {
		inInput[r.Line] = r
	}
	rows := make([]report.Outcome, 0, len(loaded))
	for line, o := range loaded {
		if _, ok := inInput[line]; !ok {
			return nil, &exitError{
				code: exitUnusable,
				msg:  fmt.Sprintf("%s: line %d has no row in %s: the results file is not from this input", resultsPath, line, input),
				hint: "give the input file the import read, and its results file with --results",
			}
		}
		rows = append(rows, o)
	}
	slices.SortFunc(rows, func(a, b report.Outcome) int { return a.Line - b.Line })
	// A row's team comes from the input's line, its password from the
	// results file's: when the two name different users (rows moved or
	// edited since the import), an agent would go to another team's lead.
	for _, o := range rows {
		if !report.HandedOut(o.Status) {
			continue // no password, and the row may have been fixed since
		}
		login := file.Login(inInput[o.Line])
		if strings.TrimSpace(login) != strings.TrimSpace(o.Login) {
			return nil, &exitError{
				code: exitUnusable,
				msg: fmt.Sprintf("%s: line %d is user %q, but line %d of %s is user %q: the results file is not from this input",
					resultsPath, o.Line, o.Login, o.Line, input, login),
				hint: "give the input file as the import read it (rows in the same order), and its results file with --results",
			}
		}
	}

	return rows, nil
}

// handoutTemplate parses --handout-template; "" gives the default. import
// calls it before the run, so that a broken template stops it before it
// creates anyone.
func handoutTemplate(ctx context.Context, path string) (*report.HandoutTemplate, error) {
	if path == "" {
		t, err := report.DefaultHandoutTemplate()
		if err != nil {
			return nil, &exitError{code: exitUnusable, msg: err.Error()}
		}
		return t, nil
	}
	t, err := report.ParseHandoutTemplate(ctx, path)
	if err != nil {
		return nil, &exitError{code: exitUnusable, msg: err.Error(), hint: "the template's data is described in docs/handoff.md"}
	}
	return t, nil
}

// handOut splits a run's results (rows, in input order) into team files in
// dir and says on stderr what it wrote, never a password. file and checked
// are the input as read (with importer.SplitKeep(opts.SplitBy) kept) and
// validated. import calls it at the end of a run with --split-by.
func handOut(ctx context.Context, env *environment, file *agentfile.File, checked []agentfile.Checked, rows []report.Outcome, dir string, opts report.HandoutOptions) error {
	teamOf, err := agentfile.TeamKey(file, checked, opts.SplitBy)
	if err != nil {
		return usageError(splitByHint, "%v", err)
	}
	opts.Carried, opts.CarriedCells = carriedCells(file, checked, opts.SplitBy)
	h, err := report.WriteHandouts(ctx, dir, rows, teamOf, opts)
	if errors.Is(err, report.ErrExists) {
		return usageError("add --force to replace the team files", "%v", err)
	}
	if err != nil {
		return writeFailed(exitUnusable, err, dir, "then run 'bulkagents handout' again (its --out DIR writes the team files elsewhere)")
	}
	printHandouts(env, h)
	return nil
}

// carriedCells are the file's columns of the user's own (those its split
// does not name) and, by input line, a row's cells of them (a valid row's
// as validated: the import lets go of the records once sent).
func carriedCells(file *agentfile.File, checked []agentfile.Checked, splitBy string) ([]string, func(int) []string) {
	carried := agentfile.Carried(file.Header, file.Columns, agentfile.SplitKeep(splitBy))
	if len(carried) == 0 {
		return nil, nil
	}
	keep := agentfile.SplitKeep(splitBy)
	var idx []int
	for i, c := range file.Columns {
		if c == agentfile.ColExtra && !slices.ContainsFunc(keep, func(k string) bool {
			return agentfile.CanonicalName(k) == agentfile.CanonicalName(file.Header[i])
		}) {
			idx = append(idx, i)
		}
	}
	byLine := make(map[int][]string, len(checked))
	for _, c := range checked {
		if c.Agent == nil {
			continue // not handed out
		}
		cells := make([]string, len(idx))
		for j, i := range idx {
			cells[j] = c.Agent.Extra[agentfile.CanonicalName(file.Header[i])]
		}
		byLine[c.Row.Line] = cells
	}
	return carried, func(line int) []string { return byLine[line] }
}

// headerFields are the fields of a file's header line, to keep them all;
// nil when it cannot be read (Read then says why).
func headerFields(ctx context.Context, path string) []string {
	if ctx.Err() != nil {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	br := bufio.NewReader(f)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	for {
		rec, err := cr.Read()
		if err != nil {
			return nil
		}
		line := strings.TrimSpace(strings.Join(rec, ","))
		if strings.Trim(line, ", \t") == "" || strings.EqualFold(line, "sep=,") {
			continue // Read skips blank lines and Excel's "sep=," line too
		}
		return rec
	}
}

// printHandouts tells the administrator what was written, on stderr. It
// never shows a password or a passphrase: those are in the files only.
func printHandouts(env *environment, h *report.Handouts) {
	for _, t := range h.Teams {
		name := fmt.Sprintf("%q", t.Team)
		if t.Team == "" {
			name = "(none)"
		}
		files := make([]string, len(t.Files))
		for i, f := range t.Files {
			files[i] = filepath.Base(f)
		}
		fmt.Fprintf(env.stderr, "team %s: %s: %s\n", name, report.Plural(t.Agents, "agent"), strings.Join(files, ", "))
	}
	fmt.Fprintln(env.stderr, h)
}
