package awscli

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The CLI runs commands one after another in one process, each sending its
// request to the endpoint and printing what came back, with its exit
// status; a command the CLI refuses fails with the CLI's own message.
func TestRun(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Instance":{"Id":"i-1","IdentityManagementType":"CONNECT_MANAGED"}}`))
	}))
	defer srv.Close()
	cli, err := Start(context.Background(), srv.URL)
	if errors.Is(err, ErrMissing) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for range 2 {
		v, err := cli.JSON("connect", "describe-instance", "--instance-id", "i-1")
		if err != nil {
			t.Fatal(err)
		}
		if v["Instance"].(map[string]any)["Id"] != "i-1" {
			t.Errorf("printed %v", v)
		}
	}
	if len(got) != 2 || got[0] != "GET /instance/i-1" {
		t.Errorf("requests %v", got)
	}
	r, err := cli.Run("connect", "describe-instance")
	if err != nil {
		t.Fatal(err)
	}
	if r.Code == 0 || !strings.Contains(r.Stderr, "--instance-id") {
		t.Errorf("a missing argument: %+v", r)
	}
}
