package contract

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	iam "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	orgs "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projects "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"

	"github.com/imprint-dev/imprint/compat/internal/hcp"
)

// TestDiscovery: the resource-manager and registry calls Packer makes when it
// is not given both ids, and the project read terraform-provider-hcp makes.
func TestDiscovery(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.viewer
		orgList := try(c.Organizations.OrganizationServiceList(orgs.NewOrganizationServiceListParams(), nil)).must(t, "OrganizationService_List")
		if len(orgList.Payload.Organizations) != 1 || orgList.Payload.Organizations[0].ID != r.server.OrganizationID {
			t.Fatalf("Packer needs exactly one organization, got %+v", orgList.Payload.Organizations)
		}
		og := orgs.NewOrganizationServiceGetParams()
		og.ID = r.server.OrganizationID
		org := try(c.Organizations.OrganizationServiceGet(og, nil)).must(t, "OrganizationService_Get")
		if org.Payload.Organization == nil || org.Payload.Organization.ID != r.server.OrganizationID {
			t.Fatalf("organization: %+v", org.Payload.Organization)
		}
		pl := projects.NewProjectServiceListParams()
		scopeType := "ORGANIZATION"
		pl.ScopeID, pl.ScopeType = &r.server.OrganizationID, &scopeType
		projectList := try(c.Projects.ProjectServiceList(pl, nil)).must(t, "ProjectService_List")
		if len(projectList.Payload.Projects) != 1 || projectList.Payload.Projects[0].ID != r.server.ProjectID ||
			projectList.Payload.Projects[0].CreatedAt.IsZero() {
			t.Fatalf("Packer takes the oldest project by created_at: %+v", projectList.Payload.Projects)
		}
		pg := projects.NewProjectServiceGetParams()
		pg.ID = r.server.ProjectID
		project := try(c.Projects.ProjectServiceGet(pg, nil)).must(t, "ProjectService_Get")
		p := project.Payload.Project
		if p == nil || p.ID != r.server.ProjectID || p.Parent == nil || p.Parent.ID != r.server.OrganizationID {
			t.Fatalf("terraform-provider-hcp reads project.id and project.parent.id: %+v", p)
		}
		pg.ID = "00000000-0000-0000-0000-000000000000"
		_, err := c.Projects.ProjectServiceGet(pg, nil)
		refused(t, "ProjectService_Get of another project", err, 404, 5)

		rg := svc.NewPackerServiceGetRegistryParams()
		rg.LocationOrganizationID, rg.LocationProjectID = r.server.OrganizationID, r.server.ProjectID
		reg := try(c.Packer.PackerServiceGetRegistry(rg, nil)).must(t, "GetRegistry")
		if reg.GetPayload().Registry == nil {
			t.Fatal("Packer needs a non-nil registry when only the project id is set")
		}
		who := try(c.IAM.IamServiceGetCallerIdentity(iam.NewIamServiceGetCallerIdentityParams(), nil)).must(t, "GetCallerIdentity")
		if who.Payload.Principal == nil {
			t.Fatalf("caller identity without a principal: %+v", who.Payload)
		}
	})
}

