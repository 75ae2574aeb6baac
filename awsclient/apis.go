package awsclient

import "strings"

// Uses says which kinds of change call an API.
type Uses uint32

const (
	Read                Uses = 1 << iota // the snapshot and the plan (every command)
	Create                               // import: a new agent
	UpdateIdentity                       // import --update: names, emails, mobile
	UpdateRouting                        // the routing profile
	UpdateSecurity                       // the security profiles
	UpdateHierarchy                      // the hierarchy group
	UpdatePhone                          // the phone settings
	UpdateConfig                         // the per-channel settings
	UpdateTags                           // the tags
	UpdateProficiencies                  // the proficiencies
	Delete                               // remove
	IdentityCenter                       // the Identity Center side (--sso)
	RatesLookup                          // Service Quotas itself
	Hierarchy                            // the hierarchy groups a file names (--create-hierarchy)
	Resiliency                           // Global Resiliency: a traffic distribution group (--traffic-distribution-group)

	// Update is every aspect of an update.
	Update = UpdateIdentity | UpdateRouting | UpdateSecurity | UpdateHierarchy | UpdatePhone |
		UpdateConfig | UpdateTags | UpdateProficiencies
)

// API is one AWS operation the tool calls: the limiter that paces it, its
// default rate, where Service Quotas holds the account's rate, and which
// kinds of change call it.
type API struct {
	Service   string // the SDK's service id: "Connect", "identitystore", "SSO Admin", "Service Quotas"
	Operation string
	// Key names the limiter (and the rate the summary reports): each
	// Connect API has its own bucket; the Identity Store's and SSO Admin's
	// are shared by all their operations.
	Key string
	// Rate is the documented default, per second (0: not paced); Burst the
	// bucket's depth.
	Rate  float64
	Burst int
	// QuotaCode is the documented code of the API's rate quota in Service
	// Quotas (ServiceCode "connect"); when it is "" and QuotaName is set,
	// the quota is found by that name in ListServiceQuotas. Neither: the
	// rate is not in Service Quotas (IAM Identity Center publishes its
	// throttle, about 20/s, as a fixed limit) and the default holds.
	QuotaCode string
	QuotaName string
	Uses      Uses
}

// APIs is the table of every AWS operation the tool calls. The limiters,
// their default rates and the Service Quotas look-ups are derived from it:
// adding an API is one line here (TestAPITableCoversTheClients checks that
// every method of the client interfaces has its line).
//
// Rates and codes: Connect's documented defaults (2/s and burst 5 unless
// said; the reads of users and groups 10/s); the proficiency, quick connect,
// per-aspect update, hierarchy structure and group creation, and traffic
// distribution group APIs are assumed 2/s until Service Quotas says
// otherwise (found there by name, "Rate of CreateUserHierarchyGroup API
// requests").
var APIs = []API{
	connectAPI("DescribeInstance", 2, "L-D14CF86E", Read),
	connectAPI("ListUsers", 10, "L-CCC38177", Read),
	connectAPI("SearchUsers", 2, "L-E2C35CCE", Read),
	connectAPI("DescribeUser", 10, "L-EE6F0D82", Read|Update),
	connectAPI("ListRoutingProfiles", 10, "L-30929A21", Read),
	connectAPI("ListSecurityProfiles", 2, "L-A408782D", Read),
	connectAPI("ListUserHierarchyGroups", 10, "L-E6DB6D6D", Read),
	connectAPI("DescribeUserHierarchyGroup", 10, "L-50D07AB9", Read),
	connectAPI("ListPredefinedAttributes", 2, "", Read),
	connectAPI("DescribePredefinedAttribute", 2, "", Read),
	connectAPI("ListUserProficiencies", 2, "", Read|UpdateProficiencies),
	connectAPI("CreateUser", 2, "L-CBDEE3E4", Create),
	connectAPI("AssociateUserProficiencies", 2, "", Create|UpdateProficiencies),
	connectAPI("UpdateUserProficiencies", 2, "", UpdateProficiencies),
	connectAPI("DisassociateUserProficiencies", 2, "", UpdateProficiencies),
	connectAPI("UpdateUserIdentityInfo", 2, "", UpdateIdentity),
	connectAPI("UpdateUserRoutingProfile", 2, "", UpdateRouting),
	connectAPI("UpdateUserSecurityProfiles", 2, "", UpdateSecurity),
	connectAPI("UpdateUserHierarchy", 2, "L-AEAF5C4B", UpdateHierarchy),
	connectAPI("UpdateUserPhoneConfig", 2, "", UpdatePhone),
	connectAPI("UpdateUserConfig", 2, "", UpdateConfig),
	connectAPI("TagResource", 2, "L-EA358306", UpdateTags),
	connectAPI("UntagResource", 2, "", Create|UpdateTags), // Create: the creation tag (importer/creation.go)
	connectAPI("ListQuickConnects", 2, "", Delete),
	connectAPI("DescribeQuickConnect", 2, "", Delete),
	connectAPI("DeleteQuickConnect", 2, "", Delete),
	connectAPI("DeleteUser", 2, "", Delete),
	connectAPI("DescribeUserHierarchyStructure", 2, "", Hierarchy),
	connectAPI("CreateUserHierarchyGroup", 2, "", Hierarchy),
	connectAPI("DescribeTrafficDistributionGroup", 2, "", Resiliency),
	connectAPI("ListTrafficDistributionGroupUsers", 2, "", Resiliency),
	connectAPI("AssociateTrafficDistributionGroupUser", 2, "", Resiliency),
	connectAPI("DisassociateTrafficDistributionGroupUser", 2, "", Resiliency),

	storeAPI("ListUsers", IdentityCenter),
	storeAPI("GetUserId", IdentityCenter),
	storeAPI("DescribeUser", IdentityCenter),
	storeAPI("CreateUser", IdentityCenter),
	storeAPI("UpdateUser", IdentityCenter),
	storeAPI("DeleteUser", IdentityCenter),
	storeAPI("GetGroupId", IdentityCenter),
	storeAPI("CreateGroup", IdentityCenter),
	storeAPI("ListGroupMemberships", IdentityCenter),
	storeAPI("ListGroupMembershipsForMember", IdentityCenter),
	storeAPI("GetGroupMembershipId", IdentityCenter),
	storeAPI("CreateGroupMembership", IdentityCenter),
	storeAPI("DeleteGroupMembership", IdentityCenter),
	ssoAdminAPI("ListInstances", IdentityCenter),
	ssoAdminAPI("ListApplicationAssignments", IdentityCenter),
	ssoAdminAPI("ListApplicationAssignmentsForPrincipal", IdentityCenter),
	ssoAdminAPI("CreateApplicationAssignment", IdentityCenter),

	// Service Quotas is asked once per run, with a few quick retries of
	// its own, and not paced.
	{Service: "Service Quotas", Operation: "GetServiceQuota", Uses: RatesLookup},
	{Service: "Service Quotas", Operation: "ListServiceQuotas", Uses: RatesLookup},
}

