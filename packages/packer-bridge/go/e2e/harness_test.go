// Package e2e drives packaged bridge binaries the way Packer core does: the
// same environment and arguments, the handshake line on stdout, and
// packer-plugin-sdk's own RPC client. Ui and Hook are Packer core's parts, so
// the tests implement them.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/plugin"
	packerrpc "github.com/hashicorp/packer-plugin-sdk/rpc"
)

var (
	repoRoot   string
	pluginsDir string
	askerDir   string // the packaged asker fixture
)

// The two example plugins the tests package.
var examplePackages = map[string]string{
	"docker-like": "@imprint/example-docker-like",
	"aws-like":    "@imprint/example-aws-like",
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Clean(filepath.Join(filepath.Dir(file), "../../../.."))
	pluginsDir = os.Getenv("IMPRINT_BRIDGE_PLUGINS")
	if pluginsDir == "" {
		tmp, err := os.MkdirTemp("", "imprint-bridge-plugins-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(tmp)
		for _, pkg := range examplePackages {
			cmd := exec.Command("node", filepath.Join(repoRoot, "packages/cli/dist/bin/imprint.js"),
				"plugins", "package", pkg, "--from", repoRoot, "--output", tmp)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "%s\npackaging %s with `imprint plugins package` failed (%v); set IMPRINT_BRIDGE_PLUGINS to a directory of packaged binaries to test those instead\n", out, pkg, err)
				return 1
			}
		}
		pluginsDir = tmp
	}
	// The asker fixture (test/fixtures/imprint-plugin-asker) is packaged here
	// in any case: it is a test plugin, not one CI packages for Packer. Its
	// project directory is inside the repository (test/.tmp, ignored by git),
	// so the plugin's require('@imprint/sdk') finds this repository's SDK.
	tmpRoot := filepath.Join(repoRoot, "packages/packer-bridge/test/.tmp")
	if err := os.MkdirAll(tmpRoot, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tmp, err := os.MkdirTemp(tmpRoot, "go-asker-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	if err := packageAsker(tmp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	askerDir = filepath.Join(tmp, "plugins")
	return m.Run()
}

// packageAsker copies the asker fixture into dir/node_modules and packages
// it into dir/plugins, as a plugin author would from their project.
func packageAsker(dir string) error {
	fixture := filepath.Join(repoRoot, "packages/packer-bridge/test/fixtures/imprint-plugin-asker")
	if err := os.CopyFS(filepath.Join(dir, "node_modules", "imprint-plugin-asker"), os.DirFS(fixture)); err != nil {
		return err
	}
	cmd := exec.Command("node", filepath.Join(repoRoot, "packages/cli/dist/bin/imprint.js"),
		"plugins", "package", "imprint-plugin-asker", "--from", dir, "--output", filepath.Join(dir, "plugins"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s\npackaging the asker fixture with `imprint plugins package` failed: %v", out, err)
	}
	return nil
}

// binary finds the packaged binary of a plugin (installed names carry a version suffix).
func binary(t *testing.T, name string) string {
	t.Helper()
	dir := pluginsDir
	if name == "asker" {
		dir = askerDir
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "packer-plugin-"+name+"*"))
	for _, m := range matches {
		if !strings.HasSuffix(m, "SUM") && !strings.HasSuffix(m, ".json") {
			return m
		}
	}
	t.Fatalf("no packer-plugin-%s binary in %s", name, dir)
	return ""
}

// pluginProcess is one started component process and the SDK's client to it.
type pluginProcess struct {
	cmd    *exec.Cmd
	client *packerrpc.Client
	stderr *syncBuffer
	exited chan struct{}
}

type startOptions struct {
	dir      string   // the plugin's cwd (Packer's)
	env      []string // added to Packer's environment
	protobuf bool     // Packer >= 1.11 passes --protobuf; v1.9.4 does not
}

// start launches `binary start kind name` as Packer v1.9.4's PluginClient does.
func start(t *testing.T, bin, kind, name string, o startOptions) *pluginProcess {
	t.Helper()
	args := []string{"start", kind, name}
	if o.protobuf {
		args = append(args, "--protobuf")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = o.dir
	cmd.Env = append(append(os.Environ(), o.env...),
		plugin.MagicCookieKey+"="+plugin.MagicCookieValue,
		"PACKER_PLUGIN_MIN_PORT=10000", "PACKER_PLUGIN_MAX_PORT=25000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &pluginProcess{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		if p.client != nil {
			p.client.Close()
		}
		p.kill()
		if t.Failed() {
			t.Logf("plugin %s %s stderr:\n%s", kind, name, p.stderr.String())
		}
	})

	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		io.Copy(io.Discard, r)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatalf("no handshake line from %s", bin)
	}
	parts := strings.SplitN(strings.TrimSpace(line), "|", 4)
	if len(parts) != 4 || parts[0] != plugin.APIVersionMajor {
		t.Fatalf("bad handshake line %q (stderr: %s)", line, p.stderr.String())
	}
	conn, err := net.Dial(parts[2], parts[3])
	if err != nil {
		t.Fatal(err)
	}
	if p.client, err = packerrpc.NewClient(conn); err != nil {
		t.Fatal(err)
	}
	p.client.UseProto = o.protobuf
	return p
}

