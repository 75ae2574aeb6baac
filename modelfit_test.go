package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	ctypes "github.com/aws/aws-sdk-go-v2/service/connect/types"
	"github.com/aws/smithy-go"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/sandbox"
)

// The tool's validation held against the API's (the sandbox's, which
// follows the published models): a row the tool accepts must not be
// refused by the API, and a value the API takes must not be refused by
// the tool, but where the template cannot write it (said in the README).

// validateCells validates one row of the console's current template, with
// the cells given by column, and reports its problems.
func validateCells(t *testing.T, opts agentfile.ValidateOptions, cells map[agentfile.Column]string) []agentfile.Problem {
	t.Helper()
	cols := []agentfile.Column{agentfile.ColFirstName, agentfile.ColLastName, agentfile.ColEmail, agentfile.ColPassword,
		agentfile.ColLogin, agentfile.ColRoutingProfile, agentfile.ColSecurityProfiles, agentfile.ColPhoneType, agentfile.ColTags}
	row := map[agentfile.Column]string{
		agentfile.ColFirstName: "Ada", agentfile.ColLastName: "Lovelace", agentfile.ColEmail: "ada@example.com",
		agentfile.ColLogin: "ada", agentfile.ColRoutingProfile: "Basic Routing Profile",
		agentfile.ColSecurityProfiles: "Agent", agentfile.ColPhoneType: "soft",
	}
	for c, v := range cells {
		row[c] = v
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	header := make([]string, len(cols))
	rec := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.String()
		rec[i] = row[c]
	}
	w.Write(header)
	w.Write(rec)
	w.Flush()
	f, err := agentfile.Read(context.Background(), strings.NewReader(b.String()), agentfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checked := agentfile.Validate(f, opts)
	if len(checked) != 1 {
		t.Fatalf("%d rows checked, want 1", len(checked))
	}
	return checked[0].Problems
}

// connectClient is an SDK Connect client for sb, without retries.
func connectClient(sb *sandbox.Sandbox) *connect.Client {
	return connect.New(connect.Options{Region: "us-east-1", BaseEndpoint: aws.String(sb.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", ""), RetryMaxAttempts: 1})
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestTagKeysToolAgreesWithTheAPI: every tag key the tags column takes,
// TagResource takes, and every key it refuses, TagResource refuses too
// (TagKey's pattern: letters and digits of any script, spaces and
// _ . : / = + - @). A key cannot hold |, which the column puts between key
// and value: the API refuses | in a key as well.
func TestTagKeysToolAgreesWithTheAPI(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	cl := connectClient(sb)
	ctx := context.Background()
	admin := sb.ConnectUsers()[0].ARN
	for _, key := range []string{"team", "cost center", "équipe", "owner@x", "site:leeds/floor=2", "部署", "n+1-2_3.4",
		"a,b", "team#1", "a;b", "x*", "emoji😀", "AWS:team", "aws:team", strings.Repeat("k", 128), strings.Repeat("k", 129)} {
		problems := validateCells(t, agentfile.ValidateOptions{}, map[agentfile.Column]string{
			agentfile.ColPassword: "Sandbox1pass", agentfile.ColTags: key + "|v"})
		_, err := cl.TagResource(ctx, &connect.TagResourceInput{ResourceArn: aws.String(admin), Tags: map[string]string{key: "v"}})
		toolTakes, apiTakes := len(problems) == 0, err == nil
		if toolTakes != apiTakes {
			t.Errorf("tag key %q: the tags column takes it: %v (%v); TagResource takes it: %v (%s)", key, toolTakes, problems, apiTakes, apiCode(err))
		}
	}
}

// TestImportTagKeysOfAnyScript: a file whose tags have spaces, accents and
// @ in their keys imports, and the users hold them.
func TestImportTagKeysOfAnyScript(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	dir := t.TempDir()
	csvText := e2eHeader + ",tags\n" +
		`Ada,Lovelace,ada@example.com,,ada,Basic Routing Profile,Agent,,soft,,yes,30,cost center|42||équipe|bleue||owner@x|ops` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, stderr)
	}
	for _, u := range sb.ConnectUsers() {
		if u.Username != "ada" {
			continue
		}
		if got := fmt.Sprint(u.Tags); got != "map[cost center:42 owner@x:ops équipe:bleue]" {
			t.Errorf("ada's tags: %s", got)
		}
		return
	}
	t.Fatalf("no user ada in the sandbox")
}

// TestNameLengthsToolAgreesWithTheAPI: first names up to 255 characters and
// last names up to 300, on Connect-managed and SAML instances alike: the
// columns take what CreateUser takes, and refuse what it refuses.
func TestNameLengthsToolAgreesWithTheAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, id := range []struct {
		tool agentfile.Identity
		api  string
	}{{agentfile.IdentityConnect, "CONNECT_MANAGED"}, {agentfile.IdentitySAML, "SAML"}} {
		sb := e2eSandbox(t, sandbox.Options{Unlimited: true, Identity: id.api})
		cl := connectClient(sb)
		for i, n := range []struct{ first, last int }{{255, 300}, {256, 1}, {100, 301}, {101, 256}} {
			first, last := strings.Repeat("é", n.first), strings.Repeat("x", n.last)
			cells := map[agentfile.Column]string{agentfile.ColFirstName: first, agentfile.ColLastName: last}
			in := &connect.CreateUserInput{InstanceId: aws.String(sb.InstanceID()), Username: aws.String(fmt.Sprintf("n%d", i)),
				IdentityInfo:     &ctypes.UserIdentityInfo{FirstName: aws.String(first), LastName: aws.String(last)},
				RoutingProfileId: aws.String(sb.RoutingProfileID("Basic Routing Profile")), SecurityProfileIds: []string{sb.SecurityProfileID("Agent")}}
			if id.api == "CONNECT_MANAGED" {
				cells[agentfile.ColPassword] = "Sandbox1pass"
				in.Password = aws.String("Sandbox1pass")
			} else {
				cells[agentfile.ColEmail] = ""
			}
			problems := validateCells(t, agentfile.ValidateOptions{Identity: id.tool}, cells)
			_, err := cl.CreateUser(ctx, in)
			if (len(problems) == 0) != (err == nil) {
				t.Errorf("%s, names of %d and %d characters: the tool's problems %v; CreateUser: %s", id.api, n.first, n.last, problems, apiCode(err))
			}
		}
	}
}

// TestPasswordLengthToolAgreesWithTheAPI: the password column and
// CreateUser count the same UTF-16 code units (an emoji counts twice).
func TestPasswordLengthToolAgreesWithTheAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	cl := connectClient(sb)
	base := "Aa1" + strings.Repeat("x", 59)
	for i, pw := range []string{base + "😀", base + "y😀", base + "yz", "Aa1xx😀", "Aa1xxx😀", "Aa1xxxx"} {
		problems := validateCells(t, agentfile.ValidateOptions{}, map[agentfile.Column]string{agentfile.ColPassword: pw})
		_, err := cl.CreateUser(ctx, &connect.CreateUserInput{InstanceId: aws.String(sb.InstanceID()), Username: aws.String(fmt.Sprintf("p%d", i)),
			Password:         aws.String(pw),
			IdentityInfo:     &ctypes.UserIdentityInfo{FirstName: aws.String("Ada"), LastName: aws.String("Lovelace")},
			RoutingProfileId: aws.String(sb.RoutingProfileID("Basic Routing Profile")), SecurityProfileIds: []string{sb.SecurityProfileID("Agent")}})
		if (len(problems) == 0) != (err == nil) {
			t.Errorf("a password of %d runes: the tool's problems %v; CreateUser: %s", len([]rune(pw)), problems, apiCode(err))
		}
	}
}

// TestResumePastTheProficiencyLimit: a resumed row whose user was given
// proficiencies meanwhile (in the admin website, say) so that its own
// would take it past the 10 a user may hold: Connect refuses the
// association (InvalidRequestException, as the model allows), and the row
// says so, naming the limit, with its user and password kept; nothing
// else is changed.
func TestResumePastTheProficiencyLimit(t *testing.T) {
	t.Parallel()
	sb := e2eSandbox(t, sandbox.Options{Unlimited: true})
	sb.AddPredefinedAttribute("Floor", "1", "2", "3", "4", "5", "6", "7", "8", "9")
	dir := t.TempDir()
	csvText := e2eHeader + ",proficiencies\n" +
		`Ada,Lovelace,ada@example.com,,ada,Basic Routing Profile,Agent,,soft,,yes,30,Language|English|4||Skill|Billing|2` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "agents.csv"), []byte(csvText), 0o600); err != nil {
		t.Fatal(err)
	}
	held := make(chan struct{})
	var once sync.Once
	sb.SetHold(func(_, op string) bool {
		if op != "AssociateUserProficiencies" {
			return false
		}
		once.Do(func() { close(held) })
		return true
	})
	cmd := importCmd(t, sb, dir, 1000, "import", "agents.csv", "--no-progress")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	await(t, held, "the AssociateUserProficiencies held")
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	sb.SetHold(nil)

	// Meanwhile, nine proficiencies are given to the user.
	var id string
	for _, u := range sb.ConnectUsers() {
		if u.Username == "ada" {
			id = u.ID
		}
	}
	var nine []ctypes.UserProficiency
	for i := 1; i <= 9; i++ {
		nine = append(nine, ctypes.UserProficiency{AttributeName: aws.String("Floor"), AttributeValue: aws.String(fmt.Sprint(i)), Level: aws.Float32(1)})
	}
	if _, err := connectClient(sb).AssociateUserProficiencies(context.Background(), &connect.AssociateUserProficienciesInput{
		InstanceId: aws.String(sb.InstanceID()), UserId: aws.String(id), UserProficiencies: nine}); err != nil {
		t.Fatal(err)
	}

	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--resume", "--no-progress")
	if code != 1 {
		t.Fatalf("--resume: exit %d, want 1\n%s\n%+v %v", code, stderr, results(t, filepath.Join(dir, "agents-results.csv")), sb.UserProficiencies("ada"))
	}
	o := results(t, filepath.Join(dir, "agents-results.csv"))[2]
	for _, want := range []string{"proficiencies are not associated", "InvalidRequestException", "at most 10 proficiencies"} {
		if !strings.Contains(o.Error, want) || !strings.Contains(stderr, want) {
			t.Errorf("the row's error %q (and the terminal's line) should say %q\n%s", o.Error, want, stderr)
		}
	}
	if o.Password == "" || o.ConnectUserID != id {
		t.Errorf("the row lost its user or its password: %+v", o)
	}
	if n := len(sb.UserProficiencies("ada")); n != 9 {
		t.Errorf("ada holds %d proficiencies, want the 9 given meanwhile", n)
	}
	if c := sb.Calls()["Connect.CreateUser"]; c.Sent != 1 {
		t.Errorf("CreateUser sent %d times, want once", c.Sent)
	}
}

