package importer

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// The rows sent to be created let go of their cells; those that fail are
// read again from the input for the retry file, which must hold them exactly
// as typed (a quoted cell included) and nothing else.
func TestImportRetryFileReadsRowsAgain(t *testing.T) {
	t.Parallel()
	// The seeded admin and 3 more: rows 4 to 8 fail on the users quota.
	sb := startSandbox(t, sandbox.Options{Unlimited: true, UserQuota: 4})
	rows := agents("again", 8)
	rows[5].First = `"Agent, Junior"` // a quoted cell: read again by encoding/csv
	dir := t.TempDir()
	input := writeAgents(t, dir, rows)

	res, err := importInto(t, sb, Config{Input: input, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts[report.Created] != 3 || res.Counts[report.Failed] != 5 {
		t.Fatalf("counts %v, want 3 created and 5 failed", res.Counts)
	}
	if res.RetryErr != nil || res.RetryRows != 5 {
		t.Fatalf("retry file: %d rows, error %v; want 5 rows", res.RetryRows, res.RetryErr)
	}
	want := readCSV(t, input)
	got := readCSV(t, res.RetryPath)
	got[0][0] = strings.TrimPrefix(got[0][0], "\ufeff")
	if len(got) != 6 {
		t.Fatalf("retry file has %d records, want the header and 5 rows: %q", len(got), got)
	}
	for i, rec := range got {
		src := want[0]
		if i > 0 {
			src = want[i+3] // rows 4 to 8 of the input
		}
		if strings.Join(rec, "\x00") != strings.Join(src, "\x00") {
			t.Errorf("retry record %d = %q, want %q", i, rec, src)
		}
	}
	if got[3][0] != "Agent, Junior" {
		t.Errorf("the quoted cell reads %q", got[3][0])
	}
}

// A row read again that no longer names its user (the input was changed
// under the run) makes the retry file fail, rather than hold another row.
func TestRetryRecordsRefuseAChangedInput(t *testing.T) {
	t.Parallel()
	header := templateHeader + "\n"
	was := agents("was", 2)
	now := agents("now", 2)
	input := strings.NewReader(header + now[0].csv() + "\n" + now[1].csv() + "\n")
	rows := []PlannedRow{{Row: agentfile.Row{Line: 2}}, {Row: agentfile.Row{Line: 3}}}
	outcomes := []report.Outcome{
		{Line: 2, Login: was[0].Login, Status: report.Created},
		{Line: 3, Login: was[1].Login, Status: report.Failed},
	}
	_, err := retryRecords(context.Background(), input, agentfile.ReadOptions{}, rows, outcomes)
	if err == nil || !strings.Contains(err.Error(), "changed during the run") || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("error %v, want the input changed at line 3", err)
	}
	outcomes[1].Login = now[1].Login
	got, err := retryRecords(context.Background(), input, agentfile.ReadOptions{}, rows, outcomes)
	if err != nil || len(got) != 1 || got[0][6] != now[1].Login {
		t.Fatalf("records %q, error %v; want line 3's", got, err)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
