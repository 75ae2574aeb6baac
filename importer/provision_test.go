package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// memoryLog keeps every appended outcome, in order.
type memoryLog struct {
	mu   sync.Mutex
	rows []report.Outcome
}

func (m *memoryLog) Append(o report.Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows = append(m.rows, o)
	return nil
}

// provisionRows plans rows against the sandbox and provisions them.
func provisionRows(t *testing.T, sb *sandbox.Sandbox, rows []agentRow, scale float64, stop, calls context.Context,
	edit func(*Provisioner)) ([]report.Outcome, *memoryLog) {
	t.Helper()
	plan := planFor(t, sb, rows)
	c := sandboxClients(t, sb, scale)
	var jobs []Job
	for i := range plan.Rows {
		if plan.Rows[i].Action != ActionInvalid {
			jobs = append(jobs, Job{Planned: &plan.Rows[i]})
		}
	}
	log := &memoryLog{}
	p := &Provisioner{Connect: c.Connect, Limits: c.Limits, Instance: plan.Instance, Log: log, Concurrency: 8}
	if edit != nil {
		edit(p)
	}
	return p.Run(stop, calls, jobs), log
}

// checkPasswords checks that every created row's password is the one the
// sandbox holds, and was written ahead of the call.
func checkPasswords(t *testing.T, sb *sandbox.Sandbox, outcomes []report.Outcome, log *memoryLog) {
	t.Helper()
	users := usersByName(t, sb)
	ahead := map[int]string{}
	for _, o := range log.rows {
		if o.Status == report.NotAttempted && o.Password != "" {
			ahead[o.Line] = o.Password
		}
	}
	for _, o := range outcomes {
		if o.Status != report.Created {
			continue
		}
		u, ok := users[strings.ToLower(o.Login)]
		switch {
		case !ok:
			t.Errorf("line %d: created %q is not in the sandbox", o.Line, o.Login)
		case u.Password == "" || u.Password != o.Password:
			t.Errorf("line %d: password in the results differs from the sandbox's", o.Line)
		case ahead[o.Line] != o.Password:
			t.Errorf("line %d: the password was not written ahead of CreateUser", o.Line)
		case u.ID != o.ConnectUserID:
			t.Errorf("line %d: connect user id %q, sandbox has %q", o.Line, o.ConnectUserID, u.ID)
		}
	}
}

func countOf(outcomes []report.Outcome, s report.Status) int {
	n := 0
	for _, o := range outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

func TestProvisionCreates(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	rows := agents("clean", 40)
	rows[3].Password = "Supplied2Password"
	ctx := context.Background()
	out, log := provisionRows(t, sb, rows, 1000, ctx, ctx, nil)
	if out[3].Password != "Supplied2Password" {
		t.Errorf("a supplied password was not used as given")
	}
	if got := countOf(out, report.Created); got != len(rows) {
		t.Fatalf("%d created, want %d: %+v", got, len(rows), out)
	}
	checkPasswords(t, sb, out, log)
	for i, o := range out {
		if o.Line != i+2 || o.Login != rows[i].Login || o.SignInURL == "" {
			t.Errorf("outcome %d = line %d login %q sign-in %q", i, o.Line, o.Login, o.SignInURL)
		}
	}
	u := usersByName(t, sb)["clean0001"]
	if u.FirstName != "Agent" || u.Email != "clean0001@example.com" || !u.AutoAccept || u.ACWTimeout != 30 || u.HierarchyGroupID == "" {
		t.Errorf("user as created: %+v", u)
	}
}

// TestProvisionFaults: with a tenth of the calls failing with HTTP 500 (half
// of them after the user was made), every row ends created, once.
func TestProvisionFaults(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, ErrorRate: 0.2, Seed: 7})
	rows := agents("faulty", 120)
	ctx := context.Background()
	out, log := provisionRows(t, sb, rows, 1000, ctx, ctx, nil)
	if got := countOf(out, report.Created); got != len(rows) {
		for _, o := range out {
			if o.Status != report.Created {
				t.Logf("line %d: %s %s", o.Line, o.Status, o.Error)
			}
		}
		t.Fatalf("%d created, want %d", got, len(rows))
	}
	checkPasswords(t, sb, out, log)
	if n := len(sb.ConnectUsers()); n != len(rows)+1 {
		t.Errorf("sandbox holds %d users, want %d", n, len(rows)+1)
	}
	if sb.Calls()["Connect.CreateUser"].Failed == 0 {
		t.Error("no fault was injected: the test proves nothing")
	}
}

