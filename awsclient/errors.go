package awsclient

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
)

// Kind is what a failed call means to the engine: the one classification
// of AWS errors. It is computed from the SDK's typed errors and the
// answer's error code (errors.As), never from an error's text, so it holds
// however many layers of %w wrap the call's error.
type Kind int

const (
	// Other is an error none of the kinds below describes.
	Other Kind = iota
	// Throttled: slow down and retry (ThrottlingException and its kin).
	Throttled
	// Quota: a resource quota (Connect's LimitExceededException, users per
	// instance; ServiceQuotaExceededException): not transient.
	Quota
	// NotFound: ResourceNotFoundException, NoSuchResourceException.
	NotFound
	// Conflict: the thing exists already, or a concurrent change got there
	// first (DuplicateResourceException, ConflictException,
	// ResourceConflictException).
	Conflict
	// AccessDenied: the credentials may not make the call.
	AccessDenied
	// Unauthenticated: the credentials are not valid (expired, wrong
	// signature, unknown key).
	Unauthenticated
	// NoCredentials: no credentials could be had; nothing was sent.
	NoCredentials
	// Invalid: the service refused the request itself (a 4xx that is none
	// of the above: validation, a bad parameter).
	Invalid
	// MaybeApplied: a server error, no answer at all, or a success whose
	// body was lost: the call may have been applied.
	MaybeApplied
	// NotSent: the request never left (a dial that failed, the breaker
	// open, the run stopped): nothing was applied.
	NotSent
	// Canceled: the caller's own context ended.
	Canceled
)

var kindNames = [...]string{"other", "throttled", "quota", "not found", "conflict", "access denied",
	"unauthenticated", "no credentials", "invalid", "may have applied", "not sent", "canceled"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Refused says whether the call was refused for a reason that is not the
// request's: a missing permission, or credentials that are invalid,
// expired or could not be had.
func (k Kind) Refused() bool {
	return k == AccessDenied || k == Unauthenticated || k == NoCredentials
}

// throttleCodes are the error codes that mean "slow down". Connect's
// LimitExceededException is deliberately not one of them.
var throttleCodes = map[string]bool{
	"ThrottlingException":       true,
	"Throttling":                true,
	"TooManyRequestsException":  true,
	"RequestThrottledException": true,
	"ThrottledException":        true,
	"RequestLimitExceeded":      true,
	"SlowDown":                  true,
}

// codeKinds are the error codes of the kinds that an answer's code decides.
var codeKinds = map[string]Kind{
	"LimitExceededException":        Quota,
	"ServiceQuotaExceededException": Quota,
	"ResourceNotFoundException":     NotFound,
	"NoSuchResourceException":       NotFound,
	"DuplicateResourceException":    Conflict,
	"ConflictException":             Conflict,
	"ResourceConflictException":     Conflict,
	"AccessDeniedException":         AccessDenied,
	"AccessDenied":                  AccessDenied,
	"UnauthorizedException":         AccessDenied,
	"UnrecognizedClientException":   Unauthenticated,
	"InvalidSignatureException":     Unauthenticated,
	"SignatureDoesNotMatch":         Unauthenticated,
	"ExpiredTokenException":         Unauthenticated,
	"ExpiredToken":                  Unauthenticated,
	"InvalidClientTokenId":          Unauthenticated,
}

// Classify gives the kind of a call's error (Other for nil).
func Classify(err error) Kind {
	if err == nil {
		return Other
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if isThrottle(err) {
			// The Identity Store has been seen answering throttles as
			// HTTP 400 "Rate exceeded".
			return Throttled
		}
		if k, ok := codeKinds[ae.ErrorCode()]; ok {
			return k
		}
	}
	switch {
	case errors.Is(err, errCircuitOpen), errors.Is(err, ErrStopped), neverSent(err):
		return NotSent
	case isNoCredentials(err):
		return NoCredentials
	}
	var ce *smithy.CanceledError
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) {
		if !ambiguous(err) {
			return Canceled
		}
	}
	if ambiguous(err) {
		return MaybeApplied
	}
	if ae != nil {
		return Invalid
	}
	return Other
}

// CredentialsError is a failure to get credentials: the call was never
// sent. NewClients wraps its credential provider so that such failures
// carry this type, whatever the provider chain said.
type CredentialsError struct {
	Err error
	// ssoProfile: the profile gets its credentials from an AWS SSO
	// session (sso_session or sso_start_url).
	ssoProfile bool
}

// SSO says whether the credentials were to come from an AWS SSO session
// (an expired or never started one is the usual cause, fixed by signing in
// again).
func (e *CredentialsError) SSO() bool {
	var it *ssocreds.InvalidTokenError
	return e.ssoProfile || errors.As(e.Err, &it)
}

func (e *CredentialsError) Error() string { return e.Err.Error() }
func (e *CredentialsError) Unwrap() error { return e.Err }

// isNoCredentials says whether a call failed for want of credentials: a
// CredentialsError, or the signer's own SigningError (a client whose
// provider was not wrapped).
func isNoCredentials(err error) bool {
	var ce *CredentialsError
	var se *v4.SigningError
	var ae smithy.APIError
	return errors.As(err, &ce) || (errors.As(err, &se) && !errors.As(err, &ae))
}

// MarkCredentials gives a provider whose failures are CredentialsErrors
// (New does this to the clients it builds); sso says that the profile
// uses an AWS SSO session.
func MarkCredentials(p aws.CredentialsProvider, sso bool) aws.CredentialsProvider {
	return markCredentials{p, sso}
}

// markCredentials marks the errors of a credential provider as
// CredentialsError.
type markCredentials struct {
	aws.CredentialsProvider
	sso bool
}

func (m markCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := m.CredentialsProvider.Retrieve(ctx)
	if err != nil {
		return c, &CredentialsError{Err: err, ssoProfile: m.sso}
	}
	return c, nil
}

// IsThrottle says whether an error is a throttling answer.
func IsThrottle(err error) bool { return isThrottle(err) }

// Short is an error as the results file's error column shows it (the
// API's code and message, without the SDK's request ids), still wrapping
// err, so that Classify and errors.As see through it.
func Short(err error) error {
	if err == nil {
		return nil
	}
	return shortError{err}
}

type shortError struct{ err error }

func (e shortError) Error() string { return Text(e.err) }
func (e shortError) Unwrap() error { return e.err }

// Text is an error as the results file's error column shows it: the API's
// code and message, without the SDK's request ids.
func Text(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if m := ae.ErrorMessage(); m != "" {
			return ae.ErrorCode() + ": " + m
		}
		return ae.ErrorCode()
	}
	return err.Error()
}

// MayHaveApplied says whether any of these attempts could have changed
// something on the server: anything but a throttle, a client-side error or
// a clean 4xx answer.
func MayHaveApplied(attempts []error) bool {
	for _, err := range attempts {
		if err != nil && ambiguous(err) {
			return true
		}
	}
	return false
}
