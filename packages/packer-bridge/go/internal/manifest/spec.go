package manifest

import (
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// CommunicatorField is the attribute every Packer source may set; builders get
// it unless they declare it, so that `communicator = "none"` is accepted and any
// other value is refused with an explanation rather than "unsupported argument".
const CommunicatorField = "communicator"

// Type is the field's cty type; a field without one takes any value.
func (f Field) Type() (cty.Type, error) {
	if len(f.Cty) == 0 {
		return cty.DynamicPseudoType, nil
	}
	return ctyjson.UnmarshalType(f.Cty)
}

// ConfigSpec is the component's HCL spec. Every attribute is optional: the
// plugin's own parseConfig reports missing fields, in its own words.
// It never fails: Decode already checked every type, and anything unreadable
// would degrade to a dynamic attribute.
func (c *Component) ConfigSpec() hcldec.ObjectSpec {
	spec := objectSpec(c.Fields)
	if c.Kind == KindBuilder {
		if _, declared := spec[CommunicatorField]; !declared {
			spec[CommunicatorField] = &hcldec.AttrSpec{Name: CommunicatorField, Type: cty.String}
		}
	}
	return spec
}

// OutputSpec is a data source's output object, as Packer checks Execute's value against it.
func (c *Component) OutputSpec() hcldec.ObjectSpec {
	return objectSpec(c.Outputs)
}

func objectSpec(fields []Field) hcldec.ObjectSpec {
	spec := hcldec.ObjectSpec{}
	for _, f := range fields {
		switch f.Block {
		case "single":
			spec[f.Name] = &hcldec.BlockSpec{TypeName: f.Name, Nested: objectSpec(f.Fields)}
		case "list":
			spec[f.Name] = &hcldec.BlockListSpec{TypeName: f.Name, Nested: objectSpec(f.Fields)}
		default:
			t, err := f.Type()
			if err != nil {
				t = cty.DynamicPseudoType
			}
			spec[f.Name] = &hcldec.AttrSpec{Name: f.Name, Type: t}
		}
	}
	return spec
}
