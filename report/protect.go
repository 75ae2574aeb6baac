package report

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Passphrases are made of syllables, a consonant then a vowel, so that one
// reads aloud as words and types without shift or symbols: 4 words of 4
// syllables, such as "bakotimu-dasefino-rupavega-hozumike". The consonants
// leave out c, q, w, x, y and l, which are heard or read as others.
const (
	passphraseConsonants = "bdfghjkmnprstvz"
	passphraseVowels     = "aeiou"
	passphraseWords      = 4
	passphraseSyllables  = 4 // per word
)

// PassphraseBits is how much guessing a passphrase is worth:
// 16 syllables of 75 each, about 99.7 bits.
const PassphraseBits = 99

// NewPassphrase makes a passphrase for a team's workbook from crypto/rand.
func NewPassphrase() (string, error) {
	n := len(passphraseConsonants) * len(passphraseVowels) // 75 syllables
	limit := 256 - 256%n                                   // bytes at or above are rejected: no bias
	var b strings.Builder
	buf := make([]byte, 32)
	next := len(buf)
	for w := 0; w < passphraseWords; w++ {
		if w > 0 {
			b.WriteByte('-')
		}
		for s := 0; s < passphraseSyllables; {
			if next == len(buf) {
				if _, err := rand.Read(buf); err != nil {
					return "", fmt.Errorf("passphrase: %w", err)
				}
				next = 0
			}
			v := int(buf[next])
			next++
			if v >= limit {
				continue
			}
			v %= n
			b.WriteByte(passphraseConsonants[v/len(passphraseVowels)])
			b.WriteByte(passphraseVowels[v%len(passphraseVowels)])
			s++
		}
	}
	return b.String(), nil
}

// Sheet names of a protected team workbook.
const (
	AgentsSheet  = "Agents"
	HandoutSheet = "Handout"
)

// protectedWorkbook is a team's .xlsx workbook, encrypted with passphrase
// (ECMA-376 agile encryption, which Excel, LibreOffice and Numbers open
// after asking for it): the sheet Agents holds records (the header first),
// the sheet Handout the rendered handout, one line per row, to print.
func protectedWorkbook(records [][]string, handout []byte, passphrase string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	first := f.GetSheetName(0)
	if err := f.SetSheetName(first, AgentsSheet); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	widths := make([]int, len(TeamHeader))
	for i, rec := range records {
		// A wrapped cell needs its row to grow: spreadsheets keep the
		// default height of a row written without one.
		if lines := wrappedLines(rec); lines > 1 {
			if err := f.SetRowHeight(AgentsSheet, i+1, float64(15*lines)); err != nil {
				return nil, fmt.Errorf("workbook: %w", err)
			}
		}
		row := make([]any, len(rec))
		for j, cell := range rec {
			// Cells are stored as text, never as formulas: no neutralising
			// apostrophe is needed, and a password stays exactly itself.
			row[j] = cell
			if i > 0 && j == 0 {
				if n, err := strconv.Atoi(cell); err == nil {
					row[j] = n
				}
			}
			if j < len(widths) {
				widths[j] = max(widths[j], utf8.RuneCountInString(cell))
			}
		}
		if err := f.SetSheetRow(AgentsSheet, "A"+strconv.Itoa(i+1), &row); err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
	}
	if err := agentsColumns(f, widths); err != nil {
		return nil, err
	}

	if err := fitToPageWidth(f, AgentsSheet, "landscape"); err != nil {
		return nil, err
	}
	if err := handoutSheet(f, handout); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)

	var b bytes.Buffer
	if _, err := f.WriteTo(&b, excelize.Options{Password: passphrase}); err != nil {
		return nil, fmt.Errorf("workbook: encrypt: %w", err)
	}
	return b.Bytes(), nil
}

// agentsMaxWidth is the widest column of the Agents sheet, in characters:
// a longer cell (the first sign-in steps) wraps in its column. Printed one
// page wide, a column as wide as its longest cell would shrink the whole
// table past reading.
const agentsMaxWidth = 40

// wrappedLines is how many lines the longest cell of a row takes when
// wrapped at agentsMaxWidth characters (an estimate: words wrap whole).
func wrappedLines(rec []string) int {
	lines := 1
	for _, cell := range rec {
		n := utf8.RuneCountInString(cell)
		lines = max(lines, (n+agentsMaxWidth-1)/agentsMaxWidth+n/(4*agentsMaxWidth))
	}
	return lines
}

// agentsColumns sizes each column of the Agents sheet to its longest cell,
// at most agentsMaxWidth, and wraps the cells that are longer.
func agentsColumns(f *excelize.File, widths []int) error {
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	for j, w := range widths {
		col, err := excelize.ColumnNumberToName(j + 1)
		if err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
		if err := f.SetColWidth(AgentsSheet, col, col, float64(min(max(w, 6), agentsMaxWidth)+2)); err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
		if err := f.SetColStyle(AgentsSheet, col, wrap); err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
	}
	return nil
}

// handoutSheet writes the rendered handout on the sheet Handout, one line
// per row, in a monospaced font (the handout aligns with spaces), with a
// page break where the handout has one (PageBreak: before each agent after
// the first), so that each agent gets a page.
func handoutSheet(f *excelize.File, handout []byte) error {
	if _, err := f.NewSheet(HandoutSheet); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(handout), "\r\n", "\n"), "\n"), "\n")
	width := 20
	for i, l := range lines {
		row := strconv.Itoa(i + 1)
		if strings.Contains(l, PageBreak) {
			l = strings.ReplaceAll(l, PageBreak, "")
			if err := f.InsertPageBreak(HandoutSheet, "A"+row); err != nil {
				return fmt.Errorf("workbook: %w", err)
			}
		}
		if l == "" {
			continue
		}
		width = max(width, displayWidth(l))
		if err := f.SetCellStr(HandoutSheet, "A"+row, l); err != nil {
			return fmt.Errorf("workbook: %w", err)
		}
	}
	mono, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "Courier New", Size: 10}})
	if err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	if err := f.SetColStyle(HandoutSheet, "A", mono); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	// A column's width is counted in the default font's digits (Calibri 11,
	// 7 pixels); a Courier New 10 character is 8.
	if err := f.SetColWidth(HandoutSheet, "A", "A", float64(min(width, 120)*8/7+2)); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	return handoutPrintSetup(f)
}

// handoutPrintSetup prints the Handout sheet one page wide at full size:
// portrait, half-inch side margins. Not "fit to page width", which would be
// simpler, because Excel ignores manual page breaks under it, and the
// breaks are what give each agent a page. The width is enough: the default
// handout's 80 columns of Courier New 10 take 6.7 inches, and half-inch
// margins leave 7.27 on A4 paper, 7.5 on Letter.
func handoutPrintSetup(f *excelize.File) error {
	portrait := "portrait"
	if err := f.SetPageLayout(HandoutSheet, &excelize.PageLayoutOptions{Orientation: &portrait}); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	side, top := 0.5, 0.75
	if err := f.SetPageMargins(HandoutSheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &top,
	}); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	return nil
}

// fitToPageWidth makes a sheet print one page wide (and as many pages long
// as it takes), whatever its columns' widths.
func fitToPageWidth(f *excelize.File, sheet, orientation string) error {
	one, tall := 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Orientation: &orientation, FitToWidth: &one, FitToHeight: &tall,
	}); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return fmt.Errorf("workbook: %w", err)
	}
	return nil
}
