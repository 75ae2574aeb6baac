package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/templates"
)

// The extended example validates cleanly and fills in the extension columns.
func TestTemplateExtendedExampleValidates(t *testing.T) {
	t.Parallel()
	data := templates.Extended(templates.Example("connect"), agentfile.ExtensionHeader())
	if !strings.Contains(strings.SplitN(string(data), "\n", 2)[0], "proficiencies") {
		t.Fatalf("header lacks the extension columns: %s", data)
	}
	f, err := agentfile.Read(context.Background(), bytes.NewReader(data), agentfile.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	withProf := 0
	for _, c := range agentfile.Validate(f, agentfile.ValidateOptions{}) {
		if c.Agent == nil {
			t.Errorf("line %d: %+v", c.Row.Line, c.Problems)
			continue
		}
		if len(c.Agent.Proficiencies) > 0 && c.Agent.Channels != nil {
			withProf++
		}
	}
	if withProf == 0 {
		t.Errorf("no example row uses the extension columns")
	}
}