// TestImportSSOUsersQuota: an identity store full (its users quota, the
// sandbox's IdentityStoreUsersQuota) answers CreateUser with
// ServiceQuotaExceededException: the rows it stops fail with a message
// naming the quota and what to do, each after one call (a quota is not
// retried), and the Connect users already made stay in the results file.
func TestImportSSOUsersQuota(t *testing.T) {
	t.Parallel()
	probe := sandbox.New(sandbox.Options{Identity: "SAML"})
	seeded := len(probe.IdentityStoreUsers())
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, IdentityStoreUsersQuota: seeded + 2})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("full", 4))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--no-progress", "--concurrency", "1")
	if code != 1 {
		t.Fatalf("import: exit %d, want 1\n%s", code, stderr)
	}
	got := results(t, filepath.Join(dir, "agents-results.csv"))
	failed := 0
	for line, o := range got {
		if o.Status != "failed" {
			continue
		}
		failed++
		for _, want := range []string{"ServiceQuotaExceededException", "quota", "--resume"} {
			if !strings.Contains(o.Error, want) {
				t.Errorf("line %d: error %q lacks %q", line, o.Error, want)
			}
		}
		if o.ConnectUserID == "" {
			t.Errorf("line %d: the Connect user made for it is not in the results file", line)
		}
	}
	if failed != 2 {
		t.Errorf("%d rows failed, want the 2 past the quota\n%s", failed, stderr)
	}
	if c := sb.Calls()["IdentityStore.CreateUser"]; c.Sent != 4 {
		t.Errorf("Identity Store CreateUser sent %d times, want 4: one per row, the refused ones not retried", c.Sent)
	}
	if n := len(sb.IdentityStoreUsers()); n != seeded+2 {
		t.Errorf("%d Identity Center users, want %d", n, seeded+2)
	}
	if n := len(sb.ConnectUsers()); n != 5 {
		t.Errorf("%d Connect users, want admin and the 4 rows'", n)
	}
}

