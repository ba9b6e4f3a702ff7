package component

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/manifest"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// Datasource is a packersdk.Datasource backed by the plugin's data source.
type Datasource struct{ *session }

func (d *Datasource) OutputSpec() hcldec.ObjectSpec { return d.c.OutputSpec() }

func (d *Datasource) Configure(raws ...interface{}) error { return d.configure(raws) }

// Execute runs the data source and returns its outputs as an object that
// conforms to OutputSpec. Packer gives data sources no context to cancel.
func (d *Datasource) Execute() (cty.Value, error) {
	h, err := d.configured()
	if err != nil {
		return cty.NilVal, err
	}
	var res protocol.ExecuteResult
	if err := h.Do(context.Background(), protocol.OpExecute, nil, &res, logEvents(h), d.grace); err != nil {
		return cty.NilVal, err
	}
	return outputsValue(d.c.Outputs, res.Outputs)
}

func outputsValue(fields []manifest.Field, outputs map[string]json.RawMessage) (cty.Value, error) {
	attrs := map[string]cty.Value{}
	for _, f := range fields {
		t, err := f.Type()
		if err != nil {
			t = cty.DynamicPseudoType
		}
		raw, ok := outputs[f.Name]
		if !ok || string(raw) == "null" {
			attrs[f.Name] = cty.NullVal(t)
			continue
		}
		if t == cty.DynamicPseudoType {
			if t, err = ctyjson.ImpliedType(raw); err != nil {
				return cty.NilVal, fmt.Errorf("output %q: %w", f.Name, err)
			}
		}
		v, err := ctyjson.Unmarshal(raw, t)
		if err != nil {
			return cty.NilVal, fmt.Errorf("output %q is not a %s: %w", f.Name, t.FriendlyName(), err)
		}
		attrs[f.Name] = v
	}
	return cty.ObjectVal(attrs), nil
}
