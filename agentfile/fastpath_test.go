package agentfile

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// validEmailPlain is validEmail written as its rules read, the reference
// the one-pass version must agree with.
func validEmailPlain(s string) bool {
	if len(s) > maxEmail {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !emailLocalByte(local[i]) {
			return false
		}
	}
	labels := 0
	for label := range strings.SplitSeq(domain, ".") {
		labels++
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '-') {
				return false
			}
		}
	}
	if labels < 2 {
		return false
	}
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	if len(tld) < 2 || len(tld) > 63 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if b := tld[i]; !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
			return false
		}
	}
	return true
}

// emailLocalByte is a character the model's pattern allows before the @.
func emailLocalByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '.' || b == '_' || b == '%' || b == '+' || b == '-'
}

func TestValidEmailMatchesPlainRules(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []string{"jdoe@example.com", "a@b.co", "a@b.c", "a@b", ".a@b.co", "a.@b.co", "a..b@c.co",
		"a@-b.co", "a@b-.co", "a@b..co", "a@b.c0", "a@1.co", "a@b.co.", strings.Repeat("a", 64) + "@b.co",
		strings.Repeat("a", 65) + "@b.co", "a@" + strings.Repeat("b", 64) + ".co", "a@b." + strings.Repeat("c", 63),
		"a@b." + strings.Repeat("c", 64), "@b.co", "a@"} {
		if got, want := validEmail(s), validEmailPlain(s); got != want {
			t.Errorf("validEmail(%q) = %v, the rules say %v", s, got, want)
		}
	}
	// Addresses built as local@domain from pieces that are mostly right,
	// so that thousands pass and every rule is near its edge.
	piece := func(alphabet string, n int) string {
		var b strings.Builder
		for range rng.IntN(n) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	valid := 0
	for range 200_000 {
		s := piece("aZ7._+%-'", 6) + "@" + piece("aZ7-", 4) + "." + piece("aZ7-.", 3) + piece("aZ", 4)
		switch rng.IntN(4) {
		case 0:
			s = piece("aZ7.@-'", 12)
		case 1: // any byte, somewhere
			b := []byte(s)
			if len(b) > 0 {
				b[rng.IntN(len(b))] = byte(rng.IntN(256))
			}
			s = string(b)
		}
		got, want := validEmail(s), validEmailPlain(s)
		if got != want {
			t.Fatalf("validEmail(%q) = %v, the rules say %v", s, got, want)
		}
		if want {
			valid++
		}
	}
	if valid < 5_000 {
		t.Fatalf("only %d of the addresses tried are valid: the test tries too few", valid)
	}
}

// trim is strings.TrimSpace for any string.
func TestTrimIsTrimSpace(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", " ", "a", " a", "a ", "\ta\r\n", "\u00a0a", "a\u00a0", "\u0085", "é", "\x7f", "\x00a", "a\v", "\fa"} {
		if got, want := trim(s), strings.TrimSpace(s); got != want {
			t.Errorf("trim(%q) = %q, strings.TrimSpace %q", s, got, want)
		}
	}
}

// scanLine finds what separate searches find: every comma, and whether
// any byte is not ASCII.
func TestScanLineMatchesSearches(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte{'a', ',', ',', 0xc3, 0xa9, ' ', '\r', '\n', 0x7f, 0x80, 0xff, 0}
	for range 50_000 {
		b := make([]byte, rng.IntN(60))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		commas, ascii := scanLine(b, nil)
		var want []int32
		allASCII := true
		for i, c := range b {
			if c == ',' {
				want = append(want, int32(i))
			}
			allASCII = allASCII && c < utf8.RuneSelf
		}
		if !slices.Equal(commas, want) || ascii != allASCII {
			t.Fatalf("%q: commas %v, ascii %v; want %v, %v", b, commas, ascii, want, allASCII)
		}
	}
}

