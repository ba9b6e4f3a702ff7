package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/packer-plugin-sdk/plugin"
	"github.com/zclconf/go-cty/cty"
)

// decodeHCL decodes a source body with a ConfigSpec, as Packer core does.
func decodeHCL(t *testing.T, spec hcldec.ObjectSpec, src string) cty.Value {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCL([]byte(src), "test.pkr.hcl")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	v, diags := hcldec.Decode(f.Body, spec, nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return v
}

func TestDescribeAnswersFromTheManifestWithoutNode(t *testing.T) {
	cmd := exec.Command(binary(t, "docker-like"), "describe")
	// describe must not start Node: a broken Node path changes nothing.
	cmd.Env = append(os.Environ(), "IMPRINT_BRIDGE_NODE=/nonexistent/node")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("describe: %v", err)
	}
	var desc plugin.SetDescription
	if err := json.Unmarshal(out, &desc); err != nil {
		t.Fatalf("describe printed %q: %v", out, err)
	}
	want := plugin.SetDescription{
		Version: "0.1.0", SDKVersion: "0.6.10", APIVersion: "x5.0",
		Builders: []string{plugin.DEFAULT_NAME}, PostProcessors: []string{"push", "tag"},
		Provisioners: []string{}, Datasources: []string{"layout"}, ProtocolVersion: plugin.ProtocolVersion2,
	}
	if !reflect.DeepEqual(desc, want) {
		t.Fatalf("describe = %+v, want %+v", desc, want)
	}
}

func TestBinaryWithoutAManifestSaysHowToBuildOne(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "packer-plugin-bare")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "describe").CombinedOutput()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("describe without a manifest: err = %v, want exit status 1", err)
	}
	if !strings.Contains(string(out), "built without a manifest") || !strings.Contains(string(out), "imprint plugins package") {
		t.Fatalf("describe without a manifest printed %q", out)
	}
}

const dockerLikeHCL = `
base       = "scratch"
tag        = "base"
cmd        = ["/bin/sh"]
env        = { PATH = "/usr/local/bin:/usr/bin:/bin", LANG = "C.UTF-8" }
source_date_epoch = 1704067200
files {
  source      = "rootfs/"
  destination = "/"
}
files {
  content     = "hello\n"
  destination = "/etc/motd"
  mode        = "0644"
}
communicator = "none"
`

// Packer v1.9.4 receives the spec as gob (needs the go-cty replace in go.mod),
// Packer >= 1.11 as protobuf: both must decode a template's body.
func TestConfigSpecDecodesAnHCLBody(t *testing.T) {
	for _, protobuf := range []bool{false, true} {
		name := map[bool]string{false: "gob", true: "protobuf"}[protobuf]
		t.Run(name, func(t *testing.T) {
			p := start(t, binary(t, "docker-like"), "builder", plugin.DEFAULT_NAME, startOptions{
				dir: t.TempDir(), protobuf: protobuf,
				// ConfigSpec must not start Node either.
				env: []string{"IMPRINT_BRIDGE_NODE=/nonexistent/node"},
			})
			v := decodeHCL(t, p.client.Builder().ConfigSpec(), dockerLikeHCL)
			if got := v.GetAttr("base").AsString(); got != "scratch" {
				t.Errorf("base = %q", got)
			}
			if got := v.GetAttr("env").Index(cty.StringVal("LANG")).AsString(); got != "C.UTF-8" {
				t.Errorf("env.LANG = %q", got)
			}
			if n, _ := v.GetAttr("source_date_epoch").AsBigFloat().Int64(); n != 1704067200 {
				t.Errorf("source_date_epoch = %d", n)
			}
			files := v.GetAttr("files").AsValueSlice()
			if len(files) != 2 || files[1].GetAttr("content").AsString() != "hello\n" || !files[0].GetAttr("content").IsNull() {
				t.Errorf("files = %#v", v.GetAttr("files"))
			}
			if got := v.GetAttr("communicator").AsString(); got != "none" {
				t.Errorf("communicator = %q", got)
			}
		})
	}
}

func TestConfigSpecDecodesASingleNestedBlock(t *testing.T) {
	p := start(t, binary(t, "aws-like"), "builder", plugin.DEFAULT_NAME, startOptions{dir: t.TempDir()})
	v := decodeHCL(t, p.client.Builder().ConfigSpec(), `
region = "us-east-1"
source_ami_filter {
  name        = "ubuntu/*"
  owners      = ["099720109477"]
  most_recent = true
}
provision {
  type   = "shell"
  inline = ["echo hi"]
}
`)
	filter := v.GetAttr("source_ami_filter")
	if filter.GetAttr("name").AsString() != "ubuntu/*" || !filter.GetAttr("most_recent").True() {
		t.Errorf("source_ami_filter = %#v", filter)
	}
	if owners := filter.GetAttr("owners").AsValueSlice(); len(owners) != 1 || owners[0].AsString() != "099720109477" {
		t.Errorf("owners = %#v", owners)
	}
	if steps := v.GetAttr("provision").AsValueSlice(); len(steps) != 1 || steps[0].GetAttr("type").AsString() != "shell" {
		t.Errorf("provision = %#v", steps)
	}
}
