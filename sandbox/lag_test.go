package sandbox

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock a test moves on.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestListingLagAWSCLI drives a sandbox with a listing lag of 10 s through
// the AWS CLI: a created user is missing from list-users and search-users
// (an exact Username search too) for 10 s, and from describe-user for 1 s;
// a deleted one is gone from describe-user at once and stays in the
// listings for 10 s.
func TestListingLagAWSCLI(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	sb, err := Start(ctx, "127.0.0.1:0", Options{Unlimited: true, ListingLag: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	now := clock.now
	sb.clock.Store(&now)
	aws := startCLI(t, sb, "connect")
	instance := sb.InstanceID()
	must := func(args ...string) map[string]any {
		t.Helper()
		v, stderr, err := aws(args...)
		if err != nil {
			t.Fatalf("aws connect %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return v
	}
	listed := func() (list, search, exact []string) {
		t.Helper()
		for _, u := range must("list-users", "--instance-id", instance)["UserSummaryList"].([]any) {
			list = append(list, u.(map[string]any)["Username"].(string))
		}
		for _, u := range must("search-users", "--instance-id", instance)["Users"].([]any) {
			search = append(search, u.(map[string]any)["Username"].(string))
		}
		for _, u := range must("search-users", "--instance-id", instance, "--search-criteria",
			`{"StringCondition":{"FieldName":"Username","Value":"jdoe","ComparisonType":"EXACT"}}`)["Users"].([]any) {
			exact = append(exact, u.(map[string]any)["Username"].(string))
		}
		return list, search, exact
	}
	wantListed := func(when string, jdoe bool) {
		t.Helper()
		list, search, exact := listed()
		want, wantExact := "[admin]", "[]"
		if jdoe {
			want, wantExact = "[admin jdoe]", "[jdoe]"
		}
		if got := "[" + strings.Join(list, " ") + "]"; got != want {
			t.Errorf("%s: list-users = %s, want %s", when, got, want)
		}
		if got := "[" + strings.Join(search, " ") + "]"; got != want {
			t.Errorf("%s: search-users = %s, want %s", when, got, want)
		}
		if got := "[" + strings.Join(exact, " ") + "]"; got != wantExact {
			t.Errorf("%s: search-users Username EXACT jdoe = %s, want %s", when, got, wantExact)
		}
	}
	describe := func(id string) error {
		t.Helper()
		_, stderr, err := aws("describe-user", "--instance-id", instance, "--user-id", id)
		if err != nil && !strings.Contains(stderr, "ResourceNotFoundException") {
			t.Fatalf("describe-user: %v\n%s", err, stderr)
		}
		return err
	}

	var routing, agent string
	for _, p := range sb.routing {
		routing = p.id
	}
	for _, p := range sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	created := must("create-user", "--instance-id", instance, "--username", "jdoe", "--password", "Sandbox1pass",
		"--identity-info", "FirstName=Jane,LastName=Doe", "--phone-config", "PhoneType=SOFT_PHONE",
		"--security-profile-ids", agent, "--routing-profile-id", routing)
	id := created["UserId"].(string)
	if describe(id) == nil {
		t.Errorf("describe-user at once after create-user answered; want ResourceNotFoundException for 1 s")
	}
	wantListed("at once after create-user", false)
	if _, stderr, err := aws("create-user", "--instance-id", instance, "--username", "jdoe", "--password", "Sandbox1pass",
		"--identity-info", "FirstName=Jane,LastName=Doe", "--security-profile-ids", agent, "--routing-profile-id", routing); err == nil ||
		!strings.Contains(stderr, "DuplicateResourceException") {
		t.Errorf("create-user again inside the lag: %v %s; want DuplicateResourceException", err, stderr)
	}
	clock.add(time.Second)
	if err := describe(id); err != nil {
		t.Errorf("describe-user 1 s after create-user: %v", err)
	}
	clock.add(8999 * time.Millisecond)
	wantListed("9.999 s after create-user", false)
	clock.add(time.Millisecond)
	wantListed("10 s after create-user", true)

	must("delete-user", "--instance-id", instance, "--user-id", id)
	if describe(id) == nil {
		t.Errorf("describe-user after delete-user answered; want ResourceNotFoundException")
	}
	wantListed("at once after delete-user", true)
	clock.add(9999 * time.Millisecond)
	wantListed("9.999 s after delete-user", true)
	clock.add(time.Millisecond)
	wantListed("10 s after delete-user", false)
	if n := len(sb.ConnectUsers()); n != 1 {
		t.Errorf("the sandbox holds %d users, want 1 (admin)", n)
	}
}

// TestListingLagNone: without a lag a created user is listed and described
// at once (the behaviour of every other test).
func TestListingLagNone(t *testing.T) {
	t.Parallel()
	sb := New(Options{Unlimited: true})
	sb.mu.Lock()
	defer sb.mu.Unlock()
	u := &connectUser{ConnectUser: ConnectUser{ID: "u1", Username: "x"}, created: time.Now()}
	sb.insertConnectUser(u)
	if got := sb.listedUsers(time.Now()); len(got) != 2 {
		t.Errorf("listed %d users, want 2", len(got))
	}
	if !sb.describable(u, time.Now()) {
		t.Errorf("a new user is not describable without a lag")
	}
}
