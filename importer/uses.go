package importer

import "github.com/bulkagents/bulkagents/awsclient"

// ImportUses are the kinds of change an import makes: the rates of their
// APIs (awsclient.APIs) are asked of Service Quotas and reported.
func ImportUses(cfg Config) awsclient.Uses {
	uses := awsclient.Read | awsclient.Create
	if cfg.Update {
		uses |= awsclient.Update
	}
	if cfg.IdentityCenter.Enabled() {
		uses |= awsclient.IdentityCenter
	}
	if cfg.TrafficDistributionGroup != "" {
		uses |= awsclient.Resiliency
	}
	if cfg.CreateHierarchy {
		uses |= awsclient.Hierarchy
	}
	return uses
}
