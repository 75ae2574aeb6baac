package sandbox

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

// burstOf makes n calls as fast as one client can and counts the throttled.
func burstOf(t *testing.T, n int, call func(i int) error) (throttled int, elapsed time.Duration) {
	t.Helper()
	start := time.Now()
	for i := range n {
		err := call(i)
		switch code := errorCode(t, err); code {
		case "":
		case "ThrottlingException":
			throttled++
		default:
			t.Fatalf("call %d: %v", i, err)
		}
	}
	return throttled, time.Since(start)
}

// checkThrottled expects about n - burst throttled calls: fewer by the
// tokens that the rate refilled while the calls were made.
func checkThrottled(t *testing.T, what string, n, throttled int, perSecond float64, burst int, elapsed time.Duration) {
	t.Helper()
	refilled := int(math.Ceil(perSecond * elapsed.Seconds()))
	if max, min := n-burst, n-burst-refilled-1; throttled > max || throttled < min {
		t.Errorf("%s: %d of %d calls throttled in %v, want %d to %d (rate %v/s, burst %d)", what, throttled, n, elapsed, min, max, perSecond, burst)
	}
}

func TestConnectThrottling(t *testing.T) {
	for _, tt := range []struct {
		scale      float64
		createRate float64
		burst      int
		listRate   float64
	}{
		{1, 2, 5, 10},
		{10, 20, 50, 100},
		{0.5, 1, 5, 5},
	} {
		t.Run(fmt.Sprint("scale ", tt.scale), func(t *testing.T) {
			c := newClients(t, Options{RateScale: tt.scale}, false)
			ctx := context.Background()
			if r, b := c.sb.Rate("Connect", "CreateUser"); r != tt.createRate || b != tt.burst {
				t.Errorf("CreateUser bucket = %v/s burst %d, want %v/s burst %d", r, b, tt.createRate, tt.burst)
			}
			if r, _ := c.sb.Rate("Connect", "ListUsers"); r != tt.listRate {
				t.Errorf("ListUsers rate = %v/s, want %v/s", r, tt.listRate)
			}
			agent := ""
			for _, p := range c.sb.security {
				if p.name == "Agent" {
					agent = p.id
				}
			}
			n := 3 * tt.burst
			throttled, elapsed := burstOf(t, n, func(i int) error {
				_, err := c.connect.CreateUser(ctx, agentInput(c, fmt.Sprint("agent", i), agent))
				return err
			})
			checkThrottled(t, "CreateUser", n, throttled, tt.createRate, tt.burst, elapsed)
			if got, want := len(c.sb.ConnectUsers()), 1+n-throttled; got != want {
				t.Errorf("%d users after the burst, want %d: a throttled call changed something", got, want)
			}
			calls := c.sb.Calls()["Connect.CreateUser"]
			if calls.Sent != n || calls.Throttled != throttled || calls.Failed != 0 {
				t.Errorf("CreateUser calls = %+v, want %d sent, %d throttled", calls, n, throttled)
			}
			// Another API has its own bucket.
			if _, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(c.sb.InstanceID())}); err != nil {
				t.Errorf("ListUsers after CreateUser was throttled: %v", err)
			}
		})
	}
}

func TestThrottlingAnswer(t *testing.T) {
	c := newClients(t, Options{}, false)
	ctx := context.Background()
	var last error
	for range 30 {
		_, last = c.store.GetUserId(ctx, &identitystore.GetUserIdInput{
			IdentityStoreId:     aws.String(c.sb.IdentityStoreID()),
			AlternateIdentifier: userNameID("nobody"),
		})
		if errorCode(t, last) == "ThrottlingException" {
			break
		}
	}
	var te *istypes.ThrottlingException
	if !errors.As(last, &te) || te.RetryAfterSeconds < 1 {
		t.Fatalf("Identity Store throttling = %v, want ThrottlingException with RetryAfterSeconds", last)
	}
	var re interface{ HTTPStatusCode() int }
	if !asHTTPStatus(last, &re) || re.HTTPStatusCode() != 429 {
		t.Errorf("throttling status: %v", last)
	}
}

func TestIdentityStoreThrottlingIsShared(t *testing.T) {
	c := newClients(t, Options{}, false)
	ctx := context.Background()
	r, b := c.sb.Rate("IdentityStore", "CreateUser")
	if r != 20 || b != 20 {
		t.Errorf("Identity Store bucket = %v/s burst %d, want 20/s burst 20", r, b)
	}
	n := 60
	// Alternate two APIs: they draw from one bucket.
	throttled, elapsed := burstOf(t, n, func(i int) error {
		if i%2 == 0 {
			_, err := c.store.CreateUser(ctx, storeUserInput(c, fmt.Sprint("user", i)))
			return err
		}
		_, err := c.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String(c.sb.IdentityStoreID())})
		return err
	})
	checkThrottled(t, "Identity Store", n, throttled, r, b, elapsed)
}

func TestUnlimited(t *testing.T) {
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	throttled, _ := burstOf(t, 100, func(int) error {
		_, err := c.connect.DescribeInstance(ctx, &connect.DescribeInstanceInput{InstanceId: aws.String(c.sb.InstanceID())})
		return err
	})
	if throttled != 0 {
		t.Errorf("%d calls throttled without limits", throttled)
	}
}

