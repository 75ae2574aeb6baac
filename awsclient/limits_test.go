package awsclient

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go"

	"github.com/bulkagents/bulkagents/sandbox"
)

func TestAPILimiterAdapts(t *testing.T) {
	t.Parallel()
	clock := time.Now()
	now := func() time.Time { return clock }
	a := newAPILimiter(100, 5)
	a.now = now
	// age pretends the last cut was long ago, as if a window had passed.
	age := func() {
		a.mu.Lock()
		a.lastCut = a.lastCut.Add(-time.Minute)
		a.lastRaise = a.lastRaise.Add(-time.Minute)
		a.mu.Unlock()
	}
	// A lone throttle at the configured rate is its edge: no cut.
	a.Throttled(now())
	if got := a.Rate(); got != 100 || a.EdgeThrottles() != 1 {
		t.Fatalf("after a lone throttle the rate is %v (%d edge throttles), want 100 and 1", got, a.EdgeThrottles())
	}
	// A second within the window is a real limit.
	before := now()
	a.Throttled(now())
	if got := a.Rate(); got != 100*cutFactor {
		t.Fatalf("after a throttle the rate is %v, want %v", got, 100*cutFactor)
	}
	a.Throttled(before) // sent before the cut: paced at the old rate
	a.Throttled(now())
	if got := a.Rate(); got != 100*cutFactor {
		t.Errorf("throttles within the window of the cut changed the rate to %v", got)
	}
	a.Succeeded()
	if got := a.Rate(); got != 100*cutFactor {
		t.Errorf("a success within the window of the cut raised the rate to %v", got)
	}
	for range 200 {
		age()
		a.Throttled(now())
	}
	if got := a.Rate(); got != 100*floorFraction {
		t.Errorf("the rate fell to %v, want the floor %v", got, 100*floorFraction)
	}
	age()
	for range 20 {
		clock = clock.Add(60 * time.Millisecond)
		a.Succeeded()
	}
	got := a.Rate()
	// At most one second's raise for the long quiet spell, then 1.2 s more,
	// each at least minRaisePerSecond of the configured rate.
	if low, high := 100*floorFraction+100*minRaisePerSecond*2, 100*floorFraction*math.Pow(1+raisePerSecond, 2.5)+100*minRaisePerSecond*2.5; got < low || got > high {
		t.Errorf("after 1.2 s of successes the rate is %v, want between %v and %v", got, low, high)
	}
	// Near the configured rate the climb is a tenth of the rate a second.
	b := newAPILimiter(100, 5)
	b.mu.Lock()
	b.current, b.lastCut, b.lastRaise = 50, time.Now().Add(-time.Minute), time.Now().Add(-time.Second)
	b.mu.Unlock()
	b.Succeeded()
	if got := b.Rate(); got < 54.9 || got > 55.1 {
		t.Errorf("a second after 50/s the rate is %v, want 55/s", got)
	}
	if a.Throttles() != 204 || a.EdgeThrottles() != 1 {
		t.Errorf("counted %d throttles (%d at the edge), want 204 (1)", a.Throttles(), a.EdgeThrottles())
	}
}

// TestAPILimiterAimsAtTheAchievedRate: when calls are refused, the rate
// drops to what got through, not blindly by a factor.
func TestAPILimiterAimsAtTheAchievedRate(t *testing.T) {
	t.Parallel()
	a := newAPILimiter(100, 5)
	now := time.Now()
	a.mu.Lock()
	for i := range 30 { // 30 successes over the last 1.5 s: 20/s
		a.successes[i] = now.Add(-time.Duration(i) * 50 * time.Millisecond)
	}
	a.mu.Unlock()
	a.Throttled(time.Now())
	if got := a.Rate(); got != 25 {
		t.Errorf("rate after a throttle = %v, want 25: the 20/s that got through, bounded at a quarter of 100", got)
	}
	a = newAPILimiter(30, 5)
	a.mu.Lock()
	for i := range 30 {
		a.successes[i] = now.Add(-time.Duration(i) * 50 * time.Millisecond)
	}
	a.mu.Unlock()
	a.Throttled(time.Now())
	if got := a.Rate(); got < 19 || got > 21 {
		t.Errorf("rate after a throttle = %v, want about the 20/s that got through", got)
	}
}

