package sandbox

import "slices"

// DeleteRoutingProfile takes a routing profile out of the instance while
// users still refer to it, and reports whether it was there. Connect refuses
// to delete a routing profile in use, but a reader can still meet such a
// user: a page read before the user moved, the listing after the profile
// went (SearchUsers lags writes by seconds). Tests use it to check that an
// export writes what it knows of such a user.
func (s *Sandbox) DeleteRoutingProfile(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.routing)
	s.routing = slices.DeleteFunc(s.routing, func(r *namedResource) bool { return r.name == name })
	return len(s.routing) < n
}
