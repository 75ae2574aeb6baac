package agentfile

import (
	"encoding/binary"
	"math/bits"
)

// Once fastRead knows a line holds no double quote (bytes.IndexByte, the
// fastest search there is), one look at it, eight bytes at a time, finds
// its commas and whether every byte is ASCII (then no cell needs its
// encoding checked). A search per comma costs a call per field, and a
// separate pass for ASCII reads the line again.
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

// scanLine appends the offsets of b's commas to commas, and says whether
// every byte of b is ASCII.
func scanLine(b []byte, commas []int32) (_ []int32, ascii bool) {
	const commaBytes = byteLows * ','
	var seen uint64 // every byte or'ed in: its high bits say whether one is not ASCII
	i := 0
	for ; i+16 <= len(b); i += 16 {
		w, v := binary.LittleEndian.Uint64(b[i:]), binary.LittleEndian.Uint64(b[i+8:])
		seen |= w | v
		for c := zeroBytes(w ^ commaBytes); c != 0; c &= c - 1 {
			commas = append(commas, int32(i+bits.TrailingZeros64(c)>>3))
		}
		for c := zeroBytes(v ^ commaBytes); c != 0; c &= c - 1 {
			commas = append(commas, int32(i+8+bits.TrailingZeros64(c)>>3))
		}
	}
	for ; i < len(b); i++ {
		c := b[i]
		seen |= uint64(c)
		if c == ',' {
			commas = append(commas, int32(i))
		}
	}
	return commas, seen&byteHighs == 0
}
