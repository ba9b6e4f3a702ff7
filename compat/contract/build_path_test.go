package contract

import (
	"fmt"
	"sort"
	"sync"
	"testing"

	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"

	"github.com/imprint-dev/imprint/compat/internal/hcp"
)

// template is what one `packer build` with an hcp_packer_registry block pushes.
type template struct {
	bucket, description string
	bucketLabels        map[string]string
	fingerprint         string
	components          []string
	channels            []string
	// artifact names the image each component produces.
	artifact func(component string) (id, region string)
	// source is the SourceImageID of every artifact; parents are declared
	// when it equals the external identifier an hcp-packer-artifact data
	// source returned (parentVersionID/parentChannelID).
	source, parentVersionID, parentChannelID string
}

// packerMetadata is build metadata typed the way Packer sends it: maps in
// interface fields, typed-nil maps and slices inside them (sent as null).
func packerMetadata() *models.HashicorpCloudPacker20230101BuildMetadata {
	var noVars map[string]string
	var noOnly []string
	var noPlugins []map[string]interface{}
	var noCICD map[string]interface{}
	return &models.HashicorpCloudPacker20230101BuildMetadata{
		Packer: map[string]interface{}{
			"version": "1.16.0",
			"options": map[string]interface{}{"debug": false, "force": false, "on_error": "cleanup", "only": noOnly, "except": noOnly, "vars": noVars, "var_files": noOnly, "path": "/work/template.pkr.hcl"},
			"os":      map[string]interface{}{"type": "linux", "details": map[string]interface{}{"arch": "amd64", "name": "debian", "version": "13"}},
			"plugins": noPlugins,
		},
		Cicd: noCICD,
		Vcs:  map[string]interface{}{"type": "git", "details": map[string]interface{}{"ref": "main", "commit": "0123abcd", "has_uncommitted_changes": false}},
	}
}

