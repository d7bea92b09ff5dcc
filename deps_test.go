package cashfin_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLibraryLinksNoRedis: a program that imports only package cashfin (or webhook, or
// cashfintest) compiles no Redis code: the library's packages depend, beyond the standard library
// and this module, only on go-retryablehttp (with go-cleanhttp, its own dependency) and
// golang.org/x/time/rate. go-redis comes in with package cashfinredis alone. The cashfin-mock
// command may use the commands' libraries (its demo phones are checked with phonenumbers), but
// no Redis either.
func TestLibraryLinksNoRedis(t *testing.T) {
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list the packages' dependencies")
	allowed := map[string]bool{
		"github.com/hashicorp/go-retryablehttp": true,
		"github.com/hashicorp/go-cleanhttp":     true,
		"golang.org/x/time/rate":                true,
	}
	for _, pkg := range []string{".", "./webhook", "./cashfintest", "./cmd/cashfin-mock"} {
		command := strings.HasPrefix(pkg, "./cmd/")
		out, err := exec.Command(goBin, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", pkg).CombinedOutput()
		require.NoError(t, err, "go list -deps %s:\n%s", pkg, out)
		for _, dep := range strings.Fields(string(out)) {
			if dep == modulePath || strings.HasPrefix(dep, modulePath+"/") {
				assert.NotContains(t, dep, "cashfinredis", "%s depends on %s", pkg, dep)
				continue
			}
			assert.NotContains(t, dep, "redis", "%s depends on %s", pkg, dep)
			assert.True(t, command || allowed[dep], "%s depends on %s", pkg, dep)
		}
	}
	out, err := exec.Command(goBin, "list", "-deps", "./cashfinredis").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "github.com/redis/go-redis/v9\n", "the check above would not see go-redis")
}
