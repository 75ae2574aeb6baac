package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/sandbox"
)

// engineClients are the engine's SDK clients against a sandbox, as the
// commands make them with --sandbox.
func engineClients(t testing.TB, sb *sandbox.Sandbox) *importer.Clients {
	t.Helper()
	c, err := importer.NewClients(context.Background(), importer.AWSConfig{Region: "us-east-1", EndpointURL: sb.URL(),
		RateScale: 1000, StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// importShown runs an import into sb with the display the import command
// gives it (in mode), and returns its result.
func importShown(t *testing.T, sb *sandbox.Sandbox, cfg importer.Config, out *syncBuffer, mode progressMode) *importer.Result {
	t.Helper()
	clients := engineClients(t, sb)
	cfg.InstanceID = sb.InstanceID()
	cfg.Events = newDisplay(out, mode, "import", clients)
	res, err := importer.Import(context.Background(), context.Background(), cfg, clients)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestImportShowsTheSetUp: on a terminal, the set-up's calls are shown
// before the progress bar, in the order they are made, each with the time
// since the run began; the line is cleared before the bar takes over.
func TestImportShowsTheSetUp(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	input := writeFile(t, t.TempDir(), "agents.csv", e2eRows("setup", 3))
	var out syncBuffer
	res := importShown(t, sb, importer.Config{Input: input}, &out, progressTerminal)
	if !res.Counts.Success() {
		t.Fatalf("counts %s", res.Counts)
	}
	text := out.String()
	last := -1
	for _, step := range []string{
		// The instance first: a credentials problem is said before any
		// Service Quotas line, and --resume of another instance's results
		// file is refused before any other call.
		"import: describing the instance (",
		"import: reading the rate quotas from Service Quotas (",
		"import: listing the routing profiles (",
		"import: listing the instance's users (",
	} {
		i := strings.Index(text, "\r\033[K"+step)
		if i < 0 || i < last {
			t.Fatalf("%q not shown after the step before it:\n%q", step, text)
		}
		last = i
	}
	// The set-up line is cleared before the bar draws its first row count.
	bar := strings.Index(text, "importing")
	if bar < 0 || !strings.Contains(text[last:bar], "\r\033[K") {
		t.Errorf("the set-up line is not cleared before the bar:\n%q", text)
	}
	if strings.Contains(text[bar:], "import: ") {
		t.Errorf("the set-up line is drawn again after the bar started:\n%q", text[bar:])
	}
}

// TestImportSetUpSilentOffTerminal: written to a file or a pipe, the
// set-up shows nothing (the plain progress lines say how far the run is).
func TestImportSetUpSilentOffTerminal(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	input := writeFile(t, t.TempDir(), "agents.csv", e2eRows("quiet", 2))
	var out syncBuffer
	importShown(t, sb, importer.Config{Input: input}, &out, progressAuto)
	if text := out.String(); strings.Contains(text, "\r") || strings.Contains(text, "describing") {
		t.Errorf("set-up shown off a terminal:\n%q", text)
	}
}

func TestSetupWordsPages(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		service, op string
		n           int
		want        string
	}{
		{"Connect", "ListUsers", 1, "listing the instance's users"},
		{"Connect", "ListUsers", 3, "listing the instance's users, page 3"},
		{"identitystore", "ListUsers", 2, "listing the identity store's users, page 2"},
		{"SSO Admin", "ListInstances", 1, "finding the identity store (SSO Admin)"},
		{"Connect", "Unheard", 1, "calling Connect Unheard"},
	} {
		if got := setupWords(c.service, c.op, c.n); got != c.want {
			t.Errorf("setupWords(%s, %s, %d) = %q, want %q", c.service, c.op, c.n, got, c.want)
		}
	}
}

// TestImportShowsTheIdentityCenterSetUp: with --sso, the terminal also
// shows the identity store being found and looked up before the bar.
func TestImportShowsTheIdentityCenterSetUp(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true})
	input := writeFile(t, t.TempDir(), "agents.csv", e2eRows("ssosetup", 3))
	var out syncBuffer
	res := importShown(t, sb, importer.Config{Input: input, Force: true,
		IdentityCenter: importer.IdentityCenterConfig{Discover: true, ApplicationARN: sb.ConnectApplicationARN()}}, &out, progressTerminal)
	if !res.Counts.Success() {
		t.Fatalf("counts %s", res.Counts)
	}
	text := out.String()
	bar := strings.Index(text, "importing")
	if bar < 0 {
		bar = len(text)
	}
	for _, step := range []string{"import: finding the identity store (SSO Admin) (", "import: finding the agents' group in the identity store ("} {
		if i := strings.Index(text, "\r\033[K"+step); i < 0 || i > bar {
			t.Errorf("%q not shown before the bar:\n%q", step, text)
		}
	}
}
