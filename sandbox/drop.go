package sandbox

import (
	"net/http"
)

// Lost answers (docs/aws.md §8): a call that reaches AWS and is applied, while
// its answer never arrives. Options.DropRate closes the connection, with no
// answer written, after a mutating call was handled; SetHang holds the answer
// of chosen calls until the client gives up (its timeout), so that a test
// can make a call outlast the client's timeout without waiting for it.

// SetHang makes the calls for which f returns true (service "Connect",
// "IdentityStore" or "SSOAdmin", op the operation's name) be handled, then
// hold their answer until the client closes the connection or the sandbox
// closes. nil removes the hook.
func (s *Sandbox) SetHang(f func(service, op string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = f
}

// Dropped is how many answers the sandbox dropped or held (DropRate and
// SetHang), every operation together: a test waits on it.
func (s *Sandbox) Dropped() int64 { return s.dropped.Load() }

// loseAnswer decides, once a call was handled, whether its answer is lost,
// and if so loses it: true means nothing may be written to w.
func (s *Sandbox) loseAnswer(w http.ResponseWriter, r *http.Request, c *call, mutating bool) bool {
	s.mu.Lock()
	hang := s.hang != nil && s.hang(c.service, c.op)
	drop := !hang && mutating && s.opts.DropRate > 0 && s.rng.Float64() < s.opts.DropRate
	s.mu.Unlock()
	switch {
	case hang:
		s.count(c, func(n *CallCount) { n.Dropped++ })
		s.dropped.Add(1)
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		return true
	case drop:
		hj, ok := w.(http.Hijacker)
		if !ok {
			return false // an HTTP/2 or test recorder: nothing to close
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			return false
		}
		s.count(c, func(n *CallCount) { n.Dropped++ })
		s.dropped.Add(1)
		// Closed with nothing written: the client reads EOF where the
		// status line should be, as after a reset connection.
		_ = conn.Close()
		return true
	}
	return false
}

// SetHold makes the calls for which f returns true wait, before they are
// handled, until the client gives up or the sandbox closes: they are never
// applied. A test uses it to stop a run between two of its steps (a kill
// while a call is in flight that AWS had not yet received). nil removes the
// hook; calls already held stay held.
func (s *Sandbox) SetHold(f func(service, op string) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = f
}

// Held is how many calls SetHold has held: a test waits on it.
func (s *Sandbox) Held() int64 { return s.held.Load() }

// holdCall holds c when the hook asks for it, and reports whether it did
// (then nothing may be written to w: the client is gone).
func (s *Sandbox) holdCall(r *http.Request, c *call) bool {
	s.mu.Lock()
	hold := s.hold != nil && s.hold(c.service, c.op)
	s.mu.Unlock()
	if !hold {
		return false
	}
	s.count(c, func(n *CallCount) { n.Dropped++ })
	s.held.Add(1)
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
	return true
}
