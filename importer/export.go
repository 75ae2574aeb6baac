package importer

import (
	"bufio"
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
	// Events hears the set-up and the snapshot's progress (the command
	// line shows them) and takes the notes; nil: nothing is shown.
	Events Events
	// Proficiencies is how the users' proficiencies are found: by
	// default the cheaper way for the instance.
	Proficiencies ProficiencyLookup
	// IdentityCenter (--sso, --identity-store-id) adds the Identity Center
	// columns, read from each user's IAM Identity Center user of the same
	// user name (export_sso.go).
	IdentityCenter IdentityCenterConfig
	// Columns are the fields to write (ParseColumnList), in the template's
	// order whatever their order here; nil writes every column. Only what
	// they need is read: no DescribeUser when none of them needs it
	// (pageColumns), no proficiencies or hierarchy paths unless chosen.
	Columns []agentfile.Column
	// Where are the conditions (ParseWhere) the users written meet, all
	// of them: SearchUsers pages only those.
	Where []Where
	// Users, when set, is told how many users the export will hold, as
	// soon as the first page says (the command sets its memory limit).
	Users func(n int64)
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
	// Header is the file's header (the columns written); Pages the
	// SearchUsers pages the listing of the users read (Calls holds them
	// with the proficiency searches).
	Header []string
	Pages  int64
	// Where are the --where conditions, as typed (COLUMN=VALUE).
	Where []string
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
	ev := EventsOf(cfg.Events)
	ev.Setup()
	// The instance first: a credentials problem is the first thing said.
	inst, err := DescribeInstance(ctx, clients.Connect, cfg.InstanceID)
	if err != nil {
		ev.SetupDone()
		return nil, DescribeError(err, cfg.InstanceID, clients.Region, clients.Profile)
	}
	header, err := exportColumns(inst, cfg)
	if err != nil {
		ev.SetupDone()
		return nil, err
	}
	sources := clients.ConfiguredRates(ctx, awsclient.KeysFor(awsclient.Read), ev)
	ev.SetupDone()
	prog := &SnapshotProgress{OnTotal: cfg.Users}
	ev.Snapshot(prog)
	needs := needsOf(cfg.Columns)
	readers := SnapshotReaders{Connect: clients.Connect, Describe: describe, Lookup: cfg.Proficiencies, Limits: clients.Limits,
		Where: cfg.Where, NoDescribe: !needs.describe, NoHierarchy: !needs.hierarchy}
	if needs.proficiencies {
		readers.Proficiencies, _ = clients.Connect.(ProficiencyReader)
	}
	snap, err := TakeSnapshot(ctx, readers, inst.ID, prog)
	ev.Stop()
	if err != nil {
		return nil, err
	}
	res := &ExportResult{Instance: inst, Path: cfg.Out, Users: len(snap.Users), Calls: snap.Calls, Header: header, Pages: snap.Pages}
	res.Calls["DescribeInstance"]++
	res.Lookup = snap.Lookup
	for _, w := range cfg.Where {
		res.Where = append(res.Where, w.Typed+"="+w.Value)
	}
	res.Warnings = append(res.Warnings, snap.Warnings...)
	for _, name := range snap.Gone {
		res.Warnings = append(res.Warnings, fmt.Sprintf("user %q: deleted while the export ran; not written", name))
	}
	var sso *ssoExport
	if wantsSSO(header) {
		if sso, err = readSSOExport(ctx, clients, cfg.IdentityCenter); err != nil {
			return nil, err
		}
	}
	warnings, err := writeExport(cfg, header, snap, sso)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(res.Warnings, warnings...)
	res.Elapsed = time.Since(start)
	res.rates(clients.Limits)
	res.RateSources = sources
	return res, nil
}

