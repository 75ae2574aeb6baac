package report

import (
	"strings"
	"text/template"

	"golang.org/x/text/width"
)

// PageBreak, a form feed, starts a new printed page: the default handout
// puts one before each agent after the first, so that each agent gets a
// page of their own (a printer, `lp` and enscript start a page there), and
// the workbook's Handout sheet gets a page break in the same place.
const PageBreak = "\f"

// HandoutColumns is how wide the default handout's lines are at most: what
// a printer prints on a portrait page in a monospaced font.
const HandoutColumns = 80

// handoutFuncs are the functions a handout template may call besides
// text/template's own (docs/handoff.md).
var handoutFuncs = template.FuncMap{"wrap": wrapText}

// wrapText wraps text to lines of at most columns display columns: the
// first line starts with first, the others with rest. Lines break at
// spaces only, so a word (an address, a password) is never cut; one longer
// than a line is moved to a line of its own when that gives it more room,
// and left whole.
func wrapText(columns int, first, rest, text string) string {
	var b strings.Builder
	line, used, bare := first, displayWidth(first), true
	for _, word := range strings.Fields(text) {
		w := displayWidth(word)
		switch {
		case bare && used+w > columns && displayWidth(rest) < used:
			// Even alone it does not fit after first: start it below.
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line, used = rest+word, displayWidth(rest)+w
		case bare:
			line, used = line+word, used+w
		case used+1+w > columns:
			b.WriteString(line + "\n")
			line, used = rest+word, displayWidth(rest)+w
		default:
			line, used = line+" "+word, used+1+w
		}
		bare = false
	}
	b.WriteString(strings.TrimRight(line, " "))
	return b.String()
}

// displayWidth is how many columns s takes in a monospaced font: two for a
// wide character (Chinese, Japanese, Korean), none for a combining mark.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch p := width.LookupRune(r); {
		case p.Kind() == width.EastAsianWide || p.Kind() == width.EastAsianFullwidth:
			n += 2
		case r >= 0x300 && r <= 0x36f, r == 0x200b, r == 0x200d:
			// Combining marks and zero-width characters.
		default:
			n++
		}
	}
	return n
}
