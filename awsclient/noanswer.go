package awsclient

import (
	"errors"
	"net"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// How the SDK reports an attempt whose answer never came (docs/aws.md §8, and
// smithy-go's transport/http/client.go, aws-sdk-go-v2's
// aws/transport/http/response_error_middleware.go):
//
//   - The request could not be sent or no answer was read (a reset
//     connection, a closed one, the http.Client's timeout while awaiting
//     headers): a *smithyhttp.ResponseError whose HTTP status is 0, wrapping
//     a *smithyhttp.RequestSendError, itself wrapping the *url.Error.
//   - The context ended during the attempt: the same, wrapping a
//     *smithy.CanceledError instead.
//   - The status line came but the body broke off (io.ErrUnexpectedEOF, the
//     client's timeout while reading the body): a *smithyhttp.ResponseError
//     with the answer's status (200 for an applied CreateUser), wrapping a
//     *smithy.DeserializationError.
//
// Only a dial that failed (connection refused, no such host) is known not to
// have sent anything.

// ambiguous says whether a failed call may have been applied anyway: a
// server error, a success whose body was lost, or no answer at all.
func ambiguous(err error) bool {
	if err == nil || isThrottle(err) || isNoCredentials(err) || neverSent(err) || errors.Is(err, errCircuitOpen) {
		return false
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		// A 4xx is a clean refusal; anything else is a server error, no
		// answer (status 0), or a success (2xx) whose body was lost.
		s := re.HTTPStatusCode()
		return s < 400 || s >= 500
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorFault() == smithy.FaultServer
	}
	// Anything else that was not an answer: a dropped connection, a timeout.
	return true
}

// noAnswer says whether an attempt got no HTTP answer at all: the network
// or the endpoint failed, not the service (a 5xx is an answer). The circuit
// breaker counts these.
func noAnswer(err error) bool {
	if err == nil || errors.Is(err, errCircuitOpen) {
		return false
	}
	var ce *smithy.CanceledError
	if errors.As(err, &ce) {
		return false // our own cancellation, not the network's
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode() == 0
	}
	var se *smithyhttp.RequestSendError
	if errors.As(err, &se) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// neverSent says whether an attempt failed before any byte of the request
// left: the connection could not be opened.
func neverSent(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
