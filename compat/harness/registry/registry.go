// Package registry runs the real Imprint registry for the Go contract suites
// (compat/ and compat/legacy/): its CLI (tls create, principals create, env)
// and `serve` as a child process, on SQLite or on a fresh PostgreSQL database,
// and the `imprint` CLI against it.
package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Environment variables that choose what runs.
const (
	// EnvFromSources runs packages/registry/src (and the @imprint packages it
	// imports) through ts-node instead of dist/.
	EnvFromSources = "IMPRINT_REGISTRY_FROM_SOURCES"
	// EnvBin names another compiled entry (a .js file) to run with node.
	EnvBin = "IMPRINT_REGISTRY_BIN"
	// EnvPostgres is the PostgreSQL admin URL that adds the PostgreSQL run.
	EnvPostgres = "IMPRINT_TEST_POSTGRES_URL"
)

// Repo is the monorepo the suite runs in.
type Repo struct{ Root string }

// FindRepo walks up from the working directory to the directory holding
// packages/registry (go test runs in the package directory).
func FindRepo() (Repo, error) {
	dir, err := os.Getwd()
	if err != nil {
		return Repo{}, err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "packages", "registry", "package.json")); err == nil {
			return Repo{Root: dir}, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return Repo{}, errors.New("no packages/registry above the working directory: run the suite inside the Imprint repository")
		}
		dir = parent
	}
}

// command is the node invocation of imprint-registry.
func (r Repo) command(args ...string) (*exec.Cmd, error) {
	return r.nodeCommand("registry", "imprint-registry", os.Getenv(EnvBin), args)
}

