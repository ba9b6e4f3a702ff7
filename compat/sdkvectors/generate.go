package sdkvectors

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/mitchellh/mapstructure"
)

// testArtifact is the smallest packer.Artifact: FromArtifact reads only
// BuilderId and Id.
type testArtifact struct{ in ArtifactInput }

func (a testArtifact) BuilderId() string  { return a.in.BuilderID }
func (a testArtifact) Files() []string    { return nil }
func (a testArtifact) Id() string         { return a.in.ID }
func (a testArtifact) String() string     { return "test artifact " + a.in.ID }
func (a testArtifact) State(_ string) any { return nil }
func (a testArtifact) Destroy() error     { return nil }
func toImageJSON(img image.Image) ImageJSON {
	labels := img.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	return ImageJSON{
		ImageID:        img.ImageID,
		ProviderName:   img.ProviderName,
		ProviderRegion: img.ProviderRegion,
		Labels:         labels,
		SourceImageID:  img.SourceImageID,
	}
}

func fromImageJSON(in ImageJSON) *image.Image {
	return &image.Image{
		ImageID:        in.ImageID,
		ProviderName:   in.ProviderName,
		ProviderRegion: in.ProviderRegion,
		Labels:         in.Labels,
		SourceImageID:  in.SourceImageID,
	}
}

func overrideFunc(o Override) (image.ArtifactOverrideFunc, error) {
	if o.Op == "setLabels" {
		if o.Value == nil {
			return image.SetLabels(nil), nil
		}
		labels, ok := o.Value.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("setLabels takes an object or null, got %T", o.Value)
		}
		return image.SetLabels(labels), nil
	}
	value, ok := o.Value.(string)
	if !ok {
		return nil, fmt.Errorf("%s takes a string, got %T", o.Op, o.Value)
	}
	switch o.Op {
	case "withId":
		return image.WithID(value), nil
	case "withRegion":
		return image.WithRegion(value), nil
	case "withProvider":
		return image.WithProvider(value), nil
	case "withSourceId":
		return image.WithSourceID(value), nil
	case "fail":
		return func(*image.Image) error { return errors.New(value) }, nil
	}
	return nil, fmt.Errorf("unknown override op %q", o.Op)
}

func runFromArtifact(v FromArtifactVector) (FromArtifactVector, error) {
	if v.Overrides == nil {
		v.Overrides = []Override{}
	}
	opts := make([]image.ArtifactOverrideFunc, 0, len(v.Overrides))
	for _, o := range v.Overrides {
		f, err := overrideFunc(o)
		if err != nil {
			return v, fmt.Errorf("vector %q: %w", v.Name, err)
		}
		opts = append(opts, f)
	}
	var img *image.Image
	var err error
	if v.Artifact == nil {
		img, err = image.FromArtifact(nil, opts...)
	} else {
		img, err = image.FromArtifact(testArtifact{*v.Artifact}, opts...)
	}
	v.Image, v.Error = nil, nil
	switch {
	case err != nil && v.Artifact == nil:
		v.Error = &ErrorJSON{Kind: "nilArtifact", Message: err.Error()}
	case err != nil:
		v.Error = &ErrorJSON{Kind: "override", Message: err.Error()}
	default:
		out := toImageJSON(*img)
		v.Image = &out
	}
	return v, nil
}

const notAMapPrefix = "error the incoming mappedData does not appear to be a map; found type to be"

func runFromMappedData(v FromMappedDataVector) FromMappedDataVector {
	callback := func(key, value any) (*image.Image, error) {
		id, ok := value.(string)
		if !ok {
			return nil, fmt.Errorf("value for region %v is not a string", key)
		}
		return image.FromArtifact(testArtifact{v.Artifact},
			image.WithID(id), image.WithRegion(fmt.Sprint(key)), image.WithSourceID(v.SourceID))
	}
	images, err := image.FromMappedData(v.Data, callback)
	v.Images, v.Error = nil, nil
	switch {
	case err != nil && strings.HasPrefix(err.Error(), notAMapPrefix):
		v.Error = &ErrorJSON{Kind: "notAMap", Message: err.Error(),
			GoKind: strings.TrimPrefix(err.Error(), notAMapPrefix)}
	case err != nil:
		v.Error = &ErrorJSON{Kind: "callback", Message: err.Error()}
	default:
		v.Images = []ImageJSON{}
		for _, img := range images {
			v.Images = append(v.Images, toImageJSON(*img))
		}
		sort.Slice(v.Images, func(i, j int) bool { return v.Images[i].ProviderRegion < v.Images[j].ProviderRegion })
	}
	return v
}

