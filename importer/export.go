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
	// IdentityCenter (--sso, --identity-store-id) adds the Identity Center
	// columns, read from each user's IAM Identity Center user of the same
	// user name (export_sso.go).
	IdentityCenter IdentityCenterConfig
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
	var sso *ssoExport
	if cfg.IdentityCenter.Enabled() {
		if sso, err = readSSOExport(ctx, clients, cfg.IdentityCenter); err != nil {
			return nil, err
		}
	}
	data, warnings := exportCSV(inst.Identity, snap, cfg.Out != "-", sso)
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
func exportCSV(id agentfile.Identity, snap *Snapshot, bom bool, sso *ssoExport) ([]byte, []string) {
	header := exportHeader(id)
	if sso != nil {
		header = append(header, agentfile.IdentityCenterHeader()...)
	}
	cols := agentfile.HeaderColumns(header)
	sort.Slice(snap.Users, func(i, j int) bool { return snap.Users[i].Username < snap.Users[j].Username })
	names := newExportNames(snap)
	var buf bytes.Buffer
	if bom {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(&buf)
	_ = w.Write(header) // a bytes.Buffer does not fail
	var warnings []string
	for _, u := range snap.Users {
		a, warn := names.agent(u)
		warnings = append(warnings, warn...)
		if sso != nil {
			a.SSO = sso.attributes(a.Login)
		}
		rec := a.Cells(cols)
		for i := range rec {
			rec[i] = report.Neutralise(rec[i])
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
	line := strings.TrimRight(string(templates.Extended(templates.Header(string(id)), agentfile.ExtensionHeader())), "\r\n")
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

// agent gives a user as the template's values (names where the instance
// holds ids), and a warning for each name that no longer resolves or that
// the template cannot carry. A name that does not resolve is left blank: a
// blank cell means "leave as it is" to import --update, so the row can be
// imported again without changing what could not be named, and the
// warning says what is missing.
func (n *exportNames) agent(u *UserSnapshot) (*agentfile.Agent, []string) {
	var warns []string
	warn := func(format string, a ...any) {
		warns = append(warns, fmt.Sprintf("user %q: ", u.Username)+fmt.Sprintf(format, a...))
	}
	a := &agentfile.Agent{FirstName: u.FirstName, LastName: u.LastName, Login: u.Username,
		Email: u.Email, SecondaryEmail: u.SecondaryEmail, Mobile: u.Mobile,
		PhoneType: u.PhoneType, PhoneNumber: u.PhoneNumber, AutoAccept: u.AutoAccept, ACWTimeout: int32(u.ACWSeconds),
		Tags: u.Tags}
	if u.RoutingProfileID != "" {
		if name := cachedName(n.routing, n.snap.Routing, u.RoutingProfileID); name != "" {
			a.RoutingProfile = name
		} else {
			warn("routing profile %s is not in the instance's listing (deleted since?): its cell is left blank", u.RoutingProfileID)
		}
	}
	for _, id := range u.SecurityProfileIDs {
		name := cachedName(n.security, n.snap.Security, id)
		if name == "" {
			warn("security profile %s is not in the instance's listing (deleted since?): left out", id)
			continue
		}
		if strings.Contains(name, "|") {
			warn("security profile %q holds |, which the template uses between names: it will not read back as one name", name)
		}
		a.SecurityProfiles = append(a.SecurityProfiles, name)
	}
	sort.Strings(a.SecurityProfiles)
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
			a.Hierarchy = path
		}
	}
	for k, v := range u.Tags {
		if strings.Contains(k, "|") || strings.Contains(v, "|") {
			warn("tag %q holds |, which the template uses between keys and values: it will not read back as written", k)
		}
	}
	extensionValues(a, u, warn)
	return a, warns
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
