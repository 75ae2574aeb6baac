package agentfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
)

// A retry file reads back as the values of the rows it was made from:
// cells a spreadsheet would run as a formula carry the formula mark there
// (so Excel, where the administrator fixes them, shows them as text), and
// cells that had the mark already keep exactly one.
func TestRetryFileReadsBackTheValues(t *testing.T) {
	ctx := context.Background()
	in := "first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,password,phone number\n" +
		"=Ann,'=Lee,alee,Basic Routing Profile,Agent,-Secret1x,+14155550100\n" +
		"'Bo,''Chen,bchen,@Sales,Agent,'+Secret2y,\n"
	f := readString(t, in)
	var records [][]string
	for _, r := range f.Rows {
		records = append(records, r.Record)
	}
	path := filepath.Join(t.TempDir(), "agents-retry.csv")
	if err := report.WriteRetry(path, f.Header, records, false); err != nil {
		t.Fatal(err)
	}
	retry, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer retry.Close()
	back, err := Read(ctx, retry, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{ColFirstName, ColLastName, ColLogin, ColRoutingProfile, ColPassword, ColPhoneNumber}
	for i, r := range f.Rows {
		for _, c := range cols {
			if want, got := f.Value(r, c), back.Value(back.Rows[i], c); got != want {
				t.Errorf("row %d, column %d: %q after the retry file, %q before", i+1, c, got, want)
			}
		}
	}
	b, _ := os.ReadFile(path)
	for _, cell := range []string{"'=Ann", "'-Secret1x", "'+14155550100", "'@Sales", "'=Lee", "''Chen", "'+Secret2y"} {
		if !strings.Contains(","+strings.ReplaceAll(string(b), "\n", ",")+",", ","+cell+",") {
			t.Errorf("retry file lacks the cell %q:\n%s", cell, b)
		}
	}
}
