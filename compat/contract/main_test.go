// Package contract replays what stock Packer v1.16 and terraform-provider-hcp
// v0.114 send, through HashiCorp's own hcp-sdk-go (v0.174.0, the version
// Packer v1.16 pins), against the real Imprint registry over HTTPS: on SQLite,
// and on PostgreSQL too when IMPRINT_TEST_POSTGRES_URL is set.
package contract

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
	"github.com/imprint-dev/imprint/compat/harness/registry"
	"github.com/imprint-dev/imprint/compat/internal/hcp"
)

// run is one registry (one engine) and the SDK clients of its principals.
type run struct {
	engine      string
	server      *registry.Server
	env         map[string]string
	admin       *hcp.Clients
	contributor *hcp.Clients
	viewer      *hcp.Clients
	recorder    *coverage.Recorder
	// repo and db run imprint-registry's operator commands (vulns import)
	// against the storage this run's server uses.
	repo registry.Repo
	db   registry.Database
}

var runs []*run

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(registry.Main(m, "OpenAPI coverage", nil, func(s *registry.Suite, sr *registry.Run) (func() error, error) {
		r, err := start(sr, s.Pair)
		if err != nil {
			return nil, err
		}
		r.repo = s.Repo
		runs = append(runs, r)
		return func() error { return checkCoverage(r) }, nil
	}))
}

func start(sr *registry.Run, pair registry.TLSPair) (*run, error) {
	r := &run{engine: sr.Engine, server: sr.Server, env: sr.Env, recorder: &coverage.Recorder{}, db: sr.DB}
	if err := checkEnv(r, pair); err != nil {
		return nil, err
	}
	clients, err := registry.ForRoles(sr, func(p registry.Principal) (*hcp.Clients, error) {
		return hcp.New(r.env, p.ClientID, p.ClientSecret, r.recorder)
	})
	if err != nil {
		return nil, err
	}
	r.admin, r.contributor, r.viewer = clients["admin"], clients["contributor"], clients["viewer"]
	return r, nil
}

// checkEnv holds `imprint-registry env` to what the SDK needs.
func checkEnv(r *run, pair registry.TLSPair) error {
	want := map[string]string{
		"HCP_API_ADDRESS":       r.server.URL[len("https://"):],
		"HCP_AUTH_URL":          r.server.URL,
		"HCP_ORGANIZATION_ID":   r.server.OrganizationID,
		"HCP_PROJECT_ID":        r.server.ProjectID,
		"HCP_SKIP_STATUS_CHECK": "true",
		"SSL_CERT_FILE":         pair.Cert,
	}
	for k, v := range want {
		if got, ok := r.env[k]; !ok || got != v {
			return fmt.Errorf("imprint-registry env: %s=%q, want %q (all: %v)", k, got, v, r.env)
		}
	}
	for _, k := range []string{"HCP_CLIENT_ID", "HCP_CLIENT_SECRET"} {
		if _, ok := r.env[k]; !ok {
			return fmt.Errorf("imprint-registry env prints no %s placeholder", k)
		}
	}
	return nil
}

// each runs f once per engine, as a subtest named after it.
func each(t *testing.T, f func(t *testing.T, r *run)) {
	t.Helper()
	for _, r := range runs {
		t.Run(r.engine, func(t *testing.T) { f(t, r) })
	}
}