// TestBucketsVersionsBuilds: list/get/delete as the roles that may, and the
// refusals at each role boundary.
func TestBucketsVersionsBuilds(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		names := []string{"compat-list-c", "compat-list-a", "compat-list-b"}
		for _, name := range names {
			try(createBucket(r.contributor, name, "for listing", nil)).must(t, "CreateBucket")
		}
		// Viewer write: 403 / 7.
		_, err := createBucket(r.viewer, "compat-viewer-write", "", nil)
		refused(t, "CreateBucket as viewer", err, 403, 7)

		// hcp_packer_bucket_names: ListBuckets ordered by name, following next_page_token.
		var listed []string
		var token *string
		for page := 0; page < 100; page++ {
			p := svc.NewPackerServiceListBucketsParams()
			p.LocationOrganizationID, p.LocationProjectID = r.server.OrganizationID, r.server.ProjectID
			p.SortingOrderBy = []string{"name"}
			size := int64(2)
			p.PaginationPageSize, p.PaginationNextPageToken = &size, token
			resp := try(r.viewer.Packer.PackerServiceListBuckets(p, nil)).must(t, "ListBuckets")
			for _, b := range resp.Payload.Buckets {
				listed = append(listed, b.Name)
			}
			if resp.Payload.Pagination == nil || resp.Payload.Pagination.NextPageToken == "" {
				break
			}
			next := resp.Payload.Pagination.NextPageToken
			token = &next
		}
		for i := 1; i < len(listed); i++ {
			if listed[i-1] >= listed[i] {
				t.Fatalf("ListBuckets sorted by name, paged: %v", listed)
			}
		}
		for _, want := range names {
			if !contains(listed, want) {
				t.Fatalf("ListBuckets misses %s: %v", want, listed)
			}
		}
		b := try(getBucket(r.viewer, "compat-list-a")).must(t, "GetBucket as viewer")
		if b.ResourceName == "" || b.Location == nil || b.Location.OrganizationID != r.server.OrganizationID || b.CreatedAt.IsZero() {
			t.Fatalf("hcp_packer_bucket reads resource_name, location and created_at: %+v", b)
		}

		// A version with two builds; list and get them as viewer.
		try(createVersion(r.contributor, "compat-list-a", "lv-1")).must(t, "CreateVersion")
		build := try(createBuild(r.contributor, "compat-list-a", "lv-1", "a", "run-lv")).must(t, "CreateBuild")
		try(createBuild(r.contributor, "compat-list-a", "lv-1", "b", "run-lv")).must(t, "CreateBuild")
		lv := svc.NewPackerServiceListVersionsParams()
		lv.LocationOrganizationID, lv.LocationProjectID, lv.BucketName = r.server.OrganizationID, r.server.ProjectID, "compat-list-a"
		versions := try(r.viewer.Packer.PackerServiceListVersions(lv, nil)).must(t, "ListVersions")
		if len(versions.Payload.Versions) != 1 || versions.Payload.Versions[0].Fingerprint != "lv-1" {
			t.Fatalf("ListVersions: %+v", versions.Payload.Versions)
		}
		gb := svc.NewPackerServiceGetBuildParams()
		gb.LocationOrganizationID, gb.LocationProjectID, gb.BucketName, gb.Fingerprint, gb.BuildID =
			r.server.OrganizationID, r.server.ProjectID, "compat-list-a", "lv-1", build.ID
		got := try(r.viewer.Packer.PackerServiceGetBuild(gb, nil)).must(t, "GetBuild")
		if got.Payload.Build.ID != build.ID || got.Payload.Build.ComponentType != "a" {
			t.Fatalf("GetBuild: %+v", got.Payload.Build)
		}

		// Deletes are admin's; a contributor is refused.
		db := svc.NewPackerServiceDeleteBuildParams()
		db.LocationOrganizationID, db.LocationProjectID, db.BucketName, db.Fingerprint, db.BuildID =
			r.server.OrganizationID, r.server.ProjectID, "compat-list-a", "lv-1", build.ID
		_, err = r.contributor.Packer.PackerServiceDeleteBuild(db, nil)
		refused(t, "DeleteBuild as contributor", err, 403, 7)
		try(r.admin.Packer.PackerServiceDeleteBuild(db, nil)).must(t, "DeleteBuild as admin")
		if builds := try(listBuilds(r.viewer, "compat-list-a", "lv-1")).must(t, "ListBuilds"); len(builds) != 1 {
			t.Fatalf("after DeleteBuild %d builds remain, want 1", len(builds))
		}
		dv := svc.NewPackerServiceDeleteVersionParams()
		dv.LocationOrganizationID, dv.LocationProjectID, dv.BucketName, dv.Fingerprint =
			r.server.OrganizationID, r.server.ProjectID, "compat-list-a", "lv-1"
		rollback := true
		dv.RollbackChannels = &rollback
		try(r.admin.Packer.PackerServiceDeleteVersion(dv, nil)).must(t, "DeleteVersion as admin")
		_, err = getVersion(r.viewer, "compat-list-a", "lv-1")
		refused(t, "GetVersion after DeleteVersion", err, 409, 10)

		err = deleteBucket(r.contributor, "compat-list-a")
		refused(t, "DeleteBucket as contributor", err, 403, 7)
		if err := deleteBucket(r.admin, "compat-list-a"); err != nil {
			t.Fatalf("DeleteBucket as admin: %v", err)
		}
		_, err = getBucket(r.viewer, "compat-list-a")
		refused(t, "GetBucket after DeleteBucket (the provider reads HTTP 404 as gone)", err, 404, 5)
		refused(t, "DeleteBucket of a deleted bucket (the provider tolerates 404)", deleteBucket(r.admin, "compat-list-a"), 404, 5)
	})
}

