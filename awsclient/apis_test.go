package awsclient

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAPITableCoversTheClients: every SDK operation that a client
// interface of the engine names (a method taking a *connect.XInput,
// *identitystore.XInput, ...) has its line in APIs, so that it is paced by
// the table's limiter and its rate is looked up.
func TestAPITableCoversTheClients(t *testing.T) {
	t.Parallel()
	method := regexp.MustCompile(`\b([A-Z]\w+)\(ctx context\.Context, in \*(connect|identitystore|ssoadmin|servicequotas)\.([A-Z]\w+)Input`)
	services := map[string]string{"connect": "Connect", "identitystore": "identitystore", "ssoadmin": "SSO Admin", "servicequotas": "Service Quotas"}
	found := 0
	for _, dir := range []string{".", "../importer"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range method.FindAllStringSubmatch(string(src), -1) {
				found++
				if m[1] != m[3] {
					continue
				}
				if _, ok := Lookup(services[m[2]], m[1]); !ok {
					t.Errorf("%s: %s.%s is not in APIs", f, m[2], m[1])
				}
			}
		}
	}
	if found < 40 {
		t.Fatalf("found %d client methods: the pattern no longer matches the interfaces", found)
	}
}

// TestAPITableKeys: every line has a limiter key whose default rate is its
// own (lines sharing a key share a rate), and Connect's have a quota to
// look up.
func TestAPITableKeys(t *testing.T) {
	t.Parallel()
	for _, a := range APIs {
		if a.Service == "Service Quotas" {
			continue
		}
		if a.Key == "" || DefaultRate(a.Key) != a.Rate || a.Burst <= 0 {
			t.Errorf("%s.%s: key %q rate %v (the key's %v) burst %d", a.Service, a.Operation, a.Key, a.Rate, DefaultRate(a.Key), a.Burst)
		}
		if a.Service == "Connect" && a.QuotaCode == "" && a.QuotaName == "" {
			t.Errorf("%s: no quota to look up", a.Key)
		}
		if got := limitKey(a.Service, a.Operation); got != a.Key {
			t.Errorf("%s.%s is paced by %q, not its key %q", a.Service, a.Operation, got, a.Key)
		}
	}
}
