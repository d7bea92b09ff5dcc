package main

import (
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSynopsisAgrees: the package comment and the CLI page (cmd/cashfin/README.md) show the synopsis the
// command table makes, line for line, and -h prints it.
func TestSynopsisAgrees(t *testing.T) {
	want := strings.Join(synopsis(), "\n")

	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	require.NoError(t, err)
	var doc []string
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		if strings.HasPrefix(line, "\tcashfin ") || (len(doc) > 0 && strings.HasPrefix(line, "\t ")) {
			doc = append(doc, strings.TrimPrefix(line, "\t"))
		}
	}
	assert.Equal(t, want, strings.Join(doc, "\n"), "the package comment's synopsis (main.go) is not the table's")

	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	assert.Equal(t, want, readmeSynopsis(string(readme)), "cmd/cashfin/README.md's synopsis is not the table's")

	res := newCLI(t, nil).run("-h")
	assert.Equal(t, exitOK, res.code)
	for _, line := range synopsis() {
		assert.Contains(t, res.stderr, "\n  "+line+"\n")
	}
}

// readmeSynopsis is the code block of the CLI page's "## CLI" section that starts with a line
// "cashfin ... create".
func readmeSynopsis(readme string) string {
	_, section, _ := strings.Cut(readme, "\n## CLI\n")
	section, _, _ = strings.Cut(section, "\n## ")
	for _, block := range strings.Split(section, "```")[1:] {
		block = strings.TrimPrefix(block, "\n")
		if strings.HasPrefix(block, "cashfin ") && strings.Contains(firstLine(block), " create ") {
			return strings.TrimRight(block, "\n")
		}
	}
	return ""
}

// TestSynopsisFromTable: every command of the table shows in the synopsis once, in table order,
// and its -h names its synopsis.
func TestSynopsisFromTable(t *testing.T) {
	lines := synopsis()
	i := 0
	for _, cmd := range commands {
		for ; i < len(lines) && !strings.HasPrefix(lines[i], "cashfin "+cmd.title()+" "); i++ {
		}
		require.Less(t, i, len(lines), "%s missing or out of order", cmd.title())
		shown := 0
		for _, line := range lines {
			if strings.HasPrefix(line, "cashfin "+cmd.title()+" ") {
				shown++
			}
		}
		assert.Equal(t, 1, shown, "%s shows once", cmd.title())
		res := newCLI(t, nil).run(cmd.group, cmd.name, "-h")
		assert.Equal(t, exitOK, res.code, cmd.title())
		assert.True(t, strings.HasPrefix(res.stderr, "usage: cashfin "+cmd.title()+" "+strings.ReplaceAll(cmd.synopsis, "\n", " ")+"\n"), res.stderr)
	}
}
