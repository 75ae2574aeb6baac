// Package awscli runs the AWS CLI for the tests that drive the sandbox with
// it, as an administrator would. It is the real CLI (its argument parsing,
// shorthand syntax, paginators and botocore's models), but one Python
// process runs many commands: starting the CLI costs about a second of CPU
// each time, which made the tests that use it the slowest of the suite.
package awscli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// ErrMissing is returned by Start when the AWS CLI is not installed.
var ErrMissing = errors.New("the AWS CLI is not on PATH")

// driver reads one JSON array of arguments per line, runs the CLI's own
// entry point on them with its output captured, and answers with one JSON
// line. One driver serves every command, as the CLI's own tests do: each
// command parses its arguments afresh, and only the session (the models,
// the credentials) is kept; a new driver per command costs a second.
const driver = `
import contextlib, io, json, sys
from awscli.clidriver import create_clidriver
drv = create_clidriver()
print("ready", flush=True)
for line in sys.stdin:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = drv.main(json.loads(line))
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
        except Exception as e:
            print(repr(e), file=sys.stderr)
            rc = 255
    sys.__stdout__.write(json.dumps({"rc": rc, "out": out.getvalue(), "err": err.getvalue()}) + "\n")
    sys.__stdout__.flush()
`

// CLI is one running AWS CLI, pointed at an endpoint with dummy
// credentials. Its methods may be called from several goroutines.
type CLI struct {
	endpoint string
	mu       sync.Mutex
	cmd      *exec.Cmd
	in       io.WriteCloser
	out      *bufio.Reader
}

// Start starts the CLI for endpoint. The process ends with ctx or Close.
func Start(ctx context.Context, endpoint string) (*CLI, error) {
	python, err := interpreter()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, python, "-c", driver)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=x", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	var stderr strings.Builder // the interpreter's own failures, never a command's
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the AWS CLI: %w", err)
	}
	c := &CLI{endpoint: endpoint, cmd: cmd, in: in, out: bufio.NewReader(out)}
	if ready, err := c.out.ReadString('\n'); err != nil || ready != "ready\n" {
		in.Close()
		cmd.Wait()
		return nil, fmt.Errorf("%s cannot run the AWS CLI (%s): %w", python, strings.TrimSpace(stderr.String()), ErrMissing)
	}
	return c, nil
}

// interpreter is the Python that runs the aws command on PATH: the one its
// first line names, or (behind a wrapper such as pyenv's) python3, if it
// can import the CLI.
func interpreter() (string, error) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		return "", ErrMissing
	}
	candidates := []string{"python3"}
	if f, err := os.Open(aws); err == nil {
		first, _ := bufio.NewReader(f).ReadString('\n')
		f.Close()
		fields := strings.Fields(strings.TrimPrefix(first, "#!"))
		switch {
		case !strings.HasPrefix(first, "#!") || len(fields) == 0:
		case filepath.Base(fields[0]) == "env" && len(fields) > 1 && strings.HasPrefix(fields[1], "python"):
			candidates = append([]string{fields[1]}, candidates...)
		case strings.HasPrefix(filepath.Base(fields[0]), "python"):
			candidates = append([]string{fields[0]}, candidates...)
		}
	}
	for _, c := range candidates {
		python, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		return python, nil
	}
	return "", fmt.Errorf("no Python that runs %s: %w", aws, ErrMissing)
}

// Result is what one command printed and its exit status.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs one command, as `aws --endpoint-url ENDPOINT --output json
// ARGS...` would.
func (c *CLI) Run(args ...string) (Result, error) {
	full := append([]string{"--endpoint-url", c.endpoint, "--output", "json"}, args...)
	line, err := json.Marshal(full)
	if err != nil {
		return Result{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.in.Write(append(line, '\n')); err != nil {
		return Result{}, fmt.Errorf("aws %s: %w", strings.Join(args, " "), err)
	}
	answer, err := c.out.ReadBytes('\n')
	if err != nil {
		return Result{}, fmt.Errorf("aws %s: the CLI ended: %w", strings.Join(args, " "), err)
	}
	var r struct {
		RC  int    `json:"rc"`
		Out string `json:"out"`
		Err string `json:"err"`
	}
	if err := json.Unmarshal(answer, &r); err != nil {
		return Result{}, fmt.Errorf("aws %s: %w", strings.Join(args, " "), err)
	}
	return Result{Code: r.RC, Stdout: r.Out, Stderr: r.Err}, nil
}

// JSON runs a command that must succeed and decodes what it printed (nil
// when it printed nothing).
func (c *CLI) JSON(args ...string) (map[string]any, error) {
	r, err := c.Run(args...)
	if err != nil {
		return nil, err
	}
	if r.Code != 0 {
		return nil, fmt.Errorf("aws %s: exit %d\n%s", strings.Join(args, " "), r.Code, r.Stderr)
	}
	if strings.TrimSpace(r.Stdout) == "" {
		return nil, nil
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
		return nil, fmt.Errorf("aws %s printed %q: %w", strings.Join(args, " "), r.Stdout, err)
	}
	return v, nil
}

// Close ends the CLI's process.
func (c *CLI) Close() error {
	c.in.Close()
	return c.cmd.Wait()
}

// ForTest starts the CLI for a test against endpoint and ends it with the
// test. The test is skipped when there is no AWS CLI, or in -short mode
// (the CLI takes a second to start).
func ForTest(t testing.TB, endpoint string) *CLI {
	t.Helper()
	if testing.Short() {
		t.Skip("the AWS CLI is slow to start")
	}
	cli, err := Start(context.Background(), endpoint)
	if errors.Is(err, ErrMissing) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

// Connect gives a function that runs one "aws connect" command, which must
// succeed, and decodes what it printed; a failure fails the test.
func (c *CLI) Connect(t testing.TB) func(args ...string) map[string]any {
	return func(args ...string) map[string]any {
		t.Helper()
		v, err := c.JSON(append([]string{"connect"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
