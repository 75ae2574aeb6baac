package main

import (
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkImportMemory imports 10,000 rows with the command as a user runs
// it, and reports the peak resident memory of that process (its rusage
// maxrss, as the kernel measured it), the sandbox running in the benchmark's
// own process. Target: under 100 MB.
//
//	go test -run '^$' -bench ImportMemory -benchtime 1x .
func BenchmarkImportMemory(b *testing.B) {
	const rows = 10000
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
