package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// Issue 9's acceptance, end to end: bulkagents as a user runs it, against
// the sandbox, under the faults of a real network and a real machine.
// Each runs small in the suite and at the sizes with
// BULKAGENTS_FULL=1:
//
//	BULKAGENTS_FULL=1 go test -run 'TestAcceptance' -v .

// fullSize is in update_crash_test.go.

// TestAcceptanceLostAnswers is acceptance 1: the sandbox drops 20% of the
// mutating calls' answers after applying them; one run creates every row,
// each with the password the sandbox holds, none exists, exit 0. With
// --sso on a SAML sandbox: no Identity Center user twice, every membership
// there.
func TestAcceptanceLostAnswers(t *testing.T) {
	rows := fullSize(t, 40, 300)
	for _, sso := range []bool{false, true} {
		name := "connect"
		if sso {
			name = "sso"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := sandbox.Options{Unlimited: true, DropRate: 0.2, Seed: 9, UserQuota: rows + 10}
			args := []string{"import", "agents.csv", "--no-progress"}
			if sso {
				opts.Identity = "SAML"
				args = append(args, "--sso")
			}
			sb := e2eSandbox(t, opts)
			dir := t.TempDir()
			writeFile(t, dir, "agents.csv", e2eRows("drop"+name, rows))
			code, stderr := runCommand(t, sb, dir, 1000, args...)
			calls := sb.Calls()
			t.Logf("%d rows; answers dropped: Connect CreateUser %d of %d, Identity Store CreateUser %d, CreateGroupMembership %d",
				rows, calls["Connect.CreateUser"].Dropped, calls["Connect.CreateUser"].Sent,
				calls["IdentityStore.CreateUser"].Dropped, calls["IdentityStore.CreateGroupMembership"].Dropped)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if calls["Connect.CreateUser"].Dropped < rows/10 {
				t.Fatalf("only %d CreateUser answers dropped: the test proves little", calls["Connect.CreateUser"].Dropped)
			}
			path := filepath.Join(dir, "agents-results.csv")
			var got map[int]report.Outcome
			if sso {
				got = checkConsistentSSO(t, sb, path, rows, true)
				if n := len(sb.IdentityStoreUsers()); n != rows {
					t.Errorf("%d Identity Center users, want %d", n, rows)
				}
			} else {
				got = checkConsistent(t, sb, path, rows, true)
			}
			for line, o := range got {
				if o.Status != report.Created {
					t.Errorf("line %d: %s, want created", line, o.Status)
				}
			}
			if n := len(sb.ConnectUsers()); n != rows+1 {
				t.Errorf("the sandbox holds %d Connect users, want %d and its admin", n, rows)
			}
		})
	}
}

// cutProxy forwards TCP to the sandbox until cut: then its listener and
// every connection close, as an endpoint that went away.
type cutProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	ups    []net.Conn
	closed bool
	hushed atomic.Bool // stopped answering: connections stay open, nothing comes back
}

func startProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln}
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if p.hushed.Load() {
				p.track(c, nil) // accepted, never answered
				continue
			}
			up, err := net.Dial("tcp", strings.TrimPrefix(target, "http://"))
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, up) {
				return
			}
			go func() { io.Copy(up, c); up.Close() }()
			go func() {
				io.Copy(c, up)
				if !p.hushed.Load() {
					c.Close()
				}
			}()
		}
	}()
	return p
}

func (p *cutProxy) track(c, up net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		if up != nil {
			up.Close()
		}
		return false
	}
	p.conns = append(p.conns, c)
	if up != nil {
		p.ups = append(p.ups, up)
	}
	return true
}

// hush makes the endpoint stop answering without closing anything: the
// sandbox side of each connection is closed, the client's stays open, and
// new connections are accepted and never answered.
func (p *cutProxy) hush() {
	p.hushed.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, up := range p.ups {
		up.Close()
	}
}

func (p *cutProxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.ln.Close()
	for _, c := range append(p.conns, p.ups...) {
		c.Close()
	}
}

