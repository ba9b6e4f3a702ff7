package component

import (
	"context"
	"errors"
	"fmt"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/host"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/manifest"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// Builder is a packersdk.Builder backed by the plugin's builder in the host.
type Builder struct{ *session }

// Prepare checks the communicator, then lets the plugin check the rest.
func (b *Builder) Prepare(raws ...interface{}) ([]string, []string, error) {
	req, err := mergeRaws(raws)
	if err != nil {
		return nil, nil, err
	}
	if !b.declares(manifest.CommunicatorField) {
		comm, _ := req.Config[manifest.CommunicatorField].(string)
		if comm != "" && comm != "none" {
			return nil, nil, fmt.Errorf("source %q: communicator = %q is not supported by the Imprint bridge: "+
				"Imprint builders hand over no machine to connect to, so Packer cannot run provisioners over SSH or WinRM. "+
				"How to fix: set communicator = \"none\" (or remove it); provisioners that need no communicator, "+
				"such as shell-local, still run after the builder",
				req.Build.Type+"."+req.Build.Name, comm)
		}
		delete(req.Config, manifest.CommunicatorField)
	}
	warnings, err := b.prepare(req)
	return nil, warnings, err
}

func (b *Builder) declares(name string) bool {
	for _, f := range b.c.Fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Run builds in the host, then runs Packer's provisioners (with a
// communicator that refuses every operation) and returns the artifact.
func (b *Builder) Run(ctx context.Context, ui packersdk.Ui, hook packersdk.Hook) (packersdk.Artifact, error) {
	h, err := b.configured()
	if err != nil {
		return nil, err
	}
	var res protocol.RunResult
	if err := h.Do(ctx, protocol.OpRun, nil, &res, uiEvents(h, ui), b.grace); err != nil {
		return nil, runError(b.session, err)
	}
	var artifact *Artifact
	if res.Artifact != nil {
		artifact = &Artifact{h: h, a: *res.Artifact}
	}
	if hook != nil {
		if err := provision(ctx, ui, hook); err != nil {
			// The build failed after the plugin made its artifact: remove it,
			// as a builder cleans up what a failed build leaves.
			if artifact != nil {
				if derr := artifact.Destroy(); derr != nil {
					ui.Error(fmt.Sprintf("could not destroy %s after the failed provisioning: %v", artifact.Id(), derr))
				}
			}
			return nil, err
		}
	}
	if artifact == nil {
		return nil, nil
	}
	return artifact, nil
}

// runError keeps the plugin's message and says plainly when the run was cancelled.
func runError(s *session, err error) error {
	if errors.Is(err, host.ErrCancelled) {
		return fmt.Errorf("%s %q cancelled: %w", s.c.Kind, s.m.DisplayName(s.c), err)
	}
	return err
}
