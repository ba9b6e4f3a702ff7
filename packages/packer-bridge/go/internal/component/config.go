package component

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

const packerPrefix = "packer_"

// mergeRaws turns what Packer passes to Prepare/Configure into the `prepare`
// request: raws merged in order (later keys win), nulls dropped, and every
// packer_* key moved into build.packer.
//
// Packer passes HCL2 configuration as a cty object (already decoded with
// ConfigSpec), build variables as map[string]string, and legacy JSON templates
// as map[string]interface{}; msgpack RPC turns nested maps into
// map[interface{}]interface{}.
func mergeRaws(raws []any) (protocol.PrepareRequest, error) {
	merged := map[string]any{}
	for i, raw := range withoutPlaceholderData(raws) {
		var m map[string]any
		switch v := raw.(type) {
		case nil:
			continue
		case cty.Value:
			var err error
			if m, err = ctyObjectToMap(v); err != nil {
				return protocol.PrepareRequest{}, fmt.Errorf("reading configuration %d: %w", i, err)
			}
		default:
			var ok bool
			if m, ok = Plain(raw).(map[string]any); !ok {
				return protocol.PrepareRequest{}, fmt.Errorf("reading configuration %d: expected an object, got %T", i, raw)
			}
		}
		for k, v := range m {
			merged[k] = v
		}
	}
	req := protocol.PrepareRequest{Config: map[string]any{}, Build: protocol.Build{Packer: map[string]any{}}}
	for k, v := range dropNulls(merged).(map[string]any) {
		if strings.HasPrefix(k, packerPrefix) {
			req.Build.Packer[k] = v
		} else {
			req.Config[k] = v
		}
	}
	req.Build.Name, _ = req.Build.Packer["packer_build_name"].(string)
	req.Build.Type, _ = req.Build.Packer["packer_builder_type"].(string)
	switch f := req.Build.Packer["packer_force"].(type) {
	case bool:
		req.Build.Force = f
	case string:
		// HCL2 builds pass build variables as strings ("true"/"false").
		req.Build.Force, _ = strconv.ParseBool(f)
	}
	return req, nil
}

// withoutPlaceholderData drops what legacy JSON builds append last: the
// generated-data placeholders ("Build_PackerRunUUID. …") for template
// interpolation, which are not configuration. The SDK's decoder does the same.
func withoutPlaceholderData(raws []any) []any {
	if len(raws) == 0 {
		return raws
	}
	if last, ok := Plain(raws[len(raws)-1]).(map[string]any); ok {
		if uuid, ok := last["PackerRunUUID"].(string); ok && strings.Contains(uuid, "Build_PackerRunUUID.") {
			return raws[:len(raws)-1]
		}
	}
	return raws
}

// ctyObjectToMap converts a decoded HCL2 body the way the SDK's own decoder
// does (through cty's JSON form), keeping numbers exact.
func ctyObjectToMap(v cty.Value) (map[string]any, error) {
	if v.IsNull() {
		return map[string]any{}, nil
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		return nil, fmt.Errorf("expected an object, got %s", v.Type().FriendlyName())
	}
	if !v.IsWhollyKnown() {
		return nil, fmt.Errorf("the configuration holds values that are not known yet")
	}
	raw, err := ctyjson.SimpleJSONValue{Value: v}.MarshalJSON()
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// Plain converts a value decoded from Packer's RPC (or gob) into plain JSON
// values: maps with string keys, []any, strings, numbers, bools.
func Plain(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Plain(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(Plain(k))] = Plain(e)
		}
		return out
	case map[string]string:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = e
		}
		return out
	case *map[string]string:
		if t == nil {
			return nil
		}
		return Plain(*t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Plain(e)
		}
		return out
	case []byte:
		// msgpack "raw" strings.
		return string(t)
	default:
		return v
	}
}

// dropNulls removes null map entries at every depth: an unset HCL2 attribute
// arrives as null, and the plugin must see it as absent so its defaults apply.
func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if e != nil {
				out[k] = dropNulls(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = dropNulls(e)
		}
		return out
	default:
		return v
	}
}
