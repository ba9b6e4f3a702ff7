// Command packer-plugin-<name> is a Packer plugin binary that serves the
// components of one Imprint plugin package by starting a Node host
// (PROTOCOL.md). `imprint plugins package` builds it with the manifest embedded.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/component"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/host"
	// Aliased: `manifest` is the variable the packager sets.
	manifestpkg "github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/manifest"
)

// manifest is the base64 manifest JSON, set with -ldflags "-X main.manifest=…".
var manifest string

// hostExitWait is how long a host gets to finish after its pipes close (it
// aborts its work and waits up to 5 s itself), before its group is killed.
const hostExitWait = 6 * time.Second

func main() {
	m, err := manifestpkg.Decode(manifest)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	set, err := pluginSet(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	err = set.Run()
	// The RPC connection is gone: no host may outlive this process.
	host.Shutdown(hostExitWait)
	if err != nil {
		fmt.Fprintln(os.Stderr, err.Error())
		os.Exit(1)
	}
}

func pluginSet(m *manifestpkg.Manifest) (*plugin.Set, error) {
	v, err := m.PluginVersion()
	if err != nil {
		return nil, err
	}
	set := plugin.NewSet()
	set.SetVersion(v)
	component.Register(set, m)
	return set, nil
}
