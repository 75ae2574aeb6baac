package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// BenchmarkRemove500 removes 500 users (one in ten with a USER quick
// connect, one in five with an Identity Center user in the agents' group,
// deleted with --sso-delete-users) from a sandbox that enforces the default
// rates times removeBenchScale, and reports the run's time as a ratio to the
// DeleteUser bound (500 calls at 2/s times the scale). Acceptance: at most
// 1.1.
//
//	go test -run '^$' -bench BenchmarkRemove500 -benchtime 1x ./importer/
func BenchmarkRemove500(b *testing.B) {
	const users = 500
	for range b.N {
		b.StopTimer()
		sb := startSandbox(b, sandbox.Options{Identity: "SAML", RateScale: removeBenchScale})
		dir := b.TempDir()
		seedRemove(b, sb, dir, users)
		clients := sandboxClients(b, sb, removeBenchScale)
		b.StartTimer()
		res, err := Remove(context.Background(), context.Background(), RemoveConfig{
			Input: filepath.Join(dir, "leavers.csv"), InstanceID: sb.InstanceID(),
			IdentityCenter: IdentityCenterConfig{Discover: true}, DeleteIdentityCenterUsers: true,
		}, clients)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Counts[report.Deleted] != users || len(sb.ConnectUsers()) != 1 || len(sb.QuickConnects()) != 0 || len(sb.IdentityStoreUsers()) != 0 {
			b.Fatalf("not everything went: %v, %d users, %d quick connects, %d identity center users left",
				res.Counts, len(sb.ConnectUsers()), len(sb.QuickConnects()), len(sb.IdentityStoreUsers()))
		}
		bound := float64(users) / (2 * removeBenchScale)
		b.ReportMetric(res.Elapsed.Seconds()/bound, "x-bound")
		b.ReportMetric(res.DeletePhase.Seconds()/bound, "x-bound-deletes")
		b.ReportMetric(res.DeleteRate(), "deletes/s")
		b.ReportMetric(float64(res.DeleteThrottles), "throttles")
		b.Logf("%d users: %.2fs (DeleteUser bound %.2fs at %.0f/s), delete phase %.2fs, %d quick connects, %d identity center users deleted, %d throttles",
			users, res.Elapsed.Seconds(), bound, 2*removeBenchScale, res.DeletePhase.Seconds(), res.QuickConnectsDeleted, res.StoreUsersDeleted, res.DeleteThrottles)
	}
}

// removeBenchScale keeps BenchmarkRemove500 at about 25 s.
const removeBenchScale = 10.0

// seedRemove makes users agents, their quick connects and Identity Center
// users, and leavers.csv naming every one of them.
func seedRemove(tb testing.TB, sb *sandbox.Sandbox, dir string, n int) {
	tb.Helper()
	list := make([]sandbox.ConnectUser, n)
	var file strings.Builder
	file.WriteString("user login\n")
	for i := range list {
		list[i] = sandbox.ConnectUser{Username: fmt.Sprintf("leaver%04d", i), FirstName: "Leaving", LastName: fmt.Sprint(i)}
		file.WriteString(list[i].Username + "\n")
	}
	if err := sb.AddConnectUsers(list...); err != nil {
		tb.Fatal(err)
	}
	group, err := sb.AddGroup(DefaultSSOGroup)
	if err != nil {
		tb.Fatal(err)
	}
	for i, u := range sb.ConnectUsers() {
		if u.Username == "admin" {
			continue
		}
		if i%10 == 0 {
			if _, err := sb.AddUserQuickConnect("Transfer to "+u.Username, u.ID); err != nil {
				tb.Fatal(err)
			}
		}
		if i%5 == 0 {
			id, err := sb.AddIdentityStoreUser(sandbox.IdentityStoreUser{UserName: u.Username, DisplayName: u.Username, GivenName: "Leaving", FamilyName: u.Username})
			if err != nil {
				tb.Fatal(err)
			}
			if err := sb.AddMembership(group, id); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte(file.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkBoundDeleteUser: remove 200 users with the sandbox at --quota
// DeleteUser=20 and no --rate-scale (Service Quotas gives the rate), and
// report the DeleteUser calls beyond the first burst per second of their
// span, over that rate. Target: achieved/bound ≥ 0.99.
//
//	go test -run '^$' -bench BoundDeleteUser -benchtime 1x ./importer/
func BenchmarkBoundDeleteUser(b *testing.B) {
	const users = 200
	for range b.N {
		b.StopTimer()
		sb := startSandbox(b, sandbox.Options{Quotas: map[string]float64{"DeleteUser": 20}})
		dir := b.TempDir()
		var file strings.Builder
		file.WriteString("user login\n")
		list := make([]sandbox.ConnectUser, users)
		for i := range list {
			list[i] = sandbox.ConnectUser{Username: fmt.Sprintf("leaver%04d", i), FirstName: "Leaving", LastName: fmt.Sprint(i)}
			file.WriteString(list[i].Username + "\n")
		}
		if err := sb.AddConnectUsers(list...); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "leavers.csv"), []byte(file.String()), 0o600); err != nil {
			b.Fatal(err)
		}
		clients := sandboxClients(b, sb, 0)
		rate, _ := sb.Rate("Connect", "DeleteUser")
		span := WatchAPI(sb, "Connect.DeleteUser")
		b.StartTimer()
		res, err := Remove(context.Background(), context.Background(), RemoveConfig{
			Input: filepath.Join(dir, "leavers.csv"), InstanceID: sb.InstanceID()}, clients)
		b.StopTimer()
		sb.SetCountWatch(nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Counts[report.Deleted] != users {
			b.Fatalf("counts %v", res.Counts)
		}
		used := res.Rates.Of("Connect.DeleteUser")
		if used.Source != SourceServiceQuotas || used.PerSecond != rate {
			b.Fatalf("DeleteUser paced to %.2f/s (%s), the sandbox enforces %.2f/s", used.PerSecond, used.Source, rate)
		}
		c := sb.Calls()["Connect.DeleteUser"]
		b.ReportMetric(span.AchievedOverBound(c.Sent-c.Throttled, rate), "achieved/bound")
		b.ReportMetric(float64(c.Throttled), "throttles")
	}
}
