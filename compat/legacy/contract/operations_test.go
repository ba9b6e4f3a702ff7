package contract

import (
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/models"

	"github.com/imprint-dev/imprint/compat/legacy/internal/hcp21"
)

func getBuild(c *hcp21.Clients, id string) (*models.HashicorpCloudPackerBuild, error) {
	p := svc.NewPackerServiceGetBuildParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BuildID = c.OrganizationID, c.ProjectID, id
	resp, err := c.Packer.PackerServiceGetBuild(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Build, nil
}

// relationTo finds the relation whose parent is bucket parent.
func relationTo(rels []*models.HashicorpCloudPackerBucketAncestry, parent string) *models.HashicorpCloudPackerBucketAncestry {
	for _, rel := range rels {
		if rel.Parent != nil && rel.Parent.BucketSlug == parent {
			return rel
		}
	}
	return nil
}

// TestDataSourcesAncestryRevocation21: the reads of hcp-packer-iteration and
// hcp-packer-image, the parent Packer declares, ancestry through a channel
// move, and revoke/restore with inheritance.
func TestDataSourcesAncestryRevocation21(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		base := replayPackerBuild(t, c, push{bucket: "sdk21-base", fingerprint: "base-1", component: "file.base", imageID: "base.txt", region: "."})
		ch := must(createChannel(c, "sdk21-base", svc.PackerServiceCreateChannelBody{Slug: "production", IterationID: base.ID}))(t, "CreateChannel on an iteration")
		if ch.ID == "" || ch.Slug != "production" || ch.Iteration == nil || ch.Iteration.ID != base.ID {
			t.Fatalf("CreateChannel answer: %+v", ch)
		}

		// hcp-packer-iteration / hcp-packer-image with channel: GetChannel.
		got := must(getChannel(r.viewer, "sdk21-base", "production"))(t, "GetChannel")
		if got.ID != ch.ID || got.Iteration == nil || got.Iteration.ID != base.ID || revokedNow(got.Iteration.RevokeAt) {
			t.Fatalf("GetChannel: %+v (iteration %+v)", got, got.Iteration)
		}
		if len(got.Iteration.Builds) != 1 || got.Iteration.Builds[0].IterationID != base.ID ||
			got.Iteration.Builds[0].CloudProvider != "packer.file" || len(got.Iteration.Builds[0].Images) != 1 ||
			got.Iteration.Builds[0].Images[0].Region != "." {
			t.Fatalf("hcp-packer-image scans iteration.builds[].images[] and takes the build's iteration_id: %+v", got.Iteration.Builds)
		}
		imageID := got.Iteration.Builds[0].Images[0].ImageID
		// hcp-packer-image with iteration_id: GetIteration by id, with builds.
		byID := must(getIteration(r.viewer, "sdk21-base", iterationBy{id: base.ID}))(t, "GetIteration by id")
		if len(byID.Builds) != 1 || byID.Builds[0].Images[0].ImageID != imageID {
			t.Fatalf("GetIteration by id builds: %+v", byID.Builds)
		}

		// The child declares the parent in its final UpdateBuild.
		child := replayPackerBuild(t, c, push{bucket: "sdk21-app", fingerprint: "app-1", component: "file.app", imageID: "app.txt", region: ".",
			sourceImageID: imageID, sourceIterationID: base.ID, sourceChannelID: ch.ID})
		rel := relationTo(must(ancestry(r.viewer, "sdk21-app", child.ID, "parents"))(t, "ListBucketAncestry parents"), "sdk21-base")
		if rel == nil || rel.Parent.IterationID != base.ID || rel.Parent.Channel != "production" || statusOf(rel.Status) != "UP_TO_DATE" ||
			rel.Child == nil || rel.Child.IterationID != child.ID {
			t.Fatalf("child's parent relation: %+v", rel)
		}
		children := must(ancestry(r.viewer, "sdk21-base", "", "children"))(t, "ListBucketAncestry children")
		if len(children) != 1 || children[0].Child == nil || children[0].Child.BucketSlug != "sdk21-app" {
			t.Fatalf("base's children: %+v", children)
		}

		// A new base iteration and the channel moved (by incremental_version):
		// the child is OUT_OF_DATE.
		base2 := replayPackerBuild(t, c, push{bucket: "sdk21-base", fingerprint: "base-2", component: "file.base", imageID: "base.txt", region: "."})
		moved := must(updateChannel(c, "sdk21-base", "production", svc.PackerServiceUpdateChannelBody{IncrementalVersion: base2.IncrementalVersion}))(t, "UpdateChannel")
		if moved.Iteration == nil || moved.Iteration.ID != base2.ID {
			t.Fatalf("UpdateChannel answer: %+v", moved.Iteration)
		}
		rel = relationTo(must(ancestry(r.viewer, "sdk21-app", "", ""))(t, "ListBucketAncestry latest"), "sdk21-base")
		if rel == nil || statusOf(rel.Status) != "OUT_OF_DATE" || rel.Parent.ChannelIteration == nil || rel.Parent.ChannelIteration.ID != base2.ID {
			t.Fatalf("after the channel moved: %+v", rel)
		}

		// Revoke base-1 now: the child inherits; channels are not rolled back
		// (none is on it here). The SDK always sends a revoke_at.
		_, err := updateIteration(c, base.ID, svc.PackerServiceUpdateIterationBody{BucketSlug: "sdk21-base", RevokeIn: "0s"})
		refused(t, "revoking as contributor", err, 403, 7)
		revoked := must(updateIteration(r.admin, base.ID, svc.PackerServiceUpdateIterationBody{BucketSlug: "sdk21-base",
			RevokeAt: strfmt.DateTime(time.Now().UTC()), RevocationMessage: "cve-2021"}))(t, "UpdateIteration revoke")
		if !revokedNow(revoked.RevokeAt) || revoked.RevocationMessage != "cve-2021" || statusOf(revoked.RevocationType) != "MANUAL" {
			t.Fatalf("revoked iteration: revoke_at %v message %q type %s", revoked.RevokeAt, revoked.RevocationMessage, statusOf(revoked.RevocationType))
		}
		inherited := must(getIteration(r.viewer, "sdk21-app", iterationBy{id: child.ID}))(t, "GetIteration of the child")
		if !revokedNow(inherited.RevokeAt) || statusOf(inherited.RevocationType) != "INHERITED" ||
			inherited.RevocationInheritedFrom == nil || inherited.RevocationInheritedFrom.BucketSlug != "sdk21-base" ||
			inherited.RevocationInheritedFrom.IterationID != base.ID {
			t.Fatalf("child after the parent's revocation: revoke_at %v type %s from %+v", inherited.RevokeAt, statusOf(inherited.RevocationType), inherited.RevocationInheritedFrom)
		}
		// Restore (the SDK sends revoke_at year 1 with it: "not set").
		restored := must(updateIteration(r.admin, base.ID, svc.PackerServiceUpdateIterationBody{BucketSlug: "sdk21-base", Restore: true}))(t, "UpdateIteration restore")
		if revokedNow(restored.RevokeAt) || restored.RevocationMessage != "" {
			t.Fatalf("restored iteration: revoke_at %v message %q", restored.RevokeAt, restored.RevocationMessage)
		}
		// Scheduled revocation with revoke_in: in the future, so not revoked for Packer.
		scheduled := must(updateIteration(r.admin, base2.ID, svc.PackerServiceUpdateIterationBody{BucketSlug: "sdk21-base", RevokeIn: "48h"}))(t, "UpdateIteration revoke_in")
		if at := time.Time(scheduled.RevokeAt); at.Before(time.Now().Add(47*time.Hour)) || revokedNow(scheduled.RevokeAt) {
			t.Fatalf("revoke_in 48h: revoke_at %v", scheduled.RevokeAt)
		}
		must(updateIteration(r.admin, base2.ID, svc.PackerServiceUpdateIterationBody{BucketSlug: "sdk21-base", Restore: true}))(t, "UpdateIteration restore scheduled")
	})
}

