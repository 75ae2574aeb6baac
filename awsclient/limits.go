package awsclient

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"
)

const (
	// On a throttle the rate drops to what actually got through lately
	// (the real limit, when calls were being refused), or to cutFactor of
	// itself when that is not known; then, for each second without a
	// throttle, it climbs back by raisePerSecond of itself (at least
	// minRaisePerSecond of the configured rate), probing for a limit that
	// was raised. Going over the real limit costs only refused calls, which
	// are retried; going under it costs throughput, so the cut aims at the
	// limit, not far below it, and the climb is relative to where the rate
	// is, so a real limit far below the configured one is not overrun by
	// much.
	cutFactor         = 0.8
	raisePerSecond    = 0.10
	minRaisePerSecond = 0.01
	floorFraction     = 0.05
	// edgeAchieved: a throttle is at the edge of the configured rate only
	// while at least this fraction of that rate gets through.
	edgeAchieved = 0.9
	// successRing is how many recent successes the throughput estimate
	// looks at.
	successRing = 256
)

// Limits holds one adaptive rate limiter per API. It is safe for concurrent
// use.
type Limits struct {
	scale float64
	mu    sync.Mutex
	apis  map[string]*APILimiter
	rates map[string]float64 // set by SetRate (Service Quotas), not scaled
	// Breaker stops every call once the endpoint stopped answering.
	Breaker Breaker
	// Retry is how the clients these limits pace retry a call.
	Retry RetryPolicy
}

// NewLimits makes the limiters for the default rates times scale (0 means 1).
func NewLimits(scale float64) *Limits {
	if scale <= 0 {
		scale = 1
	}
	return &Limits{scale: scale, apis: map[string]*APILimiter{}, Retry: DefaultRetryPolicy}
}

// For returns the limiter of an API by its key in the table of APIs
// ("Connect.CreateUser", "identitystore").
func (l *Limits) For(api string) *APILimiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a, ok := l.apis[api]; ok {
		return a
	}
	r, ok := l.rates[api]
	if !ok {
		r = DefaultRate(api) * l.scale
	}
	burst := DefaultBurst
	if e, ok := byKey[api]; ok && e.Burst > 0 {
		burst = e.Burst
	}
	a := newAPILimiter(r, burst)
	l.apis[api] = a
	return a
}

// SetRate configures an API's rate (the account's applied quota), in place
// of its default times the scale.
func (l *Limits) SetRate(api string, perSecond float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rates == nil {
		l.rates = map[string]float64{}
	}
	l.rates[api] = perSecond
	if a, ok := l.apis[api]; ok {
		a.configure(perSecond)
	}
}

// APILimiter paces the calls of one API: a token bucket whose rate falls on
// throttling and climbs back slowly on success, never above the configured
// rate.
type APILimiter struct {
	lim *rate.Limiter
	// gate lets only a burst's worth of callers reserve a token at once. A
	// reservation keeps the time it got at the old rate, and the tokens it
	// took are repaid at the new one: with every worker holding one, a cut
	// would stall all calls for seconds, then let the old reservations
	// through too fast.
	gate chan struct{}

	mu        sync.Mutex
	ceiling   float64 // the configured rate
	floor     float64
	current   float64
	lastCut   time.Time
	lastRaise time.Time
	// lastThrottle is when the latest throttle came; edges counts the
	// throttles taken as the edge of the configured rate (see Throttled).
	lastThrottle time.Time
	edges        int
	throttles    int
	successes    [successRing]time.Time // a ring of the latest successes
	next         int                    // where the next success goes
	// now is the clock of the rate's adapting (time.Now; a test's own
	// clock moves in steps).
	now func() time.Time
}

func newAPILimiter(perSecond float64, burst int) *APILimiter {
	return &APILimiter{
		lim:     rate.NewLimiter(rate.Limit(perSecond), burst),
		gate:    make(chan struct{}, max(burst, 1)),
		ceiling: perSecond,
		floor:   perSecond * floorFraction,
		current: perSecond,
		now:     time.Now,
	}
}

// configure resets the limiter to a new configured rate.
func (a *APILimiter) configure(perSecond float64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ceiling, a.floor, a.current = perSecond, perSecond*floorFraction, perSecond
	a.lim.SetLimit(rate.Limit(perSecond))
}

// Wait blocks until the next call may be sent.
func (a *APILimiter) Wait(ctx context.Context) error {
	select {
	case a.gate <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-a.gate }()
	return a.lim.Wait(ctx)
}

// Configured is the rate the limiter started with, per second.
func (a *APILimiter) Configured() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ceiling
}

// Rate is the current rate, per second.
func (a *APILimiter) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.current
}

// EdgeThrottles counts the throttles taken as the edge of the configured
// rate, which left the rate as it was.
func (a *APILimiter) EdgeThrottles() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.edges
}

// Throttles counts the throttling answers seen.
func (a *APILimiter) Throttles() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.throttles
}

