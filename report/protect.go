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
	for j, w := range widths {
		col, err := excelize.ColumnNumberToName(j + 1)
		if err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
		if err := f.SetColWidth(AgentsSheet, col, col, float64(min(max(w, 6), 80)+2)); err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
	}

	if _, err := f.NewSheet(HandoutSheet); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(handout), "\r\n", "\n"), "\n"), "\n")
	width := 20
	for i, l := range lines {
		if l == "" {
			continue
		}
		width = max(width, utf8.RuneCountInString(l))
		if err := f.SetCellStr(HandoutSheet, "A"+strconv.Itoa(i+1), l); err != nil {
			return nil, fmt.Errorf("workbook: %w", err)
		}
	}
	if err := f.SetColWidth(HandoutSheet, "A", "A", float64(min(width, 120)+2)); err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	f.SetActiveSheet(0)

	var b bytes.Buffer
	if _, err := f.WriteTo(&b, excelize.Options{Password: passphrase}); err != nil {
		return nil, fmt.Errorf("workbook: encrypt: %w", err)
	}
	return b.Bytes(), nil
}
