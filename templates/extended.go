package templates

import "strings"

// ExtensionHeader is the extension columns (proficiencies and per-channel
// settings, see the README), in the order `template --extended` writes them.
const ExtensionHeader = "proficiencies,chat auto accept (yes/no),task auto accept (yes/no),email auto accept (yes/no)," +
	"chat acw timeout (seconds),task acw timeout (seconds),email acw timeout (seconds)," +
	"callback auto accept (yes/no),callback acw timeout (seconds),persistent connection (yes/no)," +
	"voice enhancement (isolation/suppression/none)"

// extensionExamples are example cells for the extension columns, one set per
// example row in turn (against the sandbox's predefined attributes).
var extensionExamples = []string{
	"Language|English|4||Skill|Billing|2,yes,no,no,60,120,300,no,15,yes,isolation",
	"Language|Spanish|5||Skill|Technical|3,no,yes,,30,,,,,no,suppression",
	"Language|French|3,,,,,,,,,,none",
}

// Extended adds the extension columns to a template (Header or Example):
// the header gets them, and each example row the example cells.
func Extended(data []byte) []byte {
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
			b.WriteString("," + ExtensionHeader)
		} else {
			b.WriteString("," + extensionExamples[row%len(extensionExamples)])
			row++
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
