package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliPackages are the CLI's packages (directories from here) and the CLI packages each may
// import: a package imports none above it (main wires them together; bulk shows its progress
// with term; rows and term stand alone).
var cliPackages = map[string][]string{
	".":             {"internal/bulk", "internal/rows", "internal/term"},
	"internal/bulk": {"internal/term"},
	"internal/rows": nil,
	"internal/term": nil,
}

// maxFuncLines is the house's longest function, tests aside.
const maxFuncLines = 60

// TestHouseSeams holds issue 16's house rules where the compiler does not: each package has a
// doc comment saying what it owns, none imports a CLI package above it, and no function outside
// the tests is longer than maxFuncLines.
func TestHouseSeams(t *testing.T) {
	const self = "github.com/cashfin-go/cashfin/cmd/cashfin/"
	for dir, allowed := range cliPackages {
		fset := token.NewFileSet()
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		doc := false
		imports := map[string]bool{}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
			require.NoError(t, err)
			doc = doc || (f.Doc != nil && len(strings.Fields(f.Doc.Text())) > 8)
			for _, im := range f.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				if rest, ok := strings.CutPrefix(p, self); ok {
					imports[rest] = true
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if fn, ok := n.(*ast.FuncDecl); ok && fn.Body != nil {
					lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
					assert.LessOrEqual(t, lines, maxFuncLines, "%s: func %s is %d lines", fset.Position(fn.Pos()), fn.Name.Name, lines)
				}
				return true
			})
		}
		assert.True(t, doc, "package %s has no doc comment saying what it owns", dir)
		var got []string
		for p := range imports {
			got = append(got, p)
		}
		sort.Strings(got)
		for _, p := range got {
			assert.Contains(t, allowed, p, "package %s imports %s, a package above it or beside it", dir, p)
		}
	}
}
