package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/sandbox"
)

// TestRemoveShowsTheSetUp: on a terminal, remove's set-up calls are shown,
// and the line is cleared before the confirmation prompt is asked.
func TestRemoveShowsTheSetUp(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "a"}); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(t.TempDir(), "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\na\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	var atPrompt string
	clients := engineClients(t, sb)
	_, err := importer.Remove(context.Background(), context.Background(), importer.RemoveConfig{Input: input, InstanceID: sb.InstanceID(),
		Events:  newDisplay(&out, progressTerminal, "remove", clients),
		Confirm: func(context.Context, int) error { atPrompt = out.String(); return importer.ErrNotConfirmed }}, clients)
	if err != importer.ErrNotConfirmed {
		t.Fatalf("err %v, want ErrNotConfirmed", err)
	}
	for _, step := range []string{"remove: describing the instance (", "remove: listing the instance's users ("} {
		if !strings.Contains(atPrompt, "\r\033[K"+step) {
			t.Errorf("%q not shown before the prompt:\n%q", step, atPrompt)
		}
	}
	if !strings.HasSuffix(atPrompt, "\r\033[K") {
		t.Errorf("the set-up line is not cleared before the prompt:\n%q", atPrompt)
	}
}
