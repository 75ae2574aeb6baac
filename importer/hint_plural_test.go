package importer

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
)

// TestExistingResultsHintCountsPasswords: "1 password", never "1 passwords".
func TestExistingResultsHintCountsPasswords(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2} {
		path := filepath.Join(t.TempDir(), "agents-results.csv")
		l, err := report.Create(path, false)
		if err != nil {
			t.Fatal(err)
		}
		var rows []report.Outcome
		for i := range n {
			rows = append(rows, report.Outcome{Line: 2 + i, Login: "a" + string(rune('a'+i)), Status: report.Created,
				ConnectUserID: "id", Password: "Pw-secret-1x", SignInURL: "https://x.my.connect.aws/"})
		}
		if err := l.Finish(rows); err != nil {
			t.Fatal(err)
		}
		hint, dry := existingResultsHint(path, false), existingResultsHint(path, true)
		if n == 1 {
			if !strings.Contains(hint, "the 1 password it holds is lost") || !strings.Contains(dry, "passwords of 1 user:") {
				t.Errorf("hints for 1 password: %q, %q", hint, dry)
			}
		} else if !strings.Contains(hint, "the 2 passwords it holds are lost") || !strings.Contains(dry, "passwords of 2 users:") {
			t.Errorf("hints for 2 passwords: %q, %q", hint, dry)
		}
	}
}