// DefaultBurst is the depth of every bucket: Connect documents 5.
const DefaultBurst = 5

func connectAPI(op string, rate float64, code string, uses Uses) API {
	return API{Service: "Connect", Operation: op, Key: "Connect." + op, Rate: rate, Burst: DefaultBurst,
		QuotaCode: code, QuotaName: "Rate of " + op + " API requests", Uses: uses}
}

// storeAPI: the Identity Store allows about 20/s per identity store, shared
// by every operation (the more cautious of the two published readings).
func storeAPI(op string, uses Uses) API {
	return API{Service: "identitystore", Operation: op, Key: "identitystore", Rate: 20, Burst: DefaultBurst, Uses: uses}
}

// ssoAdminAPI: SSO Admin's rate is not documented per operation.
func ssoAdminAPI(op string, uses Uses) API {
	return API{Service: "SSO Admin", Operation: op, Key: "SSO Admin", Rate: 20, Burst: DefaultBurst, Uses: uses}
}

// byOperation and byKey index the table.
var byOperation, byKey = func() (map[string]*API, map[string]*API) {
	ops, keys := map[string]*API{}, map[string]*API{}
	for i := range APIs {
		a := &APIs[i]
		ops[a.Service+"."+a.Operation] = a
		if _, ok := keys[a.Key]; !ok && a.Key != "" {
			keys[a.Key] = a
		}
	}
	return ops, keys
}()

// Lookup gives the table's line of an operation ("Connect",
// "UpdateUserRoutingProfile").
func Lookup(service, operation string) (API, bool) {
	a, ok := byOperation[service+"."+operation]
	if !ok {
		return API{}, false
	}
	return *a, true
}

// Key is the limiter key of an API named "Service.Operation" as the SDK
// names them ("Connect.CreateUser", "identitystore.GetUserId").
func Key(api string) string {
	service, op, _ := strings.Cut(api, ".")
	return limitKey(service, op)
}

// limitKey names the bucket an API call draws from: the table's key, or,
// for an operation the table lacks, its own.
func limitKey(service, operation string) string {
	if a, ok := byOperation[service+"."+operation]; ok && a.Key != "" {
		return a.Key
	}
	return service + "." + operation
}

// DefaultRate of a limiter key: the table's, or 2/s.
func DefaultRate(key string) float64 {
	if a, ok := byKey[key]; ok && a.Rate > 0 {
		return a.Rate
	}
	return 2
}

// KeysFor gives, once each, the limiter keys of the APIs that the kinds of
// change in uses call, in table order: what a run asks Service Quotas
// about and reports.
func KeysFor(uses Uses) []string {
	var keys []string
	seen := map[string]bool{}
	for _, a := range APIs {
		if a.Uses&uses == 0 || a.Key == "" || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		keys = append(keys, a.Key)
	}
	return keys
}

// quotaOf is where Service Quotas holds a key's rate: its code, or the
// name to find; both "" when it is not there.
func quotaOf(key string) (code, name string) {
	a, ok := byKey[key]
	if !ok {
		return "", ""
	}
	return a.QuotaCode, a.QuotaName
}
