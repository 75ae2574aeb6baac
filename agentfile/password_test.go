package agentfile

import (
	"crypto/rand"
	"math"
	"strings"
	"testing"
	"unicode"
)

// misreadable are characters people confuse on a printout; shellOrCSV are
// characters that need quoting in a CSV cell or a shell, or that a
// spreadsheet takes as the start of a formula.
const (
	misreadable = "0Oo1lIQD8B6G5S2Z|"
	shellOrCSV  = "\"'`\\$,;|&<>!#*?~(){}[]=+-@% \t\r\n"
)

func TestPasswordAlphabet(t *testing.T) {
	seen := map[rune]bool{}
	for _, c := range passwordAlphabet {
		if seen[c] {
			t.Errorf("alphabet holds %q twice", c)
		}
		seen[c] = true
		if strings.ContainsRune(misreadable+shellOrCSV, c) {
			t.Errorf("alphabet holds %q, which is easy to misread or upsets a CSV cell or a shell", c)
		}
	}
	if got := len(passwordUpper) + len(passwordLower) + len(passwordDigits); got != len(passwordAlphabet) {
		t.Errorf("classes hold %d characters, the alphabet %d", got, len(passwordAlphabet))
	}
}

func TestGeneratePasswordPolicy(t *testing.T) {
	const draws = 10000
	seen := make(map[string]bool, draws)
	for range draws {
		pw, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		// Describe failures without printing the password itself.
		if n := len(pw); n < 16 || n > 64 {
			t.Fatalf("password of %d characters; want 16 to 64", n)
		}
		var upper, lower, digit bool
		for _, c := range pw {
			switch {
			case unicode.IsSpace(c):
				t.Fatal("password holds whitespace")
			case c > unicode.MaxASCII:
				t.Fatal("password holds a character outside ASCII")
			case strings.ContainsRune(misreadable+shellOrCSV, c):
				t.Fatalf("password holds %q", c)
			case unicode.IsUpper(c):
				upper = true
			case unicode.IsLower(c):
				lower = true
			case unicode.IsDigit(c):
				digit = true
			}
		}
		if !upper || !lower || !digit {
			t.Fatalf("password lacks a class: upper %v, lower %v, digit %v", upper, lower, digit)
		}
		if strings.ContainsRune("=+-@\t\r'", rune(pw[0])) {
			t.Fatalf("password starts with formula character %q", pw[0])
		}
		if seen[pw] {
			t.Fatal("the same password was generated twice")
		}
		seen[pw] = true
	}
}

func TestUniformDrawRange(t *testing.T) {
	draw := newUniformDraw()
	for _, n := range []int{0, -1, 257} {
		if _, err := draw(n); err == nil {
			t.Errorf("draw(%d) gave no error", n)
		}
	}
	for _, n := range []int{1, 3, 46, 255, 256} {
		for range 1000 {
			k, err := draw(n)
			if err != nil {
				t.Fatal(err)
			}
			if k < 0 || k >= n {
				t.Fatalf("draw(%d) = %d", n, k)
			}
		}
	}
}

// chiSquaredBound is the Pearson statistic's bound for 45 degrees of freedom
// (46 characters): a fair generator exceeds it with probability about 5e-6.
const chiSquaredBound = 100

// passwordChiSquared returns Pearson's statistic of the characters of
// passwords against what a fair generator gives. A fair generator is uniform
// within each class; the classes' shares follow from drawing 16 uniform
// characters and keeping only passwords that hold every class, computed
// exactly by inclusion-exclusion over the classes that are missing.
func passwordChiSquared(passwords []string) float64 {
	classes := []string{passwordUpper, passwordLower, passwordDigits}
	total := float64(len(passwordAlphabet))
	n := float64(passwordLength)
	share := func(k int) float64 { return float64(len(classes[k])) / total }

	// Sum over the sets S of classes (bit masks) of (-1)^|S| times what
	// happens when no character comes from S.
	var pAll float64
	perClass := make([]float64, len(classes)) // E[class k characters; all classes present]
	for mask := 0; mask < 1<<len(classes); mask++ {
		sign, missing := 1.0, 0.0
		for k := range classes {
			if mask&(1<<k) != 0 {
				sign = -sign
				missing += share(k)
			}
		}
		pAll += sign * math.Pow(1-missing, n)
		for k := range classes {
			if mask&(1<<k) == 0 {
				perClass[k] += sign * n * share(k) * math.Pow(1-missing, n-1)
			}
		}
	}

	counts := map[byte]float64{}
	for _, pw := range passwords {
		for i := 0; i < len(pw); i++ {
			counts[pw[i]]++
		}
	}
	var chi2 float64
	for k, class := range classes {
		expected := float64(len(passwords)) * perClass[k] / pAll / float64(len(class))
		for i := 0; i < len(class); i++ {
			d := counts[class[i]] - expected
			chi2 += d * d / expected
			delete(counts, class[i])
		}
	}
	if len(counts) > 0 {
		return math.Inf(1) // a character outside the alphabet
	}
	return chi2
}

func TestPasswordDistribution(t *testing.T) {
	const draws = 20000
	sample := func(t *testing.T, generate func() (string, error)) []string {
		passwords := make([]string, draws)
		for i := range passwords {
			pw, err := generate()
			if err != nil {
				t.Fatal(err)
			}
			passwords[i] = pw
		}
		return passwords
	}

	fair := passwordChiSquared(sample(t, GeneratePassword))
	t.Logf("chi-squared of %d generated passwords: %.1f (bound %d)", draws, fair, chiSquaredBound)
	if fair > chiSquaredBound {
		t.Errorf("chi-squared %.1f exceeds %d: the characters are not uniform", fair, chiSquaredBound)
	}

	// The bound must catch the usual mistakes, or the test above proves nothing.
	moduloBias := func(n int) (int, error) { // a random byte taken modulo n
		var b [1]byte
		_, err := rand.Read(b[:])
		return int(b[0]) % n, err
	}
	biased := passwordChiSquared(sample(t, func() (string, error) { return generatePassword(moduloBias) }))
	t.Logf("chi-squared with modulo bias: %.1f", biased)
	if biased <= chiSquaredBound {
		t.Errorf("chi-squared %.1f of a modulo-biased draw is within the bound %d", biased, chiSquaredBound)
	}

	planted := passwordChiSquared(sample(t, plantedPassword))
	t.Logf("chi-squared with one character of each class planted: %.1f", planted)
	if planted <= chiSquaredBound {
		t.Errorf("chi-squared %.1f of planted classes is within the bound %d", planted, chiSquaredBound)
	}
}

// plantedPassword is a common but skewed construction: one character of
// each class, the rest from the whole alphabet, then shuffled. Digits come
// out more often than in a uniform choice among acceptable passwords.
func plantedPassword() (string, error) {
	draw := newUniformDraw()
	pick := func(set string) (byte, error) {
		k, err := draw(len(set))
		return set[k], err
	}
	var buf []byte
	for _, set := range []string{passwordUpper, passwordLower, passwordDigits} {
		c, err := pick(set)
		if err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	for len(buf) < passwordLength {
		c, err := pick(passwordAlphabet)
		if err != nil {
			return "", err
		}
		buf = append(buf, c)
	}
	for i := len(buf) - 1; i > 0; i-- {
		j, err := draw(i + 1)
		if err != nil {
			return "", err
		}
		buf[i], buf[j] = buf[j], buf[i]
	}
	return string(buf), nil
}

func BenchmarkGeneratePassword(b *testing.B) {
	for b.Loop() {
		if _, err := GeneratePassword(); err != nil {
			b.Fatal(err)
		}
	}
}
