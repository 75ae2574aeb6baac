package awsclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// rawAnswer takes over the connection and writes raw bytes (an answer cut
// short), then closes it.
func rawAnswer(w http.ResponseWriter, raw string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err) // httptest's HTTP/1.1 server always allows it
	}
	if raw != "" {
		buf.WriteString(raw)
		buf.Flush()
	}
	conn.Close()
}

// sdkError makes one CreateUser attempt, with the real SDK client, against
// a server answering with handler, and returns the SDK's error.
func sdkError(t *testing.T, handler http.HandlerFunc, clientTimeout, callTimeout time.Duration, closed bool) error {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	url := srv.URL
	if closed {
		srv.Close() // nothing listens: connection refused
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	client := connect.New(connect.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		HTTPClient:   &http.Client{Timeout: clientTimeout, Transport: transport},
		Retryer:      aws.NopRetryer{}, // one attempt: the error as that attempt got it
	})
	ctx := context.Background()
	if callTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, callTimeout)
		defer cancel()
	}
	_, err := client.CreateUser(ctx, &connect.CreateUserInput{
		InstanceId: aws.String("11111111-2222-3333-4444-555555555555"), Username: aws.String("jdoe"),
		RoutingProfileId: aws.String("rp"), SecurityProfileIds: []string{"sp"},
	})
	if err == nil {
		t.Fatal("the call succeeded")
	}
	return err
}

// TestLostAnswerForms checks ambiguous and noAnswer on each error form the
// SDK produces for an answer that never arrived (noanswer.go), as the SDK
// really produces it: one attempt of the real client against a server that
// misbehaves in that way.
func TestLostAnswerForms(t *testing.T) {
	t.Parallel()
	// The body read, the server notices the client hanging up.
	hang := func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); <-r.Context().Done() }
	apiError := func(status int, code string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Amzn-ErrorType", code)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, `{"Message":"no"}`)
		}
	}
	const long = time.Minute
	for _, c := range []struct {
		name          string
		handler       http.HandlerFunc
		clientTimeout time.Duration
		callTimeout   time.Duration
		closed        bool
		check         func(error) bool // the form the SDK gives it
		ambiguous     bool
		noAnswer      bool
	}{
		{name: "connection closed with no answer",
			handler: func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body); rawAnswer(w, "") },
			check:   statusZeroSendError, ambiguous: true, noAnswer: true},
		{name: "client timeout awaiting the answer", handler: hang, clientTimeout: 50 * time.Millisecond,
			check: func(err error) bool {
				var ne net.Error
				return statusZeroSendError(err) && errors.As(err, &ne) && ne.Timeout()
			}, ambiguous: true, noAnswer: true},
		{name: "body cut short (io.ErrUnexpectedEOF)",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				rawAnswer(w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"UserId\":")
			},
			check: func(err error) bool {
				var de *smithy.DeserializationError
				return status(err) == 200 && errors.As(err, &de) && errors.Is(err, io.ErrUnexpectedEOF)
			}, ambiguous: true, noAnswer: false},
		{name: "client timeout reading the body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Length", "100")
				w.WriteHeader(200)
				io.WriteString(w, `{"UserId":`)
				w.(http.Flusher).Flush()
				<-r.Context().Done()
			}, clientTimeout: 500 * time.Millisecond, // the headers arrive first even on a loaded machine
			// net/http reports the timeout, or, when the timer's close wins
			// the race, the read of a closed connection.
			check: func(err error) bool {
				var de *smithy.DeserializationError
				var ne net.Error
				return status(err) == 200 && errors.As(err, &de) && (errors.As(err, &ne) && ne.Timeout() || errors.Is(err, net.ErrClosed))
			}, ambiguous: true, noAnswer: false},
		{name: "context deadline of the call", handler: hang, callTimeout: 50 * time.Millisecond,
			check: func(err error) bool {
				var ce *smithy.CanceledError
				return status(err) == 0 && errors.As(err, &ce) && errors.Is(err, context.DeadlineExceeded)
			}, ambiguous: true, noAnswer: false},
		{name: "connection refused", closed: true,
			check: func(err error) bool {
				var op *net.OpError
				return statusZeroSendError(err) && errors.As(err, &op) && op.Op == "dial"
			}, ambiguous: false, noAnswer: true},
		{name: "server error", handler: apiError(500, "InternalServiceException"),
			check: func(err error) bool { return status(err) == 500 }, ambiguous: true},
		{name: "duplicate", handler: apiError(409, "DuplicateResourceException"),
			check: func(err error) bool { return status(err) == 409 }},
		{name: "invalid", handler: apiError(400, "InvalidParameterException"),
			check: func(err error) bool { return status(err) == 400 }},
		{name: "throttled", handler: apiError(429, "ThrottlingException"),
			check: func(err error) bool { return status(err) == 429 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			timeout := c.clientTimeout
			if timeout == 0 {
				timeout = long
			}
			err := sdkError(t, c.handler, timeout, c.callTimeout, c.closed)
			if !c.check(err) {
				t.Fatalf("the SDK's error is not of the form this case is about: %T %v", err, err)
			}
			if got := ambiguous(err); got != c.ambiguous {
				t.Errorf("ambiguous = %v, want %v (%v)", got, c.ambiguous, err)
			}
			if got := noAnswer(err); got != c.noAnswer {
				t.Errorf("noAnswer = %v, want %v (%v)", got, c.noAnswer, err)
			}
		})
	}
}

func status(err error) int {
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		return -1
	}
	return re.HTTPStatusCode()
}

func statusZeroSendError(err error) bool {
	var se *smithyhttp.RequestSendError
	return status(err) == 0 && errors.As(err, &se)
}

// TestBreaker: attempts with no answer in a row open it; any answer
// between them starts the count again.
func TestBreaker(t *testing.T) {
	t.Parallel()
	lost := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{}},
		Err: &smithyhttp.RequestSendError{Err: io.EOF}}
	fiveHundred := &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 500}},
		Err: &smithy.GenericAPIError{Code: "InternalServiceException"}}
	now := time.Unix(1e9, 0)
	b := Breaker{now: func() time.Time { return now }}
	for range breakerThreshold - 1 {
		b.note(lost)
	}
	b.note(fiveHundred) // an answer: the endpoint is there
	for range breakerThreshold - 1 {
		b.note(lost)
	}
	if open, _ := b.Open(); open {
		t.Fatal("open after fewer than breakerThreshold lost answers in a row")
	}
	b.note(lost)
	if open, _ := b.Open(); open {
		t.Fatal("open with an answer just before the lost ones")
	}
	now = now.Add(breakerQuiet)
	b.note(lost)
	if open, err := b.Open(); !open || err != lost {
		t.Fatalf("not open after %d lost answers in a row over %v", breakerThreshold+1, breakerQuiet)
	}
	b.note(nil)
	if open, _ := b.Open(); !open {
		t.Fatal("closed again: the run should stop for good")
	}
}
