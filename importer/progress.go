package importer

import (
	"fmt"
	"github.com/bulkagents/bulkagents/awsclient"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
)

// ProgressMode says how progress is shown.
type ProgressMode int

const (
	// ProgressAuto: a bar when the writer is a terminal, otherwise a plain
	// line every few seconds.
	ProgressAuto ProgressMode = iota
	// ProgressOff: none (--no-progress).
	ProgressOff
	// ProgressLines: plain lines even on a terminal.
	ProgressLines
	// ProgressTerminal: as on a terminal, whatever the writer (tests).
	ProgressTerminal
)

// DefaultUsersQuota is Amazon Connect's default users-per-instance quota.
const DefaultUsersQuota = awsclient.DefaultUsersQuota

// ProgressInterval is how often a plain progress line is written.
var ProgressInterval = 5 * time.Second

// Progress shows how far an import has come. It sees statuses only: a
// password never reaches it. Safe for concurrent use; a nil *Progress does
// nothing.
type Progress struct {
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

// StartProgress starts showing progress of total rows on w.
func StartProgress(w io.Writer, mode ProgressMode, total int) *Progress {
	if w == nil || mode == ProgressOff || total == 0 {
		return nil
	}
	p := &Progress{w: w, total: total, start: time.Now(), quit: make(chan struct{})}
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
func barMode(w io.Writer, mode ProgressMode) bool {
	return mode == ProgressTerminal || mode == ProgressAuto && isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Add counts one row's final status. It takes the status alone, so that no
// password can reach the terminal through it. A row not attempted (a Ctrl-C
// or a halt stopped the run before it) is not counted: the bar then ends at
// the rows done, as the summary counts them, not jump towards the total.
func (p *Progress) Add(s report.Status) {
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
func (p *Progress) Settled(s report.Status) {
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

// lines writes a plain line every ProgressInterval.
func (p *Progress) lines() {
	defer p.wg.Done()
	t := time.NewTicker(ProgressInterval)
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

func (p *Progress) line() string {
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
			fmt.Fprintf(&b, ", about %s left", RoundDuration(time.Duration(float64(left)/r*float64(time.Second))))
		}
	}
	return b.String()
}

// Stop ends the display.
func (p *Progress) Stop() {
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

func RoundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// WriteSummary writes the end-of-run summary: rows per status, the time
// taken, the CreateUser rate achieved, and where the files are.
func WriteSummary(w io.Writer, res *Result) {
	verb := "import"
	if res.DryRun {
		verb = "dry run"
	}
	// The same words as 'bulkagents validate' for the same problem.
	for _, p := range res.Problems {
		fmt.Fprintln(w, agentfile.FormatProblem(p))
	}
	if res.MoreProblems > 0 {
		fmt.Fprintf(w, "... and %d more problems: see the results file\n", res.MoreProblems)
	}
	for _, p := range res.Warnings {
		fmt.Fprintln(w, agentfile.FormatWarning(p))
	}
	if res.MoreWarnings > 0 {
		fmt.Fprintf(w, "... and %d more warnings: 'bulkagents validate' lists them all\n", res.MoreWarnings)
	}
	WriteFailures(w, res.Outcomes)
	writeGroups(w, res)
	fmt.Fprintf(w, "%s: %s\n", verb, res.Counts)
	line := fmt.Sprintf("%s: took %s", verb, RoundDuration(res.Elapsed))
	if res.SetupElapsed >= time.Second && !res.DryRun {
		// The bar's clock started after the set-up: say where the rest went.
		line += fmt.Sprintf(" (set-up %s)", RoundDuration(res.SetupElapsed))
	}
	if s := res.Stats; s.CreateCalls > 0 {
		line += fmt.Sprintf("; %d CreateUser calls", s.CreateCalls)
		// A handful of calls go out in one burst: their rate says nothing.
		if r := s.CreateRate(); r > 0 && s.CreateCalls >= 4*DefaultBurst {
			line += AchievedRate(r, res.ConfiguredCreateRate)
		}
		if u := res.Rates.Of("Connect.CreateUser"); u.Source != "" && res.ConfiguredCreateRate > 0 {
			line += fmt.Sprintf("; CreateUser paced to %.2f/s, %s", res.ConfiguredCreateRate, u.Describe())
		}
		if res.CreateThrottles > 0 {
			// The real quota is lower than configured: say what worked.
			if res.FinalCreateRate < res.ConfiguredCreateRate*0.99 {
				line += fmt.Sprintf("; %d throttled and retried, pace lowered to %.2f/s", res.CreateThrottles, res.FinalCreateRate)
			} else {
				line += fmt.Sprintf("; %d throttled and retried, pace lowered for a while, then back to the limit", res.CreateThrottles)
			}
		}
	}
	fmt.Fprintln(w, line)
	WriteIdentityCenterSummary(w, res.IdentityCenter)
	writeSignInNotes(w, res)
	writeUpdateSummary(w, verb, res)
	if res.Rates != nil && res.Rates.Note != "" && !res.Rates.NoteShown {
		fmt.Fprintln(w, res.Rates.Note)
	}
	if res.UsersQuotaNote != "" && res.DryRun {
		// A real run said it before its first create.
		fmt.Fprintln(w, res.UsersQuotaNote)
	}
	if res.Interrupted {
		fmt.Fprintf(w, "%s: interrupted: run the same command with --resume to finish\n", verb)
	}
	writeTrustSummary(w, verb, res)
	note := ""
	if res.Counts[report.Created] > 0 && res.Instance.Identity == agentfile.IdentityConnect {
		note = " (it holds passwords: hand it on safely)"
	}
	fmt.Fprintf(w, "results: %s%s\n", res.ResultsPath, note)
	if res.RetryKept != "" {
		fmt.Fprintf(w, "retry:   kept %s as it is\n", res.RetryKept)
	}
	if res.RetryPath != "" {
		fmt.Fprintf(w, "retry:   %s (%s to fix or import again)\n", res.RetryPath, report.Plural(res.RetryRows, "row"))
	}
}

// failureKinds is how many different errors of failed rows the summary shows.
const failureKinds = 5

// WriteFailures says why rows failed or were not attempted, each error
// once with the lines it stopped, so that a quota or a missing permission is
// seen without opening the results file. Errors never hold a password.
func WriteFailures(w io.Writer, outcomes []report.Outcome) {
	var order []string
	lines := map[string][]int{}
	for _, o := range outcomes {
		if o.Status != report.Failed && o.Status != report.NotAttempted || o.Error == NotStarted {
			continue // an interruption is said once, below
		}
		key := string(o.Status) + ": " + o.Error
		if _, seen := lines[key]; !seen {
			order = append(order, key)
		}
		lines[key] = append(lines[key], o.Line)
	}
	more := 0
	for k, msg := range order {
		ls := lines[msg]
		if k >= failureKinds {
			more += len(ls)
			continue
		}
		where := fmt.Sprintf("line %d", ls[0])
		switch {
		case len(ls) == 2:
			where = fmt.Sprintf("lines %d and %d", ls[0], ls[1])
		case len(ls) > 2:
			where = fmt.Sprintf("lines %d, %d and %d more", ls[0], ls[1], len(ls)-2)
		}
		fmt.Fprintf(w, "%s: %s\n", where, msg)
	}
	if more > 0 {
		fmt.Fprintf(w, "... and %d more rows failed or not attempted: see the results file\n", more)
	}
}
