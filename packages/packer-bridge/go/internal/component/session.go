// Package component implements the SDK's Builder, PostProcessor and Datasource
// on top of the host: each forwards to the plugin's component in Node.
package component

import (
	"fmt"
	"log"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/packer-plugin-sdk/plugin"

	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/host"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/manifest"
	"github.com/imprint-dev/imprint/packages/packer-bridge/go/internal/protocol"
)

// Environment variables that tune the bridge.
const (
	EnvNode         = "IMPRINT_BRIDGE_NODE"
	EnvCancelGrace  = "IMPRINT_BRIDGE_CANCEL_GRACE"
	EnvReadyTimeout = "IMPRINT_BRIDGE_READY_TIMEOUT"

	defaultCancelGrace  = 10 * time.Second
	defaultReadyTimeout = 60 * time.Second
)

// session is what every component shares: its manifest entry and, once the
// component is configured, its host. describe and ConfigSpec never start Node.
type session struct {
	m     *manifest.Manifest
	c     *manifest.Component
	mu    sync.Mutex
	host  *host.Host
	grace time.Duration
}

// Register adds every component of m to set, under its Packer name.
func Register(set *plugin.Set, m *manifest.Manifest) {
	for i := range m.Components {
		c := &m.Components[i]
		s := &session{m: m, c: c}
		switch c.Kind {
		case manifest.KindBuilder:
			set.RegisterBuilder(c.PackerName, &Builder{s})
		case manifest.KindPostProcessor:
			set.RegisterPostProcessor(c.PackerName, &PostProcessor{s})
		case manifest.KindDataSource:
			set.RegisterDatasource(c.PackerName, &Datasource{s})
		}
	}
}

// ConfigSpec comes from the manifest alone.
func (s *session) ConfigSpec() hcldec.ObjectSpec { return s.c.ConfigSpec() }

// prepare starts the host if needed and sends `prepare`.
func (s *session) prepare(req protocol.PrepareRequest) ([]string, error) {
	h, err := s.start()
	if err != nil {
		return nil, err
	}
	var res protocol.PrepareResult
	if err := h.Call(protocol.OpPrepare, req, &res); err != nil {
		return nil, err
	}
	return res.Warnings, nil
}

// configure is Configure for post-processors and data sources: Packer has no
// way to show their warnings, so they go to its log.
func (s *session) configure(raws []any) error {
	req, err := mergeRaws(raws)
	if err != nil {
		return err
	}
	warnings, err := s.prepare(req)
	for _, w := range warnings {
		log.Printf("[WARN] %s %q: %s", s.c.Kind, s.m.DisplayName(s.c), w)
	}
	return err
}

func (s *session) start() (*host.Host, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.host != nil {
		return s.host, nil
	}
	grace, err := durationEnv(EnvCancelGrace, defaultCancelGrace)
	if err != nil {
		return nil, err
	}
	ready, err := durationEnv(EnvReadyTimeout, defaultReadyTimeout)
	if err != nil {
		return nil, err
	}
	node := os.Getenv(EnvNode)
	if node == "" {
		node = s.m.Node
	}
	if node == "" {
		node = "node"
	}
	h, err := host.Start(host.Options{
		Node: node, Script: s.m.Host, Kind: s.c.Kind, Component: s.c.ImprintName,
		Package: s.m.Plugin.Package, From: s.m.Plugin.From, ReadyTimeout: ready,
	})
	if err != nil {
		return nil, err
	}
	s.host, s.grace = h, grace
	return h, nil
}

// configured is the host for Run/PostProcess/Execute, which Packer only calls
// after a successful Prepare/Configure.
func (s *session) configured() (*host.Host, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.host == nil {
		return nil, fmt.Errorf("%s %q was not configured: Packer calls Prepare/Configure first", s.c.Kind, s.m.DisplayName(s.c))
	}
	return s.host, nil
}

func durationEnv(name string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q is not a duration: use Go's form, such as 10s or 1m30s", name, v)
	}
	return d, nil
}