// replayPackerBuild performs Packer's calls for one `packer build` as c (a
// contributor CI principal): §2 steps 3–10 of real-clients.md.
func replayPackerBuild(t *testing.T, c *hcp.Clients, tpl template) *models.HashicorpCloudPacker20230101Version {
	t.Helper()
	runUUID := fmt.Sprintf("run-%s-%s", tpl.bucket, tpl.fingerprint)

	// 3. Bucket upsert: GET, code 5 → PUT; PATCH when description or labels differ.
	bucket, err := getBucket(c, tpl.bucket)
	if err != nil {
		refused(t, "GetBucket of a new bucket", err, 404, 5)
		bucket = try(createBucket(c, tpl.bucket, tpl.description, tpl.bucketLabels)).must(t, "CreateBucket as contributor")
	} else if bucket.Description != tpl.description || !sameLabels(bucket.Labels, tpl.bucketLabels) {
		bucket = try(updateBucket(c, tpl.bucket, tpl.description, tpl.bucketLabels)).must(t, "UpdateBucket as contributor")
	}
	if bucket.Name != tpl.bucket || bucket.Description != tpl.description || !sameLabels(bucket.Labels, tpl.bucketLabels) {
		t.Fatalf("bucket after upsert: %+v", bucket)
	}

	// 4. GetVersion: code 10 → CreateVersion (HCL2); a complete version aborts.
	version, err := getVersion(c, tpl.bucket, tpl.fingerprint)
	if err != nil {
		refused(t, "GetVersion of a new fingerprint", err, 409, 10)
		version = try(createVersion(c, tpl.bucket, tpl.fingerprint)).must(t, "CreateVersion")
		if version.Name != "v0" {
			t.Fatalf("a new version is named %q; Packer takes any name but v0 as complete and aborts", version.Name)
		}
	}
	if version.TemplateType == nil || *version.TemplateType != models.HashicorpCloudPacker20230101TemplateTypeHCL2 {
		t.Fatalf("template_type = %s, want HCL2", statusOf(version.TemplateType))
	}
	if version.Fingerprint != tpl.fingerprint || version.ID == "" {
		t.Fatalf("version: %+v", version)
	}

	// 5. ListBuilds (never paged), then CreateBuild for each missing component,
	// concurrently; code 6 (a concurrent run created it) is tolerated.
	existing := try(listBuilds(c, tpl.bucket, tpl.fingerprint)).must(t, "ListBuilds")
	have := map[string]bool{}
	for _, b := range existing {
		have[b.ComponentType] = true
	}
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(tpl.components))
	for _, component := range tpl.components {
		if have[component] {
			continue
		}
		// Two concurrent creates of one component: one wins, the other gets code 6.
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func(component string) {
				defer wg.Done()
				if _, err := createBuild(c, tpl.bucket, tpl.fingerprint, component, runUUID); err != nil {
					if hcp.PackerCode(err) == 6 {
						if _, asErr := hcp.AsAPIError(err); asErr != nil {
							errs <- asErr
						}
						return
					}
					errs <- fmt.Errorf("CreateBuild %s: %w", component, err)
				}
			}(component)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	builds := map[string]*models.HashicorpCloudPacker20230101Build{}
	for _, b := range try(listBuilds(c, tpl.bucket, tpl.fingerprint)).must(t, "ListBuilds after creating") {
		if _, dup := builds[b.ComponentType]; dup {
			t.Fatalf("two builds for component %s after concurrent CreateBuild", b.ComponentType)
		}
		builds[b.ComponentType] = b
	}
	if len(builds) != len(tpl.components) {
		t.Fatalf("ListBuilds lists %d builds, want %d", len(builds), len(tpl.components))
	}

	// 6. Enforced blocks: Packer tolerates codes 5 and 12.
	eb := svc.NewPackerServiceGetEnforcedBlocksByBucketParams()
	eb.LocationOrganizationID, eb.LocationProjectID, eb.BucketName = c.OrganizationID, c.ProjectID, tpl.bucket
	if _, err := c.Packer.PackerServiceGetEnforcedBlocksByBucket(eb, nil); err != nil {
		if _, asErr := hcp.AsAPIError(err); asErr != nil {
			t.Fatalf("GetEnforcedBlocksByBucket: %v", asErr)
		}
		if code := hcp.PackerCode(err); code != 5 && code != 12 {
			t.Fatalf("GetEnforcedBlocksByBucket: code %d aborts Packer (5 and 12 are tolerated): %v", code, err)
		}
	}

	components := append([]string(nil), tpl.components...)
	sort.Strings(components)
	for i, component := range components {
		build := builds[component]
		running := models.HashicorpCloudPacker20230101BuildStatusBUILDRUNNING
		// 7. Start + heartbeats: only run uuid and status, artifacts null.
		for beat := 0; beat < 2; beat++ {
			got := try(updateBuild(c, tpl.bucket, tpl.fingerprint, build.ID,
				&models.HashicorpCloudPacker20230101UpdateBuildBody{PackerRunUUID: runUUID, Status: &running})).must(t, "heartbeat")
			if statusOf(got.Status) != string(running) {
				t.Fatalf("after a heartbeat the build is %s", statusOf(got.Status))
			}
		}
		// 9. Done, with artifacts, labels, metadata and parents.
		id, region := tpl.artifact(component)
		done := models.HashicorpCloudPacker20230101BuildStatusBUILDDONE
		platform := "aws"
		got := try(updateBuild(c, tpl.bucket, tpl.fingerprint, build.ID,
			&models.HashicorpCloudPacker20230101UpdateBuildBody{
				Artifacts:                []*models.HashicorpCloudPacker20230101ArtifactCreateBody{{ExternalIdentifier: id, Region: region}},
				Labels:                   map[string]string{"component": component, "os": "debian"},
				Metadata:                 packerMetadata(),
				PackerRunUUID:            runUUID,
				ParentChannelID:          tpl.parentChannelID,
				ParentVersionID:          tpl.parentVersionID,
				Platform:                 platform,
				SourceExternalIdentifier: tpl.source,
				Status:                   &done,
			})).must(t, "UpdateBuild BUILD_DONE")
		checkDoneBuild(t, got, component, id, region, platform, tpl.source, runUUID)
		// 10. Every channel after every completed build; a failure is only printed.
		for _, channel := range tpl.channels {
			ch, err := updateChannel(c, tpl.bucket, channel, &models.HashicorpCloudPacker20230101UpdateChannelBody{
				UpdateMask: "versionFingerprint", VersionFingerprint: tpl.fingerprint})
			if i < len(components)-1 {
				// The version is not complete yet; Packer prints the error and goes on.
				if err == nil {
					t.Fatalf("channel %s took an incomplete version", channel)
				}
				if _, asErr := hcp.AsAPIError(err); asErr != nil {
					t.Fatalf("UpdateChannel before completion: %v", asErr)
				}
				continue
			}
			ch = try(ch, err).must(t, "UpdateChannel after the last build")
			if ch.Version == nil || ch.Version.Fingerprint != tpl.fingerprint {
				t.Fatalf("channel %s after assignment: %+v", channel, ch)
			}
		}
	}

	version = try(getVersion(c, tpl.bucket, tpl.fingerprint)).must(t, "GetVersion after the run")
	if version.Name == "v0" || statusOf(version.Status) != string(models.HashicorpCloudPacker20230101VersionStatusVERSIONACTIVE) {
		t.Fatalf("complete version: name %q status %s", version.Name, statusOf(version.Status))
	}
	if len(version.Builds) != len(tpl.components) {
		t.Fatalf("version has %d builds, want %d", len(version.Builds), len(tpl.components))
	}
	return version
}