// exportColumns is the header an export writes: the instance's template
// (with the Identity Center columns when asked), cut to --columns; an
// Identity Center column without Identity Center is refused.
func exportColumns(inst Instance, cfg ExportConfig) ([]string, error) {
	full := exportHeader(inst.Identity)
	if cfg.IdentityCenter.Enabled() {
		full = append(full, agentfile.IdentityCenterHeader()...)
	}
	header, err := selectHeader(inst.Identity, full, cfg.Columns)
	for _, c := range cfg.Columns {
		if c.IsIdentityCenter() && !cfg.IdentityCenter.Enabled() {
			return nil, &SetupError{Message: fmt.Sprintf("--columns: %q is an attribute of the IAM Identity Center user: Connect has no such field", c),
				Hint: cfg.IdentityCenter.ColumnsHint}
		}
	}
	return header, err
}

// writeExport writes the snapshot's users to the file (or standard
// output) and returns the warnings the writing gave.
func writeExport(cfg ExportConfig, header []string, snap *Snapshot, sso *ssoExport) (warnings []string, err error) {
	write := func(w io.Writer, bom bool) (err error) {
		warnings, err = exportCSV(w, header, snap, bom, sso)
		return err
	}
	if cfg.Out == "-" {
		if err := write(cfg.Stdout, false); err != nil {
			return nil, fmt.Errorf("write standard output: %w", err)
		}
		return warnings, nil
	}
	if err := writeExportFile(cfg.Out, func(w io.Writer) error { return write(w, true) }, cfg.Force); err != nil {
		return nil, err
	}
	return warnings, nil
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

// exportCSV writes the snapshot to w, row by row, letting go of each
// user once written (an export of 100,000 users holds no second copy of
// itself as text). A file gets the byte-order mark that makes Excel read
// it as UTF-8, as the results file does.
func exportCSV(out io.Writer, header []string, snap *Snapshot, bom bool, sso *ssoExport) ([]string, error) {
	cols := agentfile.HeaderColumns(header)
	sort.Slice(snap.Users, func(i, j int) bool { return snap.Users[i].Username < snap.Users[j].Username })
	names := newExportNames(snap)
	names.written = map[agentfile.Column]bool{}
	for _, c := range cols {
		names.written[agentfile.FieldOf(c)] = true
	}
	buf := bufio.NewWriterSize(out, 64<<10)
	if bom {
		buf.WriteString("\ufeff")
	}
	w := csv.NewWriter(buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	var warnings []string
	for i, u := range snap.Users {
		a, warn := names.agent(u)
		warnings = append(warnings, warn...)
		if sso != nil {
			a.SSO = sso.attributes(a.Login)
		}
		rec := a.Cells(cols)
		for i := range rec {
			rec[i] = report.Neutralise(rec[i])
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
		snap.Users[i] = nil
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return warnings, buf.Flush()
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
	// written are the fields the file has: the names of the others are
	// neither looked up nor warned about.
	written map[agentfile.Column]bool
}

func newExportNames(snap *Snapshot) *exportNames {
	return &exportNames{snap: snap, routing: map[string]string{}, security: map[string]string{}}
}

// writes says whether the file has field c's column.
func (n *exportNames) writes(c agentfile.Column) bool { return n.written == nil || n.written[c] }

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
	if u.RoutingProfileID != "" && n.writes(agentfile.ColRoutingProfile) {
		if name := cachedName(n.routing, n.snap.Routing, u.RoutingProfileID); name != "" {
			a.RoutingProfile = name
		} else {
			warn("routing profile %s is not in the instance's listing (deleted since?): its cell is left blank", u.RoutingProfileID)
		}
	}
	for _, id := range u.SecurityProfileIDs {
		if !n.writes(agentfile.ColSecurityProfiles) {
			break
		}
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
	if u.HierarchyGroupID != "" && n.writes(agentfile.ColHierarchy) {
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
		if !n.writes(agentfile.ColTags) {
			break
		}
		if strings.Contains(k, "|") || strings.Contains(v, "|") {
			warn("tag %q holds |, which the template uses between keys and values: it will not read back as written", k)
		}
	}
	extensionValues(a, u, warn)
	return a, warns
}

// writeExportFile writes what write writes to path through a temporary file in the same
// folder, so that a kill leaves either no file or the whole one: mode 0600
// (it holds personal data), synced, then linked into place, which fails if
// path appeared meanwhile, unless force allows replacing it (rename).
func writeExportFile(path string, write func(io.Writer) error, force bool) error {
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
	if err := write(tmp); err != nil {
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