// TestAcceptanceEndpointGone is acceptance 4: the endpoint goes away mid-run
// (its listener and connections closed); the run stops sending, the rest
// is not-attempted, the retry file is written, exit 1, and the time from
// the cut to the end is logged; --resume, with the endpoint back, finishes.
func TestAcceptanceEndpointGone(t *testing.T) {
	if os.Getenv("BULKAGENTS_FULL") != "1" {
		// The breaker waits out its quiet (5 s) or its silence (20 s):
		// importer's TestImportEndpointRefused and TestImportEndpointSilent
		// test the same, in the suite, with short ones.
		t.Skip("waits for the breaker's real delays: run with BULKAGENTS_FULL=1")
	}
	t.Run("listener closed", func(t *testing.T) { endpointGone(t, (*cutProxy).cut) })
	t.Run("no answer", func(t *testing.T) { endpointGone(t, (*cutProxy).hush) })
}

func endpointGone(t *testing.T, gone func(*cutProxy)) {
	t.Parallel()
	rows := fullSize(t, 60, 300)
	sb := e2eSandbox(t, sandbox.Options{RateScale: 20, UserQuota: rows + 10}) // CreateUser 40/s
	watch := watchCalls(t, sb)
	proxy := startProxy(t, sb.URL())
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("gone", rows))
	cmd := importCmd(t, nil, dir, 20, "import", "agents.csv", "--no-progress",
		"--instance-id", sb.InstanceID(), "--endpoint-url", proxy.URL(), "--region", "us-east-1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cut := watch.after(rows/4, "Connect.CreateUser")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case <-cut:
	case err = <-done:
		t.Fatalf("the run ended before the cut: %v\n%s", err, stderr.String())
	}
	gone(proxy)
	cutAt := time.Now()
	err = <-done
	ended := time.Since(cutAt)
	t.Logf("%d rows, endpoint gone after %d creates: the run ended %.1f s after it went (acceptance: within 30 s of the last answer)",
		rows, watch.count("Connect.CreateUser"), ended.Seconds())
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1\n%s", err, stderr.String())
	}
	if ended > 2*time.Minute {
		t.Errorf("the run took %v to end after the endpoint went: it kept retrying", ended)
	}
	got := checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), rows, false)
	notAttempted := 0
	for line, o := range got {
		switch o.Status {
		case report.NotAttempted:
			notAttempted++
		case report.Failed:
			if !strings.Contains(o.Error, "--resume") {
				t.Errorf("line %d: failed %q, want it pointed at --resume", line, o.Error)
			}
		}
	}
	if notAttempted < rows/2 {
		t.Errorf("%d rows not-attempted, want the rest after the cut", notAttempted)
	}
	if _, err := os.Stat(filepath.Join(dir, "agents-retry.csv")); err != nil {
		t.Errorf("no retry file: %v", err)
	}
	if s := stderr.String(); !strings.Contains(s, proxy.URL()) || !strings.Contains(s, "--resume") {
		t.Errorf("the summary does not name the endpoint and --resume:\n%s", s)
	}
	code, out := runCommand(t, sb, dir, 20, "import", "agents.csv", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, out)
	}
	checkConsistent(t, sb, filepath.Join(dir, "agents-results.csv"), rows, true)
	if n := len(sb.ConnectUsers()); n != rows+1 {
		t.Errorf("the sandbox holds %d users, want %d and its admin", n, rows)
	}
}

// freezer makes a folder unwritable: chmod for a user, the immutable
// attribute for root (whom permissions do not stop).
type freezer struct {
	dir string
}

func (f freezer) freeze() error {
	if os.Geteuid() != 0 {
		return os.Chmod(f.dir, 0o500)
	}
	return exec.Command("chattr", "+i", f.dir).Run()
}

func (f freezer) thaw() {
	if os.Geteuid() != 0 {
		os.Chmod(f.dir, 0o700)
		return
	}
	exec.Command("chattr", "-i", f.dir).Run()
}

