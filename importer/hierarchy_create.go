package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"

	"github.com/bulkagents/bulkagents/report"
)

// Hierarchy groups on demand (--create-hierarchy): the groups of the file's
// paths that the instance lacks are planned with read calls, and created,
// parents first, by the first step of the rows that need them.
//
// Crash-safety: the record of a group is the instance itself. Every run's
// plan lists the groups, so a group a killed run created is found there
// and not planned again; a CreateUserHierarchyGroup whose answer was lost
// and that the SDK sent again answers DuplicateResourceException, and the
// group is then looked up by listing (with a short backoff, as listings
// may lag), not created twice.

// NewGroup is a hierarchy group the plan creates.
type NewGroup struct {
	Path []string // from the top level down
	// ParentID is the existing parent's id; "" for a group of level one or
	// one whose parent is planned too.
	ParentID string
}

// Name is the group's path as the file writes it.
func (g NewGroup) Name() string { return strings.Join(g.Path, "|") }

func groupKey(path []string) string { return strings.Join(path, "\x1f") }

// groupPlan is the plan's part of --create-hierarchy; nil when off.
type groupPlan struct {
	api        HierarchyAPI
	instanceID string
	levels     []string // the structure's level names, read once
	read       bool
	groups     []NewGroup
	known      map[string]bool
}

func newGroupPlan(api HierarchyAPI, instanceID string) *groupPlan {
	return &groupPlan{api: api, instanceID: instanceID, known: map[string]bool{}}
}

// missingGroupHint is the hint of a missing group when groups are not
// created on demand.
const missingGroupHint = "run with --create-hierarchy to create the groups the file names, parents first"

// exact finds the group of a path exactly; near: a group matches when
// case and spacing are ignored, so creating one would make a look-alike.
func (h *hierarchyIndex) exact(ctx context.Context, path []string) (id string, near bool, err error) {
	for _, cand := range h.byKey[nameKey(path[len(path)-1])] {
		got, err := h.path(ctx, cand)
		if err != nil {
			return "", false, err
		}
		if len(got) != len(path) {
			continue
		}
		same, close := true, true
		for i := range got {
			same = same && got[i] == path[i]
			close = close && nameKey(got[i]) == nameKey(path[i])
		}
		if same {
			return cand, false, nil
		}
		near = near || close
	}
	return "", near, nil
}

// take plans the groups that a row's path needs, when the row can have
// them: no level is a near match of an existing group, and the path is no
// deeper than the structure. Otherwise it gives the row's problem.
func (g *groupPlan) take(ctx context.Context, h *hierarchyIndex, pr *PlannedRow, path []string) (msg, hint string, err error) {
	shown := strings.Join(path, "|")
	parent := ""
	first := len(path)
	for i := 1; i <= len(path); i++ {
		id, near, err := h.exact(ctx, path[:i])
		if err != nil {
			return "", "", err
		}
		if near {
			return fmt.Sprintf("hierarchy group %q does not exist; names are matched exactly, and a group that differs only in case or spacing exists", strings.Join(path[:i], "|")),
				"write the name as the instance has it", nil
		}
		if id == "" {
			first = i - 1
			break
		}
		parent = id
	}
	if first == len(path) {
		pr.HierarchyGroupID = parent // it exists after all
		return "", "", nil
	}
	if !g.read {
		if err := g.readLevels(ctx); err != nil {
			return "", "", err
		}
	}
	if len(path) > len(g.levels) {
		return fmt.Sprintf("hierarchy path %q has %d levels; the instance's hierarchy structure has %d: %s", shown, len(path), len(g.levels), g.levelList()),
			fmt.Sprintf("give at most %d levels, or add levels to the structure in the Connect admin website (Users, Agent hierarchy)", len(g.levels)), nil
	}
	for i := first + 1; i <= len(path); i++ {
		k := groupKey(path[:i])
		if g.known[k] {
			continue
		}
		g.known[k] = true
		ng := NewGroup{Path: append([]string(nil), path[:i]...)}
		if i == first+1 {
			ng.ParentID = parent
		}
		g.groups = append(g.groups, ng)
	}
	pr.NewGroup = append([]string(nil), path...)
	return "", "", nil
}

func (g *groupPlan) readLevels(ctx context.Context) error {
	if g.api == nil {
		return &PlanError{Step: "describe user hierarchy structure", Err: errors.New("no client for the hierarchy structure")}
	}
	out, err := g.api.DescribeUserHierarchyStructure(ctx, &connect.DescribeUserHierarchyStructureInput{InstanceId: aws.String(g.instanceID)})
	if err != nil {
		return &PlanError{Step: "describe user hierarchy structure", Err: err}
	}
	g.read = true
	if st := out.HierarchyStructure; st != nil {
		for _, l := range []*types.HierarchyLevel{st.LevelOne, st.LevelTwo, st.LevelThree, st.LevelFour, st.LevelFive} {
			if l == nil {
				break
			}
			g.levels = append(g.levels, aws.ToString(l.Name))
		}
	}
	return nil
}

