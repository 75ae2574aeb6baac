package importer

import (
	"context"
	"errors"
	"github.com/bulkagents/bulkagents/awsclient"
	"net"
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
		Input: input, InstanceID: "11111111-2222-3333-4444-555555555555", DryRun: true,
	}, unreachableClients(t, endpoint, reach))
	var se *SetupError
	var ue *UnreachableError
	if !errors.As(err, &se) || !errors.As(err, &ue) {
		t.Fatalf("err = %v (%T), want a set-up error that the endpoint is unreachable", err, err)
	}
	var ce *CallError // what the command line words its hint from
	if !strings.Contains(se.Message, endpoint) || !errors.As(err, &ce) {
		t.Errorf("message %q (%v): want the endpoint %s named, and the call for a hint", se.Message, err, endpoint)
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
	if n := conns.Load(); n > int32(len(awsclient.KeysFor(ImportUses(Config{}))))+2 {
		t.Errorf("%d connections: want the first contact only, not retries", n)
	}
}
