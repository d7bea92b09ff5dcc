package cashfin_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The compatibility gate: api.txt lists the exported API of every public package of the module,
// one line per exported identifier (functions, methods, types and their exported fields and
// interface methods, constants, variables), in the style of Go's own api/ files. TestAPI renders
// the API from the source and fails when it differs from the committed listing, so that no
// exported change lands by accident. After an intended change, regenerate the listing and commit
// it with the change (and a CHANGELOG entry):
//
//	go test -run '^TestAPI$' -update-api .    (or CASHFIN_UPDATE_API=1 go test -run '^TestAPI$' .)
//
// Public packages are found by walking the module: every non-main package outside internal/,
// testdata/ and hidden directories, so a new package is listed as soon as it exists.

var updateAPI = flag.Bool("update-api", false, "rewrite api.txt from the exported API of the code")

const modulePath = "github.com/cashfin-go/cashfin"

func TestAPI(t *testing.T) {
	got, err := renderModuleAPI(".")
	require.NoError(t, err)
	if *updateAPI || os.Getenv("CASHFIN_UPDATE_API") == "1" {
		require.NoError(t, os.WriteFile("api.txt", []byte(got), 0o644))
		t.Log("api.txt rewritten")
		return
	}
	want, err := os.ReadFile("api.txt")
	require.NoError(t, err, "no api.txt: run go test -run '^TestAPI$' -update-api .")
	if got == string(want) {
		return
	}
	added, removed := lineDiff(string(want), got)
	t.Errorf("the exported API differs from api.txt\n\nin the code, not in api.txt:\n\t%s\n\nin api.txt, not in the code:\n\t%s\n\n"+
		"If the change is intended, run go test -run '^TestAPI$' -update-api . and record it in CHANGELOG.md.",
		strings.Join(added, "\n\t"), strings.Join(removed, "\n\t"))
}

