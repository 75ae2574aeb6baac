package agentfile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Summary counts a validation's rows.
type Summary struct {
	Rows     int `json:"rows"`
	Valid    int `json:"valid"`
	Invalid  int `json:"invalid"`
	Warnings int `json:"warnings"`
	// UpdatesOnly (rows checked as updates, ValidateOptions.Update) are
	// the valid rows that leave blank what a create needs: valid for users
	// that exist; import --update refuses them for a user it would create.
	UpdatesOnly int `json:"updates_only,omitempty"`
}

// Summarize counts valid and invalid rows.
func Summarize(checked []Checked) Summary {
	s := Summary{Rows: len(checked)}
	for _, c := range checked {
		if c.Agent != nil && len(c.Problems) == 0 {
			s.Valid++
		} else {
			s.Invalid++
		}
		s.Warnings += len(c.Warnings)
	}
	return s
}

// String is the report's last line, exactly "N rows: V valid, I invalid"
// (always "rows": scripts match it).
func (s Summary) String() string {
	out := fmt.Sprintf("%d rows: %d valid, %d invalid", s.Rows, s.Valid, s.Invalid)
	if s.UpdatesOnly > 0 {
		out += fmt.Sprintf(" (%d of the valid rows only as updates of existing users: a new agent needs the columns they leave blank)", s.UpdatesOnly)
	}
	return out
}

// FormatProblem is a problem as one line of text:
//
//	line 7: column "phone number": "4255550100" is not in E.164 form; hint: write it with + ...
func FormatProblem(p Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: ", p.Line)
	if p.Column != "" {
		fmt.Fprintf(&b, "column %q: ", p.Column)
	}
	b.WriteString(oneLine(p.Message))
	if p.Hint != "" {
		b.WriteString("; hint: ")
		b.WriteString(oneLine(p.Hint))
	}
	return b.String()
}

// FormatWarning is FormatProblem for a warning: "line 7: warning: column
// ...", the line number first for grep.
func FormatWarning(p Problem) string {
	prefix := fmt.Sprintf("line %d: ", p.Line)
	return prefix + "warning: " + strings.TrimPrefix(FormatProblem(p), prefix)
}

// oneLine keeps a report line on one line whatever a cell held (quote
// already escapes values; this is a second guard).
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// WriteReport writes the validation report in "text" or "json".
//
// Text is a line per problem (warnings marked "warning:"), in input order,
// then "N rows: V valid, I invalid". JSON is one object: the counts, and the
// problems and warnings as lists of {line, column, value, message, hint}.
// Neither ever holds a password: validation keeps them out of problems.
func WriteReport(w io.Writer, format string, checked []Checked) error {
	return writeReport(w, format, Summarize(checked), checked)
}

func writeReport(w io.Writer, format string, sum Summary, checked []Checked) error {
	switch format {
	case "text", "":
		return writeText(w, sum, checked)
	case "json":
		return writeJSON(w, sum, checked)
	}
	return fmt.Errorf("unknown report format %q (want text or json)", format)
}

func writeText(w io.Writer, sum Summary, checked []Checked) error {
	bw := bufio.NewWriter(w)
	for _, c := range checked {
		for _, p := range c.Problems {
			bw.WriteString(FormatProblem(p))
			bw.WriteByte('\n')
		}
		for _, p := range c.Warnings {
			bw.WriteString(FormatWarning(p))
			bw.WriteByte('\n')
		}
	}
	bw.WriteString(sum.String())
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the validation report: %w", err)
	}
	return nil
}

// jsonReport is the shape of --format json.
type jsonReport struct {
	Summary
	Problems []Problem `json:"problems"`
	Warnings []Problem `json:"warnings"`
}

func writeJSON(w io.Writer, sum Summary, checked []Checked) error {
	r := jsonReport{Summary: sum, Problems: []Problem{}, Warnings: []Problem{}}
	for _, c := range checked {
		r.Problems = append(r.Problems, c.Problems...)
		r.Warnings = append(r.Warnings, c.Warnings...)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing the validation report: %w", err)
	}
	return nil
}
