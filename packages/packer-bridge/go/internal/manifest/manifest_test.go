package manifest

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
)

const valid = `{"manifestVersion":1,"packerName":"demo",
 "plugin":{"package":"@x/demo","from":"/x","version":"1.2.3-beta.1","sdkVersion":"0.1.0","apiVersion":1},
 "node":"/usr/bin/node","host":"/x/host.js",
 "components":[
  {"kind":"builder","imprintName":"demo","packerName":"-packer-default-plugin-name-",
   "fields":[{"name":"cmd","cty":["list","string"]},{"name":"any","cty":"dynamic"},
    {"name":"filter","block":"single","fields":[{"name":"name","cty":"string"}]},
    {"name":"files","block":"list","fields":[{"name":"source","cty":"string"}]}]},
  {"kind":"data-source","imprintName":"demo-find","packerName":"find",
   "fields":[{"name":"communicator","cty":"number"}],"outputs":[{"name":"dir","cty":"string"}]}]}`

func encode(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestDecodeAndSpecs(t *testing.T) {
	m, err := Decode(encode(valid))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.PluginVersion(); v.String() != "1.2.3-beta.1" {
		t.Errorf("version = %s", v)
	}
	b, _ := m.Find(KindBuilder, "-packer-default-plugin-name-")
	spec := b.ConfigSpec()
	if a := spec["cmd"].(*hcldec.AttrSpec); !a.Type.Equals(cty.List(cty.String)) || a.Required {
		t.Errorf("cmd = %#v", a)
	}
	if _, ok := spec["filter"].(*hcldec.BlockSpec); !ok {
		t.Errorf("filter = %#v", spec["filter"])
	}
	if _, ok := spec["files"].(*hcldec.BlockListSpec); !ok {
		t.Errorf("files = %#v", spec["files"])
	}
	if a := spec[CommunicatorField].(*hcldec.AttrSpec); !a.Type.Equals(cty.String) {
		t.Errorf("builders get a communicator string: %#v", a)
	}
	if m.DisplayName(b) != "demo" {
		t.Errorf("display name %q", m.DisplayName(b))
	}
	ds, _ := m.Find(KindDataSource, "find")
	if a := ds.ConfigSpec()[CommunicatorField].(*hcldec.AttrSpec); !a.Type.Equals(cty.Number) {
		t.Errorf("a declared communicator field is kept: %#v", a)
	}
	if _, ok := ds.OutputSpec()["dir"]; !ok || m.DisplayName(ds) != "demo-find" {
		t.Errorf("output spec %#v", ds.OutputSpec())
	}
}

func TestDecodeNamesEveryProblemAndTheFix(t *testing.T) {
	var raw map[string]any
	_ = json.Unmarshal([]byte(valid), &raw)
	raw["plugin"].(map[string]any)["version"] = "one"
	raw["components"].([]any)[0].(map[string]any)["fields"] = []any{map[string]any{"name": "x", "cty": "strin"}}
	bad, _ := json.Marshal(raw)
	for input, want := range map[string]string{
		"":                  "built without a manifest",
		"%%%":               "not valid base64",
		encode("{"):         "not valid JSON",
		encode(string(bad)): `plugin.version "one" is not a semantic version`,
	} {
		_, err := Decode(input)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "imprint plugins package") {
			t.Errorf("Decode(%q) error = %v, want it to contain %q and the fix", input, err, want)
		}
	}
	if _, err := Decode(encode(string(bad))); !strings.Contains(err.Error(), `cty "strin"`) {
		t.Errorf("error does not name the bad type: %v", err)
	}
}

func TestSpecNeverFailsOnAnUnreadableType(t *testing.T) {
	c := Component{Kind: KindBuilder, Fields: []Field{{Name: "x", Cty: json.RawMessage(`["nope"]`)}}}
	if a := c.ConfigSpec()["x"].(*hcldec.AttrSpec); !a.Type.Equals(cty.DynamicPseudoType) {
		t.Errorf("x = %#v", a)
	}
}
