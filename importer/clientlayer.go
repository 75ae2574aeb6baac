package importer

import "github.com/bulkagents/bulkagents/awsclient"

// The engine's names for the client layer's types (awsclient/), so that
// the engine and the command line speak of Clients, Limits and Rates.
type (
	Clients          = awsclient.Clients
	AWSConfig        = awsclient.Config
	ConnectReader    = awsclient.ConnectReader
	ConnectAPI       = awsclient.ConnectAPI
	HierarchyAPI     = awsclient.HierarchyAPI
	ResiliencyAPI    = awsclient.ResiliencyAPI
	IdentityStoreAPI = awsclient.IdentityStoreAPI
	SSOAdminAPI      = awsclient.SSOAdminAPI
	ServiceQuotasAPI = awsclient.ServiceQuotasAPI
	Limits           = awsclient.Limits
	APILimiter       = awsclient.APILimiter
	Breaker          = awsclient.Breaker
	RetryPolicy      = awsclient.RetryPolicy
	CallTrace        = awsclient.CallTrace
	Rates            = awsclient.Rates
	RateUsed         = awsclient.RateUsed
	UnreachableError = awsclient.UnreachableError
)

var (
	NewClients         = awsclient.New
	NewLimits          = awsclient.NewLimits
	DefaultRetryPolicy = awsclient.DefaultRetryPolicy
	WithCallTrace      = awsclient.WithCallTrace
	ErrStopped         = awsclient.ErrStopped
	MayHaveApplied     = awsclient.MayHaveApplied
)

const (
	DefaultBurst         = awsclient.DefaultBurst
	DefaultReachTimeout  = awsclient.DefaultReachTimeout
	ReachTimeoutVariable = awsclient.ReachTimeoutVariable
	SourceServiceQuotas  = awsclient.SourceServiceQuotas
	SourceDefault        = awsclient.SourceDefault
	SourceRateScale      = awsclient.SourceRateScale
	UsersQuotaCode       = awsclient.UsersQuotaCode
	DefaultUsersQuota    = awsclient.DefaultUsersQuota
)
