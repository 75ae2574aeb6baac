package main

import (
	"fmt"
	"io"
	"time"

	"github.com/bulkagents/bulkagents/importer"
)

// showExportProgress shows pages and users read, the users described and an
// estimate of the time left, until the returned function is called.
func showExportProgress(w io.Writer, mode progressMode, p *importer.SnapshotProgress, start time.Time) func() {
	if w == nil || mode == progressOff {
		return func() {}
	}
	term := barMode(w, mode)
	every := progressInterval
	if term {
		every = 250 * time.Millisecond
	}
	quit, done := make(chan struct{}), make(chan struct{})
	line := func() string {
		read, described, total := p.Read.Load(), p.Described.Load(), p.Total.Load()
		s := fmt.Sprintf("export: %d pages, %d users read, %d described", p.Pages.Load(), read, described)
		if total > 0 {
			s += fmt.Sprintf(" of %d", total)
			if el := time.Since(start); described > 0 && described < total {
				left := time.Duration(float64(el) / float64(described) * float64(total-described))
				s += ", about " + roundDuration(left).String() + " left"
			}
		}
		return s
	}
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				if term {
					fmt.Fprint(w, "\r\033[K")
				}
				return
			case <-t.C:
				if term {
					fmt.Fprint(w, "\r\033[K"+line())
				} else {
					fmt.Fprintln(w, line())
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}