// completeBucket makes a bucket with complete versions fps, one build each.
func completeBucket(t *testing.T, c *hcp.Clients, bucket string, fps ...string) map[string]*models.HashicorpCloudPacker20230101Version {
	t.Helper()
	try(createBucket(c, bucket, "", nil)).must(t, "CreateBucket")
	out := map[string]*models.HashicorpCloudPacker20230101Version{}
	for _, fp := range fps {
		out[fp] = replayPackerBuild(t, c, template{bucket: bucket, fingerprint: fp, components: []string{"only"},
			artifact: artifactIn("ami-" + fp), source: "ami-0"})
	}
	return out
}

// TestChannels: what hcp_packer_channel and hcp_packer_channel_assignment do,
// restricted channels per role, `latest` made restricted, history, deletion.
func TestChannels(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		const bucket = "compat-channels"
		completeBucket(t, r.contributor, bucket, "ch-1", "ch-2")
		open := try(createChannel(r.contributor, bucket, "open", false)).must(t, "CreateChannel")
		if open.Managed || open.Restricted || open.AuthorID == "" || open.CreatedAt.IsZero() {
			t.Fatalf("new channel: %+v", open)
		}
		try(createChannel(r.contributor, bucket, "secret", true)).must(t, "CreateChannel restricted")
		// The provider adopts an existing channel on code 6.
		_, err := createChannel(r.contributor, bucket, "open", false)
		refused(t, "CreateChannel of an existing name", err, 409, 6)

		seen := channelNames(try(listChannels(r.viewer, bucket)).must(t, "ListChannels as viewer"))
		if _, ok := seen["secret"]; ok {
			t.Fatal("a viewer lists a restricted channel")
		}
		if _, ok := seen["open"]; !ok {
			t.Fatalf("ListChannels as viewer: %v", seen)
		}
		all := channelNames(try(listChannels(r.contributor, bucket)).must(t, "ListChannels as contributor"))
		if all["secret"] == nil || !all["secret"].Restricted || all["latest"] == nil || !all["latest"].Managed {
			t.Fatalf("ListChannels as contributor: %v", all)
		}
		_, err = getChannel(r.viewer, bucket, "secret")
		refused(t, "GetChannel of a restricted channel as viewer", err, 403, 7)

		// hcp_packer_channel_assignment: assign, then unassign (fingerprint omitted).
		ch := try(updateChannel(r.contributor, bucket, "open", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "versionFingerprint", VersionFingerprint: "ch-1"})).must(t, "UpdateChannel assign")
		if ch.Version == nil || ch.Version.Fingerprint != "ch-1" {
			t.Fatalf("assigned channel: %+v", ch)
		}
		ch = try(updateChannel(r.contributor, bucket, "open", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "versionFingerprint"})).must(t, "UpdateChannel unassign")
		if ch.Version != nil && ch.Version.Fingerprint != "" {
			t.Fatalf("unassigned channel still has %+v", ch.Version)
		}
		try(updateChannel(r.contributor, bucket, "open", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "versionFingerprint", VersionFingerprint: "ch-2"})).must(t, "UpdateChannel assign again")
		// Restricted toggled with update_mask=restricted, on a user channel and on `latest`.
		ch = try(updateChannel(r.contributor, bucket, "open", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "restricted", Restricted: true})).must(t, "UpdateChannel restricted")
		if !ch.Restricted || ch.Version == nil || ch.Version.Fingerprint != "ch-2" {
			t.Fatalf("restricting kept the assignment? %+v", ch)
		}
		try(updateChannel(r.contributor, bucket, "open", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "restricted", Restricted: false})).must(t, "UpdateChannel unrestricted")
		latest := try(updateChannel(r.contributor, bucket, "latest", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "restricted", Restricted: true})).must(t, "UpdateChannel latest restricted")
		if !latest.Restricted || !latest.Managed {
			t.Fatalf("latest after update_mask=restricted: %+v", latest)
		}
		_, err = getChannel(r.viewer, bucket, "latest")
		refused(t, "GetChannel of a restricted latest as viewer", err, 403, 7)
		_, err = updateChannel(r.contributor, bucket, "latest", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "versionFingerprint", VersionFingerprint: "ch-1"})
		refused(t, "assigning latest", err, 400, 9)
		try(updateChannel(r.contributor, bucket, "latest", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "restricted", Restricted: false})).must(t, "UpdateChannel latest unrestricted")

		// AssignChannelVersion copies one channel's version to another.
		as := svc.NewPackerServiceAssignChannelVersionParams()
		as.LocationOrganizationID, as.LocationProjectID, as.BucketName = r.server.OrganizationID, r.server.ProjectID, bucket
		as.Body = &models.HashicorpCloudPacker20230101AssignChannelVersionBody{SourceChannel: "open", TargetChannel: "secret"}
		assigned := try(r.contributor.Packer.PackerServiceAssignChannelVersion(as, nil)).must(t, "AssignChannelVersion")
		if assigned.Payload.Fingerprint != "ch-2" || assigned.Payload.TargetChannel == nil || assigned.Payload.TargetChannel.Name != "secret" {
			t.Fatalf("AssignChannelVersion: %+v", assigned.Payload)
		}

		history := func(c *hcp.Clients, channel string) (*svc.PackerServiceListChannelAssignmentHistoryOK, error) {
			p := svc.NewPackerServiceListChannelAssignmentHistoryParams()
			p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.ChannelName = r.server.OrganizationID, r.server.ProjectID, bucket, channel
			return c.Packer.PackerServiceListChannelAssignmentHistory(p, nil)
		}
		h := try(history(r.viewer, "open")).must(t, "ListChannelAssignmentHistory as viewer")
		if len(h.Payload.History) < 3 || h.Payload.History[0].AssignedAt.IsZero() {
			t.Fatalf("history of open: %+v", h.Payload.History)
		}
		_, err = history(r.viewer, "secret")
		refused(t, "history of a restricted channel as viewer", err, 403, 7)
		try(history(r.contributor, "secret")).must(t, "ListChannelAssignmentHistory as contributor")

		dc := svc.NewPackerServiceDeleteChannelParams()
		dc.LocationOrganizationID, dc.LocationProjectID, dc.BucketName, dc.ChannelName = r.server.OrganizationID, r.server.ProjectID, bucket, "secret"
		_, err = r.contributor.Packer.PackerServiceDeleteChannel(dc, nil)
		refused(t, "DeleteChannel as contributor", err, 403, 7)
		try(r.admin.Packer.PackerServiceDeleteChannel(dc, nil)).must(t, "DeleteChannel as admin")
		dc.ChannelName = "latest"
		_, err = r.admin.Packer.PackerServiceDeleteChannel(dc, nil)
		refused(t, "DeleteChannel latest", err, 400, 3)
	})
}

