package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Roles are the principals every run gets, one per role.
var Roles = []string{"admin", "contributor", "viewer"}

// Run is one registry on one engine.
type Run struct {
	Engine     string
	DB         Database
	Server     *Server
	Env        map[string]string    // what `imprint-registry env` printed
	Principals map[string]Principal // by role
}

// Suite is one Run per engine (SQLite always, PostgreSQL when EnvPostgres is
// set), sharing one HOME and one TLS pair.
type Suite struct {
	Repo Repo
	Home string
	Pair TLSPair
	Runs []*Run
}

// StartSuite points HOME (and XDG_CONFIG_HOME) of this process at a temp dir,
// creates a TLS pair, then starts one registry per engine with one principal
// per role and reads `imprint-registry env` (plus envFlags) for each. It
// sets SSL_CERT_FILE for the process: Go reads it once, at the first TLS
// handshake, and every run shares the one pair. Close undoes what it made.
func StartSuite(envFlags ...string) (*Suite, error) {
	repo, err := FindRepo()
	if err != nil {
		return nil, err
	}
	home, err := os.MkdirTemp("", "imprint-compat-home-")
	if err != nil {
		return nil, err
	}
	s := &Suite{Repo: repo, Home: home}
	// hcp-sdk-go caches tokens in ~/.config/hcp/creds-cache.json keyed by
	// client id: a HOME of our own keeps the machine's cache untouched.
	for k, v := range map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")} {
		if err := os.Setenv(k, v); err != nil {
			return nil, errors.Join(err, s.Close())
		}
	}
	if s.Pair, err = repo.CreateTLS(filepath.Join(home, "tls")); err != nil {
		return nil, errors.Join(fmt.Errorf("tls create: %w", err), s.Close())
	}
	if err := os.Setenv("SSL_CERT_FILE", s.Pair.Cert); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	engines := []string{"sqlite"}
	if os.Getenv(EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		r, err := s.start(engine, envFlags)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("starting the registry on %s: %w", engine, err), s.Close())
		}
		s.Runs = append(s.Runs, r)
	}
	return s, nil
}

func (s *Suite) start(engine string, envFlags []string) (*Run, error) {
	db, err := s.Repo.NewDatabase(engine, os.Getenv(EnvPostgres))
	if err != nil {
		return nil, err
	}
	r := &Run{Engine: engine, DB: db, Principals: map[string]Principal{}}
	// Principals first: with none, a loopback registry serves every request
	// as an anonymous admin, and the role checks would not be exercised.
	for _, role := range Roles {
		if r.Principals[role], err = s.Repo.CreatePrincipal(db, "compat-"+role, role); err != nil {
			return nil, errors.Join(err, db.Drop())
		}
	}
	if r.Server, err = s.Repo.Serve(context.Background(), db, s.Pair); err != nil {
		return nil, errors.Join(err, db.Drop())
	}
	if r.Env, err = s.Repo.ClientEnv(db, r.Server.URL, s.Pair.Cert, envFlags...); err != nil {
		return nil, errors.Join(err, r.Server.Stop(), db.Drop())
	}
	return r, nil
}

// ForRoles makes one client per role of r with newClient.
func ForRoles[C any](r *Run, newClient func(p Principal) (C, error)) (map[string]C, error) {
	out := map[string]C{}
	for _, role := range Roles {
		c, err := newClient(r.Principals[role])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", role, err)
		}
		out[role] = c
	}
	return out, nil
}

// Close stops every server, drops every database and removes HOME.
func (s *Suite) Close() error {
	var errs []error
	for _, r := range s.Runs {
		_ = r.Server.Stop()
		if err := r.DB.Drop(); err != nil {
			errs = append(errs, fmt.Errorf("dropping the %s database: %w", r.Engine, err))
		}
	}
	return errors.Join(append(errs, os.RemoveAll(s.Home))...)
}

// Output is what one command printed and its exit code.
type Output struct {
	Stdout, Stderr string
	Code           int
}

// Imprint runs the `imprint` CLI (packages/cli) against this run's server as
// the principal of role: IMPRINT_REGISTRY_URL, NODE_EXTRA_CA_CERTS for the
// suite's certificate and the principal's IMPRINT_CLIENT_ID/_SECRET. A
// non-zero exit is returned in Output, not as an error.
func (s *Suite) Imprint(r *Run, role string, args ...string) (Output, error) {
	p, ok := r.Principals[role]
	if !ok {
		return Output{}, fmt.Errorf("no principal with role %q", role)
	}
	cmd, err := s.Repo.nodeCommand("cli", "imprint", "", args)
	if err != nil {
		return Output{}, err
	}
	cmd.Env = append(cmd.Env, "IMPRINT_REGISTRY_URL="+r.Server.URL, "NODE_EXTRA_CA_CERTS="+s.Pair.Cert,
		"IMPRINT_CLIENT_ID="+p.ClientID, "IMPRINT_CLIENT_SECRET="+p.ClientSecret, "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	out := Output{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		out.Code = exit.ExitCode()
		return out, nil
	}
	return out, err
}
