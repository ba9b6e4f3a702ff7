package contract

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The Imprint example plugins, packaged as Packer plugins by
// `imprint plugins package` (@imprint/packer-bridge), built by stock Packer
// v1.9.4 with hcp_packer_registry, against what `imprint build` stores for
// the same sources (issue 16).

// bridgePlugins is a directory holding packer-plugin-docker-like_… and
// packer-plugin-aws-like_…: IMPRINT_BRIDGE_PLUGINS when set (CI packages
// them once), else packaged here.
func bridgePlugins(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("IMPRINT_BRIDGE_PLUGINS"); dir != "" {
		return dir
	}
	bridgeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "imprint-bridge-plugins-")
		if err != nil {
			bridgeErr = err
			return
		}
		bridgeDir = dir
		for _, pkg := range []string{"@imprint/example-docker-like", "@imprint/example-aws-like"} {
			cmd := exec.Command("node", filepath.Join(suite.Repo.Root, "packages", "cli", "bin", "imprint.js"),
				"plugins", "package", pkg, "--from", suite.Repo.Root, "--output", dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				bridgeErr = fmt.Errorf("imprint plugins package %s: %v\n%s", pkg, err, out)
				return
			}
		}
	})
	if bridgeErr != nil {
		t.Fatal(bridgeErr)
	}
	return bridgeDir
}

var (
	bridgeOnce sync.Once
	bridgeDir  string
	bridgeErr  error
)

// seedSourceImage registers a base image in a new aws-like local cloud and
// returns the cloud's directory and the image id.
func seedSourceImage(t *testing.T) (cloudDir, imageID string) {
	t.Helper()
	cloudDir = t.TempDir()
	script := `const { LocalCloud } = require('@imprint/example-aws-like');
new LocalCloud({ dir: process.argv[1] })
  .registerImage({ region: 'us-east-1', name: 'bridge-base', os: 'linux', files: { '/etc/os-release': 'ID=bridge\n' } })
  .then((image) => process.stdout.write(image.imageId), (error) => { console.error(error.message); process.exit(1); });`
	cmd := exec.Command("node", "-e", script, cloudDir)
	cmd.Dir = suite.Repo.Root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("seeding the aws-like cloud: %v %s", err, out)
	}
	return cloudDir, string(out)
}

// bridgeSources are the sources both templates build: the same text under
// Packer and under `imprint build`.
func bridgeSources(outDir, cloudDir, sourceAMI, amiName string) string {
	return fmt.Sprintf(`source "docker-like" "app" {
  base       = "scratch"
  output_dir = %[1]q
  created    = "2024-01-01T00:00:00Z"
  tag        = "1.0"
  labels     = { team = "imaging" }
  files {
    content     = "hello from the bridge\n"
    destination = "/srv/hello.txt"
  }
}

source "aws-like" "vm" {
  region     = "us-east-1"
  source_ami = %[3]q
  ami_name   = %[4]q
  cloud_dir  = %[2]q
  tags       = { role = "web" }
  provision {
    type   = "shell"
    inline = ["echo built > /etc/bridge"]
  }
}
`, filepath.Join(outDir, "app-layout"), cloudDir, sourceAMI, amiName)
}

// registryBlock is hcp_packer_registry's body, shared by both templates.
func registryBlock(bucket string) string {
	return fmt.Sprintf(`    bucket_name   = %q
    description   = "built through the Imprint Packer bridge"
    bucket_labels = { origin = "bridge" }
    build_labels  = { pipeline = "compat" }
`, bucket)
}

// packerBridgeTemplate is the Packer v1.9.4 template: plugins found on
// PACKER_PLUGIN_PATH, hcp_packer_registry inside the build block.
func packerBridgeTemplate(sources, bucket string) string {
	return sources + fmt.Sprintf(`
build {
  hcp_packer_registry {
%s  }
  sources = ["source.docker-like.app", "source.aws-like.vm"]
}
`, registryBlock(bucket))
}

