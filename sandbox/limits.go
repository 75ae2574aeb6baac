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
		if r, ok := opts.Quotas[op]; ok && r > 0 {
			// --quota sets the rate itself, not a default to scale.
			l.connect[op] = rate.NewLimiter(rate.Limit(r), l.burst(connectBurst))
			continue
		}
		l.connect[op] = l.limiter(defaultConnectRate(op), connectBurst)
	}
	l.identityStore = l.limiter(identityStoreRate, identityStoreBurst)
	l.ssoAdmin = l.limiter(ssoAdminRate, ssoAdminBurst)
	return l
}

// defaultConnectRate is the documented default rate of a Connect API.
func defaultConnectRate(op string) float64 {
	if r, ok := connectRates[op]; ok {
		return r
	}
	return connectDefaultRate
}

// connectRate is the rate a Connect API's bucket enforces, per second.
func (l *limits) connectRate(op string) float64 {
	if lim := l.connect[op]; lim != nil {
		return float64(lim.Limit())
	}
	return defaultConnectRate(op) * l.scale
}

// burst scales a burst; it never falls below minBurst.
func (l *limits) burst(burst int) int {
	return max(int(math.Round(float64(burst)*l.scale)), minBurst)
}

// limiter scales a rate and its burst.
func (l *limits) limiter(perSecond float64, burst int) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(perSecond*l.scale), l.burst(burst))
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