func TestLimitsScaleTheDefaults(t *testing.T) {
	t.Parallel()
	l := NewLimits(3)
	for api, want := range map[string]float64{
		"Connect.CreateUser": 6, "Connect.ListUsers": 30, "Connect.Unlisted": 6, "identitystore": 60,
	} {
		if got := l.For(api).Configured(); got != want {
			t.Errorf("%s: configured %v/s, want %v/s", api, got, want)
		}
	}
	if l.For("Connect.CreateUser") != l.For("Connect.CreateUser") {
		t.Error("two limiters for one API")
	}
	if limitKey("identitystore", "CreateUser") != limitKey("identitystore", "GetUserId") {
		t.Error("Identity Store operations do not share one limit")
	}
}

func createInput(sb *sandbox.Sandbox, login string) *connect.CreateUserInput {
	return &connect.CreateUserInput{
		InstanceId:         aws.String(sb.InstanceID()),
		Username:           aws.String(login),
		Password:           aws.String("Passw0rdPassw0rd"),
		RoutingProfileId:   aws.String(sb.AddRoutingProfile("Paced")),
		SecurityProfileIds: []string{sb.AddSecurityProfile("Paced")},
		IdentityInfo:       &types.UserIdentityInfo{FirstName: aws.String("A"), LastName: aws.String("B")},
		PhoneConfig:        &types.UserPhoneConfig{PhoneType: types.PhoneTypeSoftPhone},
	}
}

// TestQuotaIsNotRetried: the users-per-instance quota answers
// LimitExceededException, which the SDK's default retryer would retry as a
// throttle.
func TestQuotaIsNotRetried(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, UserQuota: 1}) // "admin" fills it
	c := sandboxClients(t, sb, 0)
	in := createInput(sb, "one.too.many")
	sb.ResetCalls()
	_, err := c.Connect.CreateUser(context.Background(), in)
	var le *types.LimitExceededException
	if !errors.As(err, &le) {
		t.Fatalf("CreateUser beyond the quota: %v, want LimitExceededException", err)
	}
	if n := sb.Calls()["Connect.CreateUser"].Sent; n != 1 {
		t.Errorf("CreateUser was sent %d times, want once", n)
	}
}

// TestPacingAdaptsToALowerRealLimit runs workers against a sandbox whose
// limit is half the client's: the calls are throttled at first, the
// limiter slows down, every call succeeds.
func TestPacingAdaptsToALowerRealLimit(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{RateScale: 10}) // CreateUser 20/s, burst 50
	c := sandboxClients(t, sb, 20)                        // the client thinks 40/s
	const calls = 120
	logins := agents("paced", calls)
	proto := createInput(sb, "x")
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	jobs := make(chan int)
	for range 16 {
		wg.Go(func() {
			for i := range jobs {
				in := *proto
				in.Username = aws.String(logins[i].Login)
				if _, err := c.Connect.CreateUser(context.Background(), &in); err != nil {
					errs <- err
				}
			}
		})
	}
	start := time.Now()
	tick := time.NewTicker(250 * time.Millisecond)
	done, logged := make(chan struct{}), make(chan struct{})
	go func() {
		// Ends with the calls: a log line after the test would panic.
		defer close(logged)
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if testing.Verbose() {
				lim := c.Limits.For("Connect.CreateUser")
				t.Logf("%v rate %.1f throttles %d", time.Since(start).Round(time.Millisecond), lim.Rate(), lim.Throttles())
			}
		}
	}()
	for i := range calls {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	tick.Stop()
	close(done)
	<-logged
	close(errs)
	if testing.Verbose() {
		t.Logf("%d calls in %v", calls, time.Since(start))
	}
	for err := range errs {
		t.Errorf("CreateUser failed: %v", err)
	}
	got := sb.Calls()["Connect.CreateUser"]
	if got.Throttled == 0 {
		t.Errorf("the sandbox throttled nothing (%+v): the test did not exceed its limit", got)
	}
	lim := c.Limits.For("Connect.CreateUser")
	if lim.Throttles() == 0 || lim.Rate() >= lim.Configured() {
		t.Errorf("limiter saw %d throttles and runs at %v of %v/s: it did not adapt", lim.Throttles(), lim.Rate(), lim.Configured())
	}
	if n := len(sb.ConnectUsers()); n != calls+1 {
		t.Errorf("sandbox holds %d users, want %d", n, calls+1)
	}
}

