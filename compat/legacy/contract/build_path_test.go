package contract

import (
	"fmt"
	"sync"
	"testing"

	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2021-04-30/models"

	"github.com/imprint-dev/imprint/compat/harness/sdk"
	"github.com/imprint-dev/imprint/compat/legacy/internal/hcp21"
)

// push is what one Packer v1.9.4 `packer build` sends (real-clients-2021.md
// §5): one component, one image, and a parent when source* are set.
type push struct {
	bucket, description, fingerprint, component string
	imageID, region                             string
	sourceImageID, sourceIterationID            string
	sourceChannelID                             string
}

// replayPackerBuild performs Packer v1.9.4's calls as c and returns the
// iteration as GetIteration reads it afterwards.
func replayPackerBuild(t *testing.T, c *hcp21.Clients, b push) *models.HashicorpCloudPackerIteration {
	t.Helper()
	runUUID := "run-" + b.fingerprint

	// 1. PUT the bucket; code 6 (it exists) → PATCH with "platforms":null.
	if err := createBucket(c, b.bucket, b.description); err != nil {
		if sdk.PackerCode(err) != 6 {
			t.Fatalf("CreateBucket: Packer aborts on anything but code 6: %v", err)
		}
		refused(t, "CreateBucket of an existing bucket", err, 409, 6)
		must(0, updateBucket(c, b.bucket, b.description))(t, "UpdateBucket after code 6")
	}

	// 2. GetIteration by fingerprint: code 10 → CreateIteration.
	it, err := getIteration(c, b.bucket, iterationBy{fingerprint: b.fingerprint})
	if err != nil {
		refused(t, "GetIteration of a new fingerprint", err, 409, 10)
		it = must(createIteration(c, b.bucket, b.fingerprint, models.HashicorpCloudPackerIterationTemplateTypeHCL2))(t, "CreateIteration")
	}
	if it == nil || it.ID == "" {
		t.Fatalf("iteration without an id (Packer dereferences it): %+v", it)
	}
	if it.Complete {
		t.Fatalf("a new iteration is complete: Packer would abort")
	}
	if statusOf(it.TemplateType) != string(models.HashicorpCloudPackerIterationTemplateTypeHCL2) {
		t.Fatalf("template_type %s, want HCL2", statusOf(it.TemplateType))
	}

	// 3. ListBuilds (status dereferenced), 4. CreateBuild, twice at once:
	// one wins, the other gets code 6, which Packer tolerates.
	for _, old := range must(listBuilds(c, b.bucket, it.ID))(t, "ListBuilds") {
		if old.Status == nil {
			t.Fatalf("ListBuilds: build %s without status (Packer dereferences it)", old.ID)
		}
	}
	var wg sync.WaitGroup
	builds := make(chan *models.HashicorpCloudPackerBuild, 2)
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			build, err := createBuild(c, b.bucket, it.ID, b.fingerprint, b.component, runUUID)
			switch {
			case err == nil:
				builds <- build
			case sdk.PackerCode(err) == 6:
				if _, asErr := hcp21.AsAPIError(err); asErr != nil {
					errs <- asErr
				}
			default:
				errs <- fmt.Errorf("CreateBuild: %w", err)
			}
		}()
	}
	wg.Wait()
	close(builds)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(builds) != 1 {
		t.Fatalf("two concurrent CreateBuild of one component: %d succeeded, want 1 (the other code 6)", len(builds))
	}
	build := <-builds
	if build.ID == "" || build.Status == nil || *build.Status != models.HashicorpCloudPackerBuildStatusUNSET || build.ComponentType != b.component {
		t.Fatalf("CreateBuild answer: %+v", build)
	}

	// 5. RUNNING with "images":null (also the heartbeat), then 6. DONE.
	running := models.HashicorpCloudPackerBuildStatusRUNNING
	got := must(updateBuild(c, build.ID, &models.HashicorpCloudPackerBuildUpdates{PackerRunUUID: runUUID, Status: &running}))(t, "UpdateBuild RUNNING")
	if got == nil || got.ID != build.ID || statusOf(got.Status) != string(running) {
		t.Fatalf("UpdateBuild RUNNING answer: %+v", got)
	}
	done := models.HashicorpCloudPackerBuildStatusDONE
	got = must(updateBuild(c, build.ID, &models.HashicorpCloudPackerBuildUpdates{
		CloudProvider: "packer.file", PackerRunUUID: runUUID, Status: &done,
		Images:            []*models.HashicorpCloudPackerImageCreateBody{{ImageID: b.imageID, Region: b.region}},
		Labels:            map[string]string{"os": "linux"},
		SourceImageID:     b.sourceImageID,
		SourceIterationID: b.sourceIterationID,
		SourceChannelID:   b.sourceChannelID,
	}))(t, "UpdateBuild DONE")
	if got == nil || got.ID != build.ID || statusOf(got.Status) != string(done) || len(got.Images) != 1 || got.Images[0].ImageID != b.imageID {
		t.Fatalf("UpdateBuild DONE answer: %+v", got)
	}

	// No call completes the iteration: the registry does, with the next
	// incremental_version.
	it = must(getIteration(c, b.bucket, iterationBy{fingerprint: b.fingerprint}))(t, "GetIteration after DONE")
	if !it.Complete || it.IncrementalVersion < 1 {
		t.Fatalf("every build DONE, yet complete=%v incremental_version=%d", it.Complete, it.IncrementalVersion)
	}
	if revokedNow(it.RevokeAt) {
		t.Fatalf("a fresh iteration has revoke_at %v: Packer's data sources would refuse it", it.RevokeAt)
	}
	return it
}