// nodeCommand runs the bin NAME of packages/PKG: its sources through ts-node
// when EnvFromSources is 1, else binOverride when set, else the built dist/.
func (r Repo) nodeCommand(pkg, name, binOverride string, args []string) (*exec.Cmd, error) {
	dir := filepath.Join(r.Root, "packages", pkg)
	var base []string
	switch {
	case os.Getenv(EnvFromSources) == "1":
		// ts-node alone resolves @imprint/client (and the other workspace
		// packages) to their dist/, which may predate the sources: the
		// registry specs' preload maps them to src/ as jest does.
		base = []string{"-r", filepath.Join(r.Root, "node_modules", "ts-node", "register", "transpile-only"),
			"-r", filepath.Join(r.Root, "packages", "registry", "test", "helpers", "workspace-sources.ts"),
			filepath.Join(dir, "src", "bin", name+".ts")}
	case binOverride != "":
		base = []string{binOverride}
	default:
		dist := filepath.Join(dir, "dist", "bin", name+".js")
		if _, err := os.Stat(dist); err != nil {
			return nil, fmt.Errorf("%s is missing: run `npm run build` in %s first (or set %s=1 to run the sources)", dist, r.Root, EnvFromSources)
		}
		base = []string{filepath.Join(dir, "bin", name+".js")}
	}
	cmd := exec.Command("node", append(base, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TS_NODE_PROJECT="+filepath.Join(dir, "tsconfig.json"))
	return cmd, nil
}

// CLI runs one imprint-registry command and returns its standard output.
func (r Repo) CLI(args ...string) (string, error) {
	cmd, err := r.command(args...)
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("imprint-registry %s: %w\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

// Database is where one run keeps its data.
type Database struct {
	Engine  string // "sqlite" or "postgres"
	DataDir string
	URL     string // PostgreSQL only
	drop    func() error
}

// StorageFlags are the CLI flags that select the database.
func (d Database) StorageFlags() []string {
	flags := []string{"--data-dir", d.DataDir}
	if d.URL != "" {
		flags = append(flags, "--database", d.URL)
	}
	return flags
}

// Drop removes the database.
func (d Database) Drop() error { return d.drop() }

// NewDatabase makes a fresh database: a temp dir for SQLite; for PostgreSQL a
// new database named imprint_compat_<random>, created and later dropped with
// the repository's own `pg` client (the Go module then needs no driver).
func (r Repo) NewDatabase(engine, adminURL string) (Database, error) {
	dir, err := os.MkdirTemp("", "imprint-compat-"+engine+"-")
	if err != nil {
		return Database{}, err
	}
	removeDir := func() error { return os.RemoveAll(dir) }
	if engine == "sqlite" {
		return Database{Engine: engine, DataDir: dir, drop: removeDir}, nil
	}
	name := fmt.Sprintf("imprint_compat_%d_%d", os.Getpid(), time.Now().UnixNano())
	if err := r.pgAdmin(adminURL, "create database "+name); err != nil {
		_ = removeDir()
		return Database{}, err
	}
	url, err := withDatabaseName(adminURL, name)
	if err != nil {
		return Database{}, err
	}
	return Database{Engine: engine, DataDir: dir, URL: url, drop: func() error {
		return errors.Join(r.pgAdmin(adminURL, "drop database if exists "+name+" with (force)"), removeDir())
	}}, nil
}

var dbPath = regexp.MustCompile(`^(postgres(?:ql)?://[^/?#]*)(/[^?#]*)?(.*)$`)

func withDatabaseName(adminURL, name string) (string, error) {
	m := dbPath.FindStringSubmatch(adminURL)
	if m == nil {
		return "", fmt.Errorf("%s is not a postgres:// URL", EnvPostgres)
	}
	return m[1] + "/" + name + m[3], nil
}

const pgScript = `const { Client } = require('pg');
const c = new Client({ connectionString: process.env.PG_ADMIN_URL });
c.connect().then(() => c.query(process.env.PG_SQL)).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });`

func (r Repo) pgAdmin(adminURL, sql string) error {
	cmd := exec.Command("node", "-e", pgScript)
	cmd.Dir = r.Root
	cmd.Env = append(os.Environ(), "PG_ADMIN_URL="+adminURL, "PG_SQL="+sql)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", sql, err, out)
	}
	return nil
}

// Principal is a client credential pair made by `principals create`.
type Principal struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// CreatePrincipal runs `principals create --json`.
func (r Repo) CreatePrincipal(db Database, name, role string) (Principal, error) {
	out, err := r.CLI(append([]string{"principals", "create", "--name", name, "--role", role, "--json"}, db.StorageFlags()...)...)
	if err != nil {
		return Principal{}, err
	}
	var p Principal
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.ClientID == "" || p.ClientSecret == "" {
		return Principal{}, fmt.Errorf("principals create printed no client id/secret (%v):\n%s", err, out)
	}
	return p, nil
}

// TLSPair is the certificate and key `tls create` wrote.
type TLSPair struct{ Cert, Key string }

// CreateTLS runs `tls create --out dir`.
func (r Repo) CreateTLS(dir string) (TLSPair, error) {
	if _, err := r.CLI("tls", "create", "--out", dir, "--host", "127.0.0.1", "--host", "localhost"); err != nil {
		return TLSPair{}, err
	}
	pair := TLSPair{Cert: filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem")}
	for _, f := range []string{pair.Cert, pair.Key} {
		if _, err := os.Stat(f); err != nil {
			return TLSPair{}, fmt.Errorf("tls create wrote no %s: %w", f, err)
		}
	}
	return pair, nil
}

var exportLine = regexp.MustCompile(`^export ([A-Z_][A-Z0-9_]*)=(.*)$`)

// ClientEnv runs `env --shell sh` for a server (plus extra flags, such as
// `--client packer-1.9`) and parses its exports.
func (r Repo) ClientEnv(db Database, serverURL, certFile string, extra ...string) (map[string]string, error) {
	args := append([]string{"env", "--shell", "sh", "--url", serverURL, "--tls-cert", certFile}, extra...)
	out, err := r.CLI(append(args, db.StorageFlags()...)...)
	if err != nil {
		return nil, err
	}
	return ParseShExports(out)
}

// ParseShExports reads `export NAME=value` lines (value bare or in single
// quotes, with '\” for a quote) and skips comments.
func ParseShExports(text string) (map[string]string, error) {
	vars := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := exportLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("env printed a line that is neither a comment nor an export: %q", line)
		}
		value := m[2]
		if strings.HasPrefix(value, "'") {
			if !strings.HasSuffix(value, "'") || len(value) < 2 {
				return nil, fmt.Errorf("unterminated quote in %q", line)
			}
			value = strings.ReplaceAll(value[1:len(value)-1], `'\''`, "'")
		}
		vars[m[1]] = value
	}
	return vars, nil
}

// Server is a running `imprint-registry serve`.
type Server struct {
	URL            string
	OrganizationID string
	ProjectID      string
	cmd            *exec.Cmd
	mu             sync.Mutex
	log            bytes.Buffer
	done           chan struct{}
}

var readyLine = regexp.MustCompile(`registry ready at (https?://[^\s"(]+).*HCP_ORGANIZATION_ID=([0-9a-f-]+) HCP_PROJECT_ID=([0-9a-f-]+)`)

// Serve starts `serve` on 127.0.0.1, port 0, over HTTPS, and waits until it
// says it is ready.
func (r Repo) Serve(ctx context.Context, db Database, pair TLSPair) (*Server, error) {
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--tls-cert", pair.Cert, "--tls-key", pair.Key,
		"--log-level", "info"}, db.StorageFlags()...)
	cmd, err := r.command(args...)
	if err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, done: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = &lockedWriter{s}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan []string, 1)
	go func() {
		defer close(s.done)
		scanner := bufio.NewScanner(stdout)
		scanner.Buffer(make([]byte, 1<<20), 1<<20)
		for scanner.Scan() {
			line := scanner.Text()
			_, _ = (&lockedWriter{s}).Write([]byte(line + "\n"))
			if m := readyLine.FindStringSubmatch(line); m != nil {
				select {
				case ready <- m:
				default:
				}
			}
		}
		_ = cmd.Wait()
	}()
	select {
	case m := <-ready:
		s.URL, s.OrganizationID, s.ProjectID = m[1], m[2], m[3]
		if !strings.HasPrefix(s.URL, "https://") {
			_ = s.Stop()
			return nil, fmt.Errorf("serve with --tls-cert/--tls-key is ready at %s, not https", s.URL)
		}
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("imprint-registry serve exited before it was ready:\n%s", s.Log())
	case <-time.After(60 * time.Second):
		_ = s.Stop()
		return nil, fmt.Errorf("imprint-registry serve not ready after 60s:\n%s", s.Log())
	case <-ctx.Done():
		_ = s.Stop()
		return nil, ctx.Err()
	}
}

type lockedWriter struct{ s *Server }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.log.Write(p)
}

// Log is everything the server printed so far.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// Stop sends SIGTERM to the process this suite started, then SIGKILL after 10 s.
func (s *Server) Stop() error {
	if s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	return nil
}
