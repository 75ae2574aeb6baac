package sandbox

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestSeedAsDocumented: the README's sandbox section names exactly the
// routing profiles, security profiles and hierarchy groups a new sandbox
// has.
func TestSeedAsDocumented(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i := strings.Index(readme, "### sandbox")
	if i < 0 {
		t.Fatal("README has no sandbox section")
	}
	section := readme[i:]
	section = section[:strings.Index(section, "\n## ")]
	var named []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(section, -1) {
		named = append(named, m[1])
	}
	sb := New(Options{})
	var seeded []string
	for _, r := range sb.routing {
		seeded = append(seeded, r.name)
	}
	for _, r := range sb.security {
		seeded = append(seeded, r.name)
	}
	for _, g := range sb.hierarchy {
		path := g.name
		for p := g.parent; p != nil; p = p.parent {
			path = p.name + " > " + path
		}
		if !slices.ContainsFunc(sb.hierarchy, func(c *hierarchyGroup) bool { return c.parent == g }) {
			seeded = append(seeded, path) // a leaf: its whole path is documented
		}
	}
	for _, name := range seeded {
		if !slices.Contains(named, name) {
			t.Errorf("the sandbox has %q; the README's sandbox section does not name it", name)
		}
	}
	for _, name := range named {
		if strings.HasSuffix(name, "Routing Profile") && !slices.Contains(seeded, name) {
			t.Errorf("the README names routing profile %q; the sandbox has none", name)
		}
	}
}