// TestSandboxCommandCredentialsLine: the line `bulkagents sandbox` prints
// for pasting is all the AWS CLI (v1, which reads AWS_DEFAULT_REGION, not
// AWS_REGION) needs, with no configuration of its own: pasted, it serves
// identitystore create-user, up to --identity-store-users-quota, and
// list-groups.
func TestSandboxCommandCredentialsLine(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the AWS CLI is slow to start")
	}
	awsPath, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("no AWS CLI")
	}
	home := t.TempDir()
	cmd := exec.Command(bulkagentsCommand(t), "sandbox", "--addr", "127.0.0.1:0", "--identity", "saml", "--region", "eu-west-2",
		"--identity-store-users-quota", "1")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "GORACE=" + os.Getenv("GORACE"), "AWS_EC2_METADATA_DISABLED=true"}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	said := map[string]string{}
	var export []string
	sc := bufio.NewScanner(out)
	for export == nil && sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			export = strings.Fields(rest)
		} else if k, v, ok := strings.Cut(line, ": "); ok {
			said[k] = v
		}
	}
	if export == nil {
		t.Fatalf("no export line; the sandbox said %v", said)
	}
	// The CLI's environment is the pasted line and nothing else of AWS.
	env := append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "AWS_CONFIG_FILE=" + os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE=" + os.DevNull, "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1"}, export...)
	aws := func(args ...string) (string, error) {
		t.Helper()
		c := exec.Command(awsPath, append([]string{"--endpoint-url", said["endpoint"], "--output", "json", "identitystore"}, args...)...)
		c.Env = env
		b, err := c.CombinedOutput()
		return string(b), err
	}
	store := said["identity-store-id"]
	user := []string{"create-user", "--identity-store-id", store, "--display-name", "Ada Lovelace", "--name", "GivenName=Ada,FamilyName=Lovelace"}
	if got, err := aws(append(user, "--user-name", "ada")...); err != nil || !strings.Contains(got, "UserId") {
		t.Fatalf("aws identitystore create-user with the pasted line: %v\n%s", err, got)
	}
	if got, err := aws(append(user, "--user-name", "ada2")...); err == nil || !strings.Contains(got, "ServiceQuotaExceededException") {
		t.Errorf("a second user past --identity-store-users-quota 1: %v\n%s, want ServiceQuotaExceededException", err, got)
	}
	if got, err := aws("list-groups", "--identity-store-id", store); err != nil || !strings.Contains(got, `"Groups"`) {
		t.Errorf("aws identitystore list-groups with the pasted line: %v\n%s", err, got)
	}
}