// window is how far back the throughput estimate looks: a second, or long
// enough to hold ten calls at the current rate.
func (a *APILimiter) window() time.Duration {
	w := time.Duration(10 / a.current * float64(time.Second))
	return min(max(w, time.Second), 10*time.Second)
}

// achieved estimates the successes per second over the window; ok is false
// when too little has been seen to tell.
func (a *APILimiter) achieved(now time.Time) (perSecond float64, ok bool) {
	w := a.window()
	n := 0
	oldest := now
	for i := range a.successes {
		t := a.successes[i]
		if !t.IsZero() && now.Sub(t) <= w {
			n++
			if t.Before(oldest) {
				oldest = t
			}
		}
	}
	span := now.Sub(oldest)
	if n == successRing {
		// The ring is full of recent successes: the window is what it spans.
		w = span
	}
	if n < 3 || span < w/2 {
		return 0, false
	}
	return float64(n) / w.Seconds(), true
}

// Throttled lowers the rate after a call sent at sentAt was throttled. One
// cut per window: throttles of calls sent at the old rate, or before the
// new rate could show its effect, say nothing new.
//
// A throttle while the limiter runs at the configured rate, with none in
// the window before it, is the edge of that rate: the server's bucket and
// ours differ by a fraction of a token (latency jitter), and the retry
// waits for the next token anyway. Cutting there would lose seconds to the
// climb back, so nothing changes and the throttle costs one token's time.
// A real limit below the configured one throttles again within the window,
// and that second throttle cuts to what got through, as before.
func (a *APILimiter) Throttled(sentAt time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.throttles++
	now := a.now()
	isolated := a.lastThrottle.IsZero() || now.Sub(a.lastThrottle) > a.window()
	a.lastThrottle = now
	if got, ok := a.achieved(now); isolated && a.current >= a.ceiling*0.999 && (!ok || got >= a.current*edgeAchieved) {
		a.edges++
		return
	}
	if sentAt.Before(a.lastCut) || now.Sub(a.lastCut) < a.window() {
		return
	}
	next := a.current * cutFactor
	if got, ok := a.achieved(now); ok && got < a.current {
		// Calls were refused at the current rate and this many got
		// through: that is the real limit.
		next = max(got, a.current*0.25)
	}
	a.current = max(next, a.floor)
	a.lastCut, a.lastRaise = now, now
	a.lim.SetLimit(rate.Limit(a.current))
}

// Succeeded notes a call that went through and raises the rate a little.
func (a *APILimiter) Succeeded() {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.successes[a.next] = now
	a.next = (a.next + 1) % successRing
	if a.current >= a.ceiling || now.Sub(a.lastCut) < a.window() {
		return
	}
	elapsed := now.Sub(a.lastRaise)
	if elapsed < 50*time.Millisecond {
		return
	}
	elapsed = min(elapsed, time.Second)
	step := max(a.current*raisePerSecond, a.ceiling*minRaisePerSecond) * elapsed.Seconds()
	a.current = min(a.current+step, a.ceiling)
	a.lastRaise = now
	a.lim.SetLimit(rate.Limit(a.current))
}

// Apply installs the retryer and the pacing middleware on a client's
// options.
func (l *Limits) Apply(retryer *aws.Retryer, apiOptions *[]func(*middleware.Stack) error) {
	*retryer = l.Retry.retryer()
	*apiOptions = append(*apiOptions, func(s *middleware.Stack) error {
		return s.Finalize.Insert(&pacer{limits: l}, "Retry", middleware.After)
	})
}

// RetryPolicy is how a call is retried: a value, so that a test can make
// the waits short without changing what is retried.
type RetryPolicy struct {
	// ThrottledAttempts bounds a call that is throttled again and again;
	// OtherAttempts one failing with a server error or a broken
	// connection.
	ThrottledAttempts, OtherAttempts int
	// ThrottleDelay and OtherDelay are the first backoff after a throttle
	// and after another error; each later one doubles, up to MaxDelay,
	// jittered.
	ThrottleDelay, OtherDelay, MaxDelay time.Duration
}

// DefaultRetryPolicy: after a throttle the limiter has already slowed
// down, so a short jittered pause is enough; other transient errors back
// off exponentially up to two seconds. 200 throttled attempts at two
// seconds are some minutes.
var DefaultRetryPolicy = RetryPolicy{
	ThrottledAttempts: 200, OtherAttempts: 20,
	ThrottleDelay: 25 * time.Millisecond, OtherDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second,
}

