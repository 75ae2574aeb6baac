package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// APISpan records, from the sandbox's side, when the calls of one API
// were received: the span from the first to the last is what the run spent
// on that API.
type APISpan struct {
	mu          sync.Mutex
	first, last time.Time
	sent        int
}

// WatchAPI starts recording the calls of key ("Connect.DeleteUser").
func WatchAPI(sb *sandbox.Sandbox, key string) *APISpan {
	s := &APISpan{}
	sb.SetCountWatch(func(op string, now sandbox.CallCount) {
		if op != key || now.Sent == s.sent {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t := time.Now()
		if s.first.IsZero() {
			s.first = t
		}
		s.last, s.sent = t, now.Sent
	})
	return s
}

// AchievedOverBound is the calls that went through beyond the first burst,
// per second of the span, over the sandbox's enforced rate: 1 is as fast as
// that rate allows.
func (s *APISpan) AchievedOverBound(ok int, perSecond float64) float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	span := s.last.Sub(s.first).Seconds()
	if span <= 0 {
		return 0
	}
	return float64(ok-DefaultBurst) / span / perSecond
}

// quotaClients are the clients of a run given no --rate-scale: Service
// Quotas gives the rates.
func quotaClientsOf(tb testing.TB, sb *sandbox.Sandbox) *Clients {
	tb.Helper()
	c, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: sb.URL(),
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.CloseIdleConnections)
	return c
}

// benchUpdateBound runs import --update of rows against a sandbox at
// quotas, with no --rate-scale, and reports achieved/bound of api. The
// reads that every changed row needs (DescribeUser, and the proficiency
// reads) are raised well above api's rate, so that api is the run's busiest
// API: at their defaults (10/s, 2/s) they, not api, would bound the run.
func benchUpdateBound(b *testing.B, api string, quotas map[string]float64, rows int, file func(fl *fleet, dir string) string) {
	for range b.N {
		b.StopTimer()
		fl := newFleet(b, sandbox.Options{Quotas: quotas}, rows)
		input := file(fl, b.TempDir())
		clients := quotaClientsOf(b, fl.sb)
		service, op, _ := strings.Cut(api, ".")
		rate, _ := fl.sb.Rate(service, op)
		span := WatchAPI(fl.sb, api)
		b.StartTimer()
		res, err := Import(context.Background(), context.Background(), Config{Input: input, InstanceID: fl.sb.InstanceID(),
			Update: true}, clients)
		b.StopTimer()
		fl.sb.SetCountWatch(nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Counts[report.Updated] != rows {
			b.Fatalf("counts %v, want %d updated", res.Counts, rows)
		}
		used := res.Rates.Of(api)
		if used.Source != SourceServiceQuotas || used.PerSecond != rate {
			b.Fatalf("%s paced to %.2f/s (%s), the sandbox enforces %.2f/s", api, used.PerSecond, used.Source, rate)
		}
		c := fl.sb.Calls()[api]
		b.ReportMetric(span.AchievedOverBound(c.Sent-c.Throttled, rate), "achieved/bound")
		b.ReportMetric(float64(c.Throttled), "throttles")
		b.Logf("%d %s calls at %.0f/s (%s)", c.Sent-c.Throttled, api, rate, used.Source)
	}
}

// BenchmarkBoundUpdateRoutingProfile: 200 routing-profile changes with the
// sandbox at --quota UpdateUserRoutingProfile=20 and no --rate-scale.
// Target: achieved/bound ≥ 0.99.
//
//	go test -run '^$' -bench BoundUpdateRoutingProfile -benchtime 1x ./importer/
func BenchmarkBoundUpdateRoutingProfile(b *testing.B) {
	benchUpdateBound(b, "Connect.UpdateUserRoutingProfile",
		map[string]float64{"UpdateUserRoutingProfile": 20, "DescribeUser": 200}, 200,
		func(fl *fleet, dir string) string {
			for i := range fl.rows {
				fl.rows[i].Routing = "Sales Routing Profile"
			}
			return writeUpdateRows(b, dir, "agents.csv", fl.rows)
		})
}

// BenchmarkBoundUpdateRoutingProfileFromPages: the same 200 changes from a
// file without email, secondary email and mobile columns, DescribeUser at
// its default rate: the plan comes from the SearchUsers pages, no row is
// described, and UpdateUserRoutingProfile alone bounds the run. Target:
// achieved/bound ≥ 0.99.
//
//	go test -run '^$' -bench BoundUpdateRoutingProfileFromPages -benchtime 1x ./importer/
func BenchmarkBoundUpdateRoutingProfileFromPages(b *testing.B) {
	benchUpdateBound(b, "Connect.UpdateUserRoutingProfile",
		map[string]float64{"UpdateUserRoutingProfile": 20}, 200,
		func(fl *fleet, dir string) string {
			for i := range fl.rows {
				fl.rows[i].Routing = "Sales Routing Profile"
			}
			return writePagedRows(b, dir, "agents.csv", fl.rows)
		})
}

// BenchmarkBoundAssociateUserProficiencies: 200 users given a proficiency
// by import --update, the sandbox at --quota AssociateUserProficiencies=20
// and no --rate-scale. Target: achieved/bound ≥ 0.99.
//
//	go test -run '^$' -bench BoundAssociateUserProficiencies -benchtime 1x ./importer/
func BenchmarkBoundAssociateUserProficiencies(b *testing.B) {
	benchUpdateBound(b, "Connect.AssociateUserProficiencies",
		map[string]float64{"AssociateUserProficiencies": 20, "DescribeUser": 200, "ListUserProficiencies": 200,
			"SearchUsers": 200, "ListPredefinedAttributes": 200, "DescribePredefinedAttribute": 200}, 200,
		func(fl *fleet, dir string) string {
			var s strings.Builder
			s.WriteString(templateHeader + ",proficiencies\n")
			for _, r := range fl.rows {
				s.WriteString(r.csv() + ",Language|English|4\n")
			}
			path := filepath.Join(dir, "agents.csv")
			if err := os.WriteFile(path, []byte(s.String()), 0o600); err != nil {
				b.Fatal(err)
			}
			return path
		})
}