// kill ends the plugin as Packer does when a build is over.
func (p *pluginProcess) kill() {
	if p.cmd.Process != nil {
		p.cmd.Process.Kill()
		<-p.exited
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testUi records what a component shows, as Packer's Ui would print it.
type testUi struct {
	mu     sync.Mutex
	lines  []string
	onLine func(string)
	answer string // what Ask answers
}

var _ packersdk.Ui = (*testUi)(nil)

func (u *testUi) add(kind, s string) {
	u.mu.Lock()
	u.lines = append(u.lines, kind+": "+s)
	on := u.onLine
	u.mu.Unlock()
	if on != nil {
		on(s)
	}
}

func (u *testUi) Lines() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.lines...)
}

func (u *testUi) Ask(q string) (string, error)                                      { u.add("ask", q); return u.answer, nil }
func (u *testUi) Askf(q string, a ...any) (string, error)                           { return u.Ask(fmt.Sprintf(q, a...)) }
func (u *testUi) Say(s string)                                                      { u.add("say", s) }
func (u *testUi) Sayf(s string, a ...any)                                           { u.Say(fmt.Sprintf(s, a...)) }
func (u *testUi) Message(s string)                                                  { u.add("message", s) }
func (u *testUi) Error(s string)                                                    { u.add("error", s) }
func (u *testUi) Errorf(s string, a ...any)                                         { u.Error(fmt.Sprintf(s, a...)) }
func (u *testUi) Machine(string, ...string)                                         {}
func (u *testUi) TrackProgress(_ string, _, _ int64, s io.ReadCloser) io.ReadCloser { return s }

// testHook is Packer core's provisioning hook: it records the call and tries
// the communicator as a remote provisioner (shell, file) would.
// testHook is Packer core's hook. By default it runs a provisioner that needs
// no communicator (as shell-local); with upload set, one that uploads a file
// and retries a failed upload until its context ends, as Packer's shell
// provisioner does for start_retry_timeout.
type testHook struct {
	upload  bool
	mu      sync.Mutex
	names   []string
	commErr error
}

func (h *testHook) Run(ctx context.Context, name string, _ packersdk.Ui, comm packersdk.Communicator, _ interface{}) error {
	h.mu.Lock()
	h.names = append(h.names, name)
	h.mu.Unlock()
	if !h.upload {
		return nil
	}
	for {
		err := comm.Upload("/tmp/script.sh", strings.NewReader("echo hi"), nil)
		h.mu.Lock()
		h.commErr = err
		h.mu.Unlock()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("Error uploading script: %w", err)
		case <-time.After(time.Second):
		}
	}
}
