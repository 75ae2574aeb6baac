package importer

import (
	"io"
	"sync/atomic"

	"github.com/bulkagents/bulkagents/report"
)

// Events is how a run tells the command line what it is doing while it does
// it: the command line draws the set-up line, the progress bar or the
// progress lines from them, and prints the notes. The engine says what
// happens; the words and the drawing are the command line's. A nil Events
// (in Config, RemoveConfig, ExportConfig) shows nothing.
//
// The methods are called from the run's goroutines (Done from several at
// once): an implementation must be safe for concurrent use. They carry
// statuses and counts, never a row's password.
type Events interface {
	// Write takes a note for the person running the command (a rate that
	// could not be read, a warning of the set-up, a quota about to be
	// passed), whole lines at a time.
	io.Writer
	// Setup: the set-up's calls begin (the instance, the quotas, the
	// listings); the clients' Watch names each call.
	Setup()
	// SetupDone: the set-up is over; a prompt or the rows' progress follows.
	SetupDone()
	// Rows: the work on total rows begins; Settled and Done follow.
	Rows(total int)
	// Settled counts a row whose status was known before the work began
	// (done by the run --resume continues, invalid, existing): it is done,
	// but says nothing of the pace.
	Settled(report.Status)
	// Done counts one row's final status.
	Done(report.Status)
	// Snapshot: an export's reading begins; p counts it as it goes.
	Snapshot(p *SnapshotProgress)
	// Stop: the work is over; whatever is drawn is finished.
	Stop()
}

// SnapshotProgress is how far a snapshot has come: pages listed, users read
// from them, users described of the total to describe. Read atomically.
type SnapshotProgress struct {
	Pages, Read, Described, Total atomic.Int64
	// OnTotal, when set, is told the listing's first count of the users
	// (SearchUsers' ApproximateTotalCount), once.
	OnTotal func(int64)
	told    atomic.Bool
}

// NotesTo is an Events that writes the notes to w and shows no progress.
func NotesTo(w io.Writer) Events { return noEvents{w} }

// noEvents is the Events of a run that shows nothing but, when w is set,
// its notes.
type noEvents struct{ w io.Writer }

func (n noEvents) Write(p []byte) (int, error) {
	if n.w == nil {
		return len(p), nil
	}
	return n.w.Write(p)
}
func (noEvents) Setup()                     {}
func (noEvents) SetupDone()                 {}
func (noEvents) Rows(int)                   {}
func (noEvents) Settled(report.Status)      {}
func (noEvents) Done(report.Status)         {}
func (noEvents) Snapshot(*SnapshotProgress) {}
func (noEvents) Stop()                      {}

// EventsOf is ev, or one that shows nothing.
func EventsOf(ev Events) Events {
	if ev == nil {
		return noEvents{}
	}
	return ev
}
