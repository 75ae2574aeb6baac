package importer

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every Identity Store and SSO Admin operation the package calls is in the
// permission hint: a call added without its action fails here.
func TestIdentityCenterActionsListed(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`\b(identitystore|ssoadmin)\.(?:New)?([A-Z][A-Za-z]*?)(?:Input|Paginator)\b`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			service := "identitystore:"
			if m[1] == "ssoadmin" {
				service = "sso:"
			}
			found++
			if action := service + m[2]; !slices.Contains(identityCenterActions, action) {
				t.Errorf("%s calls %s, which the permission hint does not list", f, action)
			}
		}
	}
	if found == 0 {
		t.Fatal("no Identity Center call found: the pattern is wrong")
	}
	hint := identityCenterPermissionHint()
	for _, a := range identityCenterActions {
		if !strings.Contains(hint, a) {
			t.Errorf("the hint lacks %s", a)
		}
	}
}
