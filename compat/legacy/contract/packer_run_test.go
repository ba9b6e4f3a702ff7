package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// packerRun is one `packer build` and what it printed.
type packerRun struct {
	output string
	code   int
}

// packer runs the built Packer v1.9.4 in dir, as the contributor principal,
// with only: PATH, an isolated HOME and TMPDIR, CHECKPOINT_DISABLE=1, what
// `imprint-registry env --client packer-1.9` printed, and extra.
func (r *run) packer(t *testing.T, dir string, extra map[string]string, args ...string) packerRun {
	t.Helper()
	bin := packerBin(t)
	home := t.TempDir()
	env := map[string]string{"PATH": os.Getenv("PATH"), "HOME": home, "TMPDIR": home, "CHECKPOINT_DISABLE": "1"}
	for k, v := range r.Env {
		env[k] = v
	}
	p := r.Principals["contributor"]
	env["HCP_CLIENT_ID"], env["HCP_CLIENT_SECRET"] = p.ClientID, p.ClientSecret
	for k, v := range extra {
		env[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	res := packerRun{output: out.String()}
	// A non-zero exit is an answer (the scenarios assert it); anything else
	// (not started, killed by the timeout) fails the test.
	exit, exited := err.(*exec.ExitError)
	switch {
	case exited && ctx.Err() == nil:
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("packer %s: %v\n%s", strings.Join(args, " "), err, res.output)
	}
	return res
}

// build runs `packer build` and fails the test unless it exits wantCode.
func (r *run) build(t *testing.T, dir string, extra map[string]string, wantCode int, args ...string) packerRun {
	t.Helper()
	res := r.packer(t, dir, extra, append([]string{"build", "-color=false"}, args...)...)
	if res.code != wantCode {
		t.Fatalf("packer build %s exited %d, want %d:\n%s\nregistry log (tail):\n%s", strings.Join(args, " "), res.code, wantCode, res.output, tail(r.Server.Log(), 40))
	}
	return res
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// imprint runs the imprint CLI as role with --json and decodes stdout.
func imprint(t *testing.T, r *run, role string, into any, args ...string) {
	t.Helper()
	out, err := suite.Imprint(r.Run, role, append(args, "--json")...)
	if err != nil || out.Code != 0 {
		t.Fatalf("imprint %s: exit %d, %v\n%s%s", strings.Join(args, " "), out.Code, err, out.Stdout, out.Stderr)
	}
	if into == nil {
		return
	}
	if err := json.Unmarshal([]byte(out.Stdout), into); err != nil {
		t.Fatalf("imprint %s --json printed no JSON document (%v):\n%s", strings.Join(args, " "), err, out.Stdout)
	}
}

// cliVersion is the part of the 2023 Version that `imprint versions get
// --json` prints and these scenarios read.
type cliVersion struct {
	ID, Fingerprint, Name, Status string
	RevocationType                string `json:"revocation_type"`
}

// cliAncestry is `imprint ancestry --json`: the 2023 ListBucketAncestry answer.
type cliAncestry struct {
	Relations []struct {
		Parent *struct {
			BucketName         string `json:"bucket_name"`
			ChannelName        string `json:"channel_name"`
			VersionID          string `json:"version_id"`
			VersionFingerprint string `json:"version_fingerprint"`
		} `json:"parent"`
		Child *struct {
			BucketName         string `json:"bucket_name"`
			VersionFingerprint string `json:"version_fingerprint"`
		} `json:"child"`
		Status string `json:"status"`
	} `json:"relations"`
}

// linkStatus is the status of the relation of child version fp to parent,
// read through `imprint ancestry` (2023-01-01).
func linkStatus(t *testing.T, r *run, child, fp, parent string) (status, parentFP string) {
	t.Helper()
	var anc cliAncestry
	imprint(t, r, "viewer", &anc, "ancestry", child, "--version", fp)
	for _, rel := range anc.Relations {
		if rel.Parent != nil && rel.Parent.BucketName == parent {
			return rel.Status, rel.Parent.VersionFingerprint
		}
	}
	t.Fatalf("imprint ancestry %s --version %s: no parent in %s: %+v", child, fp, parent, anc.Relations)
	return "", ""
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// baseTemplate builds base-image.txt (id base-image.txt, region ".") from
// var.content into bucket.
func baseTemplate(bucket string) string {
	return fmt.Sprintf(`variable "content" {
  type    = string
  default = "v1"
}

source "file" "base" {
  content = var.content
  target  = "base-image.txt"
}

build {
  hcp_packer_registry {
    bucket_name = %q
    description = "Packer v1.9.4 base image"
  }
  sources = ["source.file.base"]
}
`, bucket)
}

// childTemplate reads base's production channel with both data sources and
// copies the base image: the artifact's source is the hcp-packer-image id,
// so Packer declares the parent.
func childTemplate(bucket, base string) string {
	return fmt.Sprintf(`data "hcp-packer-iteration" "base" {
  bucket_name = %[2]q
  channel     = "production"
}

data "hcp-packer-image" "base" {
  bucket_name    = %[2]q
  iteration_id   = data.hcp-packer-iteration.base.id
  cloud_provider = "packer.file"
  region         = "."
}

source "file" "app" {
  source = data.hcp-packer-image.base.id
  target = "app-image.txt"
}

build {
  hcp_packer_registry {
    bucket_name = %[1]q
  }
  sources = ["source.file.app"]
}
`, bucket, base)
}
