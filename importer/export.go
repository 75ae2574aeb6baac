package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/bulkagents/bulkagents/awsclient"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/templates"
)

// ExportConfig says what an export reads and where it writes.
type ExportConfig struct {
	InstanceID string
	// Out is the file to write; "-" writes to Stdout.
	Out    string
	Stdout io.Writer
	// Force replaces an existing Out.
	Force bool
	// Progress receives progress lines and warnings (stderr).
	Progress     io.Writer
	ProgressMode ProgressMode
	// Proficiencies is how the users' proficiencies are found: by
	// default the cheaper way for the instance.
	Proficiencies ProficiencyLookup
}

// ExportResult is what an export did.
type ExportResult struct {
	Instance Instance
	Path     string // the file written, "-" for standard output
	Users    int
	Warnings []string
	Calls    map[string]int64
	Elapsed  time.Duration
	// Rates are the configured rates per API that the snapshot called
	// (per second), and Bound the time the busiest API's rate alone needs
	// for the calls made.
	Rates     map[string]float64
	Bound     time.Duration
	BoundAPI  string
	Throttles map[string]int

	// Lookup is how the proficiencies were found; ProficienciesCheaper
	// when they were not read.
	Lookup ProficiencyLookup
	// RateSources say where each API's rate came from (Service Quotas,
	// the documented default, --rate-scale).
	RateSources *Rates
}

// ExistsError is an export's output file that exists already: nothing
// replaces it without ExportConfig.Force.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string { return e.Path + " already exists" }

// Export writes every user of an instance as the console's template for the
// instance's identity type, one row per user sorted by user login, with
// names where the instance holds ids, and no password.
func Export(ctx context.Context, cfg ExportConfig, clients *Clients) (*ExportResult, error) {
	start := time.Now()
	if cfg.Out != "-" && !cfg.Force {
		if _, err := os.Lstat(cfg.Out); err == nil {
			return nil, &ExistsError{Path: cfg.Out}
		}
	}
	describe, ok := clients.Connect.(UserDescriber)
	if !ok {
		return nil, errors.New("the Connect client cannot describe users")
	}
	status := StartSetupStatus(cfg.Progress, cfg.ProgressMode, "export", start, clients)
	// The instance first: a credentials problem is the first thing said.
	inst, err := DescribeInstance(ctx, clients.Connect, cfg.InstanceID)
	if err != nil {
		status.Stop()
		return nil, DescribeError(err, cfg.InstanceID, clients.Region, clients.Profile)
	}
	sources := clients.ConfiguredRates(ctx, awsclient.KeysFor(awsclient.Read), status.Out(cfg.Progress))
	status.Stop()
	prog := &snapshotProgress{}
	stop := showExportProgress(cfg.Progress, cfg.ProgressMode, prog, start)
	readers := SnapshotReaders{Connect: clients.Connect, Describe: describe, Lookup: cfg.Proficiencies, Limits: clients.Limits}
	readers.Proficiencies, _ = clients.Connect.(ProficiencyReader)
	snap, err := TakeSnapshot(ctx, readers, inst.ID, prog)
	stop()
	if err != nil {
		return nil, err
	}
	res := &ExportResult{Instance: inst, Path: cfg.Out, Users: len(snap.Users), Calls: snap.Calls}
	res.Calls["DescribeInstance"]++
	res.Lookup = snap.Lookup
	res.Warnings = append(res.Warnings, snap.Warnings...)
	for _, name := range snap.Gone {
		res.Warnings = append(res.Warnings, fmt.Sprintf("user %q: deleted while the export ran; not written", name))
	}
	data, warnings := exportCSV(inst.Identity, snap, cfg.Out != "-")
	res.Warnings = append(res.Warnings, warnings...)
	if cfg.Out == "-" {
		if _, err := cfg.Stdout.Write(data); err != nil {
			return nil, fmt.Errorf("write standard output: %w", err)
		}
	} else if err := writeExportFile(cfg.Out, data, cfg.Force); err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	res.rates(clients.Limits)
	res.RateSources = sources
	return res, nil
}

// rates works out the bound the busiest API's rate sets: the least time its
// calls can take at its configured rate.
func (res *ExportResult) rates(l *Limits) {
	res.Rates, res.Throttles = map[string]float64{}, map[string]int{}
	if l == nil {
		return
	}
	for api, n := range res.Calls {
		lim := l.For("Connect." + api)
		r := lim.Configured()
		res.Rates[api], res.Throttles[api] = r, lim.Throttles()
		// The burst is spent at once; the rest comes at the rate.
		d := time.Duration(math.Max(0, float64(n-DefaultBurst)) / r * float64(time.Second))
		if d > res.Bound {
			res.Bound, res.BoundAPI = d, api
		}
	}
}

