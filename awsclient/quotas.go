package awsclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/servicequotas"
	sqtypes "github.com/aws/aws-sdk-go-v2/service/servicequotas/types"
	"github.com/aws/smithy-go"
)

// ServiceQuotasAPI is the part of Service Quotas that reading the account's
// rates needs. *servicequotas.Client satisfies it.
type ServiceQuotasAPI interface {
	GetServiceQuota(ctx context.Context, in *servicequotas.GetServiceQuotaInput, optFns ...func(*servicequotas.Options)) (*servicequotas.GetServiceQuotaOutput, error)
	ListServiceQuotas(ctx context.Context, in *servicequotas.ListServiceQuotasInput, optFns ...func(*servicequotas.Options)) (*servicequotas.ListServiceQuotasOutput, error)
}

// DefaultUsersQuota is Amazon Connect's default users-per-instance quota.
const DefaultUsersQuota = 500

// UsersQuotaCode is the code of Connect's "Users per instance" quota.
const UsersQuotaCode = "L-9A46857E"

// Where a rate came from.
const (
	SourceServiceQuotas = "service-quotas" // the account's applied quota
	SourceDefault       = "default"        // the documented default
	SourceRateScale     = "rate-scale"     // the default times --rate-scale
)

// RateUsed is the rate one API is paced to, and where it came from.
type RateUsed struct {
	API       string  `json:"api"`
	PerSecond float64 `json:"per_second"`
	Source    string  `json:"source"`
	QuotaCode string  `json:"quota_code,omitempty"`
}

// Rates is what the run learned of its quotas: one rate per API, the
// users-per-instance quota, and a line to show when Service Quotas could
// not be used.
type Rates struct {
	APIs             []RateUsed `json:"apis"`
	UsersQuota       int        `json:"users_quota"`
	UsersQuotaSource string     `json:"users_quota_source"`
	// Note says, in one line, that Service Quotas was refused or silent
	// and the defaults are used; "" when it answered.
	Note string `json:"note,omitempty"`
	// NoteShown: the note was written when the rates were set, before
	// the first call of the run, so the summary need not repeat it.
	NoteShown bool `json:"-"`
}

// Of returns the rate used for an API (the zero RateUsed when unknown).
func (r *Rates) Of(api string) RateUsed {
	if r == nil {
		return RateUsed{}
	}
	for _, u := range r.APIs {
		if u.API == api {
			return u
		}
	}
	return RateUsed{}
}

// quotaLookupTimeout bounds the whole look-up: a silent Service Quotas must
// not hold the run up.
const quotaLookupTimeout = 10 * time.Second

// ConfigureRates sets the rate of each API in apis for the run (import,
// export and remove call it once, before their first paced call): the
// default times --rate-scale when that was given, otherwise the account's
// applied quota from Service Quotas (one GetServiceQuota per API with a
// known code, one ListServiceQuotas for the others), falling back to the
// documented default where Service Quotas refuses or does not list it. It
// also reads the users-per-instance quota. It never fails: a refusal is a
// note, and the defaults hold. note, when not nil, gets the note's line.
func (c *Clients) ConfigureRates(ctx context.Context, apis []string, note io.Writer) *Rates {
	r := &Rates{UsersQuota: DefaultUsersQuota, UsersQuotaSource: SourceDefault}
	if c.Limits == nil {
		return r
	}
	if c.rateScaleGiven || c.Quotas == nil {
		if c.Quotas != nil {
			// --rate-scale overrides the rates, not the users quota.
			ctx, cancel := context.WithTimeout(ctx, quotaLookupTimeout)
			if _, n, _ := lookupQuotas(ctx, c.Quotas, nil); n > 0 {
				r.UsersQuota, r.UsersQuotaSource = n, SourceServiceQuotas
			}
			cancel()
		}
		for _, api := range apis {
			src := SourceDefault
			if c.rateScaleGiven {
				src = SourceRateScale
			}
			r.APIs = append(r.APIs, RateUsed{API: api, PerSecond: c.Limits.For(api).Configured(), Source: src})
		}
		c.rates = r
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, quotaLookupTimeout)
	defer cancel()
	found, usersQuota, err := lookupQuotas(ctx, c.Quotas, apis)
	if usersQuota > 0 {
		r.UsersQuota, r.UsersQuotaSource = usersQuota, SourceServiceQuotas
	}
	for _, api := range apis {
		u := RateUsed{API: api, Source: SourceDefault}
		if q, ok := found[api]; ok && q.value > 0 {
			c.Limits.SetRate(api, q.value)
			u.Source, u.QuotaCode = SourceServiceQuotas, q.code
		}
		u.PerSecond = c.Limits.For(api).Configured()
		r.APIs = append(r.APIs, u)
	}
	if err != nil {
		r.Note = "rates: Service Quotas " + quotaErrorWords(err) + ": using the documented default rates " +
			"(allow servicequotas:GetServiceQuota and servicequotas:ListServiceQuotas" + c.ratesFix + ")"
		if ue := (*UnreachableError)(nil); errors.As(err, &ue) {
			// Not a permission: the network, which the next call may show too.
			r.Note = "rates: Service Quotas: " + ue.Error() + ": using the documented default rates"
		}
		if note != nil {
			fmt.Fprintln(note, r.Note)
			r.NoteShown = true
		}
	}
	c.rates = r
	return r
}

