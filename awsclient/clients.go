// Package awsclient is the AWS client layer of bulkagents: it builds the SDK
// clients, holds the table of every AWS operation the tool calls (apis.go),
// paces each with an adaptive limiter inside the SDK's retry loop, reads the
// account's rates from Service Quotas, watches whether the endpoints answer
// (the reach watch and the breaker), and classifies errors (errors.go).
package awsclient

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/connect"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	"github.com/aws/aws-sdk-go-v2/service/ssoadmin"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// ConnectReader is the part of the Amazon Connect API that planning needs:
// read calls only, which is all a dry run may make.
type ConnectReader interface {
	DescribeInstance(ctx context.Context, in *connect.DescribeInstanceInput, optFns ...func(*connect.Options)) (*connect.DescribeInstanceOutput, error)
	ListRoutingProfiles(ctx context.Context, in *connect.ListRoutingProfilesInput, optFns ...func(*connect.Options)) (*connect.ListRoutingProfilesOutput, error)
	ListSecurityProfiles(ctx context.Context, in *connect.ListSecurityProfilesInput, optFns ...func(*connect.Options)) (*connect.ListSecurityProfilesOutput, error)
	ListUserHierarchyGroups(ctx context.Context, in *connect.ListUserHierarchyGroupsInput, optFns ...func(*connect.Options)) (*connect.ListUserHierarchyGroupsOutput, error)
	DescribeUserHierarchyGroup(ctx context.Context, in *connect.DescribeUserHierarchyGroupInput, optFns ...func(*connect.Options)) (*connect.DescribeUserHierarchyGroupOutput, error)
	ListUsers(ctx context.Context, in *connect.ListUsersInput, optFns ...func(*connect.Options)) (*connect.ListUsersOutput, error)
	SearchUsers(ctx context.Context, in *connect.SearchUsersInput, optFns ...func(*connect.Options)) (*connect.SearchUsersOutput, error)
}

// ConnectAPI is the part of the Amazon Connect API that an import uses.
// *connect.Client satisfies it.
type ConnectAPI interface {
	ConnectReader
	CreateUser(ctx context.Context, in *connect.CreateUserInput, optFns ...func(*connect.Options)) (*connect.CreateUserOutput, error)
}

// HierarchyAPI is the part of the Amazon Connect API that creates the
// hierarchy groups a file names (--create-hierarchy). *connect.Client
// satisfies it.
type HierarchyAPI interface {
	DescribeUserHierarchyStructure(ctx context.Context, in *connect.DescribeUserHierarchyStructureInput, optFns ...func(*connect.Options)) (*connect.DescribeUserHierarchyStructureOutput, error)
	CreateUserHierarchyGroup(ctx context.Context, in *connect.CreateUserHierarchyGroupInput, optFns ...func(*connect.Options)) (*connect.CreateUserHierarchyGroupOutput, error)
}

// ResiliencyAPI is the part of the Amazon Connect API that associates
// agents with a Global Resiliency traffic distribution group
// (--traffic-distribution-group). *connect.Client satisfies it.
type ResiliencyAPI interface {
	DescribeTrafficDistributionGroup(ctx context.Context, in *connect.DescribeTrafficDistributionGroupInput, optFns ...func(*connect.Options)) (*connect.DescribeTrafficDistributionGroupOutput, error)
	AssociateTrafficDistributionGroupUser(ctx context.Context, in *connect.AssociateTrafficDistributionGroupUserInput, optFns ...func(*connect.Options)) (*connect.AssociateTrafficDistributionGroupUserOutput, error)
	DisassociateTrafficDistributionGroupUser(ctx context.Context, in *connect.DisassociateTrafficDistributionGroupUserInput, optFns ...func(*connect.Options)) (*connect.DisassociateTrafficDistributionGroupUserOutput, error)
}

