package templates

import "strings"

// extensionExamples are example cells for the extension columns, one set per
// example row in turn (against the sandbox's predefined attributes).
var extensionExamples = []string{
	"Language|English|4||Skill|Billing|2,yes,no,no,60,120,300,no,15,yes,isolation",
	"Language|Spanish|5||Skill|Technical|3,no,yes,,30,,,,,no,suppression",
	"Language|French|3,,,,,,,,,,none",
}

// Extended adds the extension columns to a template (Header or Example):
// the header gets them (header, the column table's extension columns:
// agentfile.ExtensionHeader), and each example row the example cells,
// which follow that order.
func Extended(data []byte, header []string) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	var b strings.Builder
	row := 0
	for i, l := range lines {
		if l == "" {
			continue
		}
		body := strings.TrimRight(l, "\r\n")
		b.WriteString(body)
		if i == 0 {
			b.WriteString("," + strings.Join(header, ","))
		} else {
			b.WriteString("," + extensionExamples[row%len(extensionExamples)])
			row++
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