// TestPackerBuildPath21 replays Packer v1.9.4's build, rebuild and resume
// calls through hcp-sdk-go v0.36.0.
func TestPackerBuildPath21(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		b := push{bucket: "sdk21-path", description: "pushed over 2021-04-30", fingerprint: "sdk21-fp-1",
			component: "file.base", imageID: "base.txt", region: "."}
		it := replayPackerBuild(t, c, b)
		if it.IncrementalVersion != 1 {
			t.Fatalf("first iteration incremental_version = %d, want 1", it.IncrementalVersion)
		}
		// The same fingerprint again: 200 with complete=true, so Packer stops.
		again := must(getIteration(c, b.bucket, iterationBy{fingerprint: b.fingerprint}))(t, "GetIteration of a complete fingerprint")
		if !again.Complete || again.ID != it.ID {
			t.Fatalf("rerun of a complete fingerprint: %+v", again)
		}
		// A second fingerprint: the bucket exists (code 6 → PATCH path).
		b.fingerprint, b.description = "sdk21-fp-2", "described again"
		it2 := replayPackerBuild(t, c, b)
		if it2.IncrementalVersion != 2 {
			t.Fatalf("second iteration incremental_version = %d, want 2", it2.IncrementalVersion)
		}
		bucket := must(getBucket(r.viewer, b.bucket))(t, "GetBucket")
		if bucket.Slug != b.bucket || bucket.Description != "described again" || bucket.LatestVersion != 2 ||
			bucket.LatestIteration == nil || bucket.LatestIteration.ID != it2.ID || bucket.IterationCount != "2" {
			t.Fatalf("bucket after two iterations: %+v (latest %+v)", bucket, bucket.LatestIteration)
		}
		// Reads by id and by incremental_version name the same iteration.
		byID := must(getIteration(r.viewer, b.bucket, iterationBy{id: it.ID}))(t, "GetIteration by id")
		byVersion := must(getIteration(r.viewer, b.bucket, iterationBy{version: 1}))(t, "GetIteration by incremental_version")
		if byID.Fingerprint != "sdk21-fp-1" || byVersion.ID != it.ID {
			t.Fatalf("GetIteration by id %+v / by version %+v", byID, byVersion)
		}
		// A viewer cannot push.
		err := createBucket(r.viewer, "sdk21-viewer", "")
		refused(t, "CreateBucket as viewer", err, 403, 7)
	})
}

// TestResumeFailedBuild21: a FAILED build is adopted by the next run with
// the same fingerprint and completes the iteration.
func TestResumeFailedBuild21(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		c := r.contributor
		must(0, createBucket(c, "sdk21-resume", ""))(t, "CreateBucket")
		it := must(createIteration(c, "sdk21-resume", "resume-1", models.HashicorpCloudPackerIterationTemplateTypeJSON))(t, "CreateIteration JSON")
		build := must(createBuild(c, "sdk21-resume", it.ID, "resume-1", "file", "run-a"))(t, "CreateBuild")
		failed := models.HashicorpCloudPackerBuildStatusFAILED
		must(updateBuild(c, build.ID, &models.HashicorpCloudPackerBuildUpdates{PackerRunUUID: "run-a", Status: &failed}))(t, "UpdateBuild FAILED")
		again := must(getIteration(c, "sdk21-resume", iterationBy{fingerprint: "resume-1"}))(t, "GetIteration after FAILED")
		if again.Complete || statusOf(again.TemplateType) != "JSON" {
			t.Fatalf("after a FAILED build: complete=%v template_type=%s", again.Complete, statusOf(again.TemplateType))
		}
		listed := must(listBuilds(c, "sdk21-resume", it.ID))(t, "ListBuilds")
		if len(listed) != 1 || statusOf(listed[0].Status) != string(failed) || listed[0].IterationID != it.ID {
			t.Fatalf("ListBuilds after FAILED: %+v", listed)
		}
		// The next run restarts the adopted build (RUNNING), then DONE.
		running := models.HashicorpCloudPackerBuildStatusRUNNING
		must(updateBuild(c, build.ID, &models.HashicorpCloudPackerBuildUpdates{PackerRunUUID: "run-b", Status: &running}))(t, "UpdateBuild RUNNING on resume")
		done := models.HashicorpCloudPackerBuildStatusDONE
		must(updateBuild(c, build.ID, &models.HashicorpCloudPackerBuildUpdates{PackerRunUUID: "run-b", Status: &done,
			CloudProvider: "packer.file", Images: []*models.HashicorpCloudPackerImageCreateBody{{ImageID: "j.txt", Region: "."}}}))(t, "UpdateBuild DONE on resume")
		if it = must(getIteration(c, "sdk21-resume", iterationBy{id: it.ID}))(t, "GetIteration"); !it.Complete || it.IncrementalVersion != 1 {
			t.Fatalf("resumed iteration: complete=%v incremental_version=%d", it.Complete, it.IncrementalVersion)
		}
		if got := must(getBuild(r.viewer, build.ID))(t, "GetBuild"); got.PackerRunUUID != "run-b" || len(got.Images) != 1 {
			t.Fatalf("GetBuild after resume: %+v", got)
		}
	})
}
