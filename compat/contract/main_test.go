// Package contract replays what stock Packer v1.16 and terraform-provider-hcp
// v0.114 send, through HashiCorp's own hcp-sdk-go (v0.174.0, the version
// Packer v1.16 pins), against the real Imprint registry over HTTPS: on SQLite,
// and on PostgreSQL too when IMPRINT_TEST_POSTGRES_URL is set.
package contract

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/imprint-dev/imprint/compat/internal/hcp"
	"github.com/imprint-dev/imprint/compat/internal/registry"
)

// run is one registry (one engine) and the SDK clients of its principals.
type run struct {
	engine      string
	server      *registry.Server
	db          registry.Database
	env         map[string]string
	admin       *hcp.Clients
	contributor *hcp.Clients
	viewer      *hcp.Clients
	recorder    *hcp.Recorder
}

var (
	repo registry.Repo
	runs []*run
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(mainWithCode(m))
}

func mainWithCode(m *testing.M) int {
	var err error
	if repo, err = registry.FindRepo(); err != nil {
		fmt.Fprintln(os.Stderr, "contract:", err)
		return 1
	}
	home, err := os.MkdirTemp("", "imprint-compat-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "contract:", err)
		return 1
	}
	defer os.RemoveAll(home)
	// hcp-sdk-go caches tokens in ~/.config/hcp/creds-cache.json keyed by
	// client id: a HOME of our own keeps the machine's cache untouched.
	for k, v := range map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")} {
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, "contract:", err)
			return 1
		}
	}
	pair, err := repo.CreateTLS(filepath.Join(home, "tls"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "contract: tls create:", err)
		return 1
	}
	engines := []string{"sqlite"}
	if os.Getenv(registry.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	defer func() {
		for _, r := range runs {
			_ = r.server.Stop()
			if err := r.db.Drop(); err != nil {
				fmt.Fprintln(os.Stderr, "contract: dropping the", r.engine, "database:", err)
			}
		}
	}()
	for _, engine := range engines {
		r, err := start(engine, pair)
		if err != nil {
			fmt.Fprintf(os.Stderr, "contract: starting the registry on %s: %v\n", engine, err)
			return 1
		}
		runs = append(runs, r)
	}
	code := m.Run()
	if flag.Lookup("test.run").Value.String() == "" {
		// Only a full run calls every operation; it is checked even when a
		// test failed, so that one run reports every gap.
		for _, r := range runs {
			if err := checkCoverage(r); err != nil {
				fmt.Fprintf(os.Stderr, "--- FAIL: OpenAPI coverage (%s)\n%v\nFAIL\n", r.engine, err)
				code = 1
			} else {
				fmt.Printf("ok  \tOpenAPI coverage (%s): every operation of /openapi.json was called through hcp-sdk-go or is allow-listed\n", r.engine)
			}
		}
	}
	return code
}

func start(engine string, pair registry.TLSPair) (*run, error) {
	db, err := repo.NewDatabase(engine, os.Getenv(registry.EnvPostgres))
	if err != nil {
		return nil, err
	}
	r := &run{engine: engine, db: db, recorder: &hcp.Recorder{}}
	// Principals first: with none, a loopback registry serves every request
	// as an anonymous admin, and the role checks would not be exercised.
	principals := map[string]registry.Principal{}
	for _, role := range []string{"admin", "contributor", "viewer"} {
		if principals[role], err = repo.CreatePrincipal(db, "compat-"+role, role); err != nil {
			_ = db.Drop()
			return nil, err
		}
	}
	if r.server, err = repo.Serve(context.Background(), db, pair); err != nil {
		_ = db.Drop()
		return nil, err
	}
	fail := func(err error) (*run, error) {
		_ = r.server.Stop()
		_ = db.Drop()
		return nil, err
	}
	if r.env, err = repo.ClientEnv(db, r.server.URL, pair.Cert); err != nil {
		return fail(err)
	}
	if err := checkEnv(r, pair); err != nil {
		return fail(err)
	}
	// Go reads SSL_CERT_FILE once, at the first TLS handshake of the
	// process; every run shares the one pair, so this holds for all of them.
	if err := os.Setenv("SSL_CERT_FILE", r.env["SSL_CERT_FILE"]); err != nil {
		return fail(err)
	}
	for role, target := range map[string]**hcp.Clients{"admin": &r.admin, "contributor": &r.contributor, "viewer": &r.viewer} {
		p := principals[role]
		if *target, err = hcp.New(r.env, p.ClientID, p.ClientSecret, r.recorder); err != nil {
			return fail(fmt.Errorf("%s: %w", role, err))
		}
	}
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
