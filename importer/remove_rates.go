package importer

import "github.com/bulkagents/bulkagents/awsclient"

// RemoveUses are the kinds of change a remove makes: the rates of their
// APIs (awsclient.APIs) are asked of Service Quotas and reported.
func RemoveUses(cfg RemoveConfig) awsclient.Uses {
	uses := awsclient.Read | awsclient.Delete
	if cfg.IdentityCenter.Enabled() {
		uses |= awsclient.IdentityCenter
	}
	if cfg.TrafficDistributionGroup != "" {
		uses |= awsclient.Resiliency
	}
	return uses
}

// checkTrafficGroup refuses, before any change, a group that is not ACTIVE.
func (r *removeRun) checkTrafficGroup() error {
	if r.cfg.TrafficDistributionGroup == "" {
		return nil
	}
	g, err := CheckTrafficGroup(r.stop, r.clients.Resiliency, r.cfg.TrafficDistributionGroup)
	if err != nil {
		return r.interrupted(err)
	}
	r.trafficGroup = g
	return nil
}
