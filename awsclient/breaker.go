package awsclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// breakerThreshold is how many attempts in a row may get no HTTP answer at
// all before the run stops sending. Lost answers one at a time (a reset
// connection now and then) are settled row by row; ten in a row, with every
// worker seeing the same, is the endpoint or the network gone, and each
// remaining row would otherwise retry 20 times before failing (docs/aws.md §8).
// At a 20% rate of lost answers, ten in a row come once in ten million.
const breakerThreshold = 10

// breakerQuiet is how long no answer at all must have come, as well, before
// the breaker opens: many workers losing answers at once (a busy machine,
// one bad moment of the network) is not the endpoint gone while answers
// still arrive in between. The run still ends well within 30 s of the last
// answer.
var breakerQuiet = 5 * time.Second

// errCircuitOpen ends an attempt that the circuit breaker kept from being
// sent: nothing of it reached the endpoint.
var errCircuitOpen = errors.New("not sent: the endpoint stopped answering")

// Breaker counts the attempts in a row that got no answer and, past
// breakerThreshold, stops every further attempt. It does not close again:
// the run ends and --resume takes over once the endpoint is back.
type Breaker struct {
	mu         sync.Mutex
	inARow     int
	lastAnswer time.Time // when an answer last came (zero: none yet)
	firstLost  time.Time // the first of the attempts in a row with no answer
	open       bool
	lastErr    error // the last attempt's error when it opened, for the message
	now        func() time.Time
	// Quiet, when not 0, is breakerQuiet for this breaker (tests).
	Quiet time.Duration
	// Silence is how long calls may be in flight with no answer at all
	// before the breaker opens (silence.go); 0 means
	// defaultBreakerSilence.
	Silence  time.Duration
	inFlight map[*byte]context.CancelFunc
}

func (b *Breaker) clock() time.Time {
	if b.now != nil {
		return b.now()
	}
	return time.Now()
}

// note records an attempt's outcome.
func (b *Breaker) note(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.open || errors.Is(err, errCircuitOpen):
	case noAnswer(err):
		now := b.clock()
		if b.inARow == 0 {
			b.firstLost = now
		}
		b.inARow++
		since := b.lastAnswer
		if since.IsZero() {
			since = b.firstLost
		}
		if b.inARow >= breakerThreshold && now.Sub(since) >= b.quiet() {
			b.open, b.lastErr = true, err
		}
	case answered(err):
		// Any answer at all, even a throttle or a 5xx, is the endpoint alive.
		b.inARow, b.lastAnswer = 0, b.clock()
	}
}

func (b *Breaker) quiet() time.Duration {
	if b.Quiet > 0 {
		return b.Quiet
	}
	return breakerQuiet
}

// Open says whether the breaker stopped the run, and with what error.
func (b *Breaker) Open() (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.open, b.lastErr
}

// answered says whether an attempt got an HTTP answer (a success, or an
// error the service sent).
func answered(err error) bool {
	if err == nil {
		return true
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode() != 0
	}
	var ae smithy.APIError
	return errors.As(err, &ae)
}

// circuitError is the error of an attempt the breaker refused; it is never
// retried.
type circuitError struct{}

func (circuitError) Error() string        { return errCircuitOpen.Error() }
func (circuitError) Unwrap() error        { return errCircuitOpen }
func (circuitError) RetryableError() bool { return false }

// BreakerCause says why the breaker stopped the calls, naming where they
// went.
func BreakerCause(endpoint string) string {
	return fmt.Sprintf("%s stopped answering (%d calls in a row over %v got no answer, or none came for %v)",
		endpoint, breakerThreshold, breakerQuiet, defaultBreakerSilence)
}
