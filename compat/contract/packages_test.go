package contract

import (
	"testing"

	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
)

// TestPackages: ListBuildPackages and ListBucketPackages through hcp-sdk-go.
func TestPackages(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		bucket, fp := "packages-"+r.engine, "pkg-1"
		try(createBucket(r.contributor, bucket, "", nil)).must(t, "CreateBucket")
		try(createVersion(r.contributor, bucket, fp)).must(t, "CreateVersion")
		build := try(createBuild(r.contributor, bucket, fp, "docker-like.app", "11111111-2222-3333-4444-555555555555")).must(t, "CreateBuild")
		compressed := compress(t, cycloneDX(t, 5))
		try(uploadSbom(r.contributor, bucket, fp, build.ID, "pkgs", models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX, compressed)).must(t, "UploadSbom")

		p := svc.NewPackerServiceListBuildPackagesParams()
		p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = r.viewer.OrganizationID, r.viewer.ProjectID, bucket, fp, build.ID
		size := int64(2)
		p.PaginationPageSize = &size
		name := "PKG-1"
		p.PackageNameStartsWith = &name
		resp, err := r.viewer.Packer.PackerServiceListBuildPackages(p, nil)
		if err != nil {
			t.Fatalf("ListBuildPackages: %v", err)
		}
		got := resp.Payload.Packages
		if len(got) != 1 || got[0].Name != "pkg-1" || got[0].Version != "1.0.0" || got[0].Purl != "pkg:deb/debian/pkg-1@1.0.0" ||
			len(got[0].Sboms) != 1 || got[0].Sboms[0].Name != "pkgs" || *got[0].Sboms[0].Format != models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX ||
			!noVulnerabilities(got[0].VulnDetails) || got[0].BuildID != "" {
			t.Fatalf("ListBuildPackages answered %+v", got)
		}
		p.PackageNameStartsWith = nil
		resp, err = r.viewer.Packer.PackerServiceListBuildPackages(p, nil)
		if err != nil || len(resp.Payload.Packages) != 2 || resp.Payload.Pagination.NextPageToken == "" {
			t.Fatalf("ListBuildPackages page 1: %v %+v", err, resp)
		}
		next := resp.Payload.Pagination.NextPageToken
		p.PaginationNextPageToken = &next
		resp, err = r.viewer.Packer.PackerServiceListBuildPackages(p, nil)
		if err != nil || len(resp.Payload.Packages) != 2 || resp.Payload.Packages[0].Name != "pkg-2" {
			t.Fatalf("ListBuildPackages page 2: %v %+v", err, resp)
		}

		b := svc.NewPackerServiceListBucketPackagesParams()
		b.LocationOrganizationID, b.LocationProjectID, b.BucketName = r.contributor.OrganizationID, r.contributor.ProjectID, bucket
		bresp, err := r.contributor.Packer.PackerServiceListBucketPackages(b, nil)
		if err != nil || len(bresp.Payload.Packages) != 0 {
			t.Fatalf("ListBucketPackages: %v %+v", err, bresp)
		}
		t.Logf("ListBuildPackages / ListBucketPackages decoded by hcp-sdk-go")
	})
}

// noVulnerabilities: no entry (no OSV data imported yet) or entries without any vulnerability
// (data imported by another test, none of it about these packages): either way, whatever order
// the tests run in.
func noVulnerabilities(details []*models.HashicorpCloudPacker20230101VulnerabilityDetails) bool {
	for _, d := range details {
		if len(d.Vulnerabilities) != 0 {
			return false
		}
	}
	return true
}