// IdentityStoreAPI is the part of the IAM Identity Center identity store API
// that import and remove use. *identitystore.Client satisfies it.
type IdentityStoreAPI interface {
	CreateUser(ctx context.Context, in *identitystore.CreateUserInput, optFns ...func(*identitystore.Options)) (*identitystore.CreateUserOutput, error)
	GetUserId(ctx context.Context, in *identitystore.GetUserIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetUserIdOutput, error)
	DescribeUser(ctx context.Context, in *identitystore.DescribeUserInput, optFns ...func(*identitystore.Options)) (*identitystore.DescribeUserOutput, error)
	ListUsers(ctx context.Context, in *identitystore.ListUsersInput, optFns ...func(*identitystore.Options)) (*identitystore.ListUsersOutput, error)
	CreateGroup(ctx context.Context, in *identitystore.CreateGroupInput, optFns ...func(*identitystore.Options)) (*identitystore.CreateGroupOutput, error)
	GetGroupId(ctx context.Context, in *identitystore.GetGroupIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetGroupIdOutput, error)
	CreateGroupMembership(ctx context.Context, in *identitystore.CreateGroupMembershipInput, optFns ...func(*identitystore.Options)) (*identitystore.CreateGroupMembershipOutput, error)
	GetGroupMembershipId(ctx context.Context, in *identitystore.GetGroupMembershipIdInput, optFns ...func(*identitystore.Options)) (*identitystore.GetGroupMembershipIdOutput, error)
	ListGroupMemberships(ctx context.Context, in *identitystore.ListGroupMembershipsInput, optFns ...func(*identitystore.Options)) (*identitystore.ListGroupMembershipsOutput, error)
	// A remove's: out of the group, and --sso-delete-users.
	DeleteGroupMembership(ctx context.Context, in *identitystore.DeleteGroupMembershipInput, optFns ...func(*identitystore.Options)) (*identitystore.DeleteGroupMembershipOutput, error)
	ListGroupMembershipsForMember(ctx context.Context, in *identitystore.ListGroupMembershipsForMemberInput, optFns ...func(*identitystore.Options)) (*identitystore.ListGroupMembershipsForMemberOutput, error)
	DeleteUser(ctx context.Context, in *identitystore.DeleteUserInput, optFns ...func(*identitystore.Options)) (*identitystore.DeleteUserOutput, error)
}

// SSOAdminAPI is the part of the IAM Identity Center administration API that
// import and remove use. *ssoadmin.Client satisfies it.
type SSOAdminAPI interface {
	ListInstances(ctx context.Context, in *ssoadmin.ListInstancesInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListInstancesOutput, error)
	ListApplicationAssignments(ctx context.Context, in *ssoadmin.ListApplicationAssignmentsInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListApplicationAssignmentsOutput, error)
	CreateApplicationAssignment(ctx context.Context, in *ssoadmin.CreateApplicationAssignmentInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.CreateApplicationAssignmentOutput, error)
	// --sso-delete-users: what else a user is assigned to.
	ListApplicationAssignmentsForPrincipal(ctx context.Context, in *ssoadmin.ListApplicationAssignmentsForPrincipalInput, optFns ...func(*ssoadmin.Options)) (*ssoadmin.ListApplicationAssignmentsForPrincipalOutput, error)
}

// Clients are the AWS services an import talks to.
type Clients struct {
	Connect ConnectAPI
	// Limits paces the clients' calls; nil when the clients were not built
	// by NewClients (then nothing is paced).
	Limits *Limits
	// Region the clients talk to, and the shared-config profile they use
	// ("" for the default), for messages.
	Region  string
	Profile string
	// Hierarchy creates hierarchy groups (--create-hierarchy); nil when
	// the clients were not built by New.
	Hierarchy HierarchyAPI
	// Resiliency associates agents with a traffic distribution group
	// (--traffic-distribution-group); nil when not built by New.
	Resiliency ResiliencyAPI
	// IdentityStore and SSOAdmin are IAM Identity Center's, for
	// --sso and --identity-store-id.
	IdentityStore IdentityStoreAPI
	SSOAdmin      SSOAdminAPI
	// Quotas reads the account's rate quotas (ConfigureRates).
	Quotas ServiceQuotasAPI

	rateScaleGiven bool   // --rate-scale was given: Service Quotas is not asked
	ratesFix       string // Config.RatesFix
	rates          *Rates // what ConfigureRates found
	transport      *http.Transport
	endpoint       string // --endpoint-url, "" for AWS's own
	watch          *callWatch
}

