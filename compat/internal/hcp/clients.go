// Package hcp configures hcp-sdk-go the way stock Packer and
// terraform-provider-hcp do (environment → config.FromEnv → httpclient.New)
// and records every request the SDK sends, for the coverage check.
package hcp

import (
	"fmt"

	iam "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	packer "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	orgs "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projects "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
	"github.com/imprint-dev/imprint/compat/harness/sdk"
)

// SourceChannel is what Packer v1.16 puts before "hcp-go-sdk/<v>" in X-HCP-Source-Channel.
const SourceChannel = "packer/1.16.0"

// Clients are the generated services one principal calls.
type Clients struct {
	Packer         packer.ClientService
	Organizations  orgs.ClientService
	Projects       projects.ClientService
	IAM            iam.ClientService
	OrganizationID string
	ProjectID      string
}

// New sets env (what `imprint-registry env` printed) plus the principal's
// HCP_CLIENT_ID/HCP_CLIENT_SECRET, builds the config exactly as Packer does
// (config.NewHCPConfig(config.FromEnv()) and httpclient.New with a source
// channel), then puts the previous environment back. SSL_CERT_FILE must be
// set for the whole process beforehand: Go reads it once.
func New(env map[string]string, clientID, clientSecret string, rec *coverage.Recorder) (*Clients, error) {
	cfg, err := sdk.Configure(env, clientID, clientSecret, func() (config.HCPConfig, error) {
		return config.NewHCPConfig(config.FromEnv())
	})
	if err != nil {
		return nil, fmt.Errorf("config.NewHCPConfig(config.FromEnv()): %w", err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: SourceChannel})
	if err != nil {
		return nil, fmt.Errorf("httpclient.New: %w", err)
	}
	rt.Transport = rec.Wrap(rt.Transport)
	return &Clients{
		Packer:         packer.New(rt, nil),
		Organizations:  orgs.New(rt, nil),
		Projects:       projects.New(rt, nil),
		IAM:            iam.New(rt, nil),
		OrganizationID: cfg.Profile().OrganizationID,
		ProjectID:      cfg.Profile().ProjectID,
	}, nil
}

// APIError is a non-2xx answer whose google.rpc.Status body the SDK decoded.
type APIError = sdk.APIError[cloud.GoogleRPCStatus]

// AsAPIError returns err as a decoded API error (see sdk.AsAPIError).
func AsAPIError(err error) (APIError, error) { return sdk.AsAPIError[cloud.GoogleRPCStatus](err) }

// PackerCode is the code Packer reads from an error, or -1.
func PackerCode(err error) int { return sdk.PackerCode(err) }