func updateVersion(c *hcp.Clients, bucket, fp string, body *models.HashicorpCloudPacker20230101UpdateVersionBody) (*models.HashicorpCloudPacker20230101Version, error) {
	p := svc.NewPackerServiceUpdateVersionParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint = c.OrganizationID, c.ProjectID, bucket, fp
	p.Body = body
	resp, err := c.Packer.PackerServiceUpdateVersion(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Version, nil
}

// TestRevocation: revoke now, schedule, restore; what the data sources read.
func TestRevocation(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		const bucket = "compat-revoke"
		completeBucket(t, r.contributor, bucket, "rv-1", "rv-2")
		try(createChannel(r.contributor, bucket, "prod", false)).must(t, "CreateChannel")
		for _, fp := range []string{"rv-1", "rv-2"} {
			try(updateChannel(r.contributor, bucket, "prod", &models.HashicorpCloudPacker20230101UpdateChannelBody{
				UpdateMask: "versionFingerprint", VersionFingerprint: fp})).must(t, "UpdateChannel")
		}
		_, err := updateVersion(r.contributor, bucket, "rv-2", &models.HashicorpCloudPacker20230101UpdateVersionBody{RevokeIn: "0s", RevocationMessage: "cve"})
		refused(t, "revoking as contributor", err, 403, 7)

		v := try(updateVersion(r.admin, bucket, "rv-2", &models.HashicorpCloudPacker20230101UpdateVersionBody{
			RevokeAt: strfmt.DateTime(time.Now().UTC()), RevocationMessage: "cve-2026-0001"})).must(t, "UpdateVersion revoke now")
		if v.RevokeAt.IsZero() || v.RevocationMessage != "cve-2026-0001" || v.RevocationAuthor == "" {
			t.Fatalf("revoked version: %+v", v)
		}
		read := try(getVersion(r.viewer, bucket, "rv-2")).must(t, "GetVersion of a revoked version")
		if statusOf(read.Status) != string(models.HashicorpCloudPacker20230101VersionStatusVERSIONREVOKED) || read.RevokeAt.IsZero() {
			t.Fatalf("hcp_packer_version surfaces revoke_at: status %s revoke_at %v", statusOf(read.Status), read.RevokeAt)
		}
		prod := try(getChannel(r.viewer, bucket, "prod")).must(t, "GetChannel after revocation")
		if prod.Version == nil || prod.Version.Fingerprint != "rv-1" {
			t.Fatalf("the channel did not roll back to rv-1: %+v", prod.Version)
		}
		// hcp-sdk-go sends "revoke_at":"0001-01-01T00:00:00.000Z" whenever RevokeAt
		// is unset (strfmt.DateTime is a struct: omitempty cannot drop it), so
		// the zero time must read as "no revoke_at" on restore and with revoke_in.
		t.Run("restore", func(t *testing.T) {
			v := try(updateVersion(r.admin, bucket, "rv-2", &models.HashicorpCloudPacker20230101UpdateVersionBody{Restore: true})).must(t, "UpdateVersion restore")
			if !v.RevokeAt.IsZero() || statusOf(v.Status) != string(models.HashicorpCloudPacker20230101VersionStatusVERSIONACTIVE) {
				t.Fatalf("restored version: status %s revoke_at %v", statusOf(v.Status), v.RevokeAt)
			}
		})
		t.Run("schedule with revoke_in", func(t *testing.T) {
			v := try(updateVersion(r.admin, bucket, "rv-1", &models.HashicorpCloudPacker20230101UpdateVersionBody{
				RevokeIn: "48h"})).must(t, "UpdateVersion schedule with revoke_in")
			if statusOf(v.Status) != string(models.HashicorpCloudPacker20230101VersionStatusVERSIONREVOCATIONSCHEDULED) || v.RevokeAt.IsZero() {
				t.Fatalf("scheduled revocation: status %s revoke_at %v", statusOf(v.Status), v.RevokeAt)
			}
		})
	})
}

