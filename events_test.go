package main

import (
	"bytes"
	"errors"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/sandbox"
)

// arrived closes when the nth call of op reaches the sandbox (before it is
// handled), so that a test acts at that moment rather than after a guess
// at how long a run takes to get there. It uses the sandbox's hold hook;
// with hold, the calls of op after the nth are held (in flight, never
// applied) until the client gives up, or the test calls sb.SetHold(nil).
func arrived(t testing.TB, sb *sandbox.Sandbox, op string, n int64, hold bool) <-chan struct{} {
	t.Helper()
	ch := make(chan struct{})
	var seen atomic.Int64
	sb.SetHold(func(_, o string) bool {
		if o != op {
			return false
		}
		k := seen.Add(1)
		if k == n {
			close(ch)
		}
		return hold && k > n
	})
	t.Cleanup(func() { sb.SetHold(nil) })
	return ch
}

// await waits for ch, failing the test if a run never gets there.
func await(t testing.TB, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s never happened", what)
	}
}

// watchWriter keeps what a command writes and closes seen once text has
// appeared in it: a test waits for a line on standard error.
type watchWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	text string
	seen chan struct{}
}

func newWatchWriter(text string) *watchWriter {
	return &watchWriter{text: text, seen: make(chan struct{})}
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := bytes.Contains(w.buf.Bytes(), []byte(w.text))
	w.buf.Write(p)
	if !had && bytes.Contains(w.buf.Bytes(), []byte(w.text)) {
		close(w.seen)
	}
	return len(p), nil
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// callWatch counts the calls a sandbox has handled, by "Service.Operation"
// as in sb.Calls(), and tells a test when a count is reached: kill and
// interrupt moments are chosen by events, not by sleeps. It uses the
// sandbox's hang hook, which runs after each call is handled (with the
// sandbox's lock held) and here holds nothing back.
type callWatch struct {
	mu     sync.Mutex
	counts map[string]int64
	waits  []*callWait
}

type callWait struct {
	match func(key string) bool
	left  int64
	hit   chan struct{}
}

// creates are the calls that make something: a kill after them lands
// while users are being made.
var creates = []string{"Connect.CreateUser", "IdentityStore.CreateUser", "IdentityStore.CreateGroupMembership"}

func watchCalls(t testing.TB, sb *sandbox.Sandbox) *callWatch {
	w := &callWatch{counts: map[string]int64{}}
	sb.SetHang(func(service, op string) bool {
		w.note(service + "." + op)
		return false
	})
	t.Cleanup(func() { sb.SetHang(nil) })
	return w
}

func (w *callWatch) note(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.counts[key]++
	w.waits = slices.DeleteFunc(w.waits, func(c *callWait) bool {
		if !c.match(key) {
			return false
		}
		if c.left--; c.left > 0 {
			return false
		}
		close(c.hit)
		return true
	})
}

// after returns a channel closed once k more calls of ops (of any
// operation when none is named) have been handled than now; k <= 0 is now.
func (w *callWatch) after(k int, ops ...string) <-chan struct{} {
	return w.afterMatch(k, func(key string) bool { return len(ops) == 0 || slices.Contains(ops, key) })
}

// afterMatch is after for the operations match accepts.
func (w *callWatch) afterMatch(k int, match func(key string) bool) <-chan struct{} {
	hit := make(chan struct{})
	if k <= 0 {
		close(hit)
		return hit
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, &callWait{match: match, left: int64(k), hit: hit})
	return hit
}

// count is how many calls of op have been handled.
func (w *callWatch) count(op string) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.counts[op]
}

// killRun is one run of a command that a test kills at an event.
type killRun struct {
	t    testing.TB
	cmd  *exec.Cmd
	done chan error
	err  error // how it ended
}

func startKillRun(t testing.TB, cmd *exec.Cmd) *killRun {
	t.Helper()
	r := &killRun{t: t, cmd: cmd, done: make(chan error, 1)}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	return r
}

// wait waits for an event; false: the run ended first.
func (r *killRun) wait(event <-chan struct{}) bool {
	select {
	case <-event:
		return true
	case r.err = <-r.done:
		return false
	case <-time.After(2 * time.Minute):
		r.t.Fatal("neither the event nor the end of the run came in 2 minutes")
		return false
	}
}

// until waits for cond to hold, checking it each time something is
// created in the folder dw watches; false: the run ended first.
func (r *killRun) until(dw *dirWatch, cond func() bool) bool {
	for !cond() {
		if !r.wait(dw.changed) {
			return false
		}
	}
	return true
}

// kill kills the run and says whether the kill ended it (not its own exit).
func (r *killRun) kill() bool {
	r.cmd.Process.Signal(syscall.SIGKILL)
	r.err = <-r.done
	var ee *exec.ExitError
	return errors.As(r.err, &ee) && !ee.Exited()
}
