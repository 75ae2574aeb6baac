package awsclient

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// recordingTransport answers every request and keeps its context.
type recordingTransport struct{ ctxs []context.Context }

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.ctxs = append(r.ctxs, req.Context())
	return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
}

// TestReachTransportStepsAside: once a host answered, its requests go out
// as they came, with no deadline of the reach timeout: the run's own calls
// keep their timeouts and retries.
func TestReachTransportStepsAside(t *testing.T) {
	t.Parallel()
	next := &recordingTransport{}
	rt := newReachTransport(next, time.Hour)
	for i := range 2 {
		ctx := context.WithValue(context.Background(), struct{}{}, i)
		req, _ := http.NewRequestWithContext(ctx, "GET", "http://example.test/", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if i == 1 && next.ctxs[1] != ctx {
			t.Errorf("after the first answer, the request's context was replaced")
		}
	}
	if next.ctxs[0].Err() == nil {
		t.Errorf("the first contact's context is not released once its body is closed")
	}
}

func TestReachTimeoutVariable(t *testing.T) {
	// Not parallel: it sets the environment.
	for _, c := range []struct {
		given time.Duration
		env   string
		want  time.Duration
		fails bool
	}{
		{given: time.Second, env: "1m", want: time.Second},
		{env: "", want: DefaultReachTimeout},
		{env: "30s", want: 30 * time.Second},
		{env: "soon", fails: true},
		{env: "-1s", fails: true},
	} {
		t.Setenv(ReachTimeoutVariable, c.env)
		got, err := reachTimeout(c.given)
		if (err != nil) != c.fails || got != c.want {
			t.Errorf("given %v, %s=%q: %v, %v; want %v (error: %v)", c.given, ReachTimeoutVariable, c.env, got, err, c.want, c.fails)
		}
	}
}
