// Package manifest decodes the manifest that `imprint plugins package` links
// into the bridge binary (PROTOCOL.md §1) and derives the HCL specs from it.
package manifest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/packer-plugin-sdk/plugin"
	pluginversion "github.com/hashicorp/packer-plugin-sdk/version"
)

// Version is the only manifest version this bridge understands.
const Version = 1

// Component kinds, as the manifest and the host's --kind flag spell them.
const (
	KindBuilder       = "builder"
	KindPostProcessor = "post-processor"
	KindDataSource    = "data-source"
)

// Manifest is PROTOCOL.md §1.
type Manifest struct {
	ManifestVersion int         `json:"manifestVersion"`
	PackerName      string      `json:"packerName"`
	Plugin          Plugin      `json:"plugin"`
	Node            string      `json:"node"`
	Host            string      `json:"host"`
	Components      []Component `json:"components"`
}

// Plugin identifies the Imprint plugin package the host loads.
type Plugin struct {
	Package    string `json:"package"`
	From       string `json:"from"`
	Version    string `json:"version"`
	SDKVersion string `json:"sdkVersion"`
	APIVersion int    `json:"apiVersion"`
}

// Component is one builder, post-processor or data source.
type Component struct {
	Kind        string  `json:"kind"`
	ImprintName string  `json:"imprintName"`
	PackerName  string  `json:"packerName"`
	Fields      []Field `json:"fields"`
	Outputs     []Field `json:"outputs,omitempty"`
}

// Field is an attribute (Cty set) or a nested block (Block set to "single" or "list").
type Field struct {
	Name   string          `json:"name"`
	Cty    json.RawMessage `json:"cty,omitempty"`
	Block  string          `json:"block,omitempty"`
	Fields []Field         `json:"fields,omitempty"`
}

// fixHint ends every manifest error: the manifest is only ever written by the packager.
const fixHint = "rebuild the plugin binary with `imprint plugins package <package>` (it embeds the manifest)"

// Decode reads the base64 manifest embedded with -ldflags "-X main.manifest=…".
func Decode(encoded string) (*Manifest, error) {
	if strings.TrimSpace(encoded) == "" {
		return nil, fmt.Errorf("this Imprint bridge binary was built without a manifest: %s", fixHint)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return nil, fmt.Errorf("the embedded manifest is not valid base64 (%v): %s", err, fixHint)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the embedded manifest is not valid JSON (%v): %s", err, fixHint)
	}
	if problems := m.problems(); len(problems) > 0 {
		return nil, fmt.Errorf("the embedded manifest is invalid:\n  - %s\n%s", strings.Join(problems, "\n  - "), fixHint)
	}
	return &m, nil
}

func (m *Manifest) problems() []string {
	var p []string
	if m.ManifestVersion != Version {
		p = append(p, fmt.Sprintf("manifestVersion is %d; this bridge reads version %d", m.ManifestVersion, Version))
	}
	for _, f := range [][2]string{
		{"packerName", m.PackerName}, {"plugin.package", m.Plugin.Package}, {"plugin.from", m.Plugin.From},
		{"plugin.version", m.Plugin.Version}, {"host", m.Host},
	} {
		if f[1] == "" {
			p = append(p, f[0]+" is missing")
		}
	}
	if _, err := m.PluginVersion(); m.Plugin.Version != "" && err != nil {
		p = append(p, err.Error())
	}
	if len(m.Components) == 0 {
		p = append(p, "components is empty: the plugin registers nothing")
	}
	seen := map[string]bool{}
	for i, c := range m.Components {
		at := fmt.Sprintf("components[%d] (%s)", i, c.ImprintName)
		switch c.Kind {
		case KindBuilder, KindPostProcessor, KindDataSource:
		default:
			p = append(p, fmt.Sprintf("%s: kind %q is not builder, post-processor or data-source", at, c.Kind))
		}
		if c.ImprintName == "" || c.PackerName == "" {
			p = append(p, at+": imprintName and packerName are required")
		}
		key := c.Kind + "/" + c.PackerName
		if seen[key] {
			p = append(p, fmt.Sprintf("%s: a second %s registered as %q", at, c.Kind, c.PackerName))
		}
		seen[key] = true
		p = append(p, fieldProblems(at+".fields", c.Fields)...)
		p = append(p, fieldProblems(at+".outputs", c.Outputs)...)
	}
	return p
}

func fieldProblems(at string, fields []Field) []string {
	var p []string
	for i, f := range fields {
		fat := fmt.Sprintf("%s[%d] (%s)", at, i, f.Name)
		if f.Name == "" {
			p = append(p, fat+": name is missing")
		}
		switch f.Block {
		case "":
			if _, err := f.Type(); err != nil {
				p = append(p, fmt.Sprintf("%s: cty %s is not a go-cty JSON type: %v", fat, string(f.Cty), err))
			}
		case "single", "list":
			p = append(p, fieldProblems(fat+".fields", f.Fields)...)
		default:
			p = append(p, fmt.Sprintf("%s: block %q is not single or list", fat, f.Block))
		}
	}
	return p
}

// Find returns the component of kind registered in the Go plugin set as packerName.
func (m *Manifest) Find(kind, packerName string) (*Component, error) {
	for i := range m.Components {
		if c := &m.Components[i]; c.Kind == kind && c.PackerName == packerName {
			return c, nil
		}
	}
	return nil, errors.New("no " + kind + " " + packerName + " in the manifest")
}

// DisplayName is how a template names the component: Packer prefixes every
// name but the default one with the plugin name.
func (m *Manifest) DisplayName(c *Component) string {
	if c.PackerName == plugin.DEFAULT_NAME {
		return m.PackerName
	}
	return m.PackerName + "-" + c.PackerName
}

// PluginVersion is the plugin's semver as Packer reports it. It is checked here
// because the SDK panics on a version it cannot read.
func (m *Manifest) PluginVersion() (*pluginversion.PluginVersion, error) {
	v, err := goversion.NewSemver(m.Plugin.Version)
	if err != nil || len(v.Segments()) != 3 {
		return nil, fmt.Errorf("plugin.version %q is not a semantic version such as 1.2.3", m.Plugin.Version)
	}
	return pluginversion.NewPluginVersion(v.Core().String(), v.Prerelease(), v.Metadata()), nil
}