// TestProvisionSomeoneElseCreatedIt: a user made between the plan and the
// call is reported as existing, without a password.
func TestProvisionSomeoneElseCreatedIt(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	rows := agents("race", 3)
	plan := planFor(t, sb, rows)
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "race0002", FirstName: "O", LastName: "T"}); err != nil {
		t.Fatal(err)
	}
	c := sandboxClients(t, sb, 1000)
	jobs := []Job{{Planned: &plan.Rows[0]}, {Planned: &plan.Rows[1]}, {Planned: &plan.Rows[2]}}
	p := &Provisioner{Connect: c.Connect, Limits: c.Limits, Instance: plan.Instance, Log: &memoryLog{}}
	out := p.Run(context.Background(), context.Background(), jobs)
	if out[1].Status != report.Exists || out[1].Password != "" || out[1].ConnectUserID == "" {
		t.Errorf("row made by someone else: %+v, want exists with its id and no password", out[1])
	}
	if out[0].Status != report.Created || out[2].Status != report.Created {
		t.Errorf("other rows: %s, %s, want created", out[0].Status, out[2].Status)
	}
}

// TestProvisionQuota: at the users-per-instance quota CreateUser stops and
// the remaining rows fail with a message to raise it.
func TestProvisionQuota(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true, UserQuota: 13}) // admin + 2 + 10
	rows := agents("quota", 40)
	// Two users near the end exist: the quota does not fail them.
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "quota0035", FirstName: "E", LastName: "X"},
		sandbox.ConnectUser{Username: "quota0040", FirstName: "E", LastName: "X"}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	out, _ := provisionRows(t, sb, rows, 1000, ctx, ctx, nil)
	if got := countOf(out, report.Created); got != 10 {
		t.Errorf("%d created, want 10", got)
	}
	if got := countOf(out, report.Exists); got != 2 {
		t.Errorf("%d exist, want 2", got)
	}
	if got := countOf(out, report.Failed); got != 28 {
		t.Errorf("%d failed, want 28", got)
	}
	for _, o := range out {
		if o.Status == report.Failed && (!strings.Contains(o.Error, "quota") || o.Password != "") {
			t.Errorf("line %d: failed with %q (password kept: %v), want the quota message and no password", o.Line, o.Error, o.Password != "")
		}
	}
	// Each worker may have one call in flight when the first refusal comes.
	if n := sb.Calls()["Connect.CreateUser"].Sent; n > 10+8 {
		t.Errorf("%d CreateUser calls: the run kept sending after the quota", n)
	}
}

// TestProvisionStop: after the first Ctrl-C no row starts; the rows that
// did not start are not-attempted and hold no password.
func TestProvisionStop(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	rows := agents("stop", 60)
	stop, cancel := context.WithCancel(context.Background())
	out, _ := provisionRows(t, sb, rows, 1000, stop, context.Background(), func(p *Provisioner) {
		p.OnOutcome = func(o report.Outcome) {
			if o.Status == report.Created && o.Line == 12 {
				cancel()
			}
		}
	})
	created, notAttempted := countOf(out, report.Created), countOf(out, report.NotAttempted)
	if created == 0 || notAttempted == 0 || created+notAttempted != len(rows) {
		t.Fatalf("%d created, %d not attempted of %d", created, notAttempted, len(rows))
	}
	for _, o := range out {
		if o.Status == report.NotAttempted && o.Password != "" {
			t.Errorf("line %d: not attempted but holds a password", o.Line)
		}
	}
	if n := len(sb.ConnectUsers()) - 1; n != created {
		t.Errorf("sandbox holds %d new users, the results say %d", n, created)
	}
}

