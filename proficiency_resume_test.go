package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestImportProficiencyResume kills an import after its users were created
// and while each row's AssociateUserProficiencies is in flight, held by the
// sandbox before it is applied; --resume then adds every proficiency
// without creating any user twice, and the passwords written ahead are the
// users' own.
func TestImportProficiencyResume(t *testing.T) {
	t.Parallel()
	const n = 20
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(fullRows("CONNECT_MANAGED", "res", n)), 0o600); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // login -> proficiencies cell
	withProfs := int64(0)
	for i := 1; i <= n; i++ {
		if p := strings.Split(extensionCells(i), ",")[0]; p != "" {
			want[loginOf(i)] = p
			withProfs++
		}
	}
	allHeld := make(chan struct{})
	var holding atomic.Int64
	sb.SetHold(func(_, op string) bool {
		if op != "AssociateUserProficiencies" {
			return false
		}
		if holding.Add(1) == withProfs {
			close(allHeld)
		}
		return true
	})
	created := watchCalls(t, sb).after(n, "Connect.CreateUser")
	cmd := importCmd(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	await(t, allHeld, fmt.Sprintf("holding all %d AssociateUserProficiencies", withProfs))
	await(t, created, fmt.Sprintf("the %d CreateUser calls", n))
	cmd.Process.Signal(syscall.SIGKILL)
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.Exited() {
		t.Fatalf("the import was not killed: %v", err)
	}
	sb.SetHold(nil)
	for _, u := range sb.ConnectUsers() {
		if len(sb.UserProficiencies(u.Username)) != 0 {
			t.Fatalf("%s has proficiencies before the resume: the kill came too late", u.Username)
		}
	}

	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, stderr)
	}
	got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), n, true)
	for line, o := range got {
		if o.Status != report.Created {
			t.Errorf("line %d: %s, want created", line, o.Status)
		}
	}
	if c := sb.Calls()["Connect.CreateUser"]; c.Sent != n || c.Failed != 0 {
		t.Errorf("CreateUser sent %d times (%d failed), want %d: a user created twice or tried again", c.Sent, c.Failed, n)
	}
	for login, cell := range want {
		var have []string
		for _, p := range sb.UserProficiencies(login) {
			have = append(have, agentfile.Proficiency{Attribute: p.AttributeName, Value: p.AttributeValue, Level: int(p.Level)}.String())
		}
		if !sameSet(have, strings.Split(cell, "||")) {
			t.Errorf("%s: proficiencies %v, want %s", login, have, cell)
		}
	}
}

func loginOf(i int) string { return fmt.Sprintf("res%03d", i) }

// sameSet: a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
