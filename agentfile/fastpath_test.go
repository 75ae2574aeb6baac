package agentfile

import (
	"math/rand/v2"
	"slices"
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
