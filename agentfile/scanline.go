package agentfile

import (
	"encoding/binary"
	"math/bits"
)

// One look at a line, eight bytes at a time, tells fastRead all it needs:
// where the commas are, whether a double quote is there (then encoding/csv
// reads it), and whether every byte is ASCII (then no cell needs its
// encoding checked). Separate passes (a search for the quote, a count of
// the commas, a check for ASCII, a search for each comma) cost four times
// the reads, and a call per field.
const (
	byteLows  = 0x0101010101010101
	byteHighs = 0x8080808080808080
)

// zeroBytes has the high bit of each byte of w that is zero set, and no
// other bit: exact, as no byte's sum carries into the next.
func zeroBytes(w uint64) uint64 {
	const lows7 = 0x7f7f7f7f7f7f7f7f
	return ^((w&lows7 + lows7) | w) & byteHighs
}

// scanLine appends the offsets of b's commas to commas (at most MaxFields
// of them; n counts them all). It stops at a double quote: quote is then
// true and the rest is not looked at.
func scanLine(b []byte, commas []int32) (_ []int32, n int, quote, ascii bool) {
	var seen uint64 // every byte or'ed in: its high bits say whether one is not ASCII
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		seen |= w
		if zeroBytes(w^(byteLows*'"')) != 0 {
			return commas, n, true, false
		}
		for c := zeroBytes(w ^ (byteLows * ',')); c != 0; c &= c - 1 {
			if len(commas) < MaxFields {
				commas = append(commas, int32(i+bits.TrailingZeros64(c)>>3))
			}
			n++
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		seen |= uint64(c)
		switch c {
		case '"':
			return commas, n, true, false
		case ',':
			if len(commas) < MaxFields {
				commas = append(commas, int32(i))
			}
			n++
		}
	}
	return commas, n, false, seen&byteHighs == 0
}
