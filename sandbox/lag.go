package sandbox

import (
	"sort"
	"time"
)

// Listing lag (Options.ListingLag, --listing-lag D): Connect's ListUsers and
// SearchUsers are eventually consistent and lag writes by seconds. With a
// lag D the sandbox answers as such a listing would:
//   - a user made by CreateUser appears in ListUsers and SearchUsers (with
//     or without search criteria, an EXACT Username condition included) D
//     after it was created;
//   - a user deleted by DeleteUser stays in those listings, as it was, for D
//     after it was deleted; DescribeUser and every other call by id answer
//     ResourceNotFoundException at once;
//   - DescribeUser of a user created less than min(D, 1s) ago answers
//     ResourceNotFoundException (the read right after a write that AWS
//     documents may be stale); from then on it answers.
//
// Users seeded with AddConnectUsers (and the fresh instance's admin) are
// listed at once: they stand for users made long before. Without a lag
// (the default) every listing is exact.

// now is the time a call is answered at: the clock's (a test's), else
// the wall clock's.
func (s *Sandbox) now() time.Time {
	if f := s.clock.Load(); f != nil {
		return (*f)()
	}
	return time.Now()
}

// describeLagCap is the longest that DescribeUser misses a new user.
const describeLagCap = time.Second

// listingLag is Options.ListingLag, never negative.
func (s *Sandbox) listingLag() time.Duration { return max(s.opts.ListingLag, 0) }

// describeLag is how long DescribeUser misses a user just created.
func (s *Sandbox) describeLag() time.Duration { return min(s.listingLag(), describeLagCap) }

// ghostUser is a deleted user that the listings still show.
type ghostUser struct {
	*connectUser
	deleted time.Time
}

// listedUsers gives the users the listings show at now, in creation order:
// those created at least the lag ago, and those deleted less than the lag
// ago. s.mu is held.
func (s *Sandbox) listedUsers(now time.Time) []*connectUser {
	lag := s.listingLag()
	if lag == 0 {
		return s.userOrder
	}
	kept := s.ghosts[:0]
	for _, g := range s.ghosts {
		if now.Sub(g.deleted) < lag {
			kept = append(kept, g)
		}
	}
	clear(s.ghosts[len(kept):])
	s.ghosts = kept
	out := make([]*connectUser, 0, len(s.userOrder)+len(s.ghosts))
	for _, u := range s.userOrder {
		if u.created.IsZero() || now.Sub(u.created) >= lag {
			out = append(out, u)
		}
	}
	if len(s.ghosts) > 0 {
		for _, g := range s.ghosts {
			out = append(out, g.connectUser)
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	}
	return out
}

// describable says whether DescribeUser sees u at now. s.mu is held.
func (s *Sandbox) describable(u *connectUser, now time.Time) bool {
	return u.created.IsZero() || now.Sub(u.created) >= s.describeLag()
}

// noteDeleted keeps a deleted user in the listings for the lag. s.mu is
// held.
func (s *Sandbox) noteDeleted(u *connectUser, now time.Time) {
	if s.listingLag() == 0 {
		return
	}
	// A copy, so that the listing shows the user as it was.
	ghost := *u
	s.ghosts = append(s.ghosts, ghostUser{connectUser: &ghost, deleted: now})
}
