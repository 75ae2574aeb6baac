package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestRemoveCommandAdmin: an export given to remove as the leavers file
// names the instance's admin. The dry run says so; a real run refuses
// (exit 2, nothing deleted) unless --allow-admin.
func TestRemoveCommandAdmin(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("leaver", 3))
	if code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	if code, stderr := runCommand(t, sb, dir, 1000, "export", "--out", "export.csv", "--no-progress"); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}

	code, stderr := runCommand(t, sb, dir, 1000, "remove", "export.csv", "--dry-run", "--no-progress")
	if code != 0 || !strings.Contains(stderr, "Admin security profile") || !strings.Contains(stderr, `"admin"`) || !strings.Contains(stderr, "--allow-admin") {
		t.Errorf("dry run: exit %d, want 0 and a warning naming admin, the Admin security profile and --allow-admin:\n%s", code, stderr)
	}
	for _, o := range results(t, filepath.Join(dir, "export-removed.csv")) {
		if o.Login == "admin" && (o.Status != report.WouldDelete || !strings.Contains(o.Changes+o.Error, "Admin security profile")) {
			t.Errorf("dry run's admin row: %s %q %q, want would-delete saying it holds Admin", o.Status, o.Changes, o.Error)
		}
	}

	sb.ResetCalls()
	code, stderr = runCommand(t, sb, dir, 1000, "remove", "export.csv", "--yes", "--force", "--no-progress")
	if code != 2 || !strings.Contains(stderr, `"admin"`) || !strings.Contains(stderr, "--allow-admin") {
		t.Errorf("--yes: exit %d, want 2 naming admin and --allow-admin:\n%s", code, stderr)
	}
	if n := sb.Calls()["Connect.DeleteUser"].Sent; n != 0 || len(sb.ConnectUsers()) != 4 {
		t.Errorf("refused, yet %d DeleteUser sent (%d users left)", n, len(sb.ConnectUsers()))
	}

	code, stderr = runCommand(t, sb, dir, 1000, "remove", "export.csv", "--yes", "--force", "--allow-admin", "--no-progress")
	if code != 0 || len(sb.ConnectUsers()) != 0 {
		t.Errorf("--allow-admin: exit %d, %d users left, want 0 and none\n%s", code, len(sb.ConnectUsers()), stderr)
	}
}