// imprintBridgeTemplate is the same build for `imprint build`: plugins named
// by npm package, the registry block at the top level.
func imprintBridgeTemplate(sources, bucket string) string {
	return `packer {
  required_plugins {
    docker-like = "@imprint/example-docker-like"
    aws-like    = "@imprint/example-aws-like"
  }
}

` + sources + fmt.Sprintf(`
hcp_packer_registry {
%s}

build {
  sources = ["source.docker-like.app", "source.aws-like.vm"]
}
`, registryBlock(bucket))
}

// storedBuild is what the comparison looks at in one stored build.
type storedBuild struct {
	Platform, Status string
	Labels           map[string]string
	Artifacts        []string // region:external id, sorted; aws-like ids as their shape
}

var amiID = regexp.MustCompile(`^ami-[0-9a-f]+$`)

// storedBuilds reads a version's builds through `imprint builds list --json`,
// keyed by component type.
func storedBuilds(t *testing.T, r *run, bucket, fp string) map[string]storedBuild {
	t.Helper()
	var raw json.RawMessage
	imprint(t, r, "viewer", &raw, "builds", "list", bucket, fp)
	var list []struct {
		ComponentType string            `json:"component_type"`
		Platform      string            `json:"platform"`
		Status        string            `json:"status"`
		Labels        map[string]string `json:"labels"`
		Artifacts     []struct {
			ExternalIdentifier string `json:"external_identifier"`
			Region             string `json:"region"`
		} `json:"artifacts"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		var wrapped struct {
			Builds json.RawMessage `json:"builds"`
		}
		if err2 := json.Unmarshal(raw, &wrapped); err2 != nil || json.Unmarshal(wrapped.Builds, &list) != nil {
			t.Fatalf("imprint builds list %s %s --json: %v\n%s", bucket, fp, err, raw)
		}
	}
	out := map[string]storedBuild{}
	for _, b := range list {
		s := storedBuild{Platform: b.Platform, Status: b.Status, Labels: b.Labels}
		for _, a := range b.Artifacts {
			id := a.ExternalIdentifier
			if amiID.MatchString(id) {
				id = "ami-…"
			}
			s.Artifacts = append(s.Artifacts, a.Region+":"+id)
		}
		sort.Strings(s.Artifacts)
		out[b.ComponentType] = s
	}
	return out
}

// TestStockPackerBridge builds docker-like and aws-like through the bridge
// with Packer v1.9.4 and hcp_packer_registry, then the same sources with
// `imprint build`: the registry stores the same builds, artifacts and labels.
func TestStockPackerBridge(t *testing.T) {
	plugins := bridgePlugins(t)
	each(t, func(t *testing.T, r *run) {
		dir := t.TempDir()
		// One local cloud each, so that both can make an image of the same name.
		cloudDir, base := seedSourceImage(t)
		imprintCloud, imprintBase := seedSourceImage(t)
		packerBucket, imprintBucket := "bridge-packer-"+r.Engine, "bridge-imprint-"+r.Engine

		writeFile(t, dir, "bridge.pkr.hcl", packerBridgeTemplate(
			bridgeSources(filepath.Join(dir, "packer"), cloudDir, base, "bridge-vm"), packerBucket))
		env := map[string]string{"PACKER_PLUGIN_PATH": plugins, "HCP_PACKER_BUILD_FINGERPRINT": "bridge-1"}
		res := r.build(t, dir, env, 0, "bridge.pkr.hcl")
		t.Logf("packer build bridge.pkr.hcl (exit %d):\n%s", res.code, res.output)
		for _, want := range []string{
			"--> docker-like.app: Published metadata to HCP Packer registry packer/" + packerBucket + "/iterations/",
			"--> aws-like.vm: Published metadata to HCP Packer registry packer/" + packerBucket + "/iterations/",
		} {
			if !strings.Contains(res.output, want) {
				t.Fatalf("packer's output lacks %q", want)
			}
		}

		imprintDir := filepath.Join(dir, "imprint")
		if err := os.MkdirAll(imprintDir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, imprintDir, "bridge.pkr.hcl", imprintBridgeTemplate(
			bridgeSources(imprintDir, imprintCloud, imprintBase, "bridge-vm"), imprintBucket))
		out, err := suite.Imprint(r.Run, "contributor", "build", filepath.Join(imprintDir, "bridge.pkr.hcl"),
			"--plugin-dir", suite.Repo.Root, "--fingerprint", "bridge-1", "--plain")
		if err != nil || out.Code != 0 {
			t.Fatalf("imprint build: exit %d, %v\n%s%s", out.Code, err, out.Stdout, out.Stderr)
		}

		fromPacker := storedBuilds(t, r, packerBucket, "bridge-1")
		fromImprint := storedBuilds(t, r, imprintBucket, "bridge-1")
		t.Logf("stored by Packer v1.9.4 through the bridge: %+v", fromPacker)
		if !reflect.DeepEqual(fromPacker, fromImprint) {
			t.Fatalf("the registry stores different builds:\n packer:  %+v\n imprint: %+v", fromPacker, fromImprint)
		}
		app := fromPacker["docker-like.app"]
		if app.Status != "BUILD_DONE" || len(app.Artifacts) != 1 || app.Labels["pipeline"] != "compat" {
			t.Fatalf("docker-like.app as stored: %+v", app)
		}
		if vm := fromPacker["aws-like.vm"]; len(vm.Artifacts) != 1 || vm.Artifacts[0] != "us-east-1:ami-…" {
			t.Fatalf("aws-like.vm as stored: %+v", vm)
		}
		var v cliVersion
		imprint(t, r, "viewer", &v, "versions", "get", packerBucket, "bridge-1")
		if v.Status != "VERSION_ACTIVE" {
			t.Fatalf("the version Packer built through the bridge: %+v", v)
		}

		// A data source finds that image, a builder starts FROM it, and a
		// post-processor tags the result: Packer publishes the post-processor's
		// artifact, which read its input's state through the bridge.
		imageID := strings.TrimPrefix(app.Artifacts[0], "docker:")
		chainBucket := "bridge-chain-" + r.Engine
		writeFile(t, dir, "chain.pkr.hcl", packerChainTemplate(chainSources(imageID, filepath.Join(dir, "packer")), chainBucket))
		res = r.build(t, dir, map[string]string{"PACKER_PLUGIN_PATH": plugins, "HCP_PACKER_BUILD_FINGERPRINT": "chain-1"}, 0, "chain.pkr.hcl")
		t.Logf("packer build chain.pkr.hcl (exit %d):\n%s", res.code, res.output)
		writeFile(t, imprintDir, "chain.pkr.hcl", imprintChainTemplate(chainSources(imageID, imprintDir), "bridge-chain-imprint-"+r.Engine))
		out, err = suite.Imprint(r.Run, "contributor", "build", filepath.Join(imprintDir, "chain.pkr.hcl"),
			"--plugin-dir", suite.Repo.Root, "--fingerprint", "chain-1", "--plain")
		if err != nil || out.Code != 0 {
			t.Fatalf("imprint build chain.pkr.hcl: exit %d, %v\n%s%s", out.Code, err, out.Stdout, out.Stderr)
		}
		chainPacker := storedBuilds(t, r, chainBucket, "chain-1")
		chainImprint := storedBuilds(t, r, "bridge-chain-imprint-"+r.Engine, "chain-1")
		t.Logf("chain stored by Packer v1.9.4 through the bridge: %+v", chainPacker)
		if !reflect.DeepEqual(chainPacker, chainImprint) {
			t.Fatalf("the registry stores different chained builds:\n packer:  %+v\n imprint: %+v", chainPacker, chainImprint)
		}
		if child := chainPacker["docker-like.child"]; child.Status != "BUILD_DONE" || child.Labels["tags"] != "latest,stable" {
			t.Fatalf("docker-like.child as stored (tagged by docker-like-tag): %+v", child)
		}
	})
}

// chainSources reads the image imageID from the layouts under searchDir and
// builds a child FROM it, next to it.
func chainSources(imageID, searchDir string) string {
	return fmt.Sprintf(`data "docker-like-layout" "base" {
  image_id   = %[1]q
  search_dir = %[2]q
}

source "docker-like" "child" {
  base       = data.docker-like-layout.base.dir
  base_ref   = data.docker-like-layout.base.ref
  output_dir = %[3]q
  created    = "2024-01-01T00:00:00Z"
  files {
    content     = "child\n"
    destination = "/srv/child.txt"
  }
}
`, imageID, searchDir, filepath.Join(searchDir, "child-layout"))
}

func packerChainTemplate(sources, bucket string) string {
	return sources + fmt.Sprintf(`
build {
  hcp_packer_registry {
    bucket_name = %q
  }
  sources = ["source.docker-like.child"]
  post-processor "docker-like-tag" {
    tags = ["stable"]
  }
}
`, bucket)
}

func imprintChainTemplate(sources, bucket string) string {
	return `packer {
  required_plugins {
    docker-like        = "@imprint/example-docker-like"
    docker-like-layout = "@imprint/example-docker-like"
    docker-like-tag    = "@imprint/example-docker-like"
  }
}

` + sources + fmt.Sprintf(`
hcp_packer_registry {
  bucket_name = %q
}

build {
  sources = ["source.docker-like.child"]
  post-processor "docker-like-tag" {
    tags = ["stable"]
  }
}
`, bucket)
}

// TestStockPackerBridgeInterrupt presses Ctrl-C (SIGINT to Packer's process
// group, as a terminal does) while an aws-like build runs a long shell step:
// Packer cancels the build, the bridge stops its Node host, nothing is left.
func TestStockPackerBridgeInterrupt(t *testing.T) {
	plugins := bridgePlugins(t)
	dir := t.TempDir()
	cloudDir, base := seedSourceImage(t)
	writeFile(t, dir, "slow.pkr.hcl", fmt.Sprintf(`source "aws-like" "slow" {
  region     = "us-east-1"
  source_ami = %q
  ami_name   = "bridge-slow"
  cloud_dir  = %q
  provision {
    type   = "shell"
    inline = ["sleep 120"]
  }
}

build {
  sources = ["source.aws-like.slow"]
}
`, base, cloudDir))
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, packerBin(t), "build", "-color=false", "slow.pkr.hcl")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + home, "CHECKPOINT_DISABLE=1", "PACKER_PLUGIN_PATH=" + plugins}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var output strings.Builder
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pipe)
		once := sync.Once{}
		for sc.Scan() {
			output.WriteString(sc.Text() + "\n")
			// The provision step is running once the builder reports it.
			if strings.Contains(sc.Text(), "aws-like.slow:") && strings.Contains(strings.ToLower(sc.Text()), "provision") {
				once.Do(func() { close(started) })
			}
		}
	}()
	select {
	case <-started:
	case <-done:
		t.Fatalf("packer ended before the provision step:\n%s", output.String())
	case <-time.After(90 * time.Second):
		t.Fatalf("no provision step within 90 s:\n%s", output.String())
	}
	time.Sleep(time.Second)
	pressed := time.Now()
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-done
	err = cmd.Wait()
	took := time.Since(pressed)
	t.Logf("packer build slow.pkr.hcl after Ctrl-C (%s, %v):\n%s", took.Round(time.Millisecond), err, output.String())
	if ctx.Err() != nil {
		t.Fatal("packer did not end within 2 minutes of Ctrl-C")
	}
	if took > 30*time.Second {
		t.Fatalf("packer took %s to stop after Ctrl-C", took)
	}
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() == 0 {
		t.Fatalf("packer exited %v after Ctrl-C, want a non-zero exit", err)
	}
	if !strings.Contains(output.String(), "Build 'aws-like.slow' errored") && !strings.Contains(output.String(), "cancelled") {
		t.Fatalf("packer's output does not say the build was cancelled")
	}
	// The builder's own clean-up ran: it heard the cancellation.
	if !strings.Contains(output.String(), "Terminating instance") {
		t.Fatalf("the aws-like builder did not terminate its instance after Ctrl-C")
	}
	if left := processesIn(t, dir); len(left) > 0 {
		t.Fatalf("processes still running in %s after Packer ended: %v", dir, left)
	}
}

// processesIn lists the processes (pid: command line) whose working
// directory is dir: Packer's plugins and their Node hosts run there.
func processesIn(t *testing.T, dir string) []string {
	t.Helper()
	var left []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		left = left[:0]
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			cwd, err := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
			if err != nil || cwd != dir {
				continue
			}
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			left = append(left, e.Name()+": "+strings.ReplaceAll(strings.TrimRight(string(cmdline), "\x00"), "\x00", " "))
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// packerWithPlugins runs Packer v1.9.4 in dir with the bridge plugins and no
// registry, and returns what it printed and its exit code.
func packerWithPlugins(t *testing.T, dir, plugins string, args ...string) (string, int) {
	t.Helper()
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, packerBin(t), append([]string{"build", "-color=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TMPDIR=" + home, "CHECKPOINT_DISABLE=1", "PACKER_PLUGIN_PATH=" + plugins}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("packer build %s did not end within 2 minutes:\n%s", strings.Join(args, " "), out)
	}
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// TestStockPackerBridgeTemplates: what a Packer user meets at the edges —
// a JSON template's typo gets the plugin's own did-you-mean, shell-local runs
// after an Imprint builder, a provisioner that needs a communicator fails at
// once saying why, and a communicator other than "none" is refused.
func TestStockPackerBridgeTemplates(t *testing.T) {
	plugins := bridgePlugins(t)
	cases := []struct {
		name, file, text string
		code             int
		want             []string
	}{
		{"json typo", "typo.json", `{"builders": [{"type": "docker-like", "bse": "scratch"}]}`, 1, []string{
			`docker-like source 'docker-like' has 2 configuration problems:`,
			`unknown field 'bse' in docker-like source 'docker-like': did you mean`,
			`missing required field 'base' in docker-like source 'docker-like'`,
		}},
		{"json shell-local and post-processor", "ok.json", `{
  "builders": [{"type": "docker-like", "base": "scratch", "created": "2024-01-01T00:00:00Z",
                "files": [{"content": "x\n", "destination": "/x"}]}],
  "provisioners": [{"type": "shell-local", "inline": ["echo provisioned > provisioned.txt"]}],
  "post-processors": [{"type": "docker-like-tag", "tags": ["stable"]}]
}`, 0, []string{
			"==> docker-like: Running local shell script:",
			"==> docker-like (docker-like-tag): Tagged sha256:",
			"(latest,stable) in ",
		}},
		{"shell provisioner", "shell.pkr.hcl", `source "docker-like" "s" {
  base = "scratch"
}
build {
  sources = ["source.docker-like.s"]
  provisioner "shell" {
    inline = ["echo hi"]
  }
}`, 1, []string{
			"==> docker-like.s: Provisioning with shell script:",
			"Build 'docker-like.s' errored after",
			"a provisioner needs a communicator (it called Upload ",
			"the Imprint bridge has no communicator",
		}},
		{"communicator ssh", "ssh.pkr.hcl", `source "docker-like" "s" {
  base         = "scratch"
  communicator = "ssh"
}
build {
  sources = ["source.docker-like.s"]
}`, 1, []string{
			`Error: source "docker-like.s": communicator = "ssh" is not supported by the Imprint bridge`,
			`How to fix: set communicator = "none"`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, c.file, c.text)
			began := time.Now()
			out, code := packerWithPlugins(t, dir, plugins, c.file)
			t.Logf("packer build %s (exit %d, %s):\n%s", c.file, code, time.Since(began).Round(time.Millisecond), out)
			if code != c.code {
				t.Fatalf("exit %d, want %d", code, c.code)
			}
			// Packer wraps long lines of errors: compare with single spaces.
			flat := strings.Join(strings.Fields(out), " ")
			for _, want := range c.want {
				if !strings.Contains(flat, want) {
					t.Errorf("the output lacks %q", want)
				}
			}
		})
	}
}