// works says whether freezing stops a new file in the folder here.
func (f freezer) works() bool {
	if f.freeze() != nil {
		return false
	}
	defer f.thaw()
	probe := filepath.Join(f.dir, "probe")
	if err := os.WriteFile(probe, nil, 0o600); err == nil {
		os.Remove(probe)
		return false
	}
	return true
}

// TestImportCommandResultsUnfinished: a run that created users and then
// cannot finish its results file (the folder became read-only) exits 1,
// prints its summary, says that the results file is the complete log and
// to --resume; --resume, once the folder is writable, finishes with every
// password the sandbox holds.
func TestImportCommandResultsUnfinished(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fz := freezer{dir}
	if !fz.works() {
		t.Skip("cannot make a folder read-only here")
	}
	t.Cleanup(fz.thaw)
	const rows = 20
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	var creates atomic.Int32
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "CreateUser" && creates.Add(1) == 3 {
			if err := fz.freeze(); err != nil {
				t.Errorf("freeze %s: %v", dir, err)
			}
		}
		return false
	})
	writeFile(t, dir, "agents.csv", e2eRows("frozen", rows))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	fz.thaw()
	if code != 1 {
		t.Fatalf("exit %d, want 1 (users were made)\n%s", code, stderr)
	}
	path := filepath.Join(dir, "agents-results.csv")
	for _, want := range []string{fmt.Sprintf("%d rows: %d created", rows, rows), "could not be finished", "agents-results.csv is the complete log", "--resume"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	checkConsistent(t, sb, path, rows, true) // the appended log: every password is there
	sb.SetHang(nil)
	code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, out)
	}
	checkConsistent(t, sb, path, rows, true)
	if n := len(sb.ConnectUsers()); n != rows+1 {
		t.Errorf("the sandbox holds %d users, want %d and its admin", n, rows)
	}
}

// smallDisk mounts a tmpfs of size bytes at dir (root only, and where
// mounting is allowed): a disk that can really fill.
func smallDisk(t *testing.T, dir string, size int) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		return false
	}
	if err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).Run(); err != nil {
		return false
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return true
}

// fill writes to path until the disk is full.
func fill(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			return nil // full
		}
	}
}

// TestImportCommandDiskFull: the disk of the results file fills up after
// users were made: the run stops sending (exit 1), prints its summary,
// says that the disk is full, that the results file is the complete log and
// to --resume; no password is lost, and --resume, with space again,
// finishes every row with the password the sandbox holds.
func TestImportCommandDiskFull(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if !smallDisk(t, dir, 1<<20) {
		t.Skip("cannot mount a small disk here (needs root and mount)")
	}
	const rows = 30
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	filler := filepath.Join(dir, "filler")
	var creates atomic.Int32
	sb.SetHang(func(service, op string) bool {
		if service == "Connect" && op == "CreateUser" && creates.Add(1) == 4 {
			if err := fill(filler); err != nil {
				t.Errorf("fill the disk: %v", err)
			}
		}
		return false
	})
	writeFile(t, dir, "agents.csv", e2eRows("full", rows))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress", "--concurrency", "2")
	t.Logf("the run with the disk full:\n%s", stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (users were made)\n%s", code, stderr)
	}
	for _, want := range []string{fmt.Sprintf("import: %d rows:", rows), "could not be finished", "agents-results.csv is the complete log", "is full", "--resume"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "agents-results.csv")
	checkConsistent(t, sb, path, rowsIn(t, dir), false) // every user made has its password in the log
	sb.SetHang(nil)
	code, out := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--resume", "--no-progress")
	if code != 0 {
		t.Fatalf("--resume: exit %d\n%s", code, out)
	}
	checkConsistent(t, sb, path, rows, true)
	if n := len(sb.ConnectUsers()); n != rows+1 {
		t.Errorf("the sandbox holds %d users, want %d and its admin", n, rows)
	}
}
