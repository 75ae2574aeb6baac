// Command columnfiles lists, for each template column of the column table
// (agentfile/columns.go), the non-test Go files outside sandbox/ that name
// it: its constant (ColX) or its header text (its name or an alias, as a
// whole string literal, any case). Run it from the repository's root:
//
//	go run ./scripts/columnfiles [DIR]
//
// DIR (default .) is the tree whose files are searched; the table is
// always this tree's, so that an older tree can be measured against it.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type column struct {
	constant string
	names    []string
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "columnfiles:", err)
		os.Exit(1)
	}
}

func run() error {
	cols, err := table("agentfile/columns.go")
	if err != nil {
		return err
	}
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	files := map[string]string{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, path)
		switch {
		case err != nil:
			return err
		case d.IsDir() && (rel == "sandbox" || rel == "scripts" || strings.HasPrefix(d.Name(), ".")) && rel != ".":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		data, err := os.ReadFile(path)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		return err
	}
	for _, c := range cols {
		pats := []*regexp.Regexp{regexp.MustCompile(`\b` + c.constant + `\b`)}
		for _, n := range c.names {
			pats = append(pats, regexp.MustCompile(`(?i)"`+regexp.QuoteMeta(n)+`"`))
		}
		var in []string
		for path, text := range files {
			for _, p := range pats {
				if p.MatchString(text) {
					in = append(in, path)
					break
				}
			}
		}
		sort.Strings(in)
		fmt.Printf("%-24s %2d  %s\n", c.constant, len(in), strings.Join(in, " "))
	}
	return nil
}

// table reads the column table's entries: each one's col, name and
// aliases.
func table(path string) ([]column, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	var out []column
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "columnTable" || len(vs.Values) != 1 {
			return true
		}
		for _, e := range vs.Values[0].(*ast.CompositeLit).Elts {
			var c column
			for _, kv := range e.(*ast.CompositeLit).Elts {
				kv := kv.(*ast.KeyValueExpr)
				switch kv.Key.(*ast.Ident).Name {
				case "col":
					c.constant = kv.Value.(*ast.Ident).Name
				case "name":
					s, _ := strconv.Unquote(kv.Value.(*ast.BasicLit).Value)
					c.names = append(c.names, s)
				case "aliases":
					for _, a := range kv.Value.(*ast.CompositeLit).Elts {
						s, _ := strconv.Unquote(a.(*ast.BasicLit).Value)
						c.names = append(c.names, s)
					}
				}
			}
			out = append(out, c)
		}
		return false
	})
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no columnTable", path)
	}
	return out, nil
}
