package awsclient

import (
	"context"
	"errors"
	"time"
)

// An endpoint that stops answering without closing its connections (a
// hung load balancer, a network that drops packets rather than refusing
// them) gives no error at all until the client's timeout, 60 s per
// attempt, and then only one per call in flight: the run would end minutes
// after the last answer. So the breaker also opens when a call has been in
// flight for breakerSilence while no answer at all came from the endpoint,
// and abandons the calls in flight. An abandoned call may have been applied:
// its row is settled like any lost answer (its lookup, refused by the open
// breaker, leaves it for --resume, with its password written ahead).
const defaultBreakerSilence = 20 * time.Second

// errSilent is why the breaker opened when nothing answered.
var errSilent = errors.New("no answer at all from the endpoint while calls were in flight")

func (b *Breaker) silence() time.Duration {
	if b.Silence > 0 {
		return b.Silence
	}
	return defaultBreakerSilence
}

// begin registers an attempt about to be sent; end, called when it
// returns, unregisters it. The attempt's context is cancelled if the
// breaker opens while it is in flight.
func (b *Breaker) begin(ctx context.Context) (_ context.Context, end func()) {
	ctx, cancel := context.WithCancel(ctx)
	key := new(byte)
	b.mu.Lock()
	if b.inFlight == nil {
		b.inFlight = map[*byte]context.CancelFunc{}
	}
	b.inFlight[key] = cancel
	b.mu.Unlock()
	timer := time.AfterFunc(b.silence(), func() { b.overdue(key) })
	return ctx, func() {
		timer.Stop()
		b.mu.Lock()
		delete(b.inFlight, key)
		b.mu.Unlock()
		cancel()
	}
}

// overdue opens the breaker when the attempt key is still in flight a
// whole silence after it was sent and nothing answered meanwhile.
func (b *Breaker) overdue(key *byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.inFlight[key]; !ok || b.open {
		return
	}
	if !b.lastAnswer.IsZero() && b.clock().Sub(b.lastAnswer) < b.silence() {
		return // another call was answered meanwhile: this one is just slow
	}
	b.open, b.lastErr = true, errSilent
	for _, cancel := range b.inFlight {
		cancel()
	}
}
