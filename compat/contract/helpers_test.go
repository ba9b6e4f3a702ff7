package contract

import (
	"testing"

	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"

	"github.com/imprint-dev/imprint/compat/harness/sdk"
	"github.com/imprint-dev/imprint/compat/internal/hcp"
)

// result holds what a generated call returned, so that try(call()).must(t, …)
// reads as one line.
type result[T any] struct {
	v   T
	err error
}

func try[T any](v T, err error) result[T] { return result[T]{v, err} }

// must fails the test on any error: a response the SDK could not decode
// comes back as an error from the generated client and stops the test here.
func (r result[T]) must(t *testing.T, what string) T {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s: %v", what, r.err)
	}
	return r.v
}

// refused expects a decoded google.rpc.Status with this HTTP status and
// code, and that Packer's match reads the same code from err.Error().
func refused(t *testing.T, what string, err error, httpStatus, code int) {
	t.Helper()
	sdk.Refused[cloud.GoogleRPCStatus](t, what, err, httpStatus, code)
}

// loc fills the location every packer_service call carries.
type loc struct{ org, proj string }

func locOf(c *hcp.Clients) loc { return loc{c.OrganizationID, c.ProjectID} }

func getBucket(c *hcp.Clients, name string) (*models.HashicorpCloudPacker20230101Bucket, error) {
	p := svc.NewPackerServiceGetBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, name
	resp, err := c.Packer.PackerServiceGetBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Bucket, nil
}

func createBucket(c *hcp.Clients, name, description string, labels map[string]string) (*models.HashicorpCloudPacker20230101Bucket, error) {
	p := svc.NewPackerServiceCreateBucketParams()
	p.LocationOrganizationID, p.LocationProjectID = c.OrganizationID, c.ProjectID
	p.Body = &models.HashicorpCloudPacker20230101CreateBucketBody{Name: name, Description: description, Labels: labels}
	resp, err := c.Packer.PackerServiceCreateBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Bucket, nil
}

func updateBucket(c *hcp.Clients, name, description string, labels map[string]string) (*models.HashicorpCloudPacker20230101Bucket, error) {
	p := svc.NewPackerServiceUpdateBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, name
	// Platforms nil is sent as "platforms": null, as Packer sends it.
	p.Body = &models.HashicorpCloudPacker20230101UpdateBucketBody{Description: description, Labels: labels}
	resp, err := c.Packer.PackerServiceUpdateBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Bucket, nil
}

func deleteBucket(c *hcp.Clients, name string) error {
	p := svc.NewPackerServiceDeleteBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, name
	_, err := c.Packer.PackerServiceDeleteBucket(p, nil)
	return err
}

func getVersion(c *hcp.Clients, bucket, fp string) (*models.HashicorpCloudPacker20230101Version, error) {
	p := svc.NewPackerServiceGetVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.OrganizationID, c.ProjectID, bucket, fp
	resp, err := c.Packer.PackerServiceGetVersion(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Version, nil
}

func createVersion(c *hcp.Clients, bucket, fp string) (*models.HashicorpCloudPacker20230101Version, error) {
	p := svc.NewPackerServiceCreateVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, bucket
	hcl2 := models.HashicorpCloudPacker20230101TemplateTypeHCL2
	p.Body = &models.HashicorpCloudPacker20230101CreateVersionBody{Fingerprint: fp, TemplateType: &hcl2}
	resp, err := c.Packer.PackerServiceCreateVersion(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Version, nil
}

func listBuilds(c *hcp.Clients, bucket, fp string) ([]*models.HashicorpCloudPacker20230101Build, error) {
	p := svc.NewPackerServiceListBuildsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.OrganizationID, c.ProjectID, bucket, fp
	resp, err := c.Packer.PackerServiceListBuilds(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Builds, nil
}

func createBuild(c *hcp.Clients, bucket, fp, component, runUUID string) (*models.HashicorpCloudPacker20230101Build, error) {
	p := svc.NewPackerServiceCreateBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.OrganizationID, c.ProjectID, bucket, fp
	status := models.HashicorpCloudPacker20230101BuildStatusBUILDUNSET
	p.Body = &models.HashicorpCloudPacker20230101CreateBuildBody{ComponentType: component, PackerRunUUID: runUUID, Status: &status}
	resp, err := c.Packer.PackerServiceCreateBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Build, nil
}

func updateBuild(c *hcp.Clients, bucket, fp, id string, body *models.HashicorpCloudPacker20230101UpdateBuildBody) (*models.HashicorpCloudPacker20230101Build, error) {
	p := svc.NewPackerServiceUpdateBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.OrganizationID, c.ProjectID, bucket, fp, id
	p.Body = body
	resp, err := c.Packer.PackerServiceUpdateBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Build, nil
}

func getChannel(c *hcp.Clients, bucket, channel string) (*models.HashicorpCloudPacker20230101Channel, error) {
	p := svc.NewPackerServiceGetChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = c.OrganizationID, c.ProjectID, bucket, channel
	resp, err := c.Packer.PackerServiceGetChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channel, nil
}

func createChannel(c *hcp.Clients, bucket, channel string, restricted bool) (*models.HashicorpCloudPacker20230101Channel, error) {
	p := svc.NewPackerServiceCreateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, bucket
	p.Body = &models.HashicorpCloudPacker20230101CreateChannelBody{Name: channel, Restricted: restricted}
	resp, err := c.Packer.PackerServiceCreateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channel, nil
}

func updateChannel(c *hcp.Clients, bucket, channel string, body *models.HashicorpCloudPacker20230101UpdateChannelBody) (*models.HashicorpCloudPacker20230101Channel, error) {
	p := svc.NewPackerServiceUpdateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = c.OrganizationID, c.ProjectID, bucket, channel
	p.Body = body
	resp, err := c.Packer.PackerServiceUpdateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channel, nil
}

func listChannels(c *hcp.Clients, bucket string) ([]*models.HashicorpCloudPacker20230101Channel, error) {
	p := svc.NewPackerServiceListChannelsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, bucket
	resp, err := c.Packer.PackerServiceListChannels(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channels, nil
}

func channelNames(channels []*models.HashicorpCloudPacker20230101Channel) map[string]*models.HashicorpCloudPacker20230101Channel {
	out := map[string]*models.HashicorpCloudPacker20230101Channel{}
	for _, ch := range channels {
		out[ch.Name] = ch
	}
	return out
}

func statusOf[T ~string](s *T) string {
	if s == nil {
		return "<nil>"
	}
	return string(*s)
}
