package importer

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/connect"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// benchImport imports rows into a sandbox at sandboxScale with a client at
// clientScale, and reports the CreateUser rate achieved against a
// reference rate.
func benchImport(b *testing.B, rows, sandboxScale, clientScale float64, reference string) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sb := startSandbox(b, sandbox.Options{RateScale: sandboxScale, UserQuota: int(rows) + 10})
		dir := b.TempDir()
		input := writeAgents(b, dir, agents(fmt.Sprintf("bench%d-", i), int(rows)))
		clients := sandboxClients(b, sb, clientScale)
		b.StartTimer()
		res, err := Import(context.Background(), context.Background(),
			Config{Input: input, InstanceID: sb.InstanceID(), Concurrency: 32}, clients)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Counts[report.Created] != int(rows) {
			b.Fatalf("counts %v: a row was not created", res.Counts)
		}
		achieved := res.Stats.CreateRate()
		configured := res.ConfiguredCreateRate
		sandboxRate := 2 * sandboxScale
		b.ReportMetric(achieved, "creates/s")
		b.ReportMetric(float64(res.Counts[report.Failed]), "failed-rows")
		b.ReportMetric(float64(sb.Calls()["Connect.CreateUser"].Throttled), "throttled-calls")
		switch reference {
		case "configured":
			b.ReportMetric(achieved/configured, "achieved/configured")
		case "sandbox":
			b.ReportMetric(achieved/sandboxRate, "achieved/sandbox")
		}
	}
}

// BenchmarkThroughput: 1,000 rows with the client and the sandbox at the
// same rate scale (25: CreateUser at 50/s). Target: achieved/configured ≥
// 0.95, no failed row.
//
//	go test -run '^$' -bench Throughput -benchtime 1x ./importer/
func BenchmarkThroughput(b *testing.B) {
	benchImport(b, 1000, 25, 25, "configured")
}

// BenchmarkAdaptation: the client believes in twice the sandbox's rate.
// Target: no failed row, achieved/sandbox ≥ 0.85.
//
//	go test -run '^$' -bench Adaptation -benchtime 1x ./importer/
func BenchmarkAdaptation(b *testing.B) {
	benchImport(b, 1000, 25, 50, "sandbox")
}

// BenchmarkAdaptationTenfold: the client believes in ten times the
// sandbox's rate (100/s against 10/s).
//
//	go test -run '^$' -bench AdaptationTenfold -benchtime 1x ./importer/
func BenchmarkAdaptationTenfold(b *testing.B) {
	benchImport(b, 200, 5, 50, "sandbox")
}

// firstCreate snapshots the sandbox's call counts when the first
// CreateUser is sent.
type firstCreate struct {
	ConnectAPI
	sb    *sandbox.Sandbox
	once  sync.Once
	calls map[string]sandbox.CallCount
}

func (f *firstCreate) CreateUser(ctx context.Context, in *connect.CreateUserInput, optFns ...func(*connect.Options)) (*connect.CreateUserOutput, error) {
	f.once.Do(func() { f.calls = f.sb.Calls() })
	return f.ConnectAPI.CreateUser(ctx, in, optFns...)
}

// BenchmarkPreflight: the read calls made before the first CreateUser, with
// 20,000 users in the instance and a 1,000-row file. Target: ≤ 30.
//
//	go test -run '^$' -bench Preflight -benchtime 1x ./importer/
func BenchmarkPreflight(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sb := startSandbox(b, sandbox.Options{Unlimited: true, UserQuota: 30000})
		seed := make([]sandbox.ConnectUser, 20000)
		for j, a := range agents("existing", 20000) {
			seed[j] = sandbox.ConnectUser{Username: a.Login, FirstName: "E", LastName: "X"}
		}
		if err := sb.AddConnectUsers(seed...); err != nil {
			b.Fatal(err)
		}
		// Half the file exists, half is new.
		rows := append(agents("existing", 500), agents("new", 500)...)
		input := writeAgents(b, b.TempDir(), rows)
		clients := sandboxClients(b, sb, 1000)
		counter := &firstCreate{ConnectAPI: clients.Connect, sb: sb}
		clients.Connect = counter
		sb.ResetCalls()
		b.StartTimer()
		res, err := Import(context.Background(), context.Background(),
			Config{Input: input, InstanceID: sb.InstanceID()}, clients)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Counts[report.Created] != 500 || res.Counts[report.Exists] != 500 {
			b.Fatalf("counts %v", res.Counts)
		}
		reads := 0
		for op, c := range counter.calls {
			if op != "Connect.CreateUser" {
				reads += c.Sent
			}
		}
		b.ReportMetric(float64(reads), "read-calls")
		b.ReportMetric(float64(counter.calls["Connect.ListUsers"].Sent), "ListUsers-pages")
	}
}

