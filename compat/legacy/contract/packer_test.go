package contract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStockPackerParentChild runs the Packer v1.9.4 binary: a base image, a
// child built from the base's channel through hcp-packer-iteration and
// hcp-packer-image, a rebuilt base, and a revocation (issue 14, scenarios 1–4).
func TestStockPackerParentChild(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		dir := t.TempDir()
		base, app := "pk-base-"+r.Engine, "pk-app-"+r.Engine
		writeFile(t, dir, "base.pkr.hcl", baseTemplate(base))
		writeFile(t, dir, "app.pkr.hcl", childTemplate(app, base))
		fp := func(name string) map[string]string { return map[string]string{"HCP_PACKER_BUILD_FINGERPRINT": name} }

		// 1. The base builds and completes; a contributor assigns production.
		r.build(t, dir, fp("base-1"), 0, "base.pkr.hcl")
		var v cliVersion
		imprint(t, r, "viewer", &v, "versions", "get", base, "base-1")
		if v.Name != "v1" || v.Status != "VERSION_ACTIVE" {
			t.Fatalf("base after packer build: %+v (Packer never completes; the registry must)", v)
		}
		it := must(getIteration(r.viewer, base, iterationBy{fingerprint: "base-1"}))(t, "GetIteration base-1")
		if !it.Complete || it.IncrementalVersion != 1 || statusOf(it.TemplateType) != "HCL2" || len(it.Builds) != 1 ||
			it.Builds[0].ComponentType != "file.base" || it.Builds[0].CloudProvider != "packer.file" ||
			len(it.Builds[0].Images) != 1 || it.Builds[0].Images[0].ImageID != "base-image.txt" || it.Builds[0].Images[0].Region != "." {
			t.Fatalf("base-1 over 2021-04-30: %+v builds %+v", it, it.Builds)
		}
		imprint(t, r, "contributor", nil, "channels", "assign", base, "production", "base-1")

		// 2. The child reads production and declares the parent: UP_TO_DATE.
		res := r.build(t, dir, fp("app-1"), 0, "app.pkr.hcl")
		t.Logf("scenario 2: packer build app.pkr.hcl (exit %d):\n%s", res.code, res.output)
		assertLink(t, r, app, "app-1", base, "base-1", "UP_TO_DATE")

		// 3. The base is rebuilt with other content, production moves: the
		// child is OUT_OF_DATE.
		res = r.build(t, dir, fp("base-2"), 0, "-var", "content=v2", "base.pkr.hcl")
		t.Logf("scenario 3: packer build -var content=v2 base.pkr.hcl (exit %d):\n%s", res.code, res.output)
		imprint(t, r, "contributor", nil, "channels", "assign", base, "production", "base-2")
		assertLink(t, r, app, "app-1", base, "base-1", "OUT_OF_DATE")

		// 4. The child is rebuilt from base-2, then base-2 is revoked over
		// 2021-04-30 (channels stay on it): the child inherits, and Packer's
		// data source refuses the channel; restore makes it build again.
		r.build(t, dir, fp("app-2"), 0, "app.pkr.hcl")
		assertLink(t, r, app, "app-2", base, "base-2", "UP_TO_DATE")
		base2 := must(getIteration(r.viewer, base, iterationBy{fingerprint: "base-2"}))(t, "GetIteration base-2")
		must(updateIteration(r.admin, base2.ID, revokeNow(base, "CVE-2026-0014")))(t, "UpdateIteration revoke base-2")
		imprint(t, r, "viewer", &v, "versions", "get", app, "app-2")
		if v.Status != "VERSION_REVOKED" || v.RevocationType != "INHERITED" {
			t.Fatalf("the child after its parent's revocation: %+v", v)
		}
		res = r.build(t, dir, fp("app-3"), 1, "app.pkr.hcl")
		t.Logf("scenario 4: packer build app.pkr.hcl on a revoked channel (exit %d):\n%s", res.code, res.output)
		want := "the iteration associated with the channel production is revoked and can not be used on Packer builds"
		if !strings.Contains(res.output, want) {
			t.Fatalf("packer's output lacks %q:\n%s", want, res.output)
		}
		if _, err := getIteration(r.viewer, app, iterationBy{fingerprint: "app-3"}); err == nil {
			t.Fatal("a run refused by its data source created an iteration")
		}
		imprint(t, r, "admin", nil, "restore", base, "base-2")
		res = r.build(t, dir, fp("app-3"), 0, "app.pkr.hcl")
		t.Logf("scenario 4: packer build app.pkr.hcl after restore (exit %d):\n%s", res.code, res.output)
		assertLink(t, r, app, "app-3", base, "base-2", "UP_TO_DATE")
	})
}