// retryer is the SDK's standard retryer set up for a bulk job (docs/aws.md
// §5). The default one keeps a client-wide retry quota of 500 tokens that
// many workers exhaust under throttling ("retry quota exceeded": rows fail
// for nothing), so it is turned off; our own limiter does the pacing, so
// backoff can be short and attempts many. It is set as o.Retryer because
// o.RetryMode inside a client option function is ignored. A
// LimitExceededException is Connect's resource quota (users per instance),
// not a throttle: retrying it only delays the failure.
//
// Throttles are retried far longer than other errors: the limiter keeps
// them few, and a row must never fail because of throttling, even when
// other callers in the account use up most of the quota (README.md). The
// SDK counts every attempt against MaxAttempts, so that is set for
// throttles, and RetryDelay gives up on other errors after
// OtherAttempts.
func (p RetryPolicy) retryer() aws.Retryer {
	return &bulkRetryer{policy: p, RetryerV2: retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = p.ThrottledAttempts
		o.MaxBackoff = p.MaxDelay
		o.RateLimiter = ratelimit.None
		o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
			switch {
			case Classify(err) == Quota, errors.Is(err, errCircuitOpen):
				return aws.FalseTernary
			case isThrottle(err):
				return aws.TrueTernary
			}
			return aws.UnknownTernary
		})}, o.Retryables...)
		o.Throttles = []retry.IsErrorThrottle{retry.IsErrorThrottleFunc(func(err error) aws.Ternary {
			return aws.BoolTernary(isThrottle(err))
		})}
		o.Backoff = retry.BackoffDelayerFunc(p.backoffDelay)
	})}
}

// bulkRetryer is the standard retryer with a separate, lower bound on the
// attempts of errors that are not throttles.
type bulkRetryer struct {
	aws.RetryerV2
	policy RetryPolicy
}

func (r *bulkRetryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if attempt >= r.policy.OtherAttempts && !isThrottle(err) {
		return 0, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
	}
	return r.RetryerV2.RetryDelay(attempt, err)
}

func (p RetryPolicy) backoffDelay(attempt int, err error) (time.Duration, error) {
	base := p.OtherDelay
	if isThrottle(err) {
		base = p.ThrottleDelay
	}
	d := base << min(max(attempt-1, 0), 10)
	d = max(min(d, p.MaxDelay), 1)
	return time.Duration(rand.Int64N(int64(d)) + 1), nil
}

// isThrottle says whether an error is a throttling answer (Classify's
// Throttled, without the rest of the classification).
func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	if throttleCodes[ae.ErrorCode()] {
		return true
	}
	return strings.EqualFold(strings.TrimSpace(ae.ErrorMessage()), "rate exceeded")
}

// CallTrace records the attempts of one call, for settling an ambiguous
// CreateUser: a DuplicateResourceException after an attempt that may have
// reached the server means the user is probably ours.
type CallTrace struct {
	Prepaid bool // the first attempt's token was taken by the caller
	// Stop, when set, is the first Ctrl-C: a call none of whose attempts
	// can have changed anything (each was throttled or cleanly refused)
	// is not retried after it, so that the run stops promptly however
	// throttled it is.
	Stop     context.Context
	Attempts []error
}

// errStopped ends a call that was to be retried when the run was stopped:
// no attempt of it can have changed anything.
var ErrStopped = errors.New("the run was stopped before the call went through")

type callTraceKey struct{}

func WithCallTrace(ctx context.Context, t *CallTrace) context.Context {
	return context.WithValue(ctx, callTraceKey{}, t)
}

// wait takes an attempt's token. A retry of a call that cannot have
// changed anything yet is dropped when the run is stopped, even while it
// waits.
func (p *pacer) wait(ctx context.Context, a *APILimiter, trace *CallTrace) error {
	if trace == nil || trace.Stop == nil || len(trace.Attempts) == 0 || MayHaveApplied(trace.Attempts) {
		return a.Wait(ctx)
	}
	if trace.Stop.Err() != nil {
		return &aws.RequestCanceledError{Err: ErrStopped}
	}
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	unhook := context.AfterFunc(trace.Stop, cancel)
	defer unhook()
	err := a.Wait(waitCtx)
	if err != nil && ctx.Err() == nil && trace.Stop.Err() != nil {
		return &aws.RequestCanceledError{Err: ErrStopped}
	}
	return err
}

// pacer is the Finalize middleware that sits inside the SDK's retry loop,
// so that every attempt, retries included, waits for its API's limiter.
type pacer struct {
	limits *Limits
}

func (*pacer) ID() string { return "BulkagentsPacer" }

func (p *pacer) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	key := limitKey(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
	a := p.limits.For(key)
	trace, _ := ctx.Value(callTraceKey{}).(*CallTrace)
	if open, _ := p.limits.Breaker.Open(); open {
		err := circuitError{}
		if trace != nil {
			trace.Attempts = append(trace.Attempts, err)
		}
		return middleware.FinalizeOutput{}, middleware.Metadata{}, err
	}
	if trace != nil && trace.Prepaid {
		trace.Prepaid = false
	} else if err := p.wait(ctx, a, trace); err != nil {
		return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("wait for the %s rate limit: %w", key, err)
	}
	sent := time.Now()
	ctx, end := p.limits.Breaker.begin(ctx)
	out, md, err := next.HandleFinalize(ctx, in)
	end()
	if trace != nil {
		trace.Attempts = append(trace.Attempts, err)
	}
	p.limits.Breaker.note(err)
	switch {
	case err == nil:
		a.Succeeded()
	case isThrottle(err):
		a.Throttled(sent)
	}
	return out, md, err
}
