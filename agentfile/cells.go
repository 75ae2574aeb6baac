package agentfile

import (
	"sort"
	"strconv"
	"strings"
)

// The words the template's cells are written in, by kind: what export
// writes and the update's changes column shows, and what the reader takes
// back (validate.go, extension.go).

// enhancementWords are the voice enhancement modes as the column writes
// them (the reader also takes the API's names).
var enhancementWords = []struct{ word, mode string }{
	{"isolation", "VOICE_ISOLATION"},
	{"suppression", "NOISE_SUPPRESSION"},
	{"none", "NONE"},
}

// EnhancementWord is a voice enhancement mode as the column writes it:
// "" for no mode, the mode itself for one the template does not know.
func EnhancementWord(mode string) string {
	for _, w := range enhancementWords {
		if w.mode == mode {
			return w.word
		}
	}
	return mode
}

// KnownEnhancement says whether the template can write a voice
// enhancement mode.
func KnownEnhancement(mode string) bool { return EnhancementWord(mode) != mode || mode == "" }

// enhancementMode reads a voice enhancement cell: the column's words or
// the API's names, any case, spaces for underscores.
func enhancementMode(s string) (string, bool) {
	s = strings.ToLower(strings.ReplaceAll(s, " ", "_"))
	for _, w := range enhancementWords {
		if s == w.word || s == strings.ToLower(w.mode) {
			return w.mode, true
		}
	}
	return "", false
}

// YesNo is a setting as the yes/no columns write it.
func YesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func yesNoPtr(v *bool) string {
	if v == nil {
		return ""
	}
	return YesNo(*v)
}

func secondsPtr(v *int32) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(int(*v))
}

// PhoneWord is a phone type as the column writes it.
func PhoneWord(t string) string {
	switch t {
	case "DESK_PHONE":
		return "desk"
	case "SOFT_PHONE", "":
		return "soft"
	}
	return t
}

// TagsCell writes tags as key|value pairs joined by ||, sorted by key.
func TagsCell(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString("||")
		}
		b.WriteString(k + "|" + tags[k])
	}
	return b.String()
}

// ProficienciesCell writes attribute|value|level triples joined by ||,
// sorted.
func ProficienciesCell(ps []Proficiency) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, "||")
}
