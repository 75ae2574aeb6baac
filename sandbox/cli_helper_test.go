package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/internal/awscli"
)

// startCLI starts the AWS CLI against sb (one process for the test's
// commands, internal/awscli) and gives a function that runs one command,
// with prefix (such as "connect") before its arguments, and decodes what it
// printed; err is set when the command fails. The test is skipped without
// an AWS CLI, or in -short mode.
func startCLI(t *testing.T, sb *Sandbox, prefix ...string) func(args ...string) (map[string]any, string, error) {
	t.Helper()
	cli := awscli.ForTest(t, sb.URL())
	return func(args ...string) (map[string]any, string, error) {
		t.Helper()
		r, err := cli.Run(append(append([]string{}, prefix...), args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 0 {
			return nil, r.Stderr, fmt.Errorf("exit status %d", r.Code)
		}
		var v map[string]any
		if strings.TrimSpace(r.Stdout) != "" {
			if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
				t.Fatalf("aws %s printed %q: %v", strings.Join(args, " "), r.Stdout, err)
			}
		}
		return v, r.Stderr, nil
	}
}
