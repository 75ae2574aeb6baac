package agentfile

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// passwordLength is the length of a generated password. Sixteen characters
// of passwordAlphabet carry about 88 bits of entropy, well past what an
// online guess could reach, and stay short enough to type from a printout.
const passwordLength = 16

// passwordAlphabet holds the characters a generated password is made of:
// letters and digits only, so that no character upsets a CSV cell or a shell
// (no quote, backslash, $, backtick, comma, ;, |, &, <, >, !, #, space) and no
// password starts with a character a spreadsheet runs as a formula. It leaves
// out the characters people misread or mistype from a printout: the set
// "pwgen -B" avoids (B 8 G 6 I 1 l 0 O Q D S 5 Z 2) and o as well.
//
// That leaves 18 upper-case letters, 24 lower-case letters and 4 digits, 46
// in all. A password is 16 independent uniform draws, redrawn until it has
// each class (about 77% of draws do), so its entropy is
// log2(46^16 × 0.766) ≈ 88.0 bits.
const (
	passwordUpper    = "ACEFHJKLMNPRTUVWXY"
	passwordLower    = "abcdefghijkmnpqrstuvwxyz"
	passwordDigits   = "3479"
	passwordAlphabet = passwordUpper + passwordLower + passwordDigits
)

// GeneratePassword returns a new password from crypto/rand that meets Amazon
// Connect's policy (8 to 64 characters, a lower-case letter, an upper-case
// letter and a digit, no whitespace).
func GeneratePassword() (string, error) {
	return generatePassword(newUniformDraw())
}

// generatePassword draws passwords with draw (which returns a uniform index
// in [0, n)) until one has every character class Connect asks for. Redrawing
// the whole password, rather than planting one character of each class,
// keeps every acceptable password equally likely.
func generatePassword(draw func(n int) (int, error)) (string, error) {
	buf := make([]byte, passwordLength)
	for {
		for i := range buf {
			k, err := draw(len(passwordAlphabet))
			if err != nil {
				return "", fmt.Errorf("generate password: %w", err)
			}
			buf[i] = passwordAlphabet[k]
		}
		pw := string(buf)
		if strings.ContainsAny(pw, passwordUpper) &&
			strings.ContainsAny(pw, passwordLower) &&
			strings.ContainsAny(pw, passwordDigits) {
			return pw, nil
		}
	}
}

// newUniformDraw returns a function giving uniform random integers in
// [0, n), n ≤ 256, from crypto/rand, reading random bytes a batch at a time.
// Bytes at or above the largest multiple of n are rejected: taking them
// modulo n would make the first 256 mod n values more likely than the rest.
func newUniformDraw() func(n int) (int, error) {
	var batch [64]byte
	next := len(batch)
	return func(n int) (int, error) {
		if n <= 0 || n > 256 {
			return 0, fmt.Errorf("random index below %d: out of range", n)
		}
		limit := 256 - 256%n
		for {
			if next == len(batch) {
				if _, err := rand.Read(batch[:]); err != nil {
					return 0, fmt.Errorf("read random bytes: %w", err)
				}
				next = 0
			}
			b := int(batch[next])
			next++
			if b < limit {
				return b % n, nil
			}
		}
	}
}
