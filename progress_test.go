package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/bulkagents/bulkagents/report"
)

// TestProgressCountsRowsDoneNotNotAttempted: after a Ctrl-C the rows never
// started come back not-attempted; the progress counts the rows done, as the
// summary does, instead of jumping towards the total.
func TestProgressCountsRowsDoneNotNotAttempted(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	p := startProgress(&out, progressLines, 10)
	if p == nil {
		t.Fatal("no progress")
	}
	defer p.Stop()
	p.Add(report.Created)
	p.Add(report.Created)
	p.Add(report.Failed)
	for range 7 {
		p.Add(report.NotAttempted)
	}
	if got := p.line(); !strings.HasPrefix(got, "import: 3/10 rows, 1 failed") {
		t.Errorf("progress after an interruption: %q, want 3 of 10 rows done", got)
	}
}

func TestProgressLines(t *testing.T) {
	old := progressInterval
	progressInterval = 20 * time.Millisecond
	defer func() { progressInterval = old }()
	var out syncBuffer
	p := startProgress(&out, progressAuto, 10) // not a terminal: plain lines
	for range 3 {
		p.Add(report.Created)
	}
	p.Add(report.Failed)
	out.waitFor(t, "import: 4/10 rows, 1 failed")
	p.Stop()
	if got := out.String(); !strings.Contains(got, "import: 4/10 rows, 1 failed") || !strings.Contains(got, "left") {
		t.Errorf("progress lines:\n%s", got)
	}
	if startProgress(&out, progressOff, 10) != nil {
		t.Error("--no-progress still shows progress")
	}
}

// TestProgressRateLeavesSettledRowsOut: a resumed run whose rows are
// mostly done already shows the pace of the rows it does, not a rate
// swollen by the rows settled at the start.
func TestProgressRateLeavesSettledRowsOut(t *testing.T) {
	t.Parallel()
	p := &progress{total: 1000, start: time.Now().Add(-10 * time.Second)}
	for range 900 {
		p.Settled(report.Created)
	}
	for range 20 {
		p.Add(report.Created)
	}
	// 20 rows in 10 s: 2 rows/s, and 80 rows left take 40 s.
	if got := p.line(); !strings.Contains(got, "920/1000 rows, 2.0 rows/s, about 40") {
		t.Errorf("progress line %q, want 920/1000 rows at 2.0 rows/s, about 40 s left", got)
	}
}

// TestProgressBarCountsThisRunsRows: on a terminal the bar counts the rows
// this run does, so its rate and time left are not swollen by the rows
// settled at the start, even when every row was.
func TestProgressBarCountsThisRunsRows(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	newBar := func(total int) *progress {
		return &progress{total: total, start: time.Now(), bar: progressbar.NewOptions(total, progressbar.OptionSetWriter(&out))}
	}
	p := newBar(10)
	for range 6 {
		p.Settled(report.Created)
	}
	p.Add(report.Created)
	if max, now := p.bar.GetMax(), p.bar.State().CurrentNum; max != 4 || now != 1 {
		t.Errorf("bar at %d of %d, want 1 of 4: the settled rows are counted in it", now, max)
	}
	p.Stop()
	if !strings.Contains(out.String(), "6 already settled") {
		t.Errorf("the bar does not say how many rows were settled:\n%s", out.String())
	}
	all := newBar(3)
	for range 3 {
		all.Settled(report.Exists)
	}
	all.Stop()
}

// syncBuffer is a strings.Builder safe for the progress goroutine.
type syncBuffer struct {
	mu    sync.Mutex
	b     strings.Builder
	wrote chan struct{} // signalled after each write (waitFor)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wrote == nil {
		s.wrote = make(chan struct{}, 1)
	}
	select {
	case s.wrote <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

// waitFor waits until text has been written.
func (s *syncBuffer) waitFor(t *testing.T, text string) {
	t.Helper()
	s.mu.Lock()
	if s.wrote == nil {
		s.wrote = make(chan struct{}, 1)
	}
	wrote := s.wrote
	s.mu.Unlock()
	timeout := time.After(30 * time.Second)
	for !strings.Contains(s.String(), text) {
		select {
		case <-wrote:
		case <-timeout:
			t.Fatalf("%q was never written; got:\n%s", text, s.String())
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
