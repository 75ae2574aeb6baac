package sandbox

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
)

func quotasClient(t *testing.T, opts Options) (*Sandbox, *servicequotas.Client, string) {
	t.Helper()
	sb := New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	c := servicequotas.New(servicequotas.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("x", "x", ""), Retryer: aws.NopRetryer{}})
	return sb, c, srv.URL
}

func TestServiceQuotasReportsEnforcedRates(t *testing.T) {
	t.Parallel()
	sb, c, _ := quotasClient(t, Options{RateScale: 3, Quotas: map[string]float64{"CreateUser": 10}, UserQuota: 1234})
	ctx := context.Background()
	get := func(code string) float64 {
		t.Helper()
		out, err := c.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String(code)})
		if err != nil {
			t.Fatalf("GetServiceQuota %s: %v", code, err)
		}
		return aws.ToFloat64(out.Quota.Value)
	}
	if got, _ := sb.Rate("Connect", "CreateUser"); got != 10 || get("L-CBDEE3E4") != 10 {
		t.Errorf("CreateUser: enforced %v, reported %v, want 10 both", got, get("L-CBDEE3E4"))
	}
	// The others are the default times the scale.
	if got := get("L-EE6F0D82"); got != 30 {
		t.Errorf("DescribeUser reported %v, want 30", got)
	}
	if got := get(usersQuotaCode); got != 1234 {
		t.Errorf("users per instance %v, want 1234", got)
	}
	def, err := c.GetAWSDefaultServiceQuota(ctx, &servicequotas.GetAWSDefaultServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-CBDEE3E4")})
	if err != nil || aws.ToFloat64(def.Quota.Value) != 2 {
		t.Errorf("default CreateUser quota %+v, %v; want 2", def, err)
	}
	_, err = c.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-00000000")})
	if code := errorCode(t, err); code != "NoSuchResourceException" {
		t.Errorf("an unknown code: %v", err)
	}
	_, err = c.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("ec2"), QuotaCode: aws.String("L-CBDEE3E4")})
	if code := errorCode(t, err); code != "NoSuchResourceException" {
		t.Errorf("another service: %v", err)
	}

	// The listing pages and names every Connect API's rate quota.
	names := map[string]float64{}
	p := servicequotas.NewListServiceQuotasPaginator(c, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"), MaxResults: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListServiceQuotas: %v", err)
		}
		pages++
		for _, q := range page.Quotas {
			names[aws.ToString(q.QuotaName)] = aws.ToFloat64(q.Value)
		}
	}
	if pages < 2 || names["Rate of DeleteUser API requests"] != 6 || names["Rate of CreateUser API requests"] != 10 || names["Users per instance"] != 1234 {
		t.Errorf("%d pages, quotas %v", pages, names)
	}
}

func TestServiceQuotasOff(t *testing.T) {
	t.Parallel()
	_, c, _ := quotasClient(t, Options{ServiceQuotasOff: true})
	ctx := context.Background()
	_, err := c.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String("L-CBDEE3E4")})
	if code := errorCode(t, err); code != "AccessDeniedException" {
		t.Errorf("GetServiceQuota with Service Quotas off: %v", err)
	}
	_, err = c.ListServiceQuotas(ctx, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect")})
	if code := errorCode(t, err); code != "AccessDeniedException" {
		t.Errorf("ListServiceQuotas with Service Quotas off: %v", err)
	}
}

// TestIdentityStoreThrottle400: the form of throttling seen in real
// traffic: HTTP 400, ThrottlingException, "Rate exceeded".
func TestIdentityStoreThrottle400(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{IdentityStoreThrottle400: true}, false)
	ctx := context.Background()
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		_, err = c.store.ListUsers(ctx, &identitystore.ListUsersInput{IdentityStoreId: aws.String(c.sb.IdentityStoreID())})
	}
	if code := errorCode(t, err); code != "ThrottlingException" || !containsFold(err.Error(), "Rate exceeded") || !containsFold(err.Error(), "StatusCode: 400") {
		t.Errorf("throttled Identity Store call: %v, want HTTP 400 ThrottlingException Rate exceeded", err)
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TestQuotaSetsEnforcedAndReported: --quota API=RATE sets, for each Connect
// API the tool calls (the per-aspect updates, the proficiency APIs, the
// deletes included), both the rate the sandbox enforces and the one Service
// Quotas reports under AWS's name "Rate of <API> API requests".
func TestQuotaSetsEnforcedAndReported(t *testing.T) {
	t.Parallel()
	ops := []string{"UpdateUserRoutingProfile", "UpdateUserSecurityProfiles", "UpdateUserHierarchy", "UpdateUserPhoneConfig",
		"UpdateUserConfig", "UpdateUserIdentityInfo", "TagResource", "UntagResource", "AssociateUserProficiencies",
		"UpdateUserProficiencies", "DisassociateUserProficiencies", "ListUserProficiencies", "DeleteUser",
		"ListQuickConnects", "DescribeQuickConnect", "DeleteQuickConnect", "ListPredefinedAttributes", "DescribePredefinedAttribute"}
	quotas := map[string]float64{}
	for i, op := range ops {
		quotas[op] = float64(11 + i)
	}
	sb, c, _ := quotasClient(t, Options{Quotas: quotas})
	reported := map[string]float64{}
	p := servicequotas.NewListServiceQuotasPaginator(c, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect")})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range page.Quotas {
			reported[aws.ToString(q.QuotaName)] = aws.ToFloat64(q.Value)
		}
	}
	for _, op := range ops {
		enforced, _ := sb.Rate("Connect", op)
		if got := reported["Rate of "+op+" API requests"]; enforced != quotas[op] || got != quotas[op] {
			t.Errorf("%s: enforced %v, reported %v, want %v both", op, enforced, got, quotas[op])
		}
	}
}
