package main

import (
	"net"
	"strings"
	"testing"
)

// TestUnreachableEndpointNamed: with nothing listening at --endpoint-url,
// import, export and remove stop at once (a refused connection is not
// retried during the set-up) with exit 2, a message naming the endpoint,
// and a hint; no permission advice for what is the network.
func TestUnreachableEndpointNamed(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close()
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("reach", 2))
	aws := []string{"--instance-id", "11111111-2222-3333-4444-555555555555", "--endpoint-url", endpoint,
		"--region", "us-east-1", "--no-progress"}
	for _, args := range [][]string{
		append([]string{"import", "agents.csv", "--dry-run"}, aws...),
		append([]string{"export", "--out", "export.csv"}, aws...),
		append([]string{"remove", "agents.csv", "--dry-run"}, aws...),
	} {
		t.Run(args[0], func(t *testing.T) {
			code, stderr := runWith(t, dir, nil, args...)
			if code != exitUnusable || !strings.Contains(stderr, "cannot reach "+endpoint+": connection refused") ||
				!strings.Contains(stderr, "hint: check --endpoint-url") {
				t.Errorf("exit %d, want 2 naming %s with a hint:\n%s", code, endpoint, stderr)
			}
			if strings.Contains(stderr, "allow servicequotas") {
				t.Errorf("permission advice for an unreachable endpoint:\n%s", stderr)
			}
		})
	}
}
