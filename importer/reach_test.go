package importer

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// unreachableClients builds the real clients against an endpoint that
// never answers, with a short reach timeout.
func unreachableClients(t *testing.T, endpoint string, reach time.Duration) *Clients {
	t.Helper()
	c, err := NewClients(context.Background(), AWSConfig{
		Region: "us-east-1", EndpointURL: endpoint, ReachTimeout: reach,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// importUnreachable runs a dry run against endpoint and returns its
// set-up error, which must name the endpoint.
func importUnreachable(t *testing.T, endpoint string, reach time.Duration) *UnreachableError {
	t.Helper()
	input := writeAgents(t, t.TempDir(), agents("reach", 2))
	_, err := Import(context.Background(), context.Background(), Config{
		Input: input, InstanceID: "11111111-2222-3333-4444-555555555555", DryRun: true, ProgressMode: ProgressOff,
	}, unreachableClients(t, endpoint, reach))
	var se *SetupError
	var ue *UnreachableError
	if !errors.As(err, &se) || !errors.As(err, &ue) {
		t.Fatalf("err = %v (%T), want a set-up error that the endpoint is unreachable", err, err)
	}
	if !strings.Contains(se.Message, endpoint) || se.Hint == "" {
		t.Errorf("message %q (hint %q): want the endpoint %s named, and a hint", se.Message, se.Hint, endpoint)
	}
	return ue
}

// TestImportRefusedEndpoint: nothing listens at the endpoint: the set-up
// stops at the first refusal, with no retry, naming the endpoint.
func TestImportRefusedEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close() // the port is now refused
	// A reach timeout far beyond the test's life: only the refusal can end it.
	ue := importUnreachable(t, endpoint, time.Hour)
	if ue.After != 0 || !strings.Contains(ue.Error(), "connection refused") {
		t.Errorf("%v: want the refusal itself", ue)
	}
}

// TestImportSilentEndpoint: a listener that takes connections and never
// answers (a black hole after the handshake): the set-up gives up at the
// reach timeout, not the 60 s HTTP timeout times the retries, and sends
// nothing more once it gave up.
func TestImportSilentEndpoint(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			defer c.Close() // held open, never answered
		}
	}()
	const reach = 300 * time.Millisecond
	ue := importUnreachable(t, "http://"+l.Addr().String(), reach)
	if ue.After != reach || !strings.Contains(ue.Error(), "no answer within 300ms") {
		t.Errorf("%v: want no answer within the reach timeout", ue)
	}
	// Service Quotas' look-ups go at once; after them, DescribeInstance is
	// refused without a connection.
	if n := conns.Load(); n > int32(len(ImportAPIs))+2 {
		t.Errorf("%d connections: want the first contact only, not retries", n)
	}
}

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
