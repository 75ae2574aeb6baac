package agentfile

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// LoginFile is the file remove reads: any CSV with a "user login" column
// (the template, an export, a results file), reduced to its logins.
type LoginFile struct {
	Header []string
	Rows   []LoginRow
}

// LoginRow is one data row of a LoginFile.
type LoginRow struct {
	Line  int
	Login string // the cell as typed, a spreadsheet's formula mark removed
	// UserID is the row's "connect user id" cell, when the file has that
	// column (an import's or a remove's results file): the user looked up
	// exactly when the listing lacks it.
	UserID string
	Record []string // the fields as read, for the retry file
}

// ReadLogins reads the logins of a CSV file. Every other column is ignored,
// whatever its name: remove needs only the login. Blank rows are skipped.
func ReadLogins(ctx context.Context, r io.Reader) (*LoginFile, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	// The input's bounds (bounds.go) hold here too: remove reads any CSV.
	bound := &BoundedReader{R: br, Line: 1}
	cr := csv.NewReader(bound)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	if first, err := br.Peek(br.Buffered()); err == nil {
		// A spreadsheet set to a semicolon list separator saves with ";".
		line, _, _ := strings.Cut(string(first), "\n")
		if !strings.Contains(line, ",") && strings.Contains(line, ";") {
			cr.Comma = ';'
		}
	}
	header, err := cr.Read()
	if err == nil {
		err = CheckRecordBounds(header, 1)
	}
	if err == io.EOF {
		return nil, &FileError{Message: "the file is empty", Hint: "give a CSV file with a \"user login\" column: the template, an export or a results file"}
	}
	if err != nil {
		return nil, csvFileError(err)
	}
	col, idCol := -1, -1
	for i, h := range header {
		if CanonicalName(h) == "connect user id" && idCol < 0 {
			idCol = i
		}
		if IsLoginHeader(h) {
			if col >= 0 {
				return nil, &FileError{Line: 1, Column: h, Message: "the \"user login\" column appears twice", Hint: "keep one \"user login\" column"}
			}
			col = i
		}
	}
	if col < 0 {
		return nil, &FileError{Line: 1, Message: fmt.Sprintf("no \"user login\" column in the header %q", strings.Join(header, ",")),
			Hint: "remove reads the logins from a column named \"user login\", as the template, an export and a results file have"}
	}
	f := &LoginFile{Header: header}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bound.StartRecord()
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvFileError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := CheckRecordBounds(rec, line); err != nil {
			return nil, err
		}
		if BlankRecord(rec) {
			continue
		}
		login := ""
		if col < len(rec) {
			login = unmarkFormula(rec[col])
		}
		row := LoginRow{Line: line, Login: login, Record: rec}
		if idCol >= 0 && idCol < len(rec) {
			row.UserID = strings.TrimSpace(unmarkFormula(rec[idCol]))
		}
		f.Rows = append(f.Rows, row)
	}
	return f, nil
}

// unmarkFormula removes the apostrophe that a results file (or a careful
// spreadsheet user) puts before a cell a spreadsheet would run as a formula.
// No login holds an apostrophe, so this never changes a real login.
func unmarkFormula(cell string) string {
	if rest, ok := strings.CutPrefix(cell, "'"); ok && rest != "" {
		switch rest[0] {
		case '=', '+', '-', '@', '\t', '\r', '\'':
			return rest
		}
	}
	return cell
}

func csvFileError(err error) error {
	var be *BoundError
	if errors.As(err, &be) {
		return be.FileError()
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{Line: pe.StartLine, Message: "not a readable CSV file: " + pe.Err.Error(),
			Hint: "save the file from the spreadsheet as CSV (comma separated)"}
	}
	return err
}