// TestImportSSOMembershipsQuota: an identity store whose group memberships
// are at their quota answers CreateGroupMembership with
// ServiceQuotaExceededException: the rows past it fail at that step, each
// after one call (the quota is no throttling), and keep the users made.
func TestImportSSOMembershipsQuota(t *testing.T) {
	t.Parallel()
	probe := sandbox.New(sandbox.Options{Identity: "SAML"})
	seeded := len(probe.Memberships())
	sb := e2eSandbox(t, sandbox.Options{Identity: "SAML", Unlimited: true, IdentityStoreMembershipsQuota: seeded + 2})
	dir := t.TempDir()
	writeFile(t, dir, "agents.csv", e2eRows("member", 4))
	code, stderr := runCommand(t, sb, dir, 1000, "import", "agents.csv", "--sso", "--no-progress", "--concurrency", "1")
	if code != 1 {
		t.Fatalf("import: exit %d, want 1\n%s", code, stderr)
	}
	failed := 0
	for line, o := range results(t, filepath.Join(dir, "agents-results.csv")) {
		if o.Status != "failed" {
			continue
		}
		failed++
		if !strings.Contains(o.Error, "ServiceQuotaExceededException") || o.ConnectUserID == "" || o.SSOUserID == "" {
			t.Errorf("line %d: %q, connect user %q, sso user %q: want the quota named and both users kept", line, o.Error, o.ConnectUserID, o.SSOUserID)
		}
	}
	if failed != 2 {
		t.Errorf("%d rows failed, want the 2 past the quota\n%s", failed, stderr)
	}
	if c := sb.Calls()["IdentityStore.CreateGroupMembership"]; c.Sent != 4 {
		t.Errorf("CreateGroupMembership sent %d times, want 4: one per row, the refused ones not retried", c.Sent)
	}
	if n := len(sb.Memberships()); n != seeded+2 {
		t.Errorf("%d memberships, want %d", n, seeded+2)
	}
}