// TestProvisionAbort: a second Ctrl-C abandons the calls in flight; their
// rows keep the password written ahead, for --resume to settle.
func TestProvisionAbort(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	// The CreateUser calls are held in flight, never applied; once three
	// are, both Ctrl-Cs come.
	inFlight := make(chan struct{})
	var held atomic.Int32
	sb.SetHold(func(_, op string) bool {
		if op != "CreateUser" {
			return false
		}
		if held.Add(1) == 3 {
			close(inFlight)
		}
		return true
	})
	rows := agents("abort", 30)
	stop, cancelStop := context.WithCancel(context.Background())
	calls, cancelCalls := context.WithCancel(context.Background())
	out, _ := provisionRows(t, sb, rows, 1000, stop, calls, func(*Provisioner) {
		go func() {
			<-inFlight
			cancelStop()
			cancelCalls()
		}()
	})
	if got := countOf(out, report.Failed); got != 0 {
		t.Errorf("%d rows failed, want none: an abort is not a failure", got)
	}
	withPassword := 0
	for _, o := range out {
		if o.Status == report.NotAttempted && o.Password != "" {
			withPassword++
		}
	}
	if withPassword < 3 {
		t.Errorf("%d rows in flight kept their password, want at least the 3 held: %+v", withPassword, out)
	}
}