// validationError classifies Validate's error by the field it names.
func validationError(err error) *ErrorJSON {
	if err == nil {
		return nil
	}
	field := ""
	switch {
	case strings.HasSuffix(err.Error(), "valid ImageId"):
		field = "ImageID"
	case strings.HasSuffix(err.Error(), "valid ProviderName"):
		field = "ProviderName"
	}
	return &ErrorJSON{Kind: "invalid", Message: err.Error(), Field: field}
}

func runValidate(v ValidateVector) ValidateVector {
	v.Error = validationError(fromImageJSON(v.Image).Validate())
	v.Valid = v.Error == nil
	return v
}

func runString(v StringVector) StringVector {
	v.String = fromImageJSON(v.Image).String()
	return v
}

// decoderConfig is the configuration Packer core builds for each artifact's
// HCP state: decode into []image.Image, weakly typed, unused keys ignored.
const decoderConfig = "mapstructure.DecoderConfig{Result: &[]image.Image, WeaklyTypedInput: true, ErrorUnused: false}"

func runDecode(v DecodeVector) (DecodeVector, error) {
	state, err := typedState(v.State)
	if err != nil {
		return v, fmt.Errorf("vector %q: %w", v.Name, err)
	}
	v.Images, v.Validation, v.Error = nil, nil, nil
	if state == nil {
		// Packer core skips an artifact whose HCP state is nil.
		v.Images, v.Validation = []ImageJSON{}, []*ErrorJSON{}
		return v, nil
	}
	var images []image.Image
	decoder, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           &images,
		WeaklyTypedInput: true,
		ErrorUnused:      false,
	})
	if err != nil {
		return v, err
	}
	if err := decoder.Decode(state); err != nil {
		v.Error = &ErrorJSON{Kind: "decode", Message: err.Error()}
		return v, nil
	}
	v.Images = []ImageJSON{}
	v.Validation = []*ErrorJSON{}
	for _, img := range images {
		v.Images = append(v.Images, toImageJSON(img))
		v.Validation = append(v.Validation, validationError(img.Validate()))
	}
	return v, nil
}

// typedState turns {"$image": {...}} into *image.Image, recursively through
// arrays, so that the typed values plugins return are decoded too.
func typedState(in any) (any, error) {
	switch value := in.(type) {
	case map[string]any:
		raw, tagged := value["$image"]
		if !tagged {
			return value, nil
		}
		fields, ok := raw.(map[string]any)
		if !ok || len(value) != 1 {
			return nil, errors.New(`"$image" must be the only key and hold an object`)
		}
		img := &image.Image{}
		if err := mapstructure.Decode(fields, img); err != nil {
			return nil, fmt.Errorf("$image: %w", err)
		}
		return img, nil
	case []any:
		allImages := len(value) > 0
		out := make([]any, len(value))
		for i, entry := range value {
			typed, err := typedState(entry)
			if err != nil {
				return nil, err
			}
			out[i] = typed
			_, isImage := typed.(*image.Image)
			allImages = allImages && isImage
		}
		if allImages {
			// A plugin returns []*image.Image, not []interface{}.
			images := make([]*image.Image, len(out))
			for i, entry := range out {
				images[i] = entry.(*image.Image)
			}
			return images, nil
		}
		return out, nil
	}
	if in != nil && reflect.TypeOf(in).Kind() == reflect.Func {
		return nil, errors.New("functions are not state")
	}
	return in, nil
}
