package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/bulkagents/bulkagents/importer"
)

// setupStatus shows, on a terminal, what the set-up of a run is doing
// before its progress bar appears (reading Service Quotas, describing the
// instance, listing users page by page, listing the identity store), with
// the time since the run began: a large instance takes seconds to list,
// and a silent terminal looks hung. It writes one line, rewritten in place,
// and clears it when stopped. Elsewhere (a file, a pipe, a test's buffer) it
// shows nothing. A nil *setupStatus does nothing.
type setupStatus struct {
	w       io.Writer
	verb    string
	start   time.Time
	clients *importer.Clients // whose calls it watches

	mu      sync.Mutex
	step    string
	calls   map[string]int
	stopped bool

	quit, done chan struct{}
	stopOnce   sync.Once
}

// setupRefresh is how often the set-up line is redrawn.
const setupRefresh = 200 * time.Millisecond

// startSetupStatus starts the set-up line of verb ("import") on w, timed
// from start, for the calls of clients.
func startSetupStatus(w io.Writer, mode progressMode, verb string, start time.Time, clients *importer.Clients) *setupStatus {
	if w == nil || !barMode(w, mode) {
		return nil
	}
	s := &setupStatus{w: w, verb: verb, start: start, calls: map[string]int{},
		quit: make(chan struct{}), done: make(chan struct{})}
	if clients != nil {
		s.clients = clients
		clients.Watch(s.called)
	}
	go s.draw()
	return s
}

// called notes an AWS call: the step is named after it, and shown at once,
// so that each page of a listing is seen.
func (s *setupStatus) called(service, operation string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := service + "." + operation
	s.calls[key]++
	s.step = setupWords(service, operation, s.calls[key])
	s.render()
}

// setupWords names what a set-up call is for.
func setupWords(service, operation string, n int) string {
	page := func(what string) string {
		if n > 1 {
			return fmt.Sprintf("%s, page %d", what, n)
		}
		return what
	}
	switch service + "." + operation {
	case "Service Quotas.GetServiceQuota", "Service Quotas.ListServiceQuotas":
		return "reading the rate quotas from Service Quotas"
	case "Connect.DescribeInstance":
		return "describing the instance"
	case "Connect.ListRoutingProfiles":
		return page("listing the routing profiles")
	case "Connect.ListSecurityProfiles":
		return page("listing the security profiles")
	case "Connect.ListUserHierarchyGroups", "Connect.DescribeUserHierarchyGroup":
		return "reading the agent hierarchy"
	case "Connect.ListUsers", "Connect.SearchUsers":
		return page("listing the instance's users")
	case "Connect.DescribeUser":
		return fmt.Sprintf("looking up users (%d)", n)
	case "Connect.ListPredefinedAttributes", "Connect.DescribePredefinedAttribute":
		return "reading the predefined attributes"
	case "SSO Admin.ListInstances":
		return "finding the identity store (SSO Admin)"
	case "identitystore.ListUsers":
		return page("listing the identity store's users")
	case "identitystore.ListGroupMemberships":
		return page("listing the group's members")
	case "identitystore.GetGroupId":
		return "finding the agents' group in the identity store"
	case "identitystore.GetUserId", "identitystore.DescribeUser":
		return "looking up the identity store's users"
	}
	return fmt.Sprintf("calling %s %s", service, operation)
}

// render redraws the line; s.mu is held. Once stopped, it draws nothing:
// the line belongs to the progress bar then.
func (s *setupStatus) render() {
	if s.stopped {
		return
	}
	step := s.step
	if step == "" {
		step = "starting"
	}
	fmt.Fprintf(s.w, "\r\033[K%s: %s (%s)", s.verb, step, time.Since(s.start).Round(100*time.Millisecond))
}

// draw redraws the line as time passes, so that a slow call is seen to be
// waited for.
func (s *setupStatus) draw() {
	defer close(s.done)
	t := time.NewTicker(setupRefresh)
	defer t.Stop()
	for {
		select {
		case <-s.quit:
			return
		case <-t.C:
			s.mu.Lock()
			s.render()
			s.mu.Unlock()
		}
	}
}

// Stop clears the line; the progress bar takes its place.
func (s *setupStatus) Stop() {
	if s == nil {
		return
	}
	s.stopOnce.Do(func() {
		if s.clients != nil {
			s.clients.Watch(nil)
		}
		close(s.quit)
		<-s.done
		s.mu.Lock()
		defer s.mu.Unlock()
		s.stopped = true
		fmt.Fprint(s.w, "\r\033[K")
	})
}

// Write lets the set-up's own messages (a note on the rates, a warning)
// through: the line is cleared for them and drawn again below them.
func (s *setupStatus) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return s.w.Write(p)
	}
	fmt.Fprint(s.w, "\r\033[K")
	n, err := s.w.Write(p)
	s.render()
	return n, err
}

// Out is where the set-up's messages go: through the status line when it
// is shown, otherwise straight to w.
func (s *setupStatus) Out(w io.Writer) io.Writer {
	if s == nil {
		return w
	}
	return s
}