// lineDiff returns the lines of got that are not in want, and those of want not in got.
func lineDiff(want, got string) (added, removed []string) {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	for l := range g {
		if !w[l] {
			added = append(added, l)
		}
	}
	for l := range w {
		if !g[l] {
			removed = append(removed, l)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

// TestAPIRenderer pins the rendering itself on a small package, so that the gate cannot pass by
// rendering nothing.
func TestAPIRenderer(t *testing.T) {
	const src = `package p
import "time"
const (
	A = 1
	b = 2
	C time.Duration = 3
)
var ErrX = errors.New("x")
var V, w int
type T[K comparable] struct {
	Exported string
	hidden   int
	time.Time
	X, Y int
}
type I interface {
	M(x int) error
	hidden()
}
type F func(int) error
type Alias = T[string]
func New(a, b string, opts ...F) (*T[string], error) { return nil, nil }
func (t *T[K]) Get(k K) string { return "" }
func (t T[K]) hidden() {}
func (unexported) Method() {}
func helper() {}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"pkg p, const A = 1",
		"pkg p, const C time.Duration = 3",
		"pkg p, func New(a, b string, opts ...F) (*T[string], error)",
		"pkg p, method (*T[K]) Get(k K) string",
		"pkg p, type Alias = T[string]",
		"pkg p, type F func(int) error",
		"pkg p, type I interface",
		"pkg p, type I interface, M(x int) error",
		"pkg p, type I interface, unexported methods",
		"pkg p, type T[K comparable] struct",
		"pkg p, type T[K comparable] struct, Exported string",
		"pkg p, type T[K comparable] struct, X int",
		"pkg p, type T[K comparable] struct, Y int",
		"pkg p, type T[K comparable] struct, embedded time.Time",
		"pkg p, var ErrX",
		"pkg p, var V int",
	}, renderFiles("p", fset, []*ast.File{f}))
}

// renderModuleAPI renders the API of every public package under root, sorted.
func renderModuleAPI(root string) (string, error) {
	var lines []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		if path != root && (name == "internal" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil || pkg.Name == "main" { // no Go files, or a command
			return nil
		}
		importPath := modulePath
		if path != root {
			importPath += "/" + filepath.ToSlash(path)
		}
		fset := token.NewFileSet()
		var files []*ast.File
		for _, name := range pkg.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(path, name), nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			files = append(files, f)
		}
		lines = append(lines, renderFiles(importPath, fset, files)...)
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n", nil
}

// renderFiles renders the exported API of one package's files, sorted.
func renderFiles(importPath string, fset *token.FileSet, files []*ast.File) []string {
	r := apiRenderer{fset: fset, prefix: "pkg " + importPath + ", "}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				r.fun(d)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					r.spec(d.Tok, spec)
				}
			}
		}
	}
	sort.Strings(r.lines)
	return r.lines
}

type apiRenderer struct {
	fset   *token.FileSet
	prefix string
	lines  []string
}

func (r *apiRenderer) add(format string, args ...any) {
	r.lines = append(r.lines, r.prefix+fmt.Sprintf(format, args...))
}

// expr prints a node as gofmt would, on one line.
func (r *apiRenderer) expr(n ast.Node) string {
	var b bytes.Buffer
	_ = printer.Fprint(&b, r.fset, n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (r *apiRenderer) fun(d *ast.FuncDecl) {
	if !d.Name.IsExported() {
		return
	}
	sig := strings.TrimPrefix(r.expr(d.Type), "func")
	if d.Recv == nil {
		r.add("func %s%s", d.Name.Name, sig)
		return
	}
	recv := d.Recv.List[0].Type
	base := recv
	if star, ok := base.(*ast.StarExpr); ok {
		base = star.X
	}
	for {
		switch x := base.(type) {
		case *ast.IndexExpr:
			base = x.X
			continue
		case *ast.IndexListExpr:
			base = x.X
			continue
		}
		break
	}
	if id, ok := base.(*ast.Ident); ok && id.IsExported() {
		r.add("method (%s) %s%s", r.expr(recv), d.Name.Name, sig)
	}
}

func (r *apiRenderer) spec(tok token.Token, spec ast.Spec) {
	switch s := spec.(type) {
	case *ast.ValueSpec:
		for i, name := range s.Names {
			if !name.IsExported() {
				continue
			}
			line := tok.String() + " " + name.Name
			if s.Type != nil {
				line += " " + r.expr(s.Type)
			}
			if tok == token.CONST && i < len(s.Values) {
				line += " = " + r.expr(s.Values[i])
			}
			r.add("%s", line)
		}
	case *ast.TypeSpec:
		if !s.Name.IsExported() {
			return
		}
		name := s.Name.Name
		if s.TypeParams != nil {
			var params []string
			for _, f := range s.TypeParams.List {
				var names []string
				for _, n := range f.Names {
					names = append(names, n.Name)
				}
				params = append(params, strings.Join(names, ", ")+" "+r.expr(f.Type))
			}
			name += "[" + strings.Join(params, ", ") + "]"
		}
		if s.Assign.IsValid() {
			r.add("type %s = %s", name, r.expr(s.Type))
			return
		}
		switch t := s.Type.(type) {
		case *ast.StructType:
			r.add("type %s struct", name)
			r.fields(fmt.Sprintf("type %s struct, ", name), t.Fields, false)
		case *ast.InterfaceType:
			r.add("type %s interface", name)
			r.fields(fmt.Sprintf("type %s interface, ", name), t.Methods, true)
		default:
			r.add("type %s %s", name, r.expr(s.Type))
		}
	}
}

// fields lists the exported fields of a struct, or the methods of an interface.
func (r *apiRenderer) fields(prefix string, list *ast.FieldList, iface bool) {
	unexported := false
	for _, f := range list.List {
		if len(f.Names) == 0 { // embedded
			r.add("%sembedded %s", prefix, r.expr(f.Type))
			continue
		}
		for _, n := range f.Names {
			switch {
			case !n.IsExported():
				unexported = true
			case iface:
				r.add("%s%s%s", prefix, n.Name, strings.TrimPrefix(r.expr(f.Type), "func"))
			default:
				r.add("%s%s %s", prefix, n.Name, r.expr(f.Type))
			}
		}
	}
	if iface && unexported {
		r.add("%sunexported methods", prefix)
	}
}
