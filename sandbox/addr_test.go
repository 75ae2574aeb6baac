package sandbox

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestStartEveryInterface: a sandbox listening on 0.0.0.0 gives a URL that
// a client on this machine can reach.
func TestStartEveryInterface(t *testing.T) {
	t.Parallel()
	sb, err := Start(context.Background(), "0.0.0.0:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if !strings.HasPrefix(sb.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s: want the loopback address", sb.URL())
	}
	resp, err := http.Get(sb.URL() + "/")
	if err != nil {
		t.Fatalf("GET %s: %v", sb.URL(), err)
	}
	resp.Body.Close()
}
