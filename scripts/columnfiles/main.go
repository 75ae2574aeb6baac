// Command columnfiles lists, for each template column of the column table
// (agentfile/columns.go), the non-test Go files outside sandbox/ that name
// it: its constant (ColX) or its header text (its name or an alias, as the
// table spells them, lower case) as a whole Go string literal. Comments
// and longer literals (a command's help) are not counted.
//
// Two kinds of literal that spell the same words are listed apart, so
// that a reader can judge them, and not counted:
//   - in report/, which does not read templates (it does not import
//     agentfile): the results file's and the team files' own columns
//     ("user login", "first name"), a contract of their own that a
//     renamed template column does not change;
//   - the same words in another case ("userName", the Identity Store's
//     attribute; "Username", SearchUsers' field; "EMAIL", a channel).
//
// Run it from the repository's root:
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
		var in, own, otherCase []string
		for path, text := range files {
			n := names(path, text, c)
			switch {
			case n.constant || n.literal && !strings.HasPrefix(filepath.ToSlash(path), "report/"):
				in = append(in, path)
			case n.literal:
				own = append(own, path)
			}
			if n.otherCase != "" {
				otherCase = append(otherCase, path+" ("+strconv.Quote(n.otherCase)+")")
			}
		}
		sort.Strings(in)
		sort.Strings(own)
		sort.Strings(otherCase)
		fmt.Printf("%-24s %2d  %s\n", c.constant, len(in), strings.Join(in, " "))
		if len(own) > 0 {
			fmt.Printf("%-24s     results/team files' own columns, not counted: %s\n", "", strings.Join(own, " "))
		}
		if len(otherCase) > 0 {
			fmt.Printf("%-24s     another case, not counted: %s\n", "", strings.Join(otherCase, " "))
		}
	}
	return nil
}

type naming struct {
	constant, literal bool
	otherCase         string
}

// names says how a file's source names column c: by its constant, by one
// of its names as a whole string literal, or by one in another case.
func names(path, text string, c column) naming {
	var n naming
	f, err := parser.ParseFile(token.NewFileSet(), path, text, 0)
	if err != nil {
		n.constant = strings.Contains(text, c.constant) // unparsable: be strict
		return n
	}
	ast.Inspect(f, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.Ident:
			if x.Name == c.constant {
				n.constant = true
			}
		case *ast.BasicLit:
			if x.Kind != token.STRING {
				return true
			}
			v, err := strconv.Unquote(x.Value)
			if err != nil {
				return true
			}
			for _, name := range c.names {
				switch {
				case v == name:
					n.literal = true
				case strings.EqualFold(v, name):
					n.otherCase = v
				}
			}
		}
		return true
	})
	return n
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
