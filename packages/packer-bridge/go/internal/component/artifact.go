package component

import (
	"bytes"
	"encoding/json"
	"log"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/host"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// Artifact is an artifact living in the host; its four plain values are cached.
type Artifact struct {
	h *host.Host
	a protocol.Artifact
}

var _ packersdk.Artifact = (*Artifact)(nil)

func (a *Artifact) BuilderId() string { return a.a.BuilderID }
func (a *Artifact) Id() string        { return a.a.ID }
func (a *Artifact) Files() []string   { return a.a.Files }
func (a *Artifact) String() string    { return a.a.String }

// State asks the host. Registry metadata is returned as the SDK's own
// []*registryimage.Image, which is what Packer's HCP code decodes.
func (a *Artifact) State(key string) interface{} {
	var res protocol.StateResult
	if err := a.h.Call(protocol.OpState, protocol.HandleRequest{Handle: a.a.Handle, Key: key}, &res); err != nil {
		// The SDK's State has no error; Packer treats nil as "no such state".
		log.Printf("[ERROR] imprint bridge: state %q of artifact %s: %v", key, a.a.ID, err)
		return nil
	}
	if len(res.Value) == 0 || bytes.Equal(res.Value, []byte("null")) {
		return nil
	}
	if key == registryimage.ArtifactStateURI {
		var images []*registryimage.Image
		if err := json.Unmarshal(res.Value, &images); err != nil {
			log.Printf("[ERROR] imprint bridge: registry metadata of artifact %s is not a list of images: %v", a.a.ID, err)
			return nil
		}
		return images
	}
	var v any
	if err := json.Unmarshal(res.Value, &v); err != nil {
		log.Printf("[ERROR] imprint bridge: state %q of artifact %s: %v", key, a.a.ID, err)
		return nil
	}
	return v
}

func (a *Artifact) Destroy() error {
	return a.h.Call(protocol.OpDestroy, protocol.HandleRequest{Handle: a.a.Handle}, nil)
}
