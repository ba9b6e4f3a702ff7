package component

import (
	"context"
	"encoding/json"
	"fmt"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// PostProcessor is a packersdk.PostProcessor backed by the plugin's post-processor.
type PostProcessor struct{ *session }

func (p *PostProcessor) Configure(raws ...interface{}) error { return p.configure(raws) }

// PostProcess serves the input artifact to the host through the call channel
// (the plugin reads its state synchronously) while the plugin runs.
func (p *PostProcessor) PostProcess(ctx context.Context, ui packersdk.Ui, input packersdk.Artifact) (packersdk.Artifact, bool, bool, error) {
	h, err := p.configured()
	if err != nil {
		return nil, false, false, err
	}
	h.SetCallHandler(inputCalls(input))
	defer h.SetCallHandler(nil)

	req := protocol.PostProcessRequest{Input: protocol.ArtifactInfo{
		BuilderID: input.BuilderId(), ID: input.Id(), Files: input.Files(), String: input.String(),
	}}
	if req.Input.Files == nil {
		req.Input.Files = []string{}
	}
	var res protocol.PostProcessResult
	if err := h.Do(ctx, protocol.OpPostProcess, req, &res, uiEvents(h, ui), p.grace); err != nil {
		return nil, false, false, runError(p.session, err)
	}
	if res.Artifact == nil {
		return nil, res.KeepInput, false, nil
	}
	return &Artifact{h: h, a: *res.Artifact}, res.KeepInput, false, nil
}

func inputCalls(input packersdk.Artifact) func(protocol.Call) protocol.CallReply {
	return func(c protocol.Call) protocol.CallReply {
		switch c.Call {
		case protocol.CallInputState:
			v, err := jsonable(input.State(c.Key))
			if err != nil {
				return protocol.CallReply{Error: fmt.Sprintf("state %q of the input artifact cannot be passed on: %v", c.Key, err)}
			}
			return protocol.CallReply{OK: true, Value: v}
		case protocol.CallInputDestroy:
			if err := input.Destroy(); err != nil {
				return protocol.CallReply{Error: err.Error()}
			}
			return protocol.CallReply{OK: true}
		default:
			return protocol.CallReply{Error: fmt.Sprintf("unknown call %q", c.Call)}
		}
	}
}

// jsonable turns whatever a Go artifact states (msgpack maps, SDK structs such
// as []*registryimage.Image) into plain JSON values.
func jsonable(v any) (any, error) {
	raw, err := json.Marshal(Plain(v))
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(raw, &out)
}