func TestAmbiguous(t *testing.T) {
	t.Parallel()
	response := func(status int, code string) error {
		return &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code},
		}
	}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"server error", response(500, "InternalServiceException"), true},
		{"bad gateway", response(502, ""), true},
		{"throttled", response(429, "ThrottlingException"), false},
		{"duplicate", response(409, "DuplicateResourceException"), false},
		{"invalid", response(400, "InvalidParameterException"), false},
		{"timeout", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, true},
		{"no answer", errors.New("unexpected EOF"), true},
		{"no credentials", fmt.Errorf("operation error Connect: CreateUser, get identity: get credentials: %w",
			&awsclient.CredentialsError{Err: errors.New("failed to refresh cached credentials, the SSO session has expired")}), false},
	} {
		if got := awsclient.Classify(c.err) == awsclient.MaybeApplied; got != c.want {
			t.Errorf("%s: ambiguous = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAutoConcurrency(t *testing.T) {
	t.Parallel()
	for rate, want := range map[float64]int{2: DefaultConcurrency, 50: 50, 100.5: 101, 2000: maxAutoConcurrency} {
		if got := AutoConcurrency(rate); got != want {
			t.Errorf("autoConcurrency(%v) = %d, want %d", rate, got, want)
		}
	}
}

// answerAfterApplying is a proxy in front of the sandbox that plays a real
// endpoint's worst ordering for CreateUser: the first call is applied but
// answered HTTP 500 (a timeout's ambiguity), and every later one is refused
// with the error given, which AWS may check before the duplicate user name.
func answerAfterApplying(t *testing.T, sb *sandbox.Sandbox, status int, code string) *httptest.Server {
	t.Helper()
	target, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var creates atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.Path, "/users/") {
			proxy.ServeHTTP(w, r)
			return
		}
		answer := func(status int, code string) {
			w.Header().Set("X-Amzn-ErrorType", code)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"Message":"%s from the test"}`, code)
		}
		if creates.Add(1) == 1 {
			rec := httptest.NewRecorder()
			proxy.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				t.Errorf("the first CreateUser was not applied: HTTP %d %s", rec.Code, rec.Body)
			}
			answer(http.StatusInternalServerError, "InternalServiceException")
			return
		}
		answer(status, code)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProvisionSettlesAfterAnAppliedAttempt: a CreateUser whose first
// attempt made the user but whose retry ends in another error (the users
// quota that user filled, a refusal) is settled by looking the user up: the
// row is created, with the password the user now has.
func TestProvisionSettlesAfterAnAppliedAttempt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status int
		code   string
	}{
		{http.StatusTooManyRequests, "LimitExceededException"},
		{http.StatusBadRequest, "InvalidRequestException"},
	} {
		t.Run(c.code, func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Unlimited: true})
			plan := planFor(t, sb, agents("applied", 1))
			proxy := answerAfterApplying(t, sb, c.status, c.code)
			clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: proxy.URL, RateScale: 1000,
				StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(clients.CloseIdleConnections)
			log := &memoryLog{}
			p := &Provisioner{Connect: clients.Connect, Limits: clients.Limits, Instance: plan.Instance, Log: log}
			out := p.Run(context.Background(), context.Background(), []Job{{Planned: &plan.Rows[0]}})
			if out[0].Status != report.Created {
				t.Fatalf("outcome %s %q, want created: the first attempt made the user", out[0].Status, out[0].Error)
			}
			checkPasswords(t, sb, out, log)
		})
	}
}

// refusingCreateUser is a proxy in front of the sandbox that refuses every
// CreateUser as AWS does credentials without connect:CreateUser.
func refusingCreateUser(t *testing.T, sb *sandbox.Sandbox) *httptest.Server {
	t.Helper()
	target, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.Path, "/users/") {
			proxy.ServeHTTP(w, r)
			return
		}
		w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"Message":"User: arn:aws:sts::123456789012:assumed-role/ReadOnly/ana is not authorized to perform: connect:CreateUser"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProvisionStopsWhenCreateUserIsRefused: credentials that may read but
// not create fail one row, and the rest are not sent one by one at the
// CreateUser pace only to fail the same way: they are not attempted, with
// what to fix, and rows whose user exists still go on.
func TestProvisionStopsWhenCreateUserIsRefused(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	rows := agents("refused", 60)
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: rows[59].Login, FirstName: "A", LastName: "B"}); err != nil {
		t.Fatal(err)
	}
	plan := planFor(t, sb, rows)
	proxy := refusingCreateUser(t, sb)
	clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: proxy.URL, RateScale: 1000,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(clients.CloseIdleConnections)
	var jobs []Job
	for i := range plan.Rows {
		jobs = append(jobs, Job{Planned: &plan.Rows[i]})
	}
	const workers = 4
	p := &Provisioner{Connect: clients.Connect, Limits: clients.Limits, Instance: plan.Instance, Log: &memoryLog{}, Concurrency: workers}
	out := p.Run(context.Background(), context.Background(), jobs)
	failed, notAttempted := countOf(out, report.Failed), countOf(out, report.NotAttempted)
	if failed == 0 || failed > workers || failed+notAttempted != len(rows)-1 {
		t.Fatalf("%d failed, %d not attempted of %d: want at most one refused call per worker, the rest not attempted", failed, notAttempted, len(rows)-1)
	}
	for _, o := range out {
		switch o.Status {
		case report.Failed:
			if !strings.Contains(o.Error, "AccessDeniedException") || o.Password != "" {
				t.Errorf("line %d: %q (password kept: %v)", o.Line, o.Error, o.Password != "")
			}
		case report.NotAttempted:
			if !strings.Contains(o.Error, "connect:CreateUser") || !strings.Contains(o.Error, "--resume") || o.Password != "" {
				t.Errorf("line %d: %q (password kept: %v)", o.Line, o.Error, o.Password != "")
			}
		}
	}
	if o := out[59]; o.Status != report.Exists {
		t.Errorf("the existing user's row: %s %q, want exists", o.Status, o.Error)
	}
}

// laggingSearch is a proxy in front of the sandbox whose first CreateUser
// is applied but answered HTTP 500, so that its retry meets a duplicate,
// and whose SearchUsers misses the new user the first lag times, as a
// search index that has not caught up does.
func laggingSearch(t *testing.T, sb *sandbox.Sandbox, lag int32) *httptest.Server {
	t.Helper()
	target, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var creates, searches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/users/") && creates.Add(1) == 1:
			proxy.ServeHTTP(httptest.NewRecorder(), r)
			w.Header().Set("X-Amzn-ErrorType", "InternalServiceException")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"Message":"internal error"}`)
		case r.URL.Path == "/search-users" && searches.Add(1) <= lag:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"Users":[],"ApproximateTotalCount":0}`)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProvisionSearchLags: a duplicate after an attempt that made the user,
// and a search that does not show it yet. A search that catches up makes
// the row created; one that never does leaves it failed with its password,
// for --resume to settle: the password the user has is never lost.
func TestProvisionSearchLags(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lag  int32
		want report.Status
	}{{1, report.Created}, {100, report.Failed}} {
		t.Run(fmt.Sprint(c.lag), func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Unlimited: true})
			plan := planFor(t, sb, agents("lagging", 1))
			proxy := laggingSearch(t, sb, c.lag)
			clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: proxy.URL, RateScale: 1000,
				StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(clients.CloseIdleConnections)
			p := &Provisioner{Connect: clients.Connect, Limits: clients.Limits, Instance: plan.Instance, Log: &memoryLog{},
				LagBackoff: []time.Duration{10 * time.Millisecond, 10 * time.Millisecond}}
			o := p.Run(context.Background(), context.Background(), []Job{{Planned: &plan.Rows[0]}})[0]
			u, made := usersByName(t, sb)["lagging0001"]
			switch {
			case !made:
				t.Fatal("the proxy did not make the user")
			case o.Status != c.want:
				t.Errorf("outcome %s %q, want %s", o.Status, o.Error, c.want)
			case o.Password == "" || o.Password != u.Password:
				t.Errorf("outcome %s: the password the user has is not in it", o.Status)
			case o.Status == report.Failed && !strings.Contains(o.Error, "--resume"):
				t.Errorf("error %q does not say to resume", o.Error)
			}
		})
	}
}

// TestProvisionStopsWhenCredentialsExpire: credentials that cannot be had
// any more (an SSO session that expired an hour into a long import) fail
// the rows in flight, and the rest are not sent, with what to do.
func TestProvisionStopsWhenCredentialsExpire(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	rows := agents("expiring", 40)
	plan := planFor(t, sb, rows)
	var retrievals atomic.Int32
	provider := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		if retrievals.Add(1) > 5 {
			return aws.Credentials{}, errors.New("the SSO session associated with this profile has expired")
		}
		// Expired at once, so that every call asks again.
		return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", CanExpire: true, Expires: time.Now()}, nil
	})
	limits := NewLimits(1000)
	client := connect.New(connect.Options{Region: "us-east-1", BaseEndpoint: aws.String(sb.URL()), Credentials: awsclient.MarkCredentials(provider, true)}, func(o *connect.Options) {
		limits.Apply(&o.Retryer, &o.APIOptions)
	})
	var jobs []Job
	for i := range plan.Rows {
		jobs = append(jobs, Job{Planned: &plan.Rows[i]})
	}
	const workers = 4
	p := &Provisioner{Connect: client, Limits: limits, Instance: plan.Instance, Log: &memoryLog{}, Concurrency: workers}
	out := p.Run(context.Background(), context.Background(), jobs)
	created, failed, notAttempted := countOf(out, report.Created), countOf(out, report.Failed), countOf(out, report.NotAttempted)
	if created == 0 || failed == 0 || failed > workers || created+failed+notAttempted != len(rows) {
		t.Fatalf("%d created, %d failed, %d not attempted of %d: want the rows after the credentials expired not sent",
			created, failed, notAttempted, len(rows))
	}
	for _, o := range out {
		if o.Status == report.NotAttempted && !strings.Contains(o.Error, "aws sso login") {
			t.Errorf("line %d: %q, want what to do", o.Line, o.Error)
		}
		if o.Status == report.Failed && o.Password != "" {
			t.Errorf("line %d: a row whose CreateUser was never sent keeps a password", o.Line)
		}
	}
	if n := len(sb.ConnectUsers()) - 1; n != created {
		t.Errorf("the sandbox holds %d new users, the results say %d", n, created)
	}
}

// TestProvisionTagsRefused: credentials that may create users but not tag
// them fail only the rows with tags, saying what is missing.
func TestProvisionTagsRefused(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	plan := planFor(t, sb, agents("tagged", 10))
	for i := range 2 {
		plan.Rows[i].Agent.Tags = map[string]string{"team": "blue"}
	}
	target, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method == http.MethodPut && bytes.Contains(body, []byte(`"Tags"`)) {
			w.Header().Set("X-Amzn-ErrorType", "AccessDeniedException")
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"Message":"User: arn:aws:sts::123456789012:assumed-role/Importer/ana is not authorized to perform: connect:TagResource"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: srv.URL, RateScale: 1000,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(clients.CloseIdleConnections)
	var jobs []Job
	for i := range plan.Rows {
		jobs = append(jobs, Job{Planned: &plan.Rows[i]})
	}
	p := &Provisioner{Connect: clients.Connect, Limits: clients.Limits, Instance: plan.Instance, Log: &memoryLog{}, Concurrency: 1}
	out := p.Run(context.Background(), context.Background(), jobs)
	for i, o := range out {
		switch {
		case i < 2 && (o.Status != report.Failed || !strings.Contains(o.Error, "remove the row's tags")):
			t.Errorf("line %d, tagged: %s %q, want failed with what to do", o.Line, o.Status, o.Error)
		case i >= 2 && o.Status != report.Created:
			t.Errorf("line %d, no tags: %s %q, want created", o.Line, o.Status, o.Error)
		}
	}
}

// TestProvisionStopWhileThrottled: the first Ctrl-C comes while every
// worker's CreateUser is being throttled by a limit far below the client's.
// The run stops within a few seconds, not once every call in flight got
// through: a call only ever throttled has changed nothing and is dropped.
func TestProvisionStopWhileThrottled(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{RateScale: 1}) // CreateUser 2/s
	rows := agents("throttled", 60)
	plan := planFor(t, sb, rows)
	clients := sandboxClients(t, sb, 50) // the client thinks 100/s
	var jobs []Job
	for i := range plan.Rows {
		jobs = append(jobs, Job{Planned: &plan.Rows[i]})
	}
	stop, cancel := context.WithCancel(context.Background())
	log := &memoryLog{}
	p := &Provisioner{Connect: clients.Connect, Limits: clients.Limits, Instance: plan.Instance, Log: log, Concurrency: 30}
	// The interrupt comes once 20 CreateUser calls were throttled: the
	// workers are then waiting on the limiter and on retries.
	throttled := make(chan struct{})
	var once sync.Once
	sb.SetCountWatch(func(op string, n sandbox.CallCount) {
		if op == "Connect.CreateUser" && n.Throttled >= 20 {
			once.Do(func() { close(throttled) })
		}
	})
	var stopped time.Time
	go func() {
		<-throttled
		stopped = time.Now()
		cancel()
	}()
	out := p.Run(stop, context.Background(), jobs)
	if wait := time.Since(stopped); wait > 4*time.Second {
		t.Errorf("took %v to stop after the interrupt, with 30 calls in flight at 2/s", wait.Round(time.Millisecond))
	}
	created, notAttempted := countOf(out, report.Created), countOf(out, report.NotAttempted)
	if created+notAttempted != len(rows) || notAttempted == 0 {
		t.Fatalf("%d created, %d not attempted of %d", created, notAttempted, len(rows))
	}
	for _, o := range out {
		if o.Status == report.NotAttempted && o.Password != "" {
			t.Errorf("line %d: not attempted, but keeps a password", o.Line)
		}
	}
	if n := len(sb.ConnectUsers()) - 1; n != created {
		t.Errorf("the sandbox holds %d new users, the results say %d", n, created)
	}
	checkPasswords(t, sb, out, log)
	if n := p.Stats().CreateCalls; n != created {
		t.Errorf("%d CreateUser calls counted for the pace, %d went through: the dropped ones are counted", n, created)
	}
}
