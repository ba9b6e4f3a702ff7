package contract

import (
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/models"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"

	"github.com/imprint-dev/imprint/compat/harness/sdk"
	"github.com/imprint-dev/imprint/compat/legacy/internal/hcp21"
)

// must turns a generated call's (value, error) into a check:
// must(getBucket(c, b))(t, "GetBucket") fails the test on any error,
// including an answer the SDK could not decode.
func must[T any](v T, err error) func(t *testing.T, what string) T {
	return func(t *testing.T, what string) T {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// refused expects a decoded google.rpc.Status with this HTTP status and
// code, and that Packer's match reads the same code from err.Error().
func refused(t *testing.T, what string, err error, httpStatus, code int) {
	t.Helper()
	sdk.Refused[cloud.GoogleRPCStatus](t, what, err, httpStatus, code)
}

func str(s string) *string { return &s }

func createBucket(c *hcp21.Clients, slug, description string) error {
	p := svc.NewPackerServiceCreateBucketParams()
	p.LocationOrganizationID, p.LocationProjectID = c.OrganizationID, c.ProjectID
	p.Body = svc.PackerServiceCreateBucketBody{BucketSlug: slug, Description: description}
	_, err := c.Packer.PackerServiceCreateBucket(p, nil)
	return err
}

func updateBucket(c *hcp21.Clients, slug, description string) error {
	p := svc.NewPackerServiceUpdateBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.OrganizationID, c.ProjectID, slug
	// Platforms nil goes out as "platforms":null, as Packer sends it.
	p.Body = svc.PackerServiceUpdateBucketBody{Description: description}
	_, err := c.Packer.PackerServiceUpdateBucket(p, nil)
	return err
}

func getBucket(c *hcp21.Clients, slug string) (*models.HashicorpCloudPackerBucket, error) {
	p := svc.NewPackerServiceGetBucketParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.OrganizationID, c.ProjectID, slug
	resp, err := c.Packer.PackerServiceGetBucket(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Bucket, nil
}

// iterationBy selects GetIteration's query: exactly one of the three.
type iterationBy struct {
	id, fingerprint string
	version         int32
}

func getIteration(c *hcp21.Clients, slug string, by iterationBy) (*models.HashicorpCloudPackerIteration, error) {
	p := svc.NewPackerServiceGetIterationParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.OrganizationID, c.ProjectID, slug
	switch {
	case by.id != "":
		p.IterationID = str(by.id)
	case by.fingerprint != "":
		p.Fingerprint = str(by.fingerprint)
	default:
		p.IncrementalVersion = &by.version
	}
	resp, err := c.Packer.PackerServiceGetIteration(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Iteration, nil
}

func createIteration(c *hcp21.Clients, slug, fp string, tt models.HashicorpCloudPackerIterationTemplateType) (*models.HashicorpCloudPackerIteration, error) {
	p := svc.NewPackerServiceCreateIterationParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.OrganizationID, c.ProjectID, slug
	p.Body = svc.PackerServiceCreateIterationBody{Fingerprint: fp, TemplateType: &tt}
	resp, err := c.Packer.PackerServiceCreateIteration(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Iteration, nil
}

func listBuilds(c *hcp21.Clients, slug, iterationID string) ([]*models.HashicorpCloudPackerBuild, error) {
	p := svc.NewPackerServiceListBuildsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug, p.IterationID = c.OrganizationID, c.ProjectID, slug, iterationID
	resp, err := c.Packer.PackerServiceListBuilds(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Builds, nil
}

func createBuild(c *hcp21.Clients, slug, iterationID, fp, component, runUUID string) (*models.HashicorpCloudPackerBuild, error) {
	p := svc.NewPackerServiceCreateBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug, p.IterationID = c.OrganizationID, c.ProjectID, slug, iterationID
	unset := models.HashicorpCloudPackerBuildStatusUNSET
	p.Body = svc.PackerServiceCreateBuildBody{Fingerprint: fp, Build: &models.HashicorpCloudPackerBuildCreateBody{
		ComponentType: component, PackerRunUUID: runUUID, Status: &unset}}
	resp, err := c.Packer.PackerServiceCreateBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Build, nil
}

func updateBuild(c *hcp21.Clients, id string, updates *models.HashicorpCloudPackerBuildUpdates) (*models.HashicorpCloudPackerBuild, error) {
	p := svc.NewPackerServiceUpdateBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BuildID = c.OrganizationID, c.ProjectID, id
	p.Body = svc.PackerServiceUpdateBuildBody{Updates: updates}
	resp, err := c.Packer.PackerServiceUpdateBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Build, nil
}

func getChannel(c *hcp21.Clients, slug, channel string) (*models.HashicorpCloudPackerChannel, error) {
	p := svc.NewPackerServiceGetChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug, p.Slug = c.OrganizationID, c.ProjectID, slug, channel
	resp, err := c.Packer.PackerServiceGetChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channel, nil
}

func createChannel(c *hcp21.Clients, slug string, body svc.PackerServiceCreateChannelBody) (*models.HashicorpCloudPackerChannel, error) {
	p := svc.NewPackerServiceCreateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.OrganizationID, c.ProjectID, slug
	p.Body = body
	resp, err := c.Packer.PackerServiceCreateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channel, nil
}

func updateChannel(c *hcp21.Clients, slug, channel string, body svc.PackerServiceUpdateChannelBody) (*models.HashicorpCloudPackerChannel, error) {
	p := svc.NewPackerServiceUpdateChannelParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug, p.Slug = c.OrganizationID, c.ProjectID, slug, channel
	p.Body = body
	resp, err := c.Packer.PackerServiceUpdateChannel(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Channel, nil
}

func updateIteration(c *hcp21.Clients, id string, body svc.PackerServiceUpdateIterationBody) (*models.HashicorpCloudPackerIteration, error) {
	p := svc.NewPackerServiceUpdateIterationParams()
	p.LocationOrganizationID, p.LocationProjectID, p.IterationID = c.OrganizationID, c.ProjectID, id
	p.Body = body
	resp, err := c.Packer.PackerServiceUpdateIteration(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Iteration, nil
}

// ancestry lists a bucket's relations; iterationID empty = the latest.
func ancestry(c *hcp21.Clients, slug, iterationID, kind string) ([]*models.HashicorpCloudPackerBucketAncestry, error) {
	p := svc.NewPackerServiceListBucketAncestryParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketSlug = c.OrganizationID, c.ProjectID, slug
	if iterationID != "" {
		p.IterationID = str(iterationID)
	}
	if kind != "" {
		p.Type = str(kind)
	}
	resp, err := c.Packer.PackerServiceListBucketAncestry(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Relations, nil
}

func statusOf[T ~string](s *T) string {
	if s == nil {
		return "<nil>"
	}
	return string(*s)
}

// revokedNow is Packer's data-source test: revoke_at non-zero (year 1 is
// Go's zero time) and in the past; "" would decode as 1970 and count.
func revokedNow(d strfmt.DateTime) bool {
	at := time.Time(d)
	return !at.IsZero() && at.Before(time.Now())
}

type svcRevoke = svc.PackerServiceUpdateIterationBody

func nowUTC() strfmt.DateTime { return strfmt.DateTime(time.Now().UTC()) }
