package importer

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/sandbox"
)

// TestExportSnapshot reads more users than one SearchUsers page holds, with
// the DescribeUser workers running beside the pages (under -race), and
// checks each row against the sandbox's user: names for ids, the
// DescribeUser-only fields, the order by login.
func TestExportSnapshot(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, UserQuota: 1000})
	tier2 := sb.AddHierarchyGroup("Example Corp", "Support", "Tier 2")
	sales := sb.AddHierarchyGroup("Example Corp", "Sales")
	const n = 600
	users := make([]sandbox.ConnectUser, n)
	for i := range users {
		g := tier2
		if i%2 == 0 {
			g = sales
		}
		users[i] = sandbox.ConnectUser{Username: fmt.Sprintf("u%04d", n-i), FirstName: "F", LastName: fmt.Sprint(i),
			Email: fmt.Sprintf("e%d@example.com", i), SecondaryEmail: fmt.Sprintf("s%d@example.org", i), Mobile: fmt.Sprintf("+4477%08d", i),
			HierarchyGroupID: g, ACWTimeout: int32(i % 90), Tags: map[string]string{"k": fmt.Sprint(i)}}
	}
	if err := sb.AddConnectUsers(users...); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Export(context.Background(), ExportConfig{InstanceID: sb.InstanceID(), Out: "-", Stdout: &out}, sandboxClients(t, sb, 1000))
	if err != nil {
		t.Fatal(err)
	}
	// SearchUsers: 2 pages, and one search per value of the sandbox's two
	// predefined attributes (3 values each), which nobody holds: no
	// search per level.
	if res.Users != n+1 || res.Calls["SearchUsers"] != 2+6 || res.Calls["DescribeUser"] != n+1 || res.Calls["DescribeUserHierarchyGroup"] != 2 {
		t.Errorf("users %d, calls %v; want %d users, 2 pages and 6 proficiency searches, one DescribeUser each, two groups described", res.Users, res.Calls, n+1)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n+2 {
		t.Fatalf("%d lines, want %d", len(lines), n+2)
	}
	if !strings.HasPrefix(lines[1], "Admin,User,,,,,admin,") {
		t.Errorf("first row %q, want the admin (logins sorted)", lines[1])
	}
	// u0001 is users[n-1]: an odd index, so Tier 2.
	want := fmt.Sprintf("F,%d,e%d@example.com,s%d@example.org,'+4477%08d,,u0001,,Basic Routing Profile,Agent,Example Corp|Support|Tier 2,soft,,no,%d,k|%d,,,,,,,,,,,",
		n-1, n-1, n-1, n-1, (n-1)%90, n-1)
	if lines[2] != want {
		t.Errorf("row of u0001:\n%s\nwant\n%s", lines[2], want)
	}
	login := func(line string) string { return strings.Split(line, ",")[6] }
	for i := 2; i < len(lines); i++ {
		if login(lines[i-1]) >= login(lines[i]) {
			t.Fatalf("rows out of order: %q before %q", login(lines[i-1]), login(lines[i]))
		}
	}
}
