package remover

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/sandbox"
)

// startSandbox starts an in-process sandbox for one test.
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

// sandboxClients builds the real SDK clients against a sandbox.
func sandboxClients(t testing.TB, sb *sandbox.Sandbox, scale float64) *importer.Clients {
	t.Helper()
	c, err := importer.NewClients(context.Background(), importer.AWSConfig{
		Region:            "us-east-1",
		EndpointURL:       sb.URL(),
		RateScale:         scale,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"},
	})
	if err != nil {
		t.Fatalf("clients: %v", err)
	}
	// Before the sandbox stops: a connection dialled but never used would
	// hold its shutdown for seconds.
	t.Cleanup(c.CloseIdleConnections)
	return c
}
