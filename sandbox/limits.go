package sandbox

import (
	"math"

	"golang.org/x/time/rate"
)

// Connect's per-API default quotas in requests per second; APIs not
// listed get connectDefaultRate. Every bucket has a burst of connectBurst.
var connectRates = map[string]float64{
	"CreateUser":                 2,
	"DeleteUser":                 2,
	"SearchUsers":                2,
	"ListSecurityProfiles":       2,
	"DescribeInstance":           2,
	"DescribeUser":               10,
	"ListUsers":                  10,
	"ListRoutingProfiles":        10,
	"ListUserHierarchyGroups":    10,
	"DescribeUserHierarchyGroup": 10,
}

const (
	connectDefaultRate = 2
	connectBurst       = 5
	// Identity Store: about 20/s per identity store, shared by every API
	// (the more cautious of the two published readings); burst one second's worth.
	identityStoreRate  = 20
	identityStoreBurst = 20
	ssoAdminRate       = 20
	ssoAdminBurst      = 20
	minBurst           = 5
)

// limits holds one token bucket per Connect API, one shared by every
// Identity Store API and one shared by every SSO Admin API.
type limits struct {
	unlimited     bool
	scale         float64
	connect       map[string]*rate.Limiter
	identityStore *rate.Limiter
	ssoAdmin      *rate.Limiter
}

func newLimits(opts Options) *limits {
	l := &limits{unlimited: opts.Unlimited, scale: opts.RateScale, connect: map[string]*rate.Limiter{}}
	for _, op := range connectOperations() {
		r, ok := connectRates[op]
		if !ok {
			r = connectDefaultRate
		}
		l.connect[op] = l.limiter(r, connectBurst)
	}
	l.identityStore = l.limiter(identityStoreRate, identityStoreBurst)
	l.ssoAdmin = l.limiter(ssoAdminRate, ssoAdminBurst)
	return l
}

// limiter scales a rate and its burst; a burst never falls below minBurst.
func (l *limits) limiter(perSecond float64, burst int) *rate.Limiter {
	b := int(math.Round(float64(burst) * l.scale))
	if b < minBurst {
		b = minBurst
	}
	return rate.NewLimiter(rate.Limit(perSecond*l.scale), b)
}

// Rate and Burst of the bucket that an operation draws from, for tests and
// for the command line to report: service is "Connect", "IdentityStore" or
// "SSOAdmin".
func (s *Sandbox) Rate(service, op string) (perSecond float64, burst int) {
	lim := s.limits.bucket(service, op)
	if lim == nil {
		return 0, 0
	}
	return float64(lim.Limit()), lim.Burst()
}

func (l *limits) bucket(service, op string) *rate.Limiter {
	switch service {
	case serviceConnect:
		return l.connect[op]
	case serviceIdentityStore:
		return l.identityStore
	case serviceSSOAdmin:
		return l.ssoAdmin
	}
	return nil
}

// allow takes a token for one call, or reports that the call is throttled.
func (l *limits) allow(service, op string) bool {
	if l.unlimited {
		return true
	}
	lim := l.bucket(service, op)
	if lim == nil {
		return true
	}
	return lim.Allow()
}