// TestRetryerHasNoRetryQuota: the SDK's default retryer refuses retries
// once its 500-token bucket is spent (100 throttles), failing rows for
// nothing; ours never does.
func TestRetryerHasNoRetryQuota(t *testing.T) {
	t.Parallel()
	r := DefaultRetryPolicy.retryer()
	throttle := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	for i := range 1000 {
		if _, err := r.GetRetryToken(context.Background(), throttle); err != nil {
			t.Fatalf("retry %d refused: %v", i, err)
		}
	}
	if r.MaxAttempts() < 10 {
		t.Errorf("%d attempts: too few to ride out throttling", r.MaxAttempts())
	}
	for _, c := range []struct {
		err       error
		retryable bool
	}{
		{throttle, true},
		{&smithy.GenericAPIError{Code: "TooManyRequestsException"}, true},
		{&smithy.GenericAPIError{Code: "ValidationException", Message: "Rate exceeded"}, true},
		{&smithy.GenericAPIError{Code: "LimitExceededException", Message: "users per instance"}, false},
		{&smithy.GenericAPIError{Code: "ServiceQuotaExceededException"}, false},
		{&smithy.GenericAPIError{Code: "DuplicateResourceException"}, false},
	} {
		if got := r.IsErrorRetryable(c.err); got != c.retryable {
			t.Errorf("%v: retryable %v, want %v", c.err, got, c.retryable)
		}
	}
	for attempt := 1; attempt < 30; attempt++ {
		for _, err := range []error{throttle, errors.New("connection reset")} {
			d, _ := DefaultRetryPolicy.backoffDelay(attempt, err)
			if d <= 0 || d > 2*time.Second {
				t.Errorf("backoff %v after attempt %d (%v)", d, attempt, err)
			}
		}
	}
}

// TestRetryerRidesOutThrottling: a row never fails because of throttling,
// even when other callers use up most of the quota and a call is throttled
// dozens of times; other errors still give up after a few attempts.
func TestRetryerRidesOutThrottling(t *testing.T) {
	t.Parallel()
	r := DefaultRetryPolicy.retryer()
	throttle := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	if r.MaxAttempts() < 100 {
		t.Errorf("%d attempts: a call throttled 100 times would fail its row", r.MaxAttempts())
	}
	for attempt := 1; attempt < 100; attempt++ {
		if _, err := r.RetryDelay(attempt, throttle); err != nil {
			t.Fatalf("throttled attempt %d: no retry: %v", attempt, err)
		}
	}
	serverError := &smithy.GenericAPIError{Code: "InternalServiceException", Fault: smithy.FaultServer}
	if _, err := r.RetryDelay(19, serverError); err != nil {
		t.Errorf("server error at attempt 19: no retry: %v", err)
	}
	if _, err := r.RetryDelay(DefaultRetryPolicy.OtherAttempts, serverError); err == nil || !errors.Is(err, serverError) {
		t.Errorf("server error at attempt %d: %v, want the retries to end with it", DefaultRetryPolicy.OtherAttempts, err)
	}
}
