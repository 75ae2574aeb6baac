package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/report"
	"github.com/bulkagents/bulkagents/sandbox"
)

// behindListing is a proxy in front of the sandbox whose ListUsers and
// SearchUsers show no user made after it started, until searches of them
// have been asked searchLag times, and whose DescribeUser answers
// ResourceNotFound the first describeLag times: a listing and a read
// further behind the writes than the sandbox's own lag makes them.
func behindListing(t *testing.T, sb *sandbox.Sandbox, searchLag, describeLag int32) *httptest.Server {
	t.Helper()
	target, err := url.Parse(sb.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	var searches, describes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/users-summary/"):
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"UserSummaryList":[]}`)
		case r.URL.Path == "/search-users" && searches.Add(1) <= searchLag:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"Users":[],"ApproximateTotalCount":0}`)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/users/") && describes.Add(1) <= describeLag:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"Message":"User not found"}`)
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestUpdateWhileListingAndDescribeLag: import --update of a user that
// exists but that neither the listing nor (at first) DescribeUser shows:
// CreateUser's duplicate says it exists, the search is asked again until it
// finds it, DescribeUser again until it answers, and the change is made.
func TestUpdateWhileListingAndDescribeLag(t *testing.T) {
	t.Parallel()
	sb := startSandbox(t, sandbox.Options{Unlimited: true})
	routing, security := profileIDs(t, sb)
	if err := sb.AddConnectUsers(sandbox.ConnectUser{Username: "late", FirstName: "Late", LastName: "Comer",
		RoutingProfileID: routing["Basic Routing Profile"], SecurityProfileIDs: []string{security["Agent"]}}); err != nil {
		t.Fatal(err)
	}
	input := writeUpdateRows(t, t.TempDir(), "agents.csv", []updateRow{{First: "Late", Last: "Comer", Login: "late",
		Routing: "Sales Routing Profile", Security: "Agent", PhoneType: "soft"}})
	proxy := behindListing(t, sb, 2, 2)
	clients, err := NewClients(context.Background(), AWSConfig{Region: "us-east-1", EndpointURL: proxy.URL, RateScale: 1000,
		StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(clients.CloseIdleConnections)
	res, err := Import(context.Background(), context.Background(), Config{Input: input, InstanceID: sb.InstanceID(), Update: true, LagBackoff: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}}, clients)
	if err != nil {
		t.Fatal(err)
	}
	o := res.Outcomes[0]
	u := usersByName(t, sb)["late"]
	switch {
	case o.Status != report.Updated || o.ConnectUserID != u.ID:
		t.Errorf("outcome %s %q, id %q; want updated, id %q", o.Status, o.Error, o.ConnectUserID, u.ID)
	case u.RoutingProfileID != routing["Sales Routing Profile"]:
		t.Errorf("the user's routing profile is %s, want Sales Routing Profile's", u.RoutingProfileID)
	case len(sb.ConnectUsers()) != 2:
		t.Errorf("the sandbox holds %d users, want 2", len(sb.ConnectUsers()))
	}
}
