package component

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/manifest"
)

func TestMergeRawsInOrderWithoutNullsAndPackerKeys(t *testing.T) {
	hcl := cty.ObjectVal(map[string]cty.Value{
		"base":  cty.StringVal("scratch"),
		"tag":   cty.NullVal(cty.String),
		"count": cty.NumberIntVal(3),
		"files": cty.ListVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{
			"source": cty.NullVal(cty.String), "destination": cty.StringVal("/"),
		})}),
	})
	legacy := map[interface{}]interface{}{"base": "override", "env": map[interface{}]interface{}{"A": "1"}}
	req, err := mergeRaws([]any{
		map[string]string{"packer_build_name": "web", "packer_builder_type": "docker-like", "packer_force": "true"},
		hcl, legacy, nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"base": "override", "count": json.Number("3"), "env": map[string]any{"A": "1"},
		"files": []any{map[string]any{"destination": "/"}},
	}
	if !reflect.DeepEqual(req.Config, want) {
		t.Errorf("config = %#v, want %#v", req.Config, want)
	}
	if req.Build.Name != "web" || req.Build.Type != "docker-like" || !req.Build.Force || len(req.Build.Packer) != 3 {
		t.Errorf("build = %+v", req.Build)
	}
}

func TestMergeRawsForceAsABool(t *testing.T) {
	req, err := mergeRaws([]any{map[string]interface{}{"packer_force": true, "packer_on_error": nil}})
	if err != nil || !req.Build.Force || len(req.Build.Packer) != 1 {
		t.Fatalf("build = %+v, err %v", req.Build, err)
	}
}

func TestMergeRawsRefusesWhatIsNotAnObject(t *testing.T) {
	for _, raw := range []any{"text", cty.StringVal("x"), cty.UnknownVal(cty.EmptyObject)} {
		if _, err := mergeRaws([]any{raw}); err == nil {
			t.Errorf("mergeRaws(%#v) succeeded", raw)
		}
	}
}

func TestOutputsConformToTheirDeclaredTypes(t *testing.T) {
	fields := []manifest.Field{
		{Name: "dir", Cty: json.RawMessage(`"string"`)},
		{Name: "tags", Cty: json.RawMessage(`"dynamic"`)},
		{Name: "missing", Cty: json.RawMessage(`"string"`)},
	}
	v, err := outputsValue(fields, map[string]json.RawMessage{
		"dir": json.RawMessage(`"/x"`), "tags": json.RawMessage(`{"a":"b","n":[1,2]}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.GetAttr("dir").AsString() != "/x" || !v.GetAttr("missing").IsNull() {
		t.Errorf("outputs = %#v", v)
	}
	if got := v.GetAttr("tags").GetAttr("n").LengthInt(); got != 2 {
		t.Errorf("tags.n has %d elements", got)
	}
	if _, err := outputsValue(fields, map[string]json.RawMessage{"dir": json.RawMessage(`{"not":"a string"}`)}); err == nil {
		t.Error("an object accepted as a string output")
	}
}

func TestPlainMakesRPCValuesJSONable(t *testing.T) {
	in := []interface{}{map[interface{}]interface{}{"ImageID": "i", "Labels": map[interface{}]interface{}{"a": []byte("b")}}}
	got, err := jsonable(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{map[string]any{"ImageID": "i", "Labels": map[string]any{"a": "b"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("jsonable = %#v", got)
	}
}

func TestMergeRawsDropsLegacyPlaceholderData(t *testing.T) {
	placeholders := map[interface{}]interface{}{"ID": "Build_ID. …", "PackerRunUUID": "Build_PackerRunUUID. …"}
	req, err := mergeRaws([]any{map[string]interface{}{"tags": []interface{}{"a"}}, placeholders})
	if err != nil || !reflect.DeepEqual(req.Config, map[string]any{"tags": []any{"a"}}) {
		t.Fatalf("config = %#v, err %v", req.Config, err)
	}
}

func TestABadDurationSettingNamesTheVariableAndTheForm(t *testing.T) {
	t.Setenv(EnvCancelGrace, "10")
	if _, err := durationEnv(EnvCancelGrace, defaultCancelGrace); err == nil ||
		!strings.Contains(err.Error(), `IMPRINT_BRIDGE_CANCEL_GRACE="10"`) || !strings.Contains(err.Error(), "10s") {
		t.Fatalf("err = %v", err)
	}
	t.Setenv(EnvCancelGrace, "")
	if d, err := durationEnv(EnvCancelGrace, defaultCancelGrace); err != nil || d != defaultCancelGrace {
		t.Fatalf("default: %v, %v", d, err)
	}
}
