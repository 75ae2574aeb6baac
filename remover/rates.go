package remover

import "github.com/bulkagents/bulkagents/awsclient"

// RemoveUses are the kinds of change a remove makes: the rates of their
// APIs (awsclient.APIs) are asked of Service Quotas and reported.
func RemoveUses(cfg Config) awsclient.Uses {
	uses := awsclient.Read | awsclient.Delete
	if cfg.IdentityCenter.Enabled() {
		uses |= awsclient.IdentityCenter
	}
	return uses
}