// quotaErrorWords says briefly why Service Quotas did not answer.
func quotaErrorWords(err error) string {
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae) && ae.ErrorCode() == "AccessDeniedException":
		return "refused (AccessDeniedException)"
	case errors.As(err, &ae):
		return "answered " + ae.ErrorCode()
	case errors.Is(err, context.DeadlineExceeded):
		return "did not answer in time"
	}
	return "could not be reached"
}

type quotaValue struct {
	code  string
	value float64
}

// lookupQuotas asks Service Quotas, at once, for the applied quota of each
// API with a known code and for the users quota, then lists the service's
// quotas once if an API has no known code. A quota Service Quotas does not
// have (NoSuchResourceException) is simply missing; the first other error
// is returned with whatever was found.
func lookupQuotas(ctx context.Context, sq ServiceQuotasAPI, apis []string) (map[string]quotaValue, int, error) {
	found := map[string]quotaValue{}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	var unknown []string
	usersQuota := 0
	get := func(key, code string) {
		defer wg.Done()
		out, err := sq.GetServiceQuota(ctx, &servicequotas.GetServiceQuotaInput{ServiceCode: aws.String("connect"), QuotaCode: aws.String(code)})
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil && out.Quota != nil && out.Quota.Value != nil:
			if key == "" {
				usersQuota = int(*out.Quota.Value)
			} else {
				found[key] = quotaValue{code: code, value: perSecond(out.Quota)}
			}
		case err != nil && !isNoSuchQuota(err) && firstErr == nil:
			firstErr = err
		}
	}
	for _, api := range apis {
		code, name := quotaOf(api)
		switch {
		case code != "":
			wg.Add(1)
			go get(api, code)
		case name != "":
			unknown = append(unknown, api)
		}
	}
	wg.Add(1)
	go get("", UsersQuotaCode)
	wg.Wait()
	if len(unknown) == 0 || firstErr != nil {
		return found, usersQuota, firstErr
	}
	byName := map[string]string{}
	for _, api := range unknown {
		_, name := quotaOf(api)
		byName[strings.ToLower(name)] = api
	}
	p := servicequotas.NewListServiceQuotasPaginator(sq, &servicequotas.ListServiceQuotasInput{ServiceCode: aws.String("connect"), MaxResults: aws.Int32(100)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return found, usersQuota, err
		}
		for _, q := range page.Quotas {
			if q.QuotaName == nil || q.Value == nil || q.QuotaCode == nil {
				continue
			}
			if api, ok := byName[strings.ToLower(strings.TrimSpace(*q.QuotaName))]; ok {
				found[api] = quotaValue{code: *q.QuotaCode, value: perSecond(&q)}
			}
		}
	}
	return found, usersQuota, nil
}

// perSecond is a rate quota's value per second (rate quotas are reported
// per second; a period of another length is converted).
func perSecond(q *sqtypes.ServiceQuota) float64 {
	v := aws.ToFloat64(q.Value)
	if q.Period == nil || q.Period.PeriodValue == nil || *q.Period.PeriodValue <= 0 {
		return v
	}
	n := float64(*q.Period.PeriodValue)
	switch q.Period.PeriodUnit {
	case sqtypes.PeriodUnitMillisecond:
		return v * 1000 / n
	case sqtypes.PeriodUnitMinute:
		return v / (60 * n)
	case sqtypes.PeriodUnitHour:
		return v / (3600 * n)
	case sqtypes.PeriodUnitDay:
		return v / (86400 * n)
	case sqtypes.PeriodUnitWeek:
		return v / (7 * 86400 * n)
	}
	return v / n
}

func isNoSuchQuota(err error) bool { return Classify(err) == NotFound }