// exportCSV renders the snapshot. A file gets the byte-order mark that
// makes Excel read it as UTF-8, as the results file does.
func exportCSV(id agentfile.Identity, snap *Snapshot, bom bool) ([]byte, []string) {
	header := exportHeader(id)
	cols := make([]agentfile.Column, len(header))
	for i, h := range header {
		cols[i], _ = agentfile.LookupColumn(h)
	}
	sort.Slice(snap.Users, func(i, j int) bool { return snap.Users[i].Username < snap.Users[j].Username })
	names := newExportNames(snap)
	var buf bytes.Buffer
	if bom {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	_ = w.Write(header) // a bytes.Buffer does not fail
	var warnings []string
	rec := make([]string, len(header))
	for _, u := range snap.Users {
		cells, warn := names.row(u)
		warnings = append(warnings, warn...)
		for i, c := range cols {
			rec[i] = report.Neutralise(cells[c])
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes(), warnings
}

// exportHeader is the header of the console's current template for an
// identity type (templates/) and the extension columns, the names the
// reader matches.
func exportHeader(id agentfile.Identity) []string {
	line := strings.TrimRight(string(templates.Extended(templates.Header(string(id)))), "\r\n")
	return strings.Split(line, ",")
}

// exportNames turns a user's ids into names, once per id.
type exportNames struct {
	snap     *Snapshot
	routing  map[string]string
	security map[string]string
}

func newExportNames(snap *Snapshot) *exportNames {
	return &exportNames{snap: snap, routing: map[string]string{}, security: map[string]string{}}
}

func cachedName(cache map[string]string, x *nameIndex, id string) string {
	if n, ok := cache[id]; ok {
		return n
	}
	n := x.nameOf(id)
	cache[id] = n
	return n
}

// row gives a user's cells by column, and a warning for each name that no
// longer resolves. Such a cell is left blank: a blank cell means "leave as
// it is" to import --update, so the row can be imported again without
// changing what could not be named, and the warning says what is missing.
func (n *exportNames) row(u *UserSnapshot) (map[agentfile.Column]string, []string) {
	var warns []string
	warn := func(format string, a ...any) {
		warns = append(warns, fmt.Sprintf("user %q: ", u.Username)+fmt.Sprintf(format, a...))
	}
	cells := map[agentfile.Column]string{
		agentfile.ColFirstName: u.FirstName, agentfile.ColLastName: u.LastName, agentfile.ColLogin: u.Username,
		agentfile.ColEmail: u.Email, agentfile.ColSecondaryEmail: u.SecondaryEmail, agentfile.ColMobile: u.Mobile,
	}
	if u.RoutingProfileID != "" {
		if name := cachedName(n.routing, n.snap.Routing, u.RoutingProfileID); name != "" {
			cells[agentfile.ColRoutingProfile] = name
		} else {
			warn("routing profile %s is not in the instance's listing (deleted since?): its cell is left blank", u.RoutingProfileID)
		}
	}
	var sps []string
	for _, id := range u.SecurityProfileIDs {
		name := cachedName(n.security, n.snap.Security, id)
		if name == "" {
			warn("security profile %s is not in the instance's listing (deleted since?): left out", id)
			continue
		}
		if strings.Contains(name, "|") {
			warn("security profile %q holds |, which the template uses between names: it will not read back as one name", name)
		}
		sps = append(sps, name)
	}
	sort.Strings(sps)
	cells[agentfile.ColSecurityProfiles] = strings.Join(sps, "|")
	if u.HierarchyGroupID != "" {
		path, ok := n.snap.groupPaths[u.HierarchyGroupID]
		switch {
		case !ok:
			warn("hierarchy group %s no longer exists: its cell is left blank", u.HierarchyGroupID)
		default:
			for _, l := range path {
				if strings.Contains(l, "|") {
					warn("hierarchy level %q holds |, which the template uses between levels: it will not read back as one level", l)
				}
			}
			cells[agentfile.ColHierarchy] = strings.Join(path, "|")
		}
	}
	cells[agentfile.ColPhoneType] = "soft"
	if u.PhoneType == "DESK_PHONE" {
		cells[agentfile.ColPhoneType] = "desk"
	}
	cells[agentfile.ColPhoneNumber] = u.PhoneNumber
	cells[agentfile.ColAutoAccept] = "no"
	if u.AutoAccept {
		cells[agentfile.ColAutoAccept] = "yes"
	}
	cells[agentfile.ColACWTimeout] = strconv.FormatInt(u.ACWSeconds, 10)
	cells[agentfile.ColTags] = exportTags(u.Tags, warn)
	extensionCells(cells, u, warn)
	return cells, warns
}

// exportTags writes tags as key|value pairs joined by ||, sorted by key.
func exportTags(tags map[string]string, warn func(string, ...any)) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if strings.Contains(k, "|") || strings.Contains(tags[k], "|") {
			warn("tag %q holds |, which the template uses between keys and values: it will not read back as written", k)
		}
		if i > 0 {
			b.WriteString("||")
		}
		b.WriteString(k + "|" + tags[k])
	}
	return b.String()
}

// writeExportFile writes data to path through a temporary file in the same
// folder, so that a kill leaves either no file or the whole one: mode 0600
// (it holds personal data), synced, then linked into place, which fails if
// path appeared meanwhile, unless force allows replacing it (rename).
func writeExportFile(path string, data []byte, force bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if force {
		err = os.Rename(name, path)
	} else {
		err = os.Link(name, path)
	}
	if errors.Is(err, fs.ErrExist) {
		return &ExistsError{Path: path}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// showExportProgress shows pages and users read, the users described and an
// estimate of the time left, until the returned function is called.
func showExportProgress(w io.Writer, mode ProgressMode, p *snapshotProgress, start time.Time) func() {
	if w == nil || mode == ProgressOff {
		return func() {}
	}
	term := barMode(w, mode)
	every := ProgressInterval
	if term {
		every = 250 * time.Millisecond
	}
	quit, done := make(chan struct{}), make(chan struct{})
	line := func() string {
		read, described, total := p.read.Load(), p.described.Load(), p.total.Load()
		s := fmt.Sprintf("export: %d pages, %d users read, %d described", p.pages.Load(), read, described)
		if total > 0 {
			s += fmt.Sprintf(" of %d", total)
			if el := time.Since(start); described > 0 && described < total {
				left := time.Duration(float64(el) / float64(described) * float64(total-described))
				s += ", about " + RoundDuration(left).String() + " left"
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
