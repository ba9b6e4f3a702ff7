// Package contract drives the real Imprint registry's 2021-04-30 API over
// HTTPS the way stock Packer v1.9.4 does: through hcp-sdk-go v0.36.0's
// generated client (the version Packer v1.9.4 pins), and through the
// Packer v1.9.4 binary itself, on SQLite and, when IMPRINT_TEST_POSTGRES_URL
// is set, on PostgreSQL.
package contract

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
	"github.com/imprint-dev/imprint/compat/harness/registry"
	"github.com/imprint-dev/imprint/compat/legacy/internal/hcp21"
)

// clientFlag selects what `imprint-registry env` prints for Packer v1.9.x.
const clientFlag = "packer-1.9"

// run is one registry (one engine) and the SDK clients of its principals.
type run struct {
	*registry.Run
	admin, contributor, viewer *hcp21.Clients
	recorder                   *coverage.Recorder
}

var (
	suite *registry.Suite
	runs  []*run
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(registry.Main(m, "OpenAPI 2021-04-30 coverage", []string{"--client", clientFlag}, setup))
}

// setup checks the environment of one run and makes its principals' clients.
func setup(s *registry.Suite, sr *registry.Run) (func() error, error) {
	suite = s
	r := &run{Run: sr, recorder: &coverage.Recorder{}}
	if err := checkEnv(r); err != nil {
		return nil, err
	}
	clients, err := registry.ForRoles(sr, func(p registry.Principal) (*hcp21.Clients, error) {
		return hcp21.New(sr.Env, p.ClientID, p.ClientSecret, r.recorder)
	})
	if err != nil {
		return nil, err
	}
	r.admin, r.contributor, r.viewer = clients["admin"], clients["contributor"], clients["viewer"]
	runs = append(runs, r)
	return func() error { return checkCoverage(r) }, nil
}

// checkEnv holds `imprint-registry env --client packer-1.9` to what
// hcp-sdk-go v0.36.0 and Packer v1.9.4 need (real-clients-2021.md §4, §8).
func checkEnv(r *run) error {
	want := map[string]string{
		"HCP_API_ADDRESS":     strings.TrimPrefix(r.Server.URL, "https://"),
		"HCP_AUTH_URL":        r.Server.URL,
		"HCP_ORGANIZATION_ID": r.Server.OrganizationID,
		"HCP_PROJECT_ID":      r.Server.ProjectID,
		"SSL_CERT_FILE":       suite.Pair.Cert,
		"CHECKPOINT_DISABLE":  "1",
	}
	for k, v := range want {
		if got, ok := r.Env[k]; !ok || got != v {
			return fmt.Errorf("imprint-registry env --client %s: %s=%q, want %q (all: %v)", clientFlag, k, got, v, r.Env)
		}
	}
	for _, k := range []string{"HCP_CLIENT_ID", "HCP_CLIENT_SECRET"} {
		if _, ok := r.Env[k]; !ok {
			return fmt.Errorf("imprint-registry env --client %s prints no %s placeholder", clientFlag, k)
		}
	}
	// v0.36.0 rejects any other value of HCP_API_TLS, and a plain-HTTP API
	// would not be this HTTPS registry.
	if v, ok := r.Env["HCP_API_TLS"]; ok {
		return fmt.Errorf("imprint-registry env --client %s sets HCP_API_TLS=%q for a verified HTTPS registry", clientFlag, v)
	}
	return nil
}

// each runs f once per engine, as a subtest named after it.
func each(t *testing.T, f func(t *testing.T, r *run)) {
	t.Helper()
	for _, r := range runs {
		t.Run(r.Engine, func(t *testing.T) { f(t, r) })
	}
}

// packerBin is the Packer v1.9.4 this suite runs, by absolute path: never
// another packer on PATH (later releases are under the BSL).
func packerBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("IMPRINT_PACKER_BIN")
	if bin == "" {
		bin = filepath.Join(suite.Repo.Root, "compat", ".bin", "packer")
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(abs); err != nil || st.IsDir() {
		t.Fatalf("no Packer v1.9.4 binary at %s (IMPRINT_PACKER_BIN): build it with BUILD_CLIENTS=packer %s/compat/scripts/build-clients.sh", abs, suite.Repo.Root)
	}
	return abs
}