// assertLink checks the relation of child version fp to its parent through
// the CLI (2023-01-01) and hcp-sdk-go v0.36.0 (2021-04-30).
func assertLink(t *testing.T, r *run, child, fp, parent, parentFP, want string) {
	t.Helper()
	status, gotParent := linkStatus(t, r, child, fp, parent)
	if status != want || gotParent != parentFP {
		t.Fatalf("imprint ancestry %s --version %s: parent %s, link %s; want parent %s, %s", child, fp, gotParent, status, parentFP, want)
	}
	it := must(getIteration(r.viewer, child, iterationBy{fingerprint: fp}))(t, "GetIteration "+fp)
	rel := relationTo(must(ancestry(r.viewer, child, it.ID, "parents"))(t, "ListBucketAncestry "+fp), parent)
	if rel == nil || rel.Parent.IterationFingerprint != parentFP || statusOf(rel.Status) != want || rel.Parent.Channel != "production" {
		t.Fatalf("2021 ancestry of %s %s: %+v, want parent %s over production, %s", child, fp, rel, parentFP, want)
	}
}

// TestStockPackerJSON: a legacy JSON template pushes with
// HCP_PACKER_BUCKET_NAME, and a failed build resumed with the same
// fingerprint completes the iteration (issue 14, scenario 5).
func TestStockPackerJSON(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		dir := t.TempDir()
		bucket := "pk-json-" + r.Engine
		// An unnamed file builder (a named one would never run, see
		// real-clients-2021.md §5); shell-local fails while fail != 0.
		writeFile(t, dir, "legacy.json", `{
  "variables": {"fail": "0"},
  "builders": [{"type": "file", "content": "legacy", "target": "legacy-image.txt"}],
  "post-processors": [{"type": "shell-local", "inline": ["exit {{user `+"`fail`"+`}}"]}]
}
`)
		env := map[string]string{"HCP_PACKER_BUCKET_NAME": bucket, "HCP_PACKER_BUILD_FINGERPRINT": "json-1"}
		r.build(t, dir, env, 0, "legacy.json")
		it := must(getIteration(r.viewer, bucket, iterationBy{fingerprint: "json-1"}))(t, "GetIteration json-1")
		if !it.Complete || statusOf(it.TemplateType) != "JSON" || len(it.Builds) != 1 || it.Builds[0].ComponentType != "file" {
			t.Fatalf("JSON template's iteration: %+v builds %+v", it, it.Builds)
		}

		env["HCP_PACKER_BUILD_FINGERPRINT"] = "json-2"
		res := r.build(t, dir, env, 1, "-var", "fail=1", "legacy.json")
		it = must(getIteration(r.viewer, bucket, iterationBy{fingerprint: "json-2"}))(t, "GetIteration json-2 after a failure")
		if it.Complete || len(it.Builds) != 1 || statusOf(it.Builds[0].Status) != "FAILED" {
			t.Fatalf("after a failed post-processor: complete=%v builds %+v\n%s", it.Complete, it.Builds, res.output)
		}
		r.build(t, dir, env, 0, "legacy.json")
		resumed := must(getIteration(r.viewer, bucket, iterationBy{fingerprint: "json-2"}))(t, "GetIteration json-2 resumed")
		if !resumed.Complete || resumed.ID != it.ID || resumed.IncrementalVersion != 2 || len(resumed.Builds) != 1 ||
			resumed.Builds[0].ID != it.Builds[0].ID || statusOf(resumed.Builds[0].Status) != "DONE" {
			t.Fatalf("resumed iteration: %+v builds %+v", resumed, resumed.Builds)
		}
		var v cliVersion
		imprint(t, r, "viewer", &v, "versions", "get", bucket, "json-2")
		if v.Name != "v2" || v.Status != "VERSION_ACTIVE" {
			t.Fatalf("imprint versions get %s json-2: %+v", bucket, v)
		}
		if _, err := os.Stat(filepath.Join(dir, "legacy-image.txt")); err != nil {
			t.Fatalf("the file builder wrote no target: %v", err)
		}
	})
}

// revokeNow is the body hcp-sdk-go v0.36.0 sends to revoke at once.
func revokeNow(bucket, message string) svcRevoke {
	return svcRevoke{BucketSlug: bucket, RevocationMessage: message, RevokeAt: nowUTC()}
}
