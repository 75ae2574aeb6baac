package sandbox

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"regexp"
	"slices"
	"strconv"
)

// Service Quotas (awsJson1_1, X-Amz-Target ServiceQuotasV20190624.<Op>,
// signing name servicequotas), for ServiceCode "connect" only.
//
// Choices where AWS is not documented or not confirmed:
//   - A rate quota's value is the rate the sandbox enforces (its default
//     times Options.RateScale, or what Options.Quotas sets), so that a
//     client that paces to Service Quotas paces to the sandbox's buckets.
//     GetAWSDefaultServiceQuota reports the documented default, unscaled.
//   - The quota codes of docs/aws.md §7 are used where known; the other
//     Connect APIs get a stable made-up code and the name "Rate of <Op> API
//     requests", which is how a client must find them (by name).
//   - Errors answer HTTP 400, as the model gives no status (awsJson1_1's
//     default); Options.ServiceQuotasOff answers AccessDeniedException.
//   - Service Quotas calls are not rate limited.
const targetServiceQuotas = "ServiceQuotasV20190624"

const serviceServiceQuotas = "ServiceQuotas"

var serviceQuotasOps = map[string]operation{
	"GetServiceQuota":           {handle: sqGetServiceQuota},
	"GetAWSDefaultServiceQuota": {handle: sqGetDefaultServiceQuota},
	"ListServiceQuotas":         {handle: sqListServiceQuotas},
}

// ConnectQuotaCodes are the documented quota codes of Connect's rate quotas
// (docs/aws.md §7), by operation.
var connectQuotaCodes = map[string]string{
	"CreateUser":                 "L-CBDEE3E4",
	"DescribeUser":               "L-EE6F0D82",
	"ListUsers":                  "L-CCC38177",
	"SearchUsers":                "L-E2C35CCE",
	"ListRoutingProfiles":        "L-30929A21",
	"ListSecurityProfiles":       "L-A408782D",
	"ListUserHierarchyGroups":    "L-E6DB6D6D",
	"DescribeUserHierarchyGroup": "L-50D07AB9",
	"DescribeInstance":           "L-D14CF86E",
	"TagResource":                "L-EA358306",
	"UpdateUserHierarchy":        "L-AEAF5C4B",
}

// UsersQuotaCode is the code of Connect's "Users per instance" quota.
const usersQuotaCode = "L-9A46857E"

var sqCodePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9-]{1,128}$`)

// quotaCode is the code of an operation's rate quota: the documented one, or
// a stable one made from its name.
func quotaCode(op string) string {
	if c, ok := connectQuotaCodes[op]; ok {
		return c
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(op))
	return fmt.Sprintf("L-%08X", h.Sum32())
}

type sqQuotaJSON struct {
	ServiceCode string
	ServiceName string
	QuotaArn    string
	QuotaCode   string
	QuotaName   string
	Value       float64
	Unit        string
	Adjustable  bool
	GlobalQuota bool
	Period      *sqPeriodJSON `json:",omitempty"`
}

type sqPeriodJSON struct {
	PeriodValue int
	PeriodUnit  string
}

// connectQuotas lists every Connect quota the sandbox knows, applied
// (enforced) values or the defaults, sorted by code.
func (s *Sandbox) connectQuotas(defaults bool) []sqQuotaJSON {
	arn := func(code string) string {
		return fmt.Sprintf("arn:aws:servicequotas:%s:%s:connect/%s", s.region, Account, code)
	}
	s.mu.Lock()
	users := s.quota
	s.mu.Unlock()
	if defaults {
		users = 500
	}
	out := []sqQuotaJSON{{ServiceCode: "connect", ServiceName: "Amazon Connect", QuotaArn: arn(usersQuotaCode),
		QuotaCode: usersQuotaCode, QuotaName: "Users per instance", Value: float64(users), Unit: "None", Adjustable: true}}
	groups := s.groupQuota()
	if defaults {
		groups = hierarchyGroupQuota
	}
	out = append(out, sqQuotaJSON{ServiceCode: "connect", ServiceName: "Amazon Connect", QuotaArn: arn(hierarchyGroupsQuotaCode),
		QuotaCode: hierarchyGroupsQuotaCode, QuotaName: "User hierarchy groups per instance", Value: float64(groups), Unit: "None", Adjustable: true})
	for _, op := range connectOperations() {
		v := s.limits.connectRate(op)
		if defaults {
			v = defaultConnectRate(op)
		}
		code := quotaCode(op)
		out = append(out, sqQuotaJSON{ServiceCode: "connect", ServiceName: "Amazon Connect", QuotaArn: arn(code),
			QuotaCode: code, QuotaName: "Rate of " + op + " API requests", Value: v, Unit: "None", Adjustable: true,
			Period: &sqPeriodJSON{PeriodValue: 1, PeriodUnit: "SECOND"}})
	}
	slices.SortFunc(out, func(a, b sqQuotaJSON) int {
		switch {
		case a.QuotaCode < b.QuotaCode:
			return -1
		case a.QuotaCode > b.QuotaCode:
			return 1
		}
		return 0
	})
	return out
}

func sqError(code, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: msg}
}

// sqAllowed refuses every call when Service Quotas is turned off, as AWS
// does for a caller without servicequotas:* permissions.
func (c *call) sqAllowed() *apiError {
	if c.s.opts.ServiceQuotasOff {
		return sqError("AccessDeniedException", fmt.Sprintf("User: arn:aws:iam::%s:user/sandbox is not authorized to perform: servicequotas:%s", Account, c.op))
	}
	return nil
}

func sqServiceCode(code string) *apiError {
	switch {
	case code == "":
		return sqError("IllegalArgumentException", "ServiceCode is required")
	case code != "connect":
		return sqError("NoSuchResourceException", "The request failed because the specified service does not exist.")
	}
	return nil
}

func sqGetQuota(c *call, defaults bool) (any, *apiError) {
	if e := c.sqAllowed(); e != nil {
		return nil, e
	}
	var in struct {
		ServiceCode string
		QuotaCode   string
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if e := sqServiceCode(in.ServiceCode); e != nil {
		return nil, e
	}
	if !sqCodePattern.MatchString(in.QuotaCode) {
		return nil, sqError("IllegalArgumentException", "QuotaCode must satisfy regular expression pattern: [a-zA-Z][a-zA-Z0-9-]{1,128}")
	}
	for _, q := range c.s.connectQuotas(defaults) {
		if q.QuotaCode == in.QuotaCode {
			return map[string]any{"Quota": q}, nil
		}
	}
	return nil, sqError("NoSuchResourceException", "The request failed because the specified quota does not exist.")
}

func sqGetServiceQuota(c *call) (any, *apiError)        { return sqGetQuota(c, false) }
func sqGetDefaultServiceQuota(c *call) (any, *apiError) { return sqGetQuota(c, true) }

// sqListServiceQuotas pages through the applied quotas, up to MaxResults
// (1-100, default 100) a page; the token is the index of the next quota.
func sqListServiceQuotas(c *call) (any, *apiError) {
	if e := c.sqAllowed(); e != nil {
		return nil, e
	}
	var in struct {
		ServiceCode string
		QuotaCode   string
		NextToken   string
		MaxResults  *int
	}
	if e := c.decode(&in); e != nil {
		return nil, e
	}
	if e := sqServiceCode(in.ServiceCode); e != nil {
		return nil, e
	}
	max := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, sqError("IllegalArgumentException", "MaxResults must be between 1 and 100")
		}
		max = *in.MaxResults
	}
	all := c.s.connectQuotas(false)
	if in.QuotaCode != "" {
		all = slices.DeleteFunc(all, func(q sqQuotaJSON) bool { return q.QuotaCode != in.QuotaCode })
	}
	from := 0
	if in.NextToken != "" {
		n, err := strconv.Atoi(in.NextToken)
		if err != nil || n < 0 || n > len(all) {
			return nil, sqError("InvalidPaginationTokenException", "Invalid pagination token")
		}
		from = n
	}
	to := min(from+max, len(all))
	out := map[string]any{"Quotas": all[from:to]}
	if to < len(all) {
		out["NextToken"] = strconv.Itoa(to)
	}
	return out, nil
}

// IsConnectOperation says whether the sandbox serves a Connect operation of
// that name (for --quota).
func IsConnectOperation(op string) bool {
	_, ok := connectOps[op]
	return ok
}
