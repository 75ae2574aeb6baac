package agentfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// The encodings an input file may be read in. UTF-8 is the default and what
// every file bulkagents writes is in; Windows-1252 is what Excel's "CSV
// (Comma delimited)" writes in Western Europe and the Americas.
const (
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
)

// Encodings are the names --encoding accepts, in the form messages give them.
var Encodings = []string{EncodingUTF8, EncodingWindows1252}

// ParseEncoding gives the canonical name of an encoding as a user may type it.
func ParseEncoding(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "utf-8", "utf8":
		return EncodingUTF8, nil
	case "windows-1252", "windows1252", "cp1252", "cp-1252":
		return EncodingWindows1252, nil
	}
	return "", fmt.Errorf("%q is not an encoding bulkagents reads: use %s", s, strings.Join(Encodings, " or "))
}

// Decode gives r read as UTF-8 in the encoding enc (a name ParseEncoding
// gave; "" is UTF-8). A file that starts with a UTF-8 byte order mark is
// UTF-8 whatever enc says: every file bulkagents writes (the retry file, an
// export) starts with one, so it reads back right with the same flags as
// the file it came from.
func Decode(r io.Reader, enc string) io.Reader {
	if enc == "" || enc == EncodingUTF8 {
		return r
	}
	br := bufio.NewReader(r)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
		return br
	}
	return charmap.Windows1252.NewDecoder().Reader(br)
}