// TestOtherOperations21 calls the remaining 2021-04-30 operations: registry,
// lists, gets and deletes.
func TestOtherOperations21(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		gr := svc.NewPackerServiceGetRegistryParams()
		gr.LocationOrganizationID, gr.LocationProjectID = c.OrganizationID, c.ProjectID
		reg := must(r.viewer.Packer.PackerServiceGetRegistry(gr, nil))(t, "GetRegistry")
		if reg.Payload.Registry == nil || reg.Payload.Registry.ID == "" {
			t.Fatalf("GetRegistry: Packer's discovery needs a non-null registry: %+v", reg.Payload)
		}

		// The registry is Imprint itself: creating, updating or deleting it
		// is refused with a decoded error.
		cr := svc.NewPackerServiceCreateRegistryParams()
		cr.LocationOrganizationID, cr.LocationProjectID = c.OrganizationID, c.ProjectID
		_, err := r.admin.Packer.PackerServiceCreateRegistry(cr, nil)
		registryRefused(t, "CreateRegistry", err)
		ur := svc.NewPackerServiceUpdateRegistryParams()
		ur.LocationOrganizationID, ur.LocationProjectID = c.OrganizationID, c.ProjectID
		_, err = r.admin.Packer.PackerServiceUpdateRegistry(ur, nil)
		registryRefused(t, "UpdateRegistry", err)
		dr := svc.NewPackerServiceDeleteRegistryParams()
		dr.LocationOrganizationID, dr.LocationProjectID = c.OrganizationID, c.ProjectID
		_, err = r.admin.Packer.PackerServiceDeleteRegistry(dr, nil)
		registryRefused(t, "DeleteRegistry", err)

		it := replayPackerBuild(t, c, push{bucket: "sdk21-ops", fingerprint: "ops-1", component: "file.ops", imageID: "ops.txt", region: "."})
		lb := svc.NewPackerServiceListBucketsParams()
		lb.LocationOrganizationID, lb.LocationProjectID = c.OrganizationID, c.ProjectID
		found := false
		for _, b := range must(r.viewer.Packer.PackerServiceListBuckets(lb, nil))(t, "ListBuckets").Payload.Buckets {
			found = found || b.Slug == "sdk21-ops"
		}
		if !found {
			t.Fatal("ListBuckets does not list sdk21-ops")
		}
		li := svc.NewPackerServiceListIterationsParams()
		li.LocationOrganizationID, li.LocationProjectID, li.BucketSlug = c.OrganizationID, c.ProjectID, "sdk21-ops"
		its := must(r.viewer.Packer.PackerServiceListIterations(li, nil))(t, "ListIterations").Payload.Iterations
		if len(its) != 1 || its[0].ID != it.ID || !its[0].Complete {
			t.Fatalf("ListIterations: %+v", its)
		}

		must(createChannel(c, "sdk21-ops", svc.PackerServiceCreateChannelBody{Slug: "staging", Fingerprint: "ops-1"}))(t, "CreateChannel by fingerprint")
		lc := svc.NewPackerServiceListChannelsParams()
		lc.LocationOrganizationID, lc.LocationProjectID, lc.BucketSlug = c.OrganizationID, c.ProjectID, "sdk21-ops"
		channels := map[string]bool{}
		for _, ch := range must(r.viewer.Packer.PackerServiceListChannels(lc, nil))(t, "ListChannels").Payload.Channels {
			channels[ch.Slug] = true
		}
		if !channels["staging"] {
			t.Fatalf("ListChannels: %v", channels)
		}
		dc := svc.NewPackerServiceDeleteChannelParams()
		dc.LocationOrganizationID, dc.LocationProjectID, dc.BucketSlug, dc.Slug = c.OrganizationID, c.ProjectID, "sdk21-ops", "staging"
		must(r.admin.Packer.PackerServiceDeleteChannel(dc, nil))(t, "DeleteChannel")
		_, err = getChannel(r.viewer, "sdk21-ops", "staging")
		refused(t, "GetChannel of a deleted channel", err, 404, 5)

		// Builds of a complete iteration are fixed; one of an incomplete one goes.
		open := must(createIteration(c, "sdk21-ops", "ops-2", models.HashicorpCloudPackerIterationTemplateTypeHCL2))(t, "CreateIteration ops-2")
		pending := must(createBuild(c, "sdk21-ops", open.ID, "ops-2", "file.ops", "run-ops-2"))(t, "CreateBuild ops-2")
		db := svc.NewPackerServiceDeleteBuildParams()
		db.LocationOrganizationID, db.LocationProjectID, db.BuildID = c.OrganizationID, c.ProjectID, pending.ID
		must(r.admin.Packer.PackerServiceDeleteBuild(db, nil))(t, "DeleteBuild")
		if left := must(listBuilds(r.viewer, "sdk21-ops", open.ID))(t, "ListBuilds after DeleteBuild"); len(left) != 0 {
			t.Fatalf("builds after DeleteBuild: %+v", left)
		}
		di := svc.NewPackerServiceDeleteIterationParams()
		di.LocationOrganizationID, di.LocationProjectID, di.IterationID, di.BucketSlug = c.OrganizationID, c.ProjectID, it.ID, str("sdk21-ops")
		must(r.admin.Packer.PackerServiceDeleteIteration(di, nil))(t, "DeleteIteration")
		_, err = getIteration(r.viewer, "sdk21-ops", iterationBy{id: it.ID})
		refused(t, "GetIteration of a deleted iteration", err, 404, 5)
		dbk := svc.NewPackerServiceDeleteBucketParams()
		dbk.LocationOrganizationID, dbk.LocationProjectID, dbk.BucketSlug = c.OrganizationID, c.ProjectID, "sdk21-ops"
		must(r.admin.Packer.PackerServiceDeleteBucket(dbk, nil))(t, "DeleteBucket")
		_, err = getBucket(r.viewer, "sdk21-ops")
		refused(t, "GetBucket of a deleted bucket", err, 404, 5)
	})
}

// registryRefused: a 4xx google.rpc.Status with a message, never a 5xx.
func registryRefused(t *testing.T, what string, err error) {
	t.Helper()
	apiErr, asErr := hcp21.AsAPIError(err)
	if asErr != nil {
		t.Fatalf("%s: %v", what, asErr)
	}
	if apiErr.Code()/100 != 4 || apiErr.GetPayload().Message == "" {
		t.Fatalf("%s: HTTP %d %+v, want a 4xx with a message", what, apiErr.Code(), apiErr.GetPayload())
	}
}