// benchBound imports rows into a sandbox (opts) with clients at
// clientScale (0: no --rate-scale, so Service Quotas gives the rates) and
// reports CreateUser's time against the bound (N - burst) / rate, where
// rate is the sandbox's enforced CreateUser rate and burst the client's
// (defaultBurst): bound/actual of 1 is as fast as that rate allows.
func benchBound(b *testing.B, rows int, opts sandbox.Options, clientScale float64) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		opts.UserQuota = rows + 10
		sb := startSandbox(b, opts)
		rate, _ := sb.Rate("Connect", "CreateUser")
		input := writeAgents(b, b.TempDir(), agents(fmt.Sprintf("bound%d-", i), rows))
		var clients *Clients
		if clientScale > 0 {
			clients = sandboxClients(b, sb, clientScale)
		} else {
			c, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: sb.URL(),
				StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(c.CloseIdleConnections)
			clients = c
		}
		b.StartTimer()
		res, err := Import(context.Background(), context.Background(),
			Config{Input: input, InstanceID: sb.InstanceID(), Concurrency: 32}, clients)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Counts[report.Created] != rows {
			b.Fatalf("counts %v: a row was not created", res.Counts)
		}
		bound := float64(rows-DefaultBurst) / rate
		lim := clients.Limits.For("Connect.CreateUser")
		b.ReportMetric(bound/res.Stats.CreateSpan.Seconds(), "achieved/bound")
		b.ReportMetric(res.Stats.CreateRate()/rate, "achieved/sandbox-rate")
		b.ReportMetric(float64(res.Counts[report.Failed]), "failed-rows")
		b.ReportMetric(float64(lim.Throttles()), "throttles")
		b.ReportMetric(float64(lim.EdgeThrottles()), "edge-throttles")
		if clientScale == 0 {
			b.Logf("CreateUser rate used %.2f/s (%s); sandbox enforces %.2f/s", lim.Configured(), res.Rates.Of("Connect.CreateUser").Source, rate)
		}
	}
}

// BenchmarkBoundDefaultRate: 300 rows at the default CreateUser rate (2/s)
// with 50 ms of latency. Target: achieved/bound ≥ 0.99, no failed row.
//
//	go test -run '^$' -bench BoundDefaultRate -benchtime 1x ./importer/
func BenchmarkBoundDefaultRate(b *testing.B) {
	benchBound(b, 300, sandbox.Options{Latency: 50 * time.Millisecond}, 1)
}

// BenchmarkBoundScale10 and BenchmarkBoundScale25: 1,000 rows with the
// client and the sandbox at rate scale 10 (20/s) and 25 (50/s). Target:
// achieved/bound ≥ 0.99, no failed row.
//
//	go test -run '^$' -bench 'BoundScale' -benchtime 1x ./importer/
func BenchmarkBoundScale10(b *testing.B) {
	benchBound(b, 1000, sandbox.Options{RateScale: 10}, 10)
}

func BenchmarkBoundScale25(b *testing.B) {
	benchBound(b, 1000, sandbox.Options{RateScale: 25}, 25)
}

// BenchmarkServiceQuotasRaised: the sandbox's Service Quotas answers 5
// times the default CreateUser rate (10/s) and the client is given no
// --rate-scale. Target: achieved/sandbox-rate ≥ 0.95.
//
//	go test -run '^$' -bench ServiceQuotasRaised -benchtime 1x ./importer/
func BenchmarkServiceQuotasRaised(b *testing.B) {
	benchBound(b, 300, sandbox.Options{Quotas: map[string]float64{"CreateUser": 10}}, 0)
}
