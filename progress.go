package main

// What a run shows while it runs: the progress bar (or plain lines), the
// set-up line (setup_status.go) and an export's reading; the engine tells
// them what happens through importer.Events (display.go).

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/bulkagents/bulkagents/report"
)

// progressMode says how progress is shown.
type progressMode int

const (
	// progressAuto: a bar when the writer is a terminal, otherwise a plain
	// line every few seconds.
	progressAuto progressMode = iota
	// progressOff: none (--no-progress).
	progressOff
	// progressLines: plain lines even on a terminal.
	progressLines
	// progressTerminal: as on a terminal, whatever the writer (tests).
	progressTerminal
)

// progressInterval is how often a plain progress line is written.
var progressInterval = 5 * time.Second

// progress shows how far an import has come. It sees statuses only: a
// password never reaches it. Safe for concurrent use; a nil *progress does
// nothing.
type progress struct {
	w     io.Writer
	total int
	start time.Time
	bar   *progressbar.ProgressBar

	mu     sync.Mutex
	done   int
	failed int
	// settled counts the rows done before this run's work began (done by
	// an earlier run, invalid, existing): they say nothing of its pace.
	settled int

	quit chan struct{}
	wg   sync.WaitGroup
}

// startProgress starts showing progress of total rows on w.
func startProgress(w io.Writer, mode progressMode, total int) *progress {
	if w == nil || mode == progressOff || total == 0 {
		return nil
	}
	p := &progress{w: w, total: total, start: time.Now(), quit: make(chan struct{})}
	if barMode(w, mode) {
		p.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(w), // it would write to stdout otherwise
			progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
		return p
	}
	p.wg.Add(1)
	go p.lines()
	return p
}

// barMode says whether progress is drawn in place (a bar, a status line)
// rather than written as plain lines.
func barMode(w io.Writer, mode progressMode) bool {
	return mode == progressTerminal || mode == progressAuto && isTerminal(w)
}

func isTerminal(w io.Writer) bool { return isTerminalFile(w) }

// Add counts one row's final status. It takes the status alone, so that no
// password can reach the terminal through it. A row not attempted (a Ctrl-C
// or a halt stopped the run before it) is not counted: the bar then ends at
// the rows done, as the summary counts them, not jump towards the total.
func (p *progress) Add(s report.Status) {
	if p == nil || s == report.NotAttempted {
		return
	}
	p.mu.Lock()
	p.done++
	if s == report.Failed {
		p.failed++
	}
	failed, settled := p.failed, p.settled
	p.mu.Unlock()
	if p.bar != nil {
		if failed > 0 {
			p.bar.Describe(barDescription(failed, settled))
		}
		_ = p.bar.Add(1)
	}
}

// barDescription is the words before the bar.
func barDescription(failed, settled int) string {
	var notes []string
	if settled > 0 {
		notes = append(notes, fmt.Sprintf("%d already settled", settled))
	}
	if failed > 0 {
		notes = append(notes, fmt.Sprintf("%d failed", failed))
	}
	if len(notes) == 0 {
		return "importing"
	}
	return "importing (" + strings.Join(notes, ", ") + ")"
}

// Settled counts a row whose status was known before the work began (a row
// done by the run --resume continues, an invalid one): it counts as done,
// but not in the rate, so the time left is not understated.
func (p *progress) Settled(s report.Status) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.settled++
	p.done++
	if s == report.Failed {
		p.failed++
	}
	failed, settled := p.failed, p.settled
	p.mu.Unlock()
	if p.bar != nil {
		// The bar counts this run's rows only, so that its rate and time
		// left are this run's; the description says how many were settled.
		p.bar.ChangeMax(max(p.total-settled, 1))
		p.bar.Describe(barDescription(failed, settled))
	}
}

// lines writes a plain line every progressInterval.
func (p *progress) lines() {
	defer p.wg.Done()
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			fmt.Fprintln(p.w, p.line())
		}
	}
}

func (p *progress) line() string {
	p.mu.Lock()
	done, failed, settled := p.done, p.failed, p.settled
	p.mu.Unlock()
	elapsed := time.Since(p.start)
	var b strings.Builder
	fmt.Fprintf(&b, "import: %d/%d rows", done, p.total)
	if failed > 0 {
		fmt.Fprintf(&b, ", %d failed", failed)
	}
	if done > settled && elapsed > 0 {
		r := float64(done-settled) / elapsed.Seconds()
		fmt.Fprintf(&b, ", %.1f rows/s", r)
		if left := p.total - done; left > 0 && r > 0 {
			fmt.Fprintf(&b, ", about %s left", roundDuration(time.Duration(float64(left)/r*float64(time.Second))))
		}
	}
	return b.String()
}

// Stop ends the display.
func (p *progress) Stop() {
	if p == nil {
		return
	}
	if p.bar != nil {
		_ = p.bar.Finish()
		return
	}
	close(p.quit)
	p.wg.Wait()
}

// roundDuration rounds d for a person: to the second from a minute up.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}
