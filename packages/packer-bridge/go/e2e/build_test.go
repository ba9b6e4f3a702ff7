package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hcldec"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/hashicorp/packer-plugin-sdk/plugin"
	"github.com/mitchellh/mapstructure"
	"github.com/zclconf/go-cty/cty"
)

// buildVars are the packer_* variables Packer v1.9.4 passes with an HCL2 source.
func buildVars(typ, name string) map[string]string {
	return map[string]string{
		"packer_build_name": name, "packer_builder_type": typ, "packer_core_version": "1.9.4",
		"packer_debug": "false", "packer_force": "false", "packer_on_error": "",
	}
}

// registryImages decodes State(par.artifact.metadata) as Packer's HCP code does.
func registryImages(t *testing.T, a packersdk.Artifact) []*image.Image {
	t.Helper()
	var images []*image.Image
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{Result: &images, WeaklyTypedInput: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(a.State(image.ArtifactStateURI)); err != nil {
		t.Fatalf("decoding registry images: %v", err)
	}
	return images
}

// golden reads a docker-like registry image from the example's golden file.
func golden(t *testing.T, key string) image.Image {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "examples/docker-like/test/expected-metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]image.Image
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	return all[key]
}

// The golden file's "base" image, as a template would write it.
func baseImageHCL() string {
	return fmt.Sprintf(`
base       = "scratch"
output_dir = "base"
tag        = "base"
files {
  source      = %q
  destination = "/"
}
files {
  content     = "Imprint example base image\n"
  destination = "/etc/motd"
}
env     = { PATH = "/usr/local/bin:/usr/bin:/bin", LANG = "C.UTF-8" }
cmd     = ["/bin/sh"]
labels  = { "org.opencontainers.image.vendor" = "Imprint examples" }
created = "2024-01-01T00:00:00Z"
communicator = "none"
`, filepath.Join(repoRoot, "examples/docker-like/test/fixtures/base-rootfs"))
}

// Builder → post-processor → data source, each in its own plugin process, the
// post-processor reading its input artifact across processes through the call channel.
func TestBuildTagAndFindAnImage(t *testing.T) {
	work := t.TempDir()
	bin := binary(t, "docker-like")
	want := golden(t, "base")

	bp := start(t, bin, "builder", plugin.DEFAULT_NAME, startOptions{dir: work})
	builder := bp.client.Builder()
	config := decodeHCL(t, builder.ConfigSpec(), baseImageHCL())
	_, warnings, err := builder.Prepare(buildVars("docker-like", "base"), config)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("Prepare: warnings %v, err %v", warnings, err)
	}
	ui, hook := &testUi{}, &testHook{}
	artifact, err := builder.Run(context.Background(), ui, hook)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !hasLine(ui.Lines(), "say: ") {
		t.Errorf("no say line reached the Ui: %q", ui.Lines())
	}
	t.Logf("Ui: %q", ui.Lines())

	t.Run("runs the provisioning hook", func(t *testing.T) {
		if !reflect.DeepEqual(hook.names, []string{packersdk.HookProvision}) {
			t.Fatalf("hook calls = %v", hook.names)
		}
	})

	t.Run("the artifact states the golden registry image", func(t *testing.T) {
		images := registryImages(t, artifact)
		if len(images) != 1 || !reflect.DeepEqual(*images[0], want) {
			t.Fatalf("images = %+v, want [%+v]", images, want)
		}
		if artifact.Id() == "" || artifact.BuilderId() == "" || artifact.String() == "" {
			t.Errorf("artifact values: id %q, builder %q, string %q", artifact.Id(), artifact.BuilderId(), artifact.String())
		}
	})

	t.Run("docker-like-tag post-processes it from another process", func(t *testing.T) {
		pp := start(t, bin, "post-processor", "tag", startOptions{dir: work}).client.PostProcessor()
		cfg := decodeHCL(t, pp.ConfigSpec(), `tags = ["stable"]`)
		if err := pp.Configure(buildVars("docker-like", "base"), cfg); err != nil {
			t.Fatalf("Configure: %v", err)
		}
		ppUi := &testUi{}
		tagged, keep, _, err := pp.PostProcess(context.Background(), ppUi, artifact)
		if err != nil {
			t.Fatalf("PostProcess: %v (Ui %q)", err, ppUi.Lines())
		}
		t.Logf("keepInput %v, Ui: %q", keep, ppUi.Lines())
		images := registryImages(t, tagged)
		if len(images) != 1 || images[0].ImageID != want.ImageID || images[0].Labels["tags"] != "base,stable" {
			t.Fatalf("tagged images = %+v", images)
		}
	})

	t.Run("docker-like-layout finds the layout", func(t *testing.T) {
		ds := start(t, bin, "datasource", "layout", startOptions{dir: work}).client.Datasource()
		cfg := decodeHCL(t, ds.ConfigSpec(), fmt.Sprintf("image_id = %q\nsearch_dir = %q\n", want.ImageID, work))
		if err := ds.Configure(cfg); err != nil {
			t.Fatalf("Configure: %v", err)
		}
		out, err := ds.Execute()
		if err != nil {
			t.Fatalf("Execute: %v", err)
		}
		if !out.Type().Equals(hcldec.ImpliedType(ds.OutputSpec())) {
			t.Errorf("outputs %s do not conform to OutputSpec %s", out.Type().FriendlyName(), hcldec.ImpliedType(ds.OutputSpec()).FriendlyName())
		}
		wantOut := map[string]cty.Value{
			"dir":             cty.StringVal(filepath.Join(work, "output-base", "base")), // The last ref index.json lists: the tag post-processor just added "stable".
			"ref":             cty.StringVal("stable"),
			"manifest_digest": cty.StringVal(want.Labels["manifest_digest"]),
		}
		for k, v := range wantOut {
			if got := out.GetAttr(k); !got.RawEquals(v) {
				t.Errorf("output %s = %#v, want %#v", k, got, v)
			}
		}
	})

	t.Run("Destroy reaches the builder's artifact", func(t *testing.T) {
		if err := artifact.Destroy(); err != nil {
			t.Fatalf("Destroy: %v", err)
		}
	})
}

func hasLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// A question the plugin asks reaches Packer's Ui.Ask and the answer comes
// back; a step's progress arrives as a few messages, not one per update.
func TestAskReachesPackersUi(t *testing.T) {
	p := start(t, binary(t, "asker"), "builder", plugin.DEFAULT_NAME, startOptions{dir: t.TempDir()})
	builder := p.client.Builder()
	cfg := decodeHCL(t, builder.ConfigSpec(), `question = "Ship it?"`)
	if _, _, err := builder.Prepare(buildVars("asker", "q"), cfg); err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	ui := &testUi{answer: "yes"}
	artifact, err := builder.Run(context.Background(), ui, &testHook{})
	if err != nil {
		t.Fatalf("Run: %v (Ui: %q)", err, ui.Lines())
	}
	if artifact.Id() != "yes" || artifact.String() != "answered yes" {
		t.Fatalf("artifact %q / %q, want the answer", artifact.Id(), artifact.String())
	}
	lines := ui.Lines()
	if !hasLine(lines, "ask: Ship it?") {
		t.Errorf("Ui.Ask was not asked: %q", lines)
	}
	progress := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "message: counting") {
			progress++
		}
	}
	if progress == 0 || progress > 3 || !hasLine(lines, "message: counting (50/50)") {
		t.Errorf("51 progress updates of one step gave %d messages (want 1 to 3, the last one 50/50): %q", progress, lines)
	}
}
