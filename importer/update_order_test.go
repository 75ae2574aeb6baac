package importer

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestUpdateReadOrder: the rows whose pages show a change are read first,
// taking turns between the update APIs, and the others after them in file
// order; without the pages (an instance too large for the file), file order.
func TestUpdateReadOrder(t *testing.T) {
	t.Parallel()
	fl := newFleet(t, sandbox.Options{Unlimited: true}, 60)
	for i := 40; i < 50; i++ {
		fl.rows[i].Routing = "Sales Routing Profile"
		fl.rows[i+10].Security = "Agent|CallCenterManager"
	}
	ctx := context.Background()
	clients := sandboxClients(t, fl.sb, 1000)
	inst, err := DescribeInstance(ctx, clients.Connect, fl.sb.InstanceID())
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(writeUpdateRows(t, t.TempDir(), "agents.csv", fl.rows))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	f, err := agentfile.Read(ctx, in, agentfile.ReadOptions{Identity: inst.Identity})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := MakePlan(ctx, clients.Connect, inst, f, agentfile.Validate(f, agentfile.ValidateOptions{Identity: inst.Identity}))
	if err != nil {
		t.Fatal(err)
	}
	u := newUpdater(Config{Update: true}, clients, inst, f, nil)
	if err := u.prepare(ctx); err != nil {
		t.Fatal(err)
	}
	jobs := make([]UpdateJob, len(plan.Rows))
	for i := range plan.Rows {
		jobs[i] = UpdateJob{Planned: &plan.Rows[i]}
	}
	var want []int
	for i := 40; i < 50; i++ {
		want = append(want, i, i+10)
	}
	for i := 0; i < 40; i++ {
		want = append(want, i)
	}
	u.InstanceUsers = plan.ExistingUsers
	if got := u.readOrder(ctx, jobs); !slices.Equal(got, want) {
		t.Errorf("read order %v\nwant %v", got, want)
	}
	u.InstanceUsers = 100_000 // 200 pages: not worth them for 60 rows
	if got := u.readOrder(ctx, jobs); !slices.Equal(got[:5], []int{0, 1, 2, 3, 4}) {
		t.Errorf("read order without pages %v, want file order", got)
	}
}
