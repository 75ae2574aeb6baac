package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkImportMemory imports 10,000 and 200,000 rows with the command as
// a user runs it, and reports the peak resident memory of that process (its
// rusage maxrss, as the kernel measured it); the sandbox runs in the
// benchmark's own process, so its users are not counted. Targets: at most
// 50 MB for 10,000 rows, 250 MB for 200,000 (about 1 KB a row).
//
//	go test -run '^$' -bench 'ImportMemory/rows=10000$' -benchtime 1x .
//	go test -run '^$' -bench 'ImportMemory/rows=200000$' -benchtime 1x .   # 2 to 4 minutes
func BenchmarkImportMemory(b *testing.B) {
	for _, rows := range []int{10000, 200000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) { benchmarkImportMemory(b, rows) })
	}
}

func benchmarkImportMemory(b *testing.B, rows int) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sb := e2eSandbox(b, sandbox.Options{Unlimited: true, UserQuota: rows + 10})
		dir := b.TempDir()
		writeFile(b, dir, "agents.csv", e2eRows("memory", rows))
		cmd := importCmd(b, sb, dir, 10000, "import", "agents.csv", "--no-progress", "--concurrency", "32")
		b.StartTimer()
		out, err := cmd.CombinedOutput()
		b.StopTimer()
		if err != nil {
			b.Fatalf("import: %v\n%s", err, out)
		}
		got, err := report.Load(filepath.Join(dir, "agents-results.csv"))
		if err != nil {
			b.Fatal(err)
		}
		created := 0
		for _, o := range got {
			if o.Status == report.Created {
				created++
			}
		}
		if created != rows {
			b.Fatalf("%d created, want %d\n%s", created, rows, out)
		}
		b.ReportMetric(float64(maxRSS(cmd))/1024, "peak-RSS-MB")
		b.ReportMetric(float64(maxRSS(cmd))*1024/float64(rows), "peak-RSS-B/row")
		sb.Close()
	}
}

// maxRSS is a finished process's peak resident set size in KiB (Linux).
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