func TestFaults(t *testing.T) {
	c := newClients(t, Options{Unlimited: true, ErrorRate: 0.4, Seed: 7}, false)
	ctx := context.Background()
	agent := ""
	for _, p := range c.sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	n := 300
	ok, faults := 0, 0
	for i := range n {
		_, err := c.connect.CreateUser(ctx, agentInput(c, fmt.Sprint("agent", i), agent))
		switch code := errorCode(t, err); code {
		case "":
			ok++
		case "InternalServiceException":
			faults++
			var re interface{ HTTPStatusCode() int }
			if !asHTTPStatus(err, &re) || re.HTTPStatusCode() != 500 {
				t.Errorf("fault status: %v", err)
			}
		default:
			t.Fatalf("CreateUser %d: %v", i, err)
		}
	}
	// About 40% fail; about half of those took effect.
	if faults < n*25/100 || faults > n*55/100 {
		t.Errorf("%d of %d calls faulted, want about 40%%", faults, n)
	}
	created := len(c.sb.ConnectUsers()) - 1
	applied := created - ok
	if applied < faults/4 || applied > faults*3/4 {
		t.Errorf("%d of %d faulted calls took effect, want about half", applied, faults)
	}
	if calls := c.sb.Calls()["Connect.CreateUser"]; calls.Failed != faults || calls.Sent != n {
		t.Errorf("calls = %+v, want %d sent, %d failed", calls, n, faults)
	}
	// Reads never fault.
	for range 50 {
		if _, err := c.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(c.sb.InstanceID())}); err != nil {
			t.Fatalf("ListUsers faulted: %v", err)
		}
	}
	// Identity Store faults are InternalServerException.
	seen := false
	for i := 0; i < 50 && !seen; i++ {
		_, err := c.store.CreateUser(ctx, storeUserInput(c, fmt.Sprint("user", i)))
		switch code := errorCode(t, err); code {
		case "", "ConflictException":
		case "InternalServerException":
			seen = true
		default:
			t.Fatalf("Identity Store CreateUser: %v", err)
		}
	}
	if !seen {
		t.Errorf("no Identity Store call faulted in 50")
	}
}

func TestLatency(t *testing.T) {
	c := newClients(t, Options{Unlimited: true, Latency: 80 * time.Millisecond}, false)
	start := time.Now()
	if _, err := c.connect.DescribeInstance(context.Background(), &connect.DescribeInstanceInput{InstanceId: aws.String(c.sb.InstanceID())}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("a call took %v, want at least the 80ms latency", d)
	}
}

// TestConcurrentClients runs 64 clients at once; run it with -race.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{Unlimited: true, ErrorRate: 0.05}, true)
	ctx := context.Background()
	agent := ""
	for _, p := range c.sb.security {
		if p.name == "Agent" {
			agent = p.id
		}
	}
	group, err := c.sb.AddGroup("Agents")
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 64, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := clientsFor(c.sb, aws.ToString(c.connect.Options().BaseEndpoint), true)
			for i := range each {
				name := fmt.Sprintf("w%02d-agent%d", w, i)
				_, err := own.connect.CreateUser(ctx, agentInput(c, name, agent))
				if err != nil && codeOf(err) != "DuplicateResourceException" {
					errs <- fmt.Errorf("connect %s: %w", name, err)
					continue
				}
				out, err := own.store.CreateUser(ctx, storeUserInput(c, name))
				var id string
				if err == nil {
					id = aws.ToString(out.UserId)
				} else if codeOf(err) == "ConflictException" {
					got, err := own.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(c.sb.IdentityStoreID()), AlternateIdentifier: userNameID(name)})
					if err != nil {
						errs <- fmt.Errorf("get %s: %w", name, err)
						continue
					}
					id = aws.ToString(got.UserId)
				} else {
					errs <- fmt.Errorf("store %s: %w", name, err)
					continue
				}
				_, err = own.store.CreateGroupMembership(ctx, &identitystore.CreateGroupMembershipInput{
					IdentityStoreId: aws.String(c.sb.IdentityStoreID()), GroupId: aws.String(group), MemberId: &istypes.MemberIdMemberUserId{Value: id},
				})
				if err != nil && codeOf(err) != "ConflictException" {
					errs <- fmt.Errorf("membership %s: %w", name, err)
				}
				// A page of ten: reads alongside the writes, without encoding
				// the whole growing list each time.
				if _, err := own.connect.ListUsers(ctx, &connect.ListUsersInput{InstanceId: aws.String(c.sb.InstanceID()), MaxResults: aws.Int32(10)}); err != nil {
					errs <- fmt.Errorf("list: %w", err)
				}
				_ = c.sb.Calls()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(c.sb.ConnectUsers()); got != 1+workers*each {
		t.Errorf("%d Connect users, want %d", got, 1+workers*each)
	}
	if got := len(c.sb.IdentityStoreUsers()); got != workers*each {
		t.Errorf("%d Identity Store users, want %d", got, workers*each)
	}
	if got := len(c.sb.Memberships()); got != workers*each {
		t.Errorf("%d memberships, want %d", got, workers*each)
	}
}
