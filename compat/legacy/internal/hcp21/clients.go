// Package hcp21 configures hcp-sdk-go v0.36.0 the way stock Packer v1.9.4
// does (environment → config.NewHCPConfig(config.FromEnv()) → httpclient.New)
// and hands out its generated 2021-04-30 packer_service client.
package hcp21

import (
	"fmt"

	httptransport "github.com/go-openapi/runtime/client"
	packer "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/client/packer_service"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
	"github.com/hashicorp/hcp-sdk-go/profile"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
	"github.com/imprint-dev/imprint/compat/harness/sdk"
)

// SourceChannel is what Packer v1.9.4 puts before "hcp-go-sdk/<v>" in
// X-HCP-Source-Channel (v0.36.0's version constant says 0.23.0).
const SourceChannel = "packer/1.9.4"

// Clients is the generated 2021-04-30 service one principal calls, and the
// location the SDK's profile holds.
type Clients struct {
	Packer         packer.ClientService
	OrganizationID string
	ProjectID      string
}

// New configures the SDK for one principal: env (what `imprint-registry
// env --client packer-1.9` printed) with its HCP_CLIENT_ID/HCP_CLIENT_SECRET.
// SSL_CERT_FILE must be set for the whole process beforehand: v0.36.0
// verifies the token URL against the system roots, and Go reads it once.
func New(env map[string]string, clientID, clientSecret string, rec *coverage.Recorder) (*Clients, error) {
	rt, p, err := runtime(sdk.ClientVars(env, clientID, clientSecret))
	if err != nil {
		return nil, err
	}
	rt.Transport = rec.Wrap(rt.Transport)
	return &Clients{Packer: packer.New(rt, nil), OrganizationID: p.OrganizationID, ProjectID: p.ProjectID}, nil
}

// runtime does what Packer v1.9.4's internal/hcp/api.NewClient does, with
// vars as the environment: config.NewHCPConfig(config.FromEnv()), then
// httpclient.New with Packer's source channel.
func runtime(vars map[string]string) (rt *httptransport.Runtime, p *profile.UserProfile, err error) {
	err = sdk.WithEnv(vars, func() error {
		cfg, err := config.NewHCPConfig(config.FromEnv())
		if err != nil {
			return fmt.Errorf("config.NewHCPConfig(config.FromEnv()): %w", err)
		}
		if rt, err = httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: SourceChannel}); err != nil {
			return fmt.Errorf("httpclient.New: %w", err)
		}
		p = cfg.Profile()
		return nil
	})
	return rt, p, err
}

// APIError is a non-2xx answer whose google.rpc.Status body the SDK decoded.
type APIError = sdk.APIError[cloud.GoogleRPCStatus]

// AsAPIError returns err as a decoded API error (see sdk.AsAPIError).
func AsAPIError(err error) (APIError, error) { return sdk.AsAPIError[cloud.GoogleRPCStatus](err) }