// A streamed validation reads its rows in place, each row's text
// overwritten by the rows after it (Scanner.transient), so what it keeps
// must be copied out. Over a file far longer than the reader's buffer,
// with a problem or warning of every kind on some rows, it says exactly
// what validating the file whole says, value for value.
func TestStreamedProblemsAreWholeProblems(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 10))
	odd := []struct {
		c Column
		v string
	}{
		{ColFirstName, ""}, {ColFirstName, strings.Repeat("n", 300)}, {ColFirstName, "Ann\x01"}, {ColFirstName, "Jose\u0301"},
		{ColFirstName, "Ren…"}, {ColLastName, " Doe "}, {ColLogin, ""}, {ColLogin, "j doe"}, {ColLogin, "a@b"},
		{ColLogin, strings.Repeat("l", 30)}, {ColLogin, "Administrator"}, {ColEmail, "no-at"}, {ColEmail, ""},
		{ColSecondaryEmail, "x@y"}, {ColSecondaryEmail, "(none)"}, {ColMobile, "4255550100"}, {ColMobile, "+1 425 555 0100"},
		{ColPassword, "short"}, {ColPassword, "Secr3tPass"}, {ColRoutingProfile, ""}, {ColSecurityProfiles, ""},
		{ColSecurityProfiles, "Agent|Agent"}, {ColSecurityProfiles, "Agent||QA"}, {ColHierarchy, "A||B"},
		{ColHierarchy, "A|B|C|D|E|F"}, {ColAgentHierarchy, "X|Y"}, {ColPhoneType, "desk"}, {ColPhoneType, "sat"},
		{ColPhoneNumber, "+14255550100"}, {ColPhoneNumber, "12"}, {ColAutoAccept, "maybe"}, {ColACWTimeout, "soon"},
		{ColACWTimeout, "2000001"}, {ColTags, "a|b||a|c"}, {ColTags, "aws:x|y"}, {ColTags, "k"}, {ColTags, "k|v|w"},
	}
	var b strings.Builder
	b.WriteString(strings.Join(variantC, ",") + "\n")
	for i := range 6000 {
		cells := validCells()
		cells[ColLogin] = "agent" + strconv.Itoa(i)
		cells[ColTags] = "team|t" + strconv.Itoa(i%3)
		for range rng.IntN(3) {
			o := odd[rng.IntN(len(odd))]
			cells[o.c] = o.v
		}
		if i > 0 && rng.IntN(20) == 0 { // a login of an earlier row, spelt otherwise
			cells[ColLogin] = "AGENT" + strconv.Itoa(rng.IntN(i))
		}
		rec := make([]string, len(variantCColumns))
		for j, c := range variantCColumns {
			rec[j] = cells[c]
		}
		line := strings.Join(rec, ",")
		switch rng.IntN(60) {
		case 0:
			line += ",stray" // a field too many
		case 1:
			line += ",," // blank fields too many: a warning
		}
		b.WriteString(line + "\n")
	}
	data := b.String()
	for _, opts := range []ValidateOptions{{Identity: IdentityConnect}, {Identity: IdentitySAML, IdentityCenter: true}} {
		f, err := Read(context.Background(), strings.NewReader(data), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var whole []Checked
		for _, c := range Validate(f, opts) {
			if len(c.Problems)+len(c.Warnings) > 0 {
				whole = append(whole, c)
			}
		}
		s, err := NewScanner(strings.NewReader(data), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := ValidateRows(context.Background(), s, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != len(whole) || len(whole) < 1000 {
			t.Fatalf("%+v: %d rows with something to say streamed, %d whole", opts, len(rep.Rows), len(whole))
		}
		for i, c := range whole {
			got := rep.Rows[i]
			if got.Row.Line != c.Row.Line || !slices.Equal(got.Problems, c.Problems) || !slices.Equal(got.Warnings, c.Warnings) {
				t.Fatalf("%+v, line %d: streamed\n%+v\n%+v\nwhole\n%+v\n%+v", opts, c.Row.Line, got.Problems, got.Warnings, c.Problems, c.Warnings)
			}
		}
	}
}
