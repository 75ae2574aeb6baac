package agentfile

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The fast reader of quote-free lines, and its hand-over to encoding/csv at
// the first quote, read every input as encoding/csv alone does: the same
// records, on the same lines, and an error where it has one.
func TestFastReadMatchesEncodingCSV(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", ",", ",", "\n", "\r\n", "\"", " ", "é", "\r"}
	for n := range 20_000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		in := b.String()
		tr := &templateReader{br: bufio.NewReaderSize(strings.NewReader(in), 16), line: 1, header: []string{}}
		if n%2 == 0 {
			tr.keep = true
		}
		want := csv.NewReader(strings.NewReader(in))
		want.FieldsPerRecord = -1
		for i := 0; ; i++ {
			got, line, gerr := tr.readRecord()
			rec, werr := want.Read()
			if errors.Is(werr, io.EOF) || errors.Is(gerr, io.EOF) {
				if !errors.Is(werr, io.EOF) || !errors.Is(gerr, io.EOF) {
					t.Fatalf("%q, record %d: got %q %v, encoding/csv %q %v", in, i, got, gerr, rec, werr)
				}
				break
			}
			if werr != nil || gerr != nil {
				var fe *FileError
				var pe *csv.ParseError
				if werr == nil || gerr == nil || !errors.As(gerr, &fe) || !errors.As(werr, &pe) || fe.Line != max(pe.StartLine, 0) && fe.Line != pe.Line {
					t.Fatalf("%q, record %d: got %q %v, encoding/csv %q %v", in, i, got, gerr, rec, werr)
				}
				break
			}
			wline, _ := want.FieldPos(0)
			if !slices.Equal(got, rec) || line != wline {
				t.Fatalf("%q, record %d: got %q on line %d, encoding/csv %q on line %d", in, i, got, line, rec, wline)
			}
		}
	}
}