// TestAncestryAndSearch: ListBucketAncestry and SearchExternalArtifact over a
// parent and a child pushed the way Packer pushes them.
func TestAncestryAndSearch(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		parents := completeBucket(t, c, "compat-anc-parent", "ap-1")
		ch := try(createChannel(c, "compat-anc-parent", "golden", false)).must(t, "CreateChannel")
		ch = try(updateChannel(c, "compat-anc-parent", "golden", &models.HashicorpCloudPacker20230101UpdateChannelBody{
			UpdateMask: "versionFingerprint", VersionFingerprint: "ap-1"})).must(t, "UpdateChannel")
		try(createBucket(c, "compat-anc-child", "", nil)).must(t, "CreateBucket")
		replayPackerBuild(t, c, template{bucket: "compat-anc-child", fingerprint: "ac-1", components: []string{"only"},
			artifact: artifactIn("ami-ac"), source: "ami-ap-1-only", parentVersionID: parents["ap-1"].ID, parentChannelID: ch.ID})

		p := svc.NewPackerServiceListBucketAncestryParams()
		p.LocationOrganizationID, p.LocationProjectID, p.BucketName = r.server.OrganizationID, r.server.ProjectID, "compat-anc-parent"
		children := string(models.HashicorpCloudPacker20230101BucketAncestryTypeANCESTRYTYPECHILDREN)
		p.Type = &children
		anc := try(r.viewer.Packer.PackerServiceListBucketAncestry(p, nil)).must(t, "ListBucketAncestry")
		found := false
		for _, rel := range anc.Payload.Relations {
			if rel.Child != nil && rel.Child.BucketName == "compat-anc-child" && rel.Parent != nil && rel.Parent.VersionFingerprint == "ap-1" {
				found = true
			}
		}
		if !found {
			t.Fatalf("ListBucketAncestry children of the parent: %+v", anc.Payload.Relations)
		}

		s := svc.NewPackerServiceSearchExternalArtifactParams()
		s.LocationOrganizationID, s.LocationProjectID = r.server.OrganizationID, r.server.ProjectID
		s.Body = &models.HashicorpCloudPacker20230101SearchExternalArtifactRequestBody{ExternalIdentifier: "ami-ac-only", Region: "us-east-1"}
		res := try(r.viewer.Packer.PackerServiceSearchExternalArtifact(s, nil)).must(t, "SearchExternalArtifact")
		if len(res.Payload.Artifacts) != 1 || res.Payload.Artifacts[0].Bucket == nil || res.Payload.Artifacts[0].Bucket.Name != "compat-anc-child" ||
			res.Payload.Artifacts[0].Version == nil || res.Payload.Artifacts[0].Version.Fingerprint != "ac-1" {
			t.Fatalf("SearchExternalArtifact: %s", describe(res.Payload.Artifacts))
		}
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func describe(artifacts []*models.HashicorpCloudPacker20230101ExternalArtifact) string {
	out := ""
	for _, a := range artifacts {
		out += fmt.Sprintf("{bucket %+v version %+v} ", a.Bucket, a.Version)
	}
	return out
}
