package awsclient

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/sandbox"
)

// agentLogin is the little of an agent row these tests need.
type agentLogin struct{ Login string }

func agents(prefix string, n int) []agentLogin {
	rows := make([]agentLogin, n)
	for i := range rows {
		rows[i] = agentLogin{Login: fmt.Sprintf("%s%04d", prefix, i+1)}
	}
	return rows
}

func startSandbox(t testing.TB, opts sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sb, err := sandbox.Start(ctx, "127.0.0.1:0", opts)
	if err != nil {
		cancel()
		t.Fatalf("start sandbox: %v", err)
	}
	t.Cleanup(func() {
		sb.Close()
		cancel()
	})
	return sb
}

// sandboxClients builds the real SDK clients against a sandbox (scale 0:
// no --rate-scale).
func sandboxClients(t testing.TB, sb *sandbox.Sandbox, scale float64) *Clients {
	t.Helper()
	c, err := New(context.Background(), Config{Region: "us-east-1", EndpointURL: sb.URL(), RateScale: scale,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatalf("clients: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}