// Endpoint names where the calls go, for messages.
func (c *Clients) Endpoint() string {
	switch {
	case c.endpoint != "":
		return c.endpoint
	case c.Region != "":
		return "the AWS endpoints of " + c.Region
	}
	return "the AWS endpoints"
}

// Rates is what ConfigureRates found; nil before it ran.
func (c *Clients) Rates() *Rates { return c.rates }

// CloseIdleConnections closes the connections kept for reuse.
func (c *Clients) CloseIdleConnections() {
	if c.transport != nil {
		c.transport.CloseIdleConnections()
	}
}

// Config says how to reach AWS: the AWS conventions (default credential
// chain, shared config profiles, AWS_REGION, AWS_ENDPOINT_URL and the
// per-service AWS_ENDPOINT_URL_<SERVICE>) hold unless a field overrides them.
type Config struct {
	Profile     string // --profile
	Region      string // --region (or the region of an instance ARN)
	EndpointURL string // --endpoint-url, for every service at once
	// RateScale multiplies the default API rate limits, overriding what
	// Service Quotas says; 0: not given (the rates come from Service
	// Quotas, or the defaults, when ConfigureRates is called).
	RateScale float64

	// StaticCredentials, when set, replace the credential chain (the
	// sandbox and tests), and no EC2 instance metadata is consulted.
	StaticCredentials *aws.Credentials

	// HTTPTimeout bounds one HTTP attempt; 0 means 60 s. A timed-out
	// CreateUser is an ambiguous outcome that the import settles by looking
	// the user up.
	HTTPTimeout time.Duration

	// Retry is how calls are retried; the zero value means
	// DefaultRetryPolicy.
	Retry RetryPolicy
	// RatesFix is what else the user can do when Service Quotas refuses,
	// as the command line says it (", or give --rate-scale"), appended to
	// the note that the defaults are used.
	RatesFix string
	// ReachTimeout bounds the first contact with each endpoint (reach.go);
	// 0 means $BULKAGENTS_REACH_TIMEOUT, or DefaultReachTimeout.
	ReachTimeout time.Duration
}