func checkDoneBuild(t *testing.T, b *models.HashicorpCloudPacker20230101Build, component, id, region, platform, source, runUUID string) {
	t.Helper()
	if statusOf(b.Status) != string(models.HashicorpCloudPacker20230101BuildStatusBUILDDONE) || b.ComponentType != component ||
		b.Platform != platform || b.SourceExternalIdentifier != source || b.PackerRunUUID != runUUID {
		t.Fatalf("done build: %+v", b)
	}
	if len(b.Artifacts) != 1 || b.Artifacts[0].ExternalIdentifier != id || b.Artifacts[0].Region != region || b.Artifacts[0].ID == "" {
		t.Fatalf("artifacts of the done build: %+v", b.Artifacts)
	}
	if b.Labels["component"] != component || b.CreatedAt.String() == "" || b.UpdatedAt.IsZero() {
		t.Fatalf("labels/timestamps of the done build: %+v", b)
	}
	if b.Metadata == nil {
		t.Fatal("the done build has no metadata")
	}
	pk, ok := b.Metadata.Packer.(map[string]interface{})
	if !ok || pk["version"] != "1.16.0" {
		t.Fatalf("metadata.packer did not round-trip: %#v", b.Metadata.Packer)
	}
	options, _ := pk["options"].(map[string]interface{})
	if v, present := options["vars"]; !present || v != nil {
		t.Fatalf("metadata.packer.options.vars was sent as null, read back %#v (present %v)", v, present)
	}
	if b.Metadata.Cicd != nil {
		t.Fatalf("metadata.cicd was sent as null, read back %#v", b.Metadata.Cicd)
	}
}

func sameLabels(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func artifactIn(prefix string) func(string) (string, string) {
	return func(component string) (string, string) {
		return prefix + "-" + component, "us-east-1"
	}
}

// TestPackerBuildPath replays two builds of a base image and one of a child
// built from it, as a contributor, exactly as Packer's registry code calls
// the generated client.
func TestPackerBuildPath(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		if locOf(c) != (loc{r.server.OrganizationID, r.server.ProjectID}) {
			t.Fatalf("the SDK config read org/project %v from the environment, the server has %s/%s", locOf(c), r.server.OrganizationID, r.server.ProjectID)
		}
		base := template{
			bucket: "compat-base", description: "base image", bucketLabels: map[string]string{"team": "platform"},
			fingerprint: "fp-base-1", components: []string{"amazon-ebs.a", "amazon-ebs.b", "file.c"},
			channels: []string{"release"}, artifact: artifactIn("ami-base1"), source: "ami-upstream",
		}
		// The channel Packer assigns must exist; the provider or a person makes it.
		bucket := try(createBucket(c, base.bucket, base.description, base.bucketLabels)).must(t, "CreateBucket")
		if bucket.Location == nil || bucket.Location.ProjectID != r.server.ProjectID || bucket.ResourceName == "" {
			t.Fatalf("bucket location/resource_name: %+v", bucket)
		}
		try(createChannel(c, base.bucket, "release", false)).must(t, "CreateChannel release")
		v1 := replayPackerBuild(t, c, base)

		// A second run with another description and labels: Packer PATCHes the bucket.
		base2 := base
		base2.fingerprint, base2.description, base2.bucketLabels = "fp-base-2", "base image, v2", map[string]string{"team": "platform", "tier": "gold"}
		base2.artifact = artifactIn("ami-base2")
		v2 := replayPackerBuild(t, c, base2)
		if v2.ID == v1.ID {
			t.Fatal("two fingerprints, one version")
		}
		// The same fingerprint again: Packer finds the version complete and stops.
		again := try(getVersion(c, base.bucket, base.fingerprint)).must(t, "GetVersion of a complete fingerprint")
		if again.Name == "v0" {
			t.Fatal("a complete version is still named v0")
		}

		// The child: data sources first (hcp-packer-version → GetChannel;
		// hcp-packer-artifact → GetVersion), then a build declaring its parent.
		ch := try(getChannel(c, base.bucket, "release")).must(t, "data source GetChannel")
		if ch.Version == nil || ch.Version.Status == nil || ch.Version.Fingerprint != "fp-base-2" {
			t.Fatalf("hcp-packer-version reads channel.version.status: %+v", ch.Version)
		}
		parent := try(getVersion(c, base.bucket, ch.Version.Fingerprint)).must(t, "data source GetVersion")
		if parent.Status == nil || len(parent.Builds) == 0 || len(parent.Builds[0].Artifacts) == 0 {
			t.Fatalf("hcp-packer-artifact reads version.status and builds[].artifacts[]: %+v", parent)
		}
		sourceImage := parent.Builds[0].Artifacts[0].ExternalIdentifier
		child := template{
			bucket: "compat-child", description: "child image", fingerprint: "fp-child-1",
			components: []string{"amazon-ebs.child"}, artifact: artifactIn("ami-child"),
			source: sourceImage, parentVersionID: parent.ID, parentChannelID: ch.ID,
		}
		childVersion := replayPackerBuild(t, c, child)
		if childVersion.Parents == nil || childVersion.Parents.Status == nil {
			t.Fatalf("the child version declares no parents: %+v", childVersion.Parents)
		}
		childBucket := try(getBucket(c, child.bucket)).must(t, "GetBucket child")
		if childBucket.Parents == nil {
			t.Fatalf("the child bucket has no parents: %+v", childBucket)
		}
	})
}

