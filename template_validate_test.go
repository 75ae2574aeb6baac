package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryTemplateValidates: every example the template command writes,
// for each identity type, with and without the extension columns, passes
// 'validate' for that identity type with no problem and no warning (a SAML
// one with --sso too); every bare template is refused only for having no
// rows, never for a column.
func TestEveryTemplateValidates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, id := range []string{"connect", "saml", "directory"} {
		for _, extended := range []bool{false, true} {
			for _, example := range []bool{false, true} {
				name := id
				args := []string{"template", "--identity", id}
				if extended {
					name += "-extended"
					args = append(args, "--extended")
				}
				if example {
					name += "-example"
					args = append(args, "--example")
				}
				path := filepath.Join(dir, name+".csv")
				args = append(args, "--out", path)
				var stdout, stderr bytes.Buffer
				if code := run(args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
					t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
				}
				checks := [][]string{{"validate", "--identity", id, "--format", "json", path}}
				if id == "saml" {
					checks = append(checks, []string{"validate", "--sso", "--format", "json", path})
				}
				for _, check := range checks {
					stdout.Reset()
					stderr.Reset()
					code := run(check, strings.NewReader(""), &stdout, &stderr)
					if !example {
						if code != exitUnusable || !strings.Contains(stdout.String(), "no data rows") {
							t.Errorf("%s: exit %d, want 2 for no data rows only; stdout %s stderr %s", strings.Join(check, " "), code, stdout.String(), stderr.String())
						}
						continue
					}
					var rep struct {
						Rows, Valid, Invalid int
						Problems, Warnings   []any
					}
					if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
						t.Fatalf("%s: exit %d, stdout %q: %v; stderr %s", strings.Join(check, " "), code, stdout.String(), err, stderr.String())
					}
					if code != exitOK || rep.Rows == 0 || rep.Invalid != 0 || len(rep.Problems) != 0 || len(rep.Warnings) != 0 {
						t.Errorf("%s: exit %d, report %s", strings.Join(check, " "), code, stdout.String())
					}
				}
			}
		}
	}
}
