package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"

	"github.com/bulkagents/bulkagents/importer"
)

// givenRateScale is --rate-scale when it was given, and 0 otherwise: then
// the rates come from Service Quotas (or the documented defaults).
// ratesFix is what the note that Service Quotas refused adds: the flag
// that sets the rates instead.
const ratesFix = ", or give --rate-scale"

func givenRateScale(fs *flag.FlagSet, scale float64) float64 {
	given := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "rate-scale" {
			given = true
		}
	})
	if !given {
		return 0
	}
	return scale
}

// sandboxUsersQuota is the users quota of an in-process sandbox: the
// default, or more when the file has more lines than that (every row fits,
// besides the seeded administrator). A file that cannot be read keeps the
// default: the import reports why.
func sandboxUsersQuota(ctx context.Context, input string) int {
	f, err := os.Open(input)
	if err != nil {
		return importer.DefaultUsersQuota
	}
	defer f.Close()
	lines := 1
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := f.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if err == io.EOF || err != nil {
			break
		}
	}
	return max(importer.DefaultUsersQuota, lines+10)
}