// TestParentIsSetOnce: changing a build's declared parent is 400 / code 6.
func TestParentIsSetOnce(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		try(createBucket(c, "compat-parent-a", "", nil)).must(t, "CreateBucket")
		try(createChannel(c, "compat-parent-a", "stable", false)).must(t, "CreateChannel")
		var versions []*models.HashicorpCloudPacker20230101Version
		for i := 1; i <= 2; i++ {
			versions = append(versions, replayPackerBuild(t, c, template{
				bucket: "compat-parent-a", fingerprint: fmt.Sprintf("pa-%d", i), components: []string{"x"},
				channels: []string{"stable"}, artifact: artifactIn(fmt.Sprintf("ami-pa%d", i)), source: "ami-0",
			}))
		}
		try(createBucket(c, "compat-parent-b", "", nil)).must(t, "CreateBucket")
		try(createVersion(c, "compat-parent-b", "pb-1")).must(t, "CreateVersion")
		build := try(createBuild(c, "compat-parent-b", "pb-1", "x", "run-pb")).must(t, "CreateBuild")
		running := models.HashicorpCloudPacker20230101BuildStatusBUILDRUNNING
		try(updateBuild(c, "compat-parent-b", "pb-1", build.ID,
			&models.HashicorpCloudPacker20230101UpdateBuildBody{PackerRunUUID: "run-pb", Status: &running, ParentVersionID: versions[0].ID})).must(t, "UpdateBuild with a parent")
		_, err := updateBuild(c, "compat-parent-b", "pb-1", build.ID,
			&models.HashicorpCloudPacker20230101UpdateBuildBody{PackerRunUUID: "run-pb", Status: &running, ParentVersionID: versions[1].ID})
		refused(t, "changing a set parent", err, 400, 6)
	})
}

// TestListBuildsIsUnpaged: Packer never pages ListBuilds; a version with more
// builds than a page must list them all.
func TestListBuildsIsUnpaged(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		try(createBucket(c, "compat-many", "", nil)).must(t, "CreateBucket")
		try(createVersion(c, "compat-many", "many-1")).must(t, "CreateVersion")
		const n = 60
		var wg sync.WaitGroup
		errs := make(chan error, n)
		sem := make(chan struct{}, 8)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				if _, err := createBuild(c, "compat-many", "many-1", fmt.Sprintf("source.null.c%02d", i), "run-many"); err != nil {
					errs <- err
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		builds := try(listBuilds(c, "compat-many", "many-1")).must(t, "ListBuilds")
		if len(builds) != n {
			t.Fatalf("ListBuilds without a page size lists %d of %d builds", len(builds), n)
		}
	})
}
