package main

import (
	"io"
	"sync"
	"time"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

// display is what a run shows on standard error while it runs, drawn from
// the engine's events (importer.Events): the set-up line on a terminal,
// then the progress bar (plain lines elsewhere), or an export's reading;
// and the run's notes, which the set-up line makes room for.
type display struct {
	w       io.Writer
	mode    progressMode
	verb    string // "import", "remove", "export": the set-up line's first word
	start   time.Time
	clients *importer.Clients // whose calls the set-up line names

	mu     sync.Mutex
	setup  *setupStatus
	bar    *progress
	export func() // stops an export's reading lines
}

// newDisplay shows the run of verb on w; with progressOff only its notes.
func newDisplay(w io.Writer, mode progressMode, verb string, clients *importer.Clients) *display {
	return &display{w: w, mode: mode, verb: verb, start: time.Now(), clients: clients}
}

// progressModeOf is the display's mode for --no-progress.
func progressModeOf(noProgress bool) progressMode {
	if noProgress {
		return progressOff
	}
	return progressAuto
}

// Write prints a note, through the set-up line when it is shown.
func (d *display) Write(p []byte) (int, error) {
	d.mu.Lock()
	setup := d.setup
	d.mu.Unlock()
	return setup.Out(d.w).Write(p)
}

func (d *display) Setup() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.setup == nil {
		d.setup = startSetupStatus(d.w, d.mode, d.verb, d.start, d.clients)
	}
}

func (d *display) SetupDone() {
	d.mu.Lock()
	setup := d.setup
	d.mu.Unlock()
	setup.Stop()
}

func (d *display) Rows(total int) {
	d.SetupDone()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bar == nil {
		d.bar = startProgress(d.w, d.mode, total)
	}
}

func (d *display) Settled(s report.Status) { d.progress().Settled(s) }

func (d *display) Done(s report.Status) { d.progress().Add(s) }

func (d *display) progress() *progress {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bar
}

func (d *display) Snapshot(p *importer.SnapshotProgress) {
	d.SetupDone()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.export == nil {
		d.export = showExportProgress(d.w, d.mode, p, d.start)
	}
}

// Stop ends the bar or the export's lines (each once).
func (d *display) Stop() {
	d.SetupDone()
	d.mu.Lock()
	bar, export := d.bar, d.export
	d.bar, d.export = nil, nil
	d.mu.Unlock()
	bar.Stop()
	if export != nil {
		export()
	}
}
