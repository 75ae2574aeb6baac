package main

import (
	"bytes"
	"sync"
	"sync/atomic"
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
