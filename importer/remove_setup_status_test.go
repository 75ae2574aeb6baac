package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bulkagents/bulkagents/sandbox"
)

// lockedBuffer is a strings.Builder safe for the status line's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRemoveShowsTheSetUp: on a terminal, remove's set-up calls are shown,
// and the line is cleared before the confirmation prompt is asked.
func TestRemoveShowsTheSetUp(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "a"}); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(t.TempDir(), "leavers.csv")
	if err := os.WriteFile(input, []byte("user login\na\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out lockedBuffer
	var atPrompt string
	_, err := Remove(context.Background(), context.Background(), RemoveConfig{Input: input, InstanceID: sb.InstanceID(),
		Progress: &out, ProgressMode: ProgressTerminal,
		Confirm: func(context.Context, int) error { atPrompt = out.String(); return ErrNotConfirmed }}, sandboxClients(t, sb, 1))
	if err != ErrNotConfirmed {
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
