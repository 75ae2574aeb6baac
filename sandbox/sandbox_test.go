package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/smithy-go"
)

// clients are real SDK clients pointed at a sandbox.
type clients struct {
	sb      *Sandbox
	connect *connect.Client
	store   *identitystore.Client
	sso     *ssoadmin.Client
}

// newClients serves a new sandbox over HTTP and builds the three SDK clients
// for it, with static credentials and, when retries is false, no retries
// (so that every throttle and fault reaches the test); with retries, a
// patient retryer.
func newClients(t *testing.T, opts Options, retries bool) *clients {
	t.Helper()
	sb := New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return clientsFor(sb, srv.URL, retries)
}

func clientsFor(sb *Sandbox, url string, retries bool) *clients {
	creds := credentials.NewStaticCredentialsProvider("x", "x", "")
	// Without retries, a test sees every answer of the sandbox as it came,
	// but a connection the client's own transport closed under a call is
	// tried again, as the SDK's retryer does: Go's transport may close a
	// connection while a 200's body is still being read (aws-sdk-go-v2
	// issue 2737), which is no answer of the sandbox's.
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 3
			o.MaxBackoff = time.Millisecond
			o.RateLimiter = ratelimit.None
			o.Retryables = []retry.IsErrorRetryable{retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
				return aws.BoolTernary(errors.Is(err, net.ErrClosed)) // closed here, not by the sandbox
			})}
		})
	}
	if retries {
		// Many attempts, short backoff and no client-side retry quota, so
		// that injected faults are ridden out quickly.
		retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 10
				o.MaxBackoff = 20 * time.Millisecond
				o.RateLimiter = ratelimit.None
			})
		}
	}
	c := &clients{sb: sb}
	c.connect = connect.New(connect.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(url)}, func(o *connect.Options) {
		o.Retryer = retryer()
	})
	c.store = identitystore.New(identitystore.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(url)}, func(o *identitystore.Options) {
		o.Retryer = retryer()
	})
	c.sso = ssoadmin.New(ssoadmin.Options{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(url)}, func(o *ssoadmin.Options) {
		o.Retryer = retryer()
	})
	return c
}

// codeOf is the AWS error code of err, "" for success, or the error's text
// when it is not an AWS API error.
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return err.Error()
	}
	return ae.ErrorCode()
}

// errorCode is the AWS error code of err, or "" for success.
func errorCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error is not an AWS API error: %v", err)
	}
	return ae.ErrorCode()
}

// asHTTPStatus finds the HTTP response status in an SDK error.
func asHTTPStatus(err error, target *interface{ HTTPStatusCode() int }) bool {
	return errors.As(err, target)
}

func TestNewSeedsAFreshInstance(t *testing.T) {
	sb := New(Options{Identity: "SAML", Region: "eu-west-2"})
	if sb.Identity() != "SAML" {
		t.Errorf("identity = %q, want SAML", sb.Identity())
	}
	if got, want := sb.InstanceARN(), "arn:aws:connect:eu-west-2:123456789012:instance/"+sb.InstanceID(); got != want {
		t.Errorf("instance ARN = %q, want %q", got, want)
	}
	if !uuidPattern.MatchString(sb.InstanceID()) {
		t.Errorf("instance id %q is not a UUID", sb.InstanceID())
	}
	if !storeIDPattern.MatchString(sb.IdentityStoreID()) {
		t.Errorf("identity store id %q is not d- and ten hex digits", sb.IdentityStoreID())
	}
	if !ssoInstancePattern.MatchString(sb.SSOInstanceARN()) {
		t.Errorf("SSO instance ARN %q does not match the model's pattern", sb.SSOInstanceARN())
	}
	if !appARNPattern.MatchString(sb.ConnectApplicationARN()) {
		t.Errorf("application ARN %q does not match the model's pattern", sb.ConnectApplicationARN())
	}
	users := sb.ConnectUsers()
	if len(users) != 1 || users[0].Username != "admin" {
		t.Fatalf("users = %+v, want the admin user alone", users)
	}
	if users[0].Password != "" {
		t.Errorf("a SAML instance's admin has a password")
	}
	if cm := New(Options{}).ConnectUsers()[0]; cm.Password == "" || !passwordOK(cm.Password) {
		t.Errorf("a Connect-managed instance's admin has no valid password")
	}
}

// BenchmarkSeedAndList seeds 20,000 users and lists them through the SDK,
// 1,000 a page: go test -run '^$' -bench SeedAndList ./sandbox
func BenchmarkSeedAndList(b *testing.B) {
	seed := make([]ConnectUser, 20000)
	for i := range seed {
		seed[i] = ConnectUser{Username: fmt.Sprintf("agent%05d", i), FirstName: "A", LastName: "B"}
	}
	for b.Loop() {
		sb := New(Options{Unlimited: true})
		if err := sb.AddConnectUsers(seed...); err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(sb)
		c := clientsFor(sb, srv.URL, false)
		n := 0
		p := connect.NewListUsersPaginator(c.connect, &connect.ListUsersInput{InstanceId: aws.String(sb.InstanceID()), MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			out, err := p.NextPage(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			n += len(out.UserSummaryList)
		}
		srv.Close()
		if n != 20001 {
			b.Fatalf("listed %d users, want 20001", n)
		}
	}
}
