package agentfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// ReadLines reads a file again and gives the records of the lines of want,
// each checked to still hold the user login want gives: an import reads the
// few rows it needs at its end (the retry file's) rather than keep them all.
func ReadLines(ctx context.Context, input io.ReaderAt, opts ReadOptions, want map[int]string) (map[int][]string, error) {
	changed := errors.New("the input file changed during the run")
	s, err := NewScanner(io.NewSectionReader(input, 0, math.MaxInt64), opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", changed, err)
	}
	f := &File{Header: s.Header(), Columns: s.Columns()}
	got := make(map[int][]string, len(want))
	for n := 0; len(got) < len(want); n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		row, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", changed, err)
		}
		login, ok := want[row.Line]
		if !ok {
			continue
		}
		if strings.TrimSpace(f.Login(row)) != login {
			return nil, fmt.Errorf("%w: its line %d no longer holds user %q", changed, row.Line, login)
		}
		got[row.Line] = slices.Clone(row.Record)
	}
	if len(got) < len(want) {
		return nil, fmt.Errorf("%w: it holds fewer rows", changed)
	}
	return got, nil
}
