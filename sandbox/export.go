package sandbox

import (
	"slices"
	"time"
)

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

// ChangeConnectUser applies change to the user named username, as another
// tool's update would (tests: what an export must show), and reports whether
// the user exists. Its id, ARN and name stay.
func (s *Sandbox) ChangeConnectUser(username string, change func(*ConnectUser)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userByName[username]
	if u == nil {
		return false
	}
	id, arn := u.ID, u.ARN
	u.Tags = copyTags(u.Tags)
	u.SecurityProfileIDs = append([]string(nil), u.SecurityProfileIDs...)
	change(&u.ConnectUser)
	u.ID, u.ARN, u.Username = id, arn, username
	u.modified = time.Now()
	return true
}

// RoutingProfileID gives the id of the routing profile named name ("" when
// none is).
func (s *Sandbox) RoutingProfileID(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.routing {
		if r.name == name {
			return r.id
		}
	}
	return ""
}
