package agentfile

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"testing"
)

// agentsCSV generates a variant-C file of n realistic rows, one in a hundred
// with a problem, as a large import would look.
func agentsCSV(tb testing.TB, n int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	buf.Grow(n * 200)
	w := csv.NewWriter(&buf)
	if err := w.Write(variantC); err != nil {
		tb.Fatal(err)
	}
	rec := make([]string, len(variantC))
	for i := range n {
		login := "agent" + strconv.Itoa(i)
		phoneType, number, acw := "soft", "", "30"
		if i%7 == 0 {
			phoneType, number = "desk", fmt.Sprintf("+1425555%04d", i%10000)
		}
		if i%100 == 99 {
			acw = "soon" // an invalid row
		}
		hierarchy := ""
		if i%3 == 0 {
			hierarchy = "Example Corp|Support|Tier 1"
		}
		rec = append(rec[:0],
			"First"+strconv.Itoa(i), "Last"+strconv.Itoa(i), login+"@example.com", "", "+447700900123", "",
			login, "", "Basic Routing Profile", "Agent|CallCenterManager", hierarchy, phoneType, number,
			"yes", acw, "team|blue||site|leeds")
		if err := w.Write(rec); err != nil {
			tb.Fatal(err)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// BenchmarkValidate100k reads and validates a generated 100,000-row file.
//
//	go test -run '^$' -bench BenchmarkValidate100k -benchmem ./agentfile/
func BenchmarkValidate100k(b *testing.B) {
	const rows = 100_000
	data := agentsCSV(b, rows)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		f, err := Read(context.Background(), bytes.NewReader(data), ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		checked := Validate(f, ValidateOptions{Identity: IdentityConnect})
		if len(checked) != rows {
			b.Fatalf("got %d results", len(checked))
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkValidateStream100k validates a generated 100,000-row file as the
// validate command does: row by row as it is read, nothing of a valid row
// kept but its login.
//
//	go test -run '^$' -bench BenchmarkValidateStream100k -benchmem ./agentfile/
func BenchmarkValidateStream100k(b *testing.B) {
	const rows = 100_000
	data := agentsCSV(b, rows)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		s, err := NewScanner(bytes.NewReader(data), ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		rep, err := ValidateRows(context.Background(), s, ValidateOptions{Identity: IdentityConnect})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Summary.Rows != rows || rep.Summary.Invalid != rows/100 {
			b.Fatalf("got %+v", rep.Summary)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
