// Package sdkvectors runs packer-plugin-sdk's packer/registry/image package
// over a table of inputs and records what it returns as JSON vectors
// (compat/vectors/registry-image.json). @imprint/sdk's
// go-sdk-vectors.spec.ts replays the same vectors against the TypeScript SDK,
// so the two SDKs are held to one behaviour by data, not by reading code.
package sdkvectors

// Document is the vectors file. Inputs are plain JSON; the one extension is an
// object {"$image": {...}} inside a decode state, which stands for a typed
// *image.Image (a `new Image(...)` in TypeScript), the value plugins return.
type Document struct {
	Comment        string                 `json:"comment"`
	Generator      Generator              `json:"generator"`
	Rules          []string               `json:"rules"`
	FromArtifact   []FromArtifactVector   `json:"fromArtifact"`
	FromMappedData []FromMappedDataVector `json:"fromMappedData"`
	Validate       []ValidateVector       `json:"validate"`
	String         []StringVector         `json:"string"`
	Decode         []DecodeVector         `json:"decode"`
}

// Generator names the Go modules whose behaviour the vectors record.
type Generator struct {
	Command         string `json:"command"`
	PackerPluginSDK string `json:"packerPluginSdk"`
	Mapstructure    string `json:"mapstructure"`
	DecoderConfig   string `json:"decoderConfig"`
}

// ImageJSON is an image.Image with a nil label map written as {}: Packer core
// treats nil and empty label maps alike (it merges them into build labels).
type ImageJSON struct {
	ImageID        string            `json:"ImageID"`
	ProviderName   string            `json:"ProviderName"`
	ProviderRegion string            `json:"ProviderRegion"`
	Labels         map[string]string `json:"Labels"`
	SourceImageID  string            `json:"SourceImageID"`
}

// ErrorJSON is an error the Go SDK returned. Kind classifies it so that the
// TypeScript side can check its own typed error (see Document.Rules).
type ErrorJSON struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	// Field is set for kind "invalid": the field Validate reported first.
	Field string `json:"field,omitempty"`
	// GoKind is set for kind "notAMap": the reflect.Kind the SDK named.
	GoKind string `json:"goKind,omitempty"`
}

// ArtifactInput is a packer.Artifact reduced to what FromArtifact reads.
type ArtifactInput struct {
	ID        string `json:"id"`
	BuilderID string `json:"builderId"`
}

// Override is one ArtifactOverrideFunc: withId, withRegion, withProvider,
// withSourceId (value: string), setLabels (value: object or null), or fail
// (value: the message of an error the override returns).
type Override struct {
	Op    string `json:"op"`
	Value any    `json:"value"`
}

// FromArtifactVector is FromArtifact(artifact, overrides...).
type FromArtifactVector struct {
	Name      string         `json:"name"`
	Artifact  *ArtifactInput `json:"artifact"`
	Overrides []Override     `json:"overrides"`
	Image     *ImageJSON     `json:"image,omitempty"`
	Error     *ErrorJSON     `json:"error,omitempty"`
}

// FromMappedDataVector is FromMappedData(data, f) where f maps a region key to
// an image id value: FromArtifact(artifact, WithID(value), WithRegion(key),
// WithSourceID(sourceId)), and returns the error "value for region <key> is
// not a string" for a non-string value. Images are sorted by region: Go
// iterates maps in random order.
type FromMappedDataVector struct {
	Name     string        `json:"name"`
	Artifact ArtifactInput `json:"artifact"`
	SourceID string        `json:"sourceId"`
	Data     any           `json:"data"`
	Images   []ImageJSON   `json:"images"`
	Error    *ErrorJSON    `json:"error,omitempty"`
}

// ValidateVector is image.Validate().
type ValidateVector struct {
	Name  string     `json:"name"`
	Image ImageJSON  `json:"image"`
	Valid bool       `json:"valid"`
	Error *ErrorJSON `json:"error,omitempty"`
}

// StringVector is image.String().
type StringVector struct {
	Name   string    `json:"name"`
	Image  ImageJSON `json:"image"`
	String string    `json:"string"`
}

// DecodeVector is what Packer core does with artifact.State(ArtifactStateURI):
// nil is skipped (no images); anything else is decoded into []image.Image
// with mapstructure (weakly typed, unused keys allowed), then every image is
// validated before it is added to the build.
type DecodeVector struct {
	Name   string      `json:"name"`
	State  any         `json:"state"`
	Images []ImageJSON `json:"images"`
	// Validation holds, per decoded image, null when Validate passed or the error.
	Validation []*ErrorJSON `json:"validation"`
	Error      *ErrorJSON   `json:"error,omitempty"`
}
