package awsclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultReachTimeout is how long the first contact with an endpoint may
// take before the run gives up on it. Every call of the set-up is a read,
// so giving up changes nothing in AWS; an endpoint that answers at all
// answers its first call well within it (an AWS endpoint in tens of
// milliseconds), while a black-holed address or a port where nothing
// answers would otherwise hold the set-up for the SDK's retries, minutes of
// silence.
const DefaultReachTimeout = 5 * time.Second

// ReachTimeoutVariable names the environment variable that overrides
// DefaultReachTimeout, for a network whose first answer is slow to come (a
// proxy that inspects TLS, a link across the world), and for tests whose
// in-process sandbox a loaded machine can starve for seconds.
const ReachTimeoutVariable = "BULKAGENTS_REACH_TIMEOUT"

// reachTimeout is given, or else the variable's value, or else the default.
func reachTimeout(given time.Duration) (time.Duration, error) {
	if given > 0 {
		return given, nil
	}
	v := strings.TrimSpace(os.Getenv(ReachTimeoutVariable))
	if v == "" {
		return DefaultReachTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 10s or 1m", ReachTimeoutVariable, v)
	}
	return d, nil
}

// dialTimeout bounds opening one connection (the SDK's default is 30 s). A
// dial that fails sent nothing, so it is always safe to retry.
const dialTimeout = 5 * time.Second

// UnreachableError says that an endpoint never answered: nothing listens
// there, its name is unknown, or no answer came within the reach timeout.
// It is never retried: the set-up, which makes the first contact, stops.
type UnreachableError struct {
	Endpoint string        // scheme://host, as the calls were sent
	After    time.Duration // no answer within this; 0 when refused at once
	Err      error         // the network's error
}

func (e *UnreachableError) Error() string {
	var dns *net.DNSError
	switch {
	case errors.Is(e.Err, syscall.ECONNREFUSED):
		return fmt.Sprintf("cannot reach %s: connection refused (nothing listens there)", e.Endpoint)
	case errors.As(e.Err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("cannot reach %s: no such host", e.Endpoint)
	case e.After > 0:
		return fmt.Sprintf("cannot reach %s: no answer within %s", e.Endpoint, e.After)
	}
	return fmt.Sprintf("cannot reach %s: %v", e.Endpoint, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// RetryableError tells the SDK's retryer not to retry it.
func (e *UnreachableError) RetryableError() bool { return false }

// reachTransport bounds the first contact with each host. Until a host has
// answered once, every attempt to it shares one deadline (the first
// attempt's start plus the reach timeout), and a refused connection or an
// unknown name is final at once; after the first answer it steps aside,
// so the calls of the run itself keep their own timeouts and retries.
type reachTransport struct {
	next    http.RoundTripper
	timeout time.Duration

	mu    sync.Mutex
	hosts map[string]*hostReach
}

type hostReach struct {
	answered bool
	deadline time.Time
	failed   *UnreachableError
}

func newReachTransport(next http.RoundTripper, timeout time.Duration) *reachTransport {
	if timeout <= 0 {
		timeout = DefaultReachTimeout
	}
	return &reachTransport{next: next, timeout: timeout, hosts: map[string]*hostReach{}}
}

// first says whether req goes to a host that has not answered yet, and
// when its first contact must be over; failed is that host's earlier
// verdict.
func (t *reachTransport) first(host string) (first bool, deadline time.Time, failed *UnreachableError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.hosts[host]
	if h == nil {
		h = &hostReach{deadline: time.Now().Add(t.timeout)}
		t.hosts[host] = h
	}
	return !h.answered, h.deadline, h.failed
}

func (t *reachTransport) settle(host string, answered bool, failed *UnreachableError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := t.hosts[host]
	if answered {
		h.answered, h.failed = true, nil
	} else if !h.answered && h.failed == nil {
		h.failed = failed
	}
}

func (t *reachTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	first, deadline, failed := t.first(host)
	if !first {
		return t.next.RoundTrip(req)
	}
	if failed != nil {
		return nil, failed
	}
	// A timer, not a context deadline, so that it can be stopped once the
	// answer's headers came: reading the body then takes what it takes.
	ctx, cancel := context.WithCancel(req.Context())
	expired := make(chan struct{})
	timer := time.AfterFunc(time.Until(deadline), func() { close(expired); cancel() })
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	stopped := timer.Stop()
	if err == nil {
		t.settle(host, true, nil)
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	cancel()
	endpoint := req.URL.Scheme + "://" + host
	var dns *net.DNSError
	switch {
	case req.Context().Err() != nil:
		// The caller's own cancellation (Ctrl-C): not the endpoint's fault.
		return nil, err
	case !stopped && isClosed(expired):
		failed = &UnreachableError{Endpoint: endpoint, After: t.timeout, Err: err}
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &dns) && dns.IsNotFound:
		failed = &UnreachableError{Endpoint: endpoint, Err: err}
	default:
		// Anything else (a reset connection) is retried, within the deadline.
		return nil, err
	}
	t.settle(host, false, failed)
	return nil, failed
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// cancelBody releases the attempt's context once the body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
