package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/sandbox"
)

const sandboxUsage = `Usage: bulkagents sandbox [--addr HOST:PORT] [--identity connect|saml|directory] [--rate-scale X]
                        [--error-rate F] [--drop-rate F] [--latency D] [--users-quota N] [--region NAME]
                        [--quota API=RATE]... [--service-quotas on|off]
                        [--identity-store-throttle 429|400] [--identity-store-users-quota N]
                        [--identity-store-memberships-quota N]
                        [--short-logins] [--listing-lag D] [--replicated]

Serves a local emulator of the Amazon Connect, Identity Store, SSO Admin and
Service Quotas APIs that bulkagents uses, seeded like a fresh instance, until Ctrl-C. Point
bulkagents, the AWS CLI or any AWS SDK at it with --endpoint-url; any
credentials are accepted.

Examples:
    bulkagents sandbox --addr 127.0.0.1:4566
    aws --endpoint-url http://127.0.0.1:4566 connect list-users --instance-id ID
    bulkagents sandbox --quota CreateUser=10 --users-quota 5000
    aws --endpoint-url http://127.0.0.1:4566 service-quotas get-service-quota \
        --service-code connect --quota-code L-CBDEE3E4
`

var sandboxCommand = &command{
	name:  "sandbox",
	usage: sandboxUsage,
	run: func(ctx context.Context, env *environment, args []string) error {
		fset := newFlagSet(env, "sandbox", sandboxUsage)
		addr := fset.String("addr", "127.0.0.1:4566", "the `HOST:PORT` to listen on (port 0: any free port)")
		var identity string
		var rateScale float64
		identityFlag(fset, &identity)
		rateScaleFlag(fset, &rateScale, "multiply every API rate limit by `X`")
		errorRate := fset.Float64("error-rate", 0, "answer this `fraction` of mutating calls with HTTP 500 (half after applying the change)")
		dropRate := fset.Float64("drop-rate", 0, "apply this `fraction` of mutating calls, then close the connection with no answer")
		latency := fset.Duration("latency", 0, "add this `duration` to every call")
		quota := fset.Int("users-quota", 500, "Connect users per instance")
		region := fset.String("region", "us-east-1", "the Region the sandbox pretends to be in")
		quotas := quotaFlag{}
		fset.Var(quotas, "quota", "set one Connect API's rate, enforced and reported by Service Quotas: `API=RATE` (repeatable)")
		serviceQuotas := fset.String("service-quotas", "on", "on: Service Quotas answers; off: it refuses (AccessDeniedException)")
		isThrottle := fset.String("identity-store-throttle", "429", "how Identity Store throttling answers: 429 (ThrottlingException) or 400 (ThrottlingException \"Rate exceeded\", as seen in real traffic)")
		isUsersQuota := fset.Int("identity-store-users-quota", 0, "Identity Center users the identity store may hold (0: no limit); CreateUser past it answers ServiceQuotaExceededException")
		isMembersQuota := fset.Int("identity-store-memberships-quota", 0, "group memberships the identity store may hold (0: no limit); CreateGroupMembership past it answers ServiceQuotaExceededException")
		replicated := fset.Bool("replicated", false, "a replicated instance (Global Resiliency) with one ACTIVE traffic distribution group; it is a SAML instance, as replication needs")
		shortLogins := fset.Bool("short-logins", false, "refuse user logins over 20 characters on a Connect-managed instance, the limit Amazon Connect documents (its API model allows 100)")
		listingLag := fset.Duration("listing-lag", 0, "list a created user in ListUsers and SearchUsers this `duration` later, and a deleted one this long after, as Connect's eventually consistent listings do (DescribeUser misses a new user for min(D, 1s))")
		rest, err := fset.parse(args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageError("bulkagents sandbox --addr 127.0.0.1:4566", "sandbox takes no file argument, got %q", rest[0])
		}
		id, err := parseIdentity(identity)
		if err != nil {
			return err
		}
		if err := checkRateScale(rateScale); err != nil {
			return err
		}
		if *replicated {
			if fset.was("identity") && id != agentfile.IdentitySAML {
				return usageError("bulkagents sandbox --replicated (a SAML instance)", "--replicated needs a SAML instance (Global Resiliency replicates only SAML instances), not --identity %s", identity)
			}
			id = agentfile.IdentitySAML
		}
		// Written as "not in range" so that NaN, which fails every
		// comparison, is refused too (a NaN error rate fails every call).
		if !(*errorRate >= 0 && *errorRate <= 1) {
			return usageError("--error-rate 0.1 fails one mutating call in ten", "--error-rate must be between 0 and 1, got %v", *errorRate)
		}
		if !(*dropRate >= 0 && *dropRate <= 1) {
			return usageError("--drop-rate 0.2 loses the answer of one mutating call in five", "--drop-rate must be between 0 and 1, got %v", *dropRate)
		}
		if *quota < 1 {
			return usageError("--users-quota 10 lets the instance hold 10 users", "--users-quota must be at least 1, got %d", *quota)
		}
		if *latency < 0 {
			return usageError("--latency 200ms slows every call by 200 ms", "--latency must not be negative, got %v", *latency)
		}
		if *listingLag < 0 {
			return usageError("--listing-lag 10s lists a new user 10 s after it was created", "--listing-lag must not be negative, got %v", *listingLag)
		}
		if *serviceQuotas != "on" && *serviceQuotas != "off" {
			return usageError("--service-quotas off makes Service Quotas refuse every call", "--service-quotas must be on or off, got %q", *serviceQuotas)
		}
		if *isThrottle != "429" && *isThrottle != "400" {
			return usageError("--identity-store-throttle 400 answers throttling as HTTP 400 \"Rate exceeded\"", "--identity-store-throttle must be 429 or 400, got %q", *isThrottle)
		}
		if *isMembersQuota < 0 {
			return usageError("--identity-store-memberships-quota 100 lets the identity store hold 100 group memberships", "--identity-store-memberships-quota must not be negative, got %d", *isMembersQuota)
		}
		if *isUsersQuota < 0 {
			return usageError("--identity-store-users-quota 100 lets the identity store hold 100 users", "--identity-store-users-quota must not be negative, got %d", *isUsersQuota)
		}
		sb, err := sandbox.Start(ctx, *addr, sandbox.Options{
			Identity:                      string(id),
			RateScale:                     rateScale,
			ErrorRate:                     *errorRate,
			DropRate:                      *dropRate,
			Latency:                       *latency,
			UserQuota:                     *quota,
			Region:                        *region,
			Quotas:                        quotas,
			ServiceQuotasOff:              *serviceQuotas == "off",
			IdentityStoreThrottle400:      *isThrottle == "400",
			IdentityStoreUsersQuota:       *isUsersQuota,
			IdentityStoreMembershipsQuota: *isMembersQuota,
			ShortLogins:                   *shortLogins,
			Replicated:                    *replicated,
			ListingLag:                    *listingLag,
		})
		if err != nil {
			return &exitError{code: exitUnusable, msg: fmt.Sprintf("starting the sandbox: %v", err), hint: "choose another --addr, or port 0 for any free port"}
		}
		fmt.Fprintf(env.stdout, "endpoint: %s\n", sb.URL())
		fmt.Fprintf(env.stdout, "instance-id: %s\n", sb.InstanceID())
		fmt.Fprintf(env.stdout, "identity-store-id: %s\n", sb.IdentityStoreID())
		if sb.Replicated() {
			fmt.Fprintf(env.stdout, "traffic-distribution-group-id: %s\n", sb.TrafficDistributionGroupID())
		}
		// The line to paste so that the AWS CLI or an SDK finds credentials
		// and a region (any credentials are accepted): the SDKs and the AWS
		// CLI v2 read AWS_REGION, the AWS CLI v1 only AWS_DEFAULT_REGION.
		fmt.Fprintf(env.stdout, "export AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox AWS_REGION=%s AWS_DEFAULT_REGION=%s\n", *region, *region)
		fmt.Fprintf(env.stderr, "serving %s instance %s until Ctrl-C (region %s, rate scale %v)\n", id, sb.InstanceAlias(), *region, rateScale)
		<-ctx.Done()
		return sb.Close()
	},
}

// quotaFlag collects --quota API=RATE, one Connect API's rate per use.
type quotaFlag map[string]float64

func (q quotaFlag) String() string { return "" }

func (q quotaFlag) Set(v string) error {
	api, r, ok := strings.Cut(v, "=")
	api = strings.TrimPrefix(strings.TrimSpace(api), "Connect.")
	if !ok || api == "" {
		return fmt.Errorf("want API=RATE, such as CreateUser=10, got %q", v)
	}
	if !sandbox.IsConnectOperation(api) {
		return fmt.Errorf("%q is not a Connect operation the sandbox serves (such as CreateUser)", api)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
	if err != nil || !(f > 0) || math.IsInf(f, 0) {
		return fmt.Errorf("the rate of %s must be a number above 0, got %q", api, r)
	}
	q[api] = f
	return nil
}
