package importer

import (
	"testing"

	"github.com/bulkagents/bulkagents/sandbox"
)

// TestGroupMakerFindsAGroupMadeBefore: a planned group that exists by the
// time it is made (made by an attempt whose answer was lost, or by someone
// since the plan) answers DuplicateResourceException, and is found by
// listing, not made twice; its planned parent is made first, once, for
// both of its children.
func TestGroupMakerFindsAGroupMadeBefore(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	clients := quotaClientsOf(t, sb)
	corp := sb.AddHierarchyGroup("Example Corp")
	m := NewGroupMaker(clients.Hierarchy, clients.Connect, sb.InstanceID(), []NewGroup{
		{Path: []string{"Example Corp", "Retail"}, ParentID: corp},
		{Path: []string{"Example Corp", "Retail", "Team A"}},
		{Path: []string{"Example Corp", "Retail", "Team B"}},
	})
	var made []string
	m.OnCreated = func(g NewGroup) { made = append(made, g.Name()) }
	a, err := m.ensure(t.Context(), []string{"Example Corp", "Retail", "Team A"})
	if err != nil {
		t.Fatal(err)
	}
	// Team B appears before the run makes it.
	b := sb.AddHierarchyGroup("Example Corp", "Retail", "Team B")
	got, err := m.ensure(t.Context(), []string{"Example Corp", "Retail", "Team B"})
	if err != nil || got != b {
		t.Fatalf("Team B: %q %v, want the existing %q", got, err, b)
	}
	again, err := m.ensure(t.Context(), []string{"Example Corp", "Retail", "Team A"})
	if err != nil || again != a {
		t.Fatalf("Team A asked again: %q %v, want %q", again, err, a)
	}
	counts := map[string]int{}
	for _, g := range sb.HierarchyGroups() {
		counts[g.Path]++
	}
	for _, p := range []string{"Example Corp|Retail", "Example Corp|Retail|Team A", "Example Corp|Retail|Team B"} {
		if counts[p] != 1 {
			t.Errorf("%s: %d groups", p, counts[p])
		}
	}
	if c := sb.Calls()["Connect.CreateUserHierarchyGroup"]; c.Sent != 3 || c.Failed != 1 {
		t.Errorf("CreateUserHierarchyGroup: %+v, want 3 sent, the duplicate refused", c)
	}
	if len(made) != 3 {
		t.Errorf("OnCreated heard %v", made)
	}
}