func (g *groupPlan) levelList() string {
	if len(g.levels) == 0 {
		return "none (define the levels first)"
	}
	parts := make([]string, len(g.levels))
	for i, l := range g.levels {
		parts[i] = fmt.Sprintf("%d %s", i+1, l)
	}
	return strings.Join(parts, ", ")
}

// GroupMaker creates the plan's groups, each once, parents first, when the
// first row that needs one asks for it; the others wait for it.
type GroupMaker struct {
	API        HierarchyAPI
	Reader     ConnectReader // to find a group whose creation answered DuplicateResource
	InstanceID string
	// OnCreated hears each group created (or found made by a lost answer).
	OnCreated func(g NewGroup)

	plan    map[string]NewGroup
	mu      sync.Mutex
	pending map[string]*groupCall
	backoff []time.Duration
}

type groupCall struct {
	done chan struct{}
	id   string
	err  error
}

// NewGroupMaker makes the groups of a plan.
func NewGroupMaker(api HierarchyAPI, reader ConnectReader, instanceID string, groups []NewGroup) *GroupMaker {
	m := &GroupMaker{API: api, Reader: reader, InstanceID: instanceID, plan: map[string]NewGroup{}, pending: map[string]*groupCall{},
		backoff: []time.Duration{0, 200 * time.Millisecond, time.Second, 3 * time.Second}}
	for _, g := range groups {
		m.plan[groupKey(g.Path)] = g
	}
	return m
}

// ensure gives the id of a planned group, creating it (and its planned
// parents) the first time it is asked for.
func (m *GroupMaker) ensure(ctx context.Context, path []string) (string, error) {
	k := groupKey(path)
	m.mu.Lock()
	c, ok := m.pending[k]
	if !ok {
		c = &groupCall{done: make(chan struct{})}
		m.pending[k] = c
	}
	m.mu.Unlock()
	if ok {
		select {
		case <-c.done:
			return c.id, c.err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	c.id, c.err = m.create(ctx, path)
	close(c.done)
	return c.id, c.err
}

func (m *GroupMaker) create(ctx context.Context, path []string) (string, error) {
	g, ok := m.plan[groupKey(path)]
	if !ok {
		return "", fmt.Errorf("hierarchy group %q is not in the plan", strings.Join(path, "|"))
	}
	parent := g.ParentID
	if parent == "" && len(path) > 1 {
		id, err := m.ensure(ctx, path[:len(path)-1])
		if err != nil {
			return "", err
		}
		parent = id
	}
	in := &connect.CreateUserHierarchyGroupInput{InstanceId: aws.String(m.InstanceID), Name: aws.String(path[len(path)-1])}
	if parent != "" {
		in.ParentGroupId = aws.String(parent)
	}
	out, err := m.API.CreateUserHierarchyGroup(ctx, in)
	if err != nil {
		var dup *types.DuplicateResourceException
		if !errors.As(err, &dup) {
			return "", fmt.Errorf("create hierarchy group %q: %w", g.Name(), err)
		}
		// Made by an attempt whose answer was lost (or by someone else
		// since the plan): find it.
		id, ferr := m.find(ctx, path)
		if ferr != nil {
			return "", ferr
		}
		m.created(g)
		return id, nil
	}
	m.created(g)
	return aws.ToString(out.HierarchyGroupId), nil
}

func (m *GroupMaker) created(g NewGroup) {
	if m.OnCreated != nil {
		m.OnCreated(g)
	}
}

// find looks up a group that exists by listing, with a short backoff for
// a listing that lags the write.
func (m *GroupMaker) find(ctx context.Context, path []string) (string, error) {
	for _, wait := range m.backoff {
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return "", ctx.Err()
			}
		}
		h, err := newHierarchyIndex(ctx, m.Reader, m.InstanceID)
		if err != nil {
			return "", fmt.Errorf("find hierarchy group %q: %w", strings.Join(path, "|"), err)
		}
		id, _, err := h.exact(ctx, path)
		if err != nil {
			return "", fmt.Errorf("find hierarchy group %q: %w", strings.Join(path, "|"), err)
		}
		if id != "" {
			return id, nil
		}
	}
	return "", fmt.Errorf("create hierarchy group %q: Connect says it exists (DuplicateResourceException) but its listing does not show it", strings.Join(path, "|"))
}

// ensureHierarchyGroup is the step that gives a row the group it needs,
// made when the plan found it missing (--create-hierarchy). It changes
// nothing for a row whose group exists, and is not recorded: a resumed
// run's plan finds the groups made before.
func (p *Provisioner) ensureHierarchyGroup(stop, calls context.Context, r *rowRun) bool {
	pr := r.job.Planned
	if len(pr.NewGroup) == 0 || pr.HierarchyGroupID != "" {
		return true
	}
	if stop.Err() != nil {
		r.outcome.Status, r.outcome.Error = report.NotAttempted, NotStarted
		return false
	}
	id, err := p.Groups.ensure(calls, pr.NewGroup)
	if err != nil {
		r.outcome.Status, r.outcome.Error = report.Failed, ErrSummary(err)
		return false
	}
	pr.HierarchyGroupID = id
	return true
}