// New builds the AWS clients of an import with the retryer and rate
// limiters of limits.go.
func New(ctx context.Context, c Config) (*Clients, error) {
	// The SDK's own log lines (such as its IMDSv1 fallback warning when no
	// credentials are found) would land on stderr before our one-line
	// explanation; what matters reaches the user as an error with a hint.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if c.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(c.Profile))
	}
	if c.Region != "" {
		opts = append(opts, config.WithRegion(c.Region))
	}
	if c.StaticCredentials != nil {
		sc := *c.StaticCredentials
		opts = append(opts,
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(sc.AccessKeyID, sc.SecretAccessKey, sc.SessionToken)),
			config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	timeout := c.HTTPTimeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	reach, err := reachTimeout(c.ReachTimeout)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("load aws configuration: %w", err)
	}
	// Failures to get credentials carry a type of their own (errors.go):
	// such a call was never sent.
	cfg.Credentials = aws.NewCredentialsCache(markCredentials{cfg.Credentials, ssoProfile(ctx, c.Profile)})
	if cfg.Region == "" {
		// The endpoint rules say so only in words: give the calls a typed
		// error instead.
		cfg.APIOptions = append(cfg.APIOptions, missingRegion)
	}
	transport := httpClient(&cfg, timeout, reach)
	// Every client is built from cfg: the watch sees all their calls.
	watch := &callWatch{}
	cfg.APIOptions = append(cfg.APIOptions, watch.install)
	limits := NewLimits(c.RateScale)
	if c.Retry != (RetryPolicy{}) {
		limits.Retry = c.Retry
	}
	client := connect.NewFromConfig(cfg, func(o *connect.Options) {
		if c.EndpointURL != "" {
			o.BaseEndpoint = aws.String(c.EndpointURL)
		}
		limits.Apply(&o.Retryer, &o.APIOptions)
	})
	store, admin := newIdentityCenterClients(cfg, c.EndpointURL, limits)
	quotas := servicequotas.NewFromConfig(cfg, func(o *servicequotas.Options) {
		if c.EndpointURL != "" {
			o.BaseEndpoint = aws.String(c.EndpointURL)
		}
		// A few quick attempts: the run goes on with the defaults anyway.
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 3
			so.MaxBackoff = time.Second
			so.RateLimiter = ratelimit.None
		})
	})
	profile := c.Profile
	if profile == "" && c.StaticCredentials == nil {
		profile = os.Getenv("AWS_PROFILE")
	}
	return &Clients{Connect: client, Hierarchy: client, Resiliency: client, Limits: limits, Region: cfg.Region, Profile: profile,
		IdentityStore: store, SSOAdmin: admin, Quotas: quotas, rateScaleGiven: c.RateScale > 0, ratesFix: c.RatesFix, transport: transport, endpoint: c.EndpointURL, watch: watch}, nil
}

// httpClient gives cfg the client every call goes through: the whole-call
// timeout, the dial timeout, the first-answer watch (reach.go) and enough
// idle connections for the many workers that talk to one endpoint. It
// returns the transport, whose idle connections Close closes.
func httpClient(cfg *aws.Config, timeout, reach time.Duration) *http.Transport {
	// LoadDefaultConfig leaves HTTPClient nil unless the shared
	// configuration asks for transport settings (AWS_CA_BUNDLE's roots);
	// those are kept when there are any.
	bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient)
	if !ok {
		bc = awshttp.NewBuildableClient()
	}
	transport := bc.GetTransport()
	transport.MaxIdleConnsPerHost = 128
	transport.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	cfg.HTTPClient = &http.Client{Timeout: timeout, Transport: newReachTransport(transport, reach)}
	return transport
}

// newIdentityCenterClients builds the Identity Store and SSO Admin clients
// with the same configuration, endpoint, retryer and pacing as Connect's.
func newIdentityCenterClients(cfg aws.Config, endpointURL string, limits *Limits) (*identitystore.Client, *ssoadmin.Client) {
	store := identitystore.NewFromConfig(cfg, func(o *identitystore.Options) {
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
		}
		limits.Apply(&o.Retryer, &o.APIOptions)
	})
	admin := ssoadmin.NewFromConfig(cfg, func(o *ssoadmin.Options) {
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
		}
		limits.Apply(&o.Retryer, &o.APIOptions)
	})
	return store, admin
}

// ssoProfile says whether the shared-config profile (the default one for
// "") gets its credentials from an AWS SSO session.
func ssoProfile(ctx context.Context, profile string) bool {
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	sc, err := config.LoadSharedConfigProfile(ctx, profile)
	return err == nil && (sc.SSOSessionName != "" || sc.SSOStartURL != "")
}

// missingRegion fails every call at once with aws.MissingRegionError.
func missingRegion(s *middleware.Stack) error {
	return s.Initialize.Add(middleware.InitializeMiddlewareFunc("BulkagentsMissingRegion",
		func(context.Context, middleware.InitializeInput, middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return middleware.InitializeOutput{}, middleware.Metadata{}, &aws.MissingRegionError{}
		}), middleware.Before)
}
