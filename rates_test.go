package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/sandbox"
)

// runUnscaled runs bulkagents against sb as a user types it, without
// --rate-scale: the rates then come from the sandbox's Service Quotas. It
// returns the exit code, standard output and standard error.
func runUnscaled(t *testing.T, sb *sandbox.Sandbox, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := importCmd(t, sb, dir, 1, args...)
	if n := len(cmd.Args); n < 2 || cmd.Args[n-2] != "--rate-scale" {
		t.Fatalf("importCmd no longer ends with --rate-scale: %q", cmd.Args)
	}
	cmd.Args = cmd.Args[:len(cmd.Args)-2]
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("run bulkagents: %v", err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// TestExportRatesFromServiceQuotas: export, given no --rate-scale, paces
// to the rates the sandbox's Service Quotas reports and says so; refused,
// it uses the defaults, with one line saying so.
func TestExportRatesFromServiceQuotas(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Quotas: map[string]float64{"DescribeUser": 37, "SearchUsers": 3}})
	dir := t.TempDir()
	code, stdout, stderr := runUnscaled(t, sb, dir, "export", "--out", "a.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"DescribeUser 1 (limit 37/s)", "SearchUsers 1 (limit 3/s)",
		"export: rates: from Service Quotas for DescribeInstance (L-D14CF86E), ", " DescribeUser (L-EE6F0D82), "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}
	if n := sb.Calls()["ServiceQuotas.GetServiceQuota"].Sent; n == 0 {
		t.Errorf("Service Quotas was not asked")
	}
	code, stdout, stderr = runUnscaled(t, sb, dir, "export", "--out", "b.csv", "--no-progress", "--format", "json")
	if code != 0 {
		t.Fatalf("export --format json: exit %d\n%s", code, stderr)
	}
	var v struct {
		Rates   map[string]float64 `json:"rates_per_second"`
		Sources map[string]string  `json:"rate_sources"`
	}
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if v.Rates["DescribeUser"] != 37 || v.Sources["DescribeUser"] != "service-quotas" {
		t.Errorf("JSON rates %v, sources %v: want DescribeUser 37 from service-quotas", v.Rates, v.Sources)
	}

	off := e2eSandbox(t, sandbox.Options{ServiceQuotasOff: true})
	code, _, stderr = runUnscaled(t, off, dir, "export", "--out", "c.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("export, Service Quotas refusing: exit %d\n%s", code, stderr)
	}
	checkRefusedNote(t, stderr)
	if !strings.Contains(stderr, "DescribeUser 1 (limit 10/s)") || !strings.Contains(stderr, "export: rates: the documented default for every API\n") {
		t.Errorf("summary does not give DescribeUser's default rate:\n%s", stderr)
	}
}

// checkRefusedNote wants exactly one line saying that Service Quotas refused
// and the defaults are used.
func checkRefusedNote(t *testing.T, stderr string) {
	t.Helper()
	n := 0
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "Service Quotas refused (AccessDeniedException)") && strings.Contains(l, "documented default rates") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d lines say Service Quotas refused, want 1:\n%s", n, stderr)
	}
}

// TestRemoveRatesFromServiceQuotas: remove, given no --rate-scale, paces
// DeleteUser to what Service Quotas says (DeleteUser has no documented code:
// found by name in the listing) and says so; refused, the defaults, with
// one line saying so.
func TestRemoveRatesFromServiceQuotas(t *testing.T) {
	t.Parallel()
	for _, off := range []bool{false, true} {
		t.Run(fmt.Sprintf("refused=%v", off), func(t *testing.T) {
			t.Parallel()
			sb := e2eSandbox(t, sandbox.Options{Quotas: map[string]float64{"DeleteUser": 7}, ServiceQuotasOff: off})
			var users []sandbox.ConnectUser
			file := "user login\n"
			for i := 1; i <= 3; i++ {
				users = append(users, sandbox.ConnectUser{Username: fmt.Sprintf("leaver%d", i), FirstName: "A", LastName: "B"})
				file += fmt.Sprintf("leaver%d\n", i)
			}
			if err := sb.AddConnectUsers(users...); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte(file), 0o600); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := runUnscaled(t, sb, dir, "remove", "leavers.csv", "--yes", "--no-progress")
			if code != 0 {
				t.Fatalf("remove: exit %d\n%s", code, stderr)
			}
			want := "DeleteUser paced to 7.00/s, from Service Quotas L-"
			if off {
				want = "DeleteUser paced to 2.00/s, the documented default"
				checkRefusedNote(t, stderr)
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("summary lacks %q:\n%s", want, stderr)
			}
			if n := len(sb.ConnectUsers()); n != 1 {
				t.Errorf("%d users left, want the admin only", n)
			}
		})
	}
}

// TestImportRefusedRatesNoteOnce: an import whose Service Quotas look-ups
// are refused says so in one line, before its first create, and its summary
// does not say it again.
func TestImportRefusedRatesNoteOnce(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{ServiceQuotasOff: true, Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("refused", 3))
	code, _, stderr := runUnscaled(t, sb, dir, "import", "agents.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("import, Service Quotas refusing: exit %d\n%s", code, stderr)
	}
	checkRefusedNote(t, stderr)
	if i, j := strings.Index(stderr, "Service Quotas refused"), strings.Index(stderr, "import: 3 rows"); i < 0 || j < 0 || i > j {
		t.Errorf("the note does not come before the summary:\n%s", stderr)
	}
}
