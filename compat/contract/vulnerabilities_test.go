package contract

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"

	"github.com/imprint-dev/imprint/compat/internal/hcp"
)

// osvFixture is testdata/osv: two Debian:12 DSA-style records and a GHSA npm
// record that the SBOMs below are in range of, and a GHSA npm record they
// are not (minimist 1.2.8 is past its fix).
const osvFixture = "testdata/osv"

// What the fixture's records come to once imported.
const (
	dsaOpenssl = "DSA-9001-1"          // Debian:12 openssl, CVSS 3.1 9.8: Critical
	ghsaLodash = "GHSA-9x2w-fq4r-7c3m" // npm lodash, CVSS 3.1 7.2: High; alias CVE-2026-90002
	dsaSqlite  = "DSA-9002-1"          // Debian:12 sqlite3, CVSS 3.1 5.4: Medium; no summary
	ghsaUnused = "GHSA-7m4v-q3x8-h2cr" // npm minimist < 1.2.6: matches nothing here
)

// sbomPackage is one CycloneDX component.
type sbomPackage struct{ name, version, purl string }

func deb(name, version string) sbomPackage {
	return sbomPackage{name, version, "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-12"}
}

func npm(name, version string) sbomPackage {
	return sbomPackage{name, version, "pkg:npm/" + name + "@" + version}
}

// The packages each build's SBOM lists: openssl is in both builds.
var (
	appPackages = []sbomPackage{deb("openssl", "3.0.9-1"), deb("bash", "5.2.15-2+b2"), npm("lodash", "4.17.20"), npm("minimist", "1.2.8")}
	dbPackages  = []sbomPackage{deb("openssl", "3.0.9-1"), deb("sqlite3", "3.40.1-2")}
)

// cycloneDXOf is a CycloneDX 1.6 JSON document listing pkgs.
func cycloneDXOf(t *testing.T, pkgs []sbomPackage) []byte {
	t.Helper()
	components := make([]map[string]string, 0, len(pkgs))
	for _, p := range pkgs {
		components = append(components, map[string]string{"type": "library", "name": p.name, "version": p.version, "purl": p.purl})
	}
	doc, err := json.Marshal(map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// importOsv runs `imprint-registry vulns import DIR --json` against the
// storage r's server uses (a second process on the SQLite file, or the same
// PostgreSQL database), as an operator would.
func importOsv(t *testing.T, r *run, dir string) map[string]any {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.repo.CLI(append([]string{"vulns", "import", abs, "--json"}, r.db.StorageFlags()...)...)
	if err != nil {
		t.Fatalf("vulns import: %v", err)
	}
	var summary map[string]any
	if err := json.Unmarshal([]byte(out), &summary); err != nil {
		t.Fatalf("vulns import --json printed no JSON (%v):\n%s", err, out)
	}
	return summary
}

// validated fails the test when a decoded payload breaks its own swagger
// model (formats such as date-time, required fields).
func validated(t *testing.T, what string, payload interface{ Validate(strfmt.Registry) error }) {
	t.Helper()
	if err := payload.Validate(strfmt.Default); err != nil {
		t.Fatalf("%s: the payload fails the SDK model's Validate: %v", what, err)
	}
}

func listBucketVulnerabilities(c *hcp.Clients, bucket string, set func(p *svc.PackerServiceListBucketVulnerabilitiesParams)) (*models.HashicorpCloudPacker20230101ListBucketVulnerabilitiesResponse, error) {
	p := svc.NewPackerServiceListBucketVulnerabilitiesParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, bucket
	if set != nil {
		set(p)
	}
	resp, err := c.Packer.PackerServiceListBucketVulnerabilities(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload, nil
}

func listPackagesWithVulnerabilities(c *hcp.Clients, bucket string, set func(p *svc.PackerServiceListBucketPackagesWithVulnerabilitiesParams)) (*models.HashicorpCloudPacker20230101ListBucketPackagesWithVulnerabilitiesResponse, error) {
	p := svc.NewPackerServiceListBucketPackagesWithVulnerabilitiesParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, bucket
	if set != nil {
		set(p)
	}
	resp, err := c.Packer.PackerServiceListBucketPackagesWithVulnerabilities(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload, nil
}

func vulnerabilitySummary(c *hcp.Clients, bucket string) (*models.HashicorpCloudPacker20230101ListBucketPackagesVulnerabilitySummaryResponse, error) {
	p := svc.NewPackerServiceListBucketPackagesVulnerabilitySummaryParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName = c.OrganizationID, c.ProjectID, bucket
	resp, err := c.Packer.PackerServiceListBucketPackagesVulnerabilitySummary(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload, nil
}

func listBuildPackages(c *hcp.Clients, bucket, fp, buildID string) (*models.HashicorpCloudPacker20230101ListBuildPackagesResponse, error) {
	p := svc.NewPackerServiceListBuildPackagesParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.OrganizationID, c.ProjectID, bucket, fp, buildID
	resp, err := c.Packer.PackerServiceListBuildPackages(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload, nil
}

const runUUID = "22222222-3333-4444-5555-666666666666"

// buildsWithSboms runs one build per component as Packer with the hcp-sbom
// provisioner does: every CreateBuild first, then per build RUNNING,
// UploadSbom (zstd CycloneDX) and DONE with an artifact. The builds, by component.
func buildsWithSboms(t *testing.T, c *hcp.Clients, bucket, fp string, sboms map[string][]sbomPackage) map[string]*models.HashicorpCloudPacker20230101Build {
	t.Helper()
	builds := map[string]*models.HashicorpCloudPacker20230101Build{}
	for component := range sboms {
		builds[component] = try(createBuild(c, bucket, fp, component, runUUID)).must(t, "CreateBuild "+component)
	}
	for component, pkgs := range sboms {
		id := builds[component].ID
		running := models.HashicorpCloudPacker20230101BuildStatusBUILDRUNNING
		try(updateBuild(c, bucket, fp, id, &models.HashicorpCloudPacker20230101UpdateBuildBody{PackerRunUUID: runUUID, Status: &running})).must(t, "UpdateBuild RUNNING")
		try(uploadSbom(c, bucket, fp, id, sbomName(component), models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX, compress(t, cycloneDXOf(t, pkgs)))).must(t, "UploadSbom "+component)
		done := models.HashicorpCloudPacker20230101BuildStatusBUILDDONE
		try(updateBuild(c, bucket, fp, id, &models.HashicorpCloudPacker20230101UpdateBuildBody{
			Artifacts:     []*models.HashicorpCloudPacker20230101ArtifactCreateBody{{ExternalIdentifier: "img-" + component, Region: "local"}},
			PackerRunUUID: runUUID, Platform: "docker", Status: &done,
		})).must(t, "UpdateBuild DONE "+component)
	}
	return builds
}

// sbomName is the SBOM each build uploads (names take no dots).
func sbomName(component string) string { return strings.ReplaceAll(component, ".", "-") + "-sbom" }

// window is when the import ran: first_seen_at and last_scanned_at fall in it.
type window struct{ from, to time.Time }

func (w window) check(t *testing.T, what string, at strfmt.DateTime) {
	t.Helper()
	got := time.Time(at)
	// The registry stores milliseconds: widen by one on each side.
	if got.Before(w.from.Add(-time.Millisecond)) || got.After(w.to.Add(time.Millisecond)) {
		t.Fatalf("%s = %s, want within the import (%s .. %s)", what, got.Format(time.RFC3339Nano), w.from.Format(time.RFC3339Nano), w.to.Format(time.RFC3339Nano))
	}
}

// checkText is check for a date-time the SDK leaves as a string.
func (w window) checkText(t *testing.T, what, text string) {
	t.Helper()
	at, err := strfmt.ParseDateTime(text)
	if err != nil {
		t.Fatalf("%s %q is not a date-time: %v", what, text, err)
	}
	w.check(t, what, at)
}

// daysSinceStart is the age, in days, of what was first seen at the import.
func (w window) daysSinceStart() float64 { return time.Since(w.from).Hours() / 24 }

func published(t *testing.T, s string) strfmt.DateTime {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return strfmt.DateTime(at)
}

// checkVulnerability holds every field of an HCP Vulnerability to the fixture record id.
func checkVulnerability(t *testing.T, w window, v *models.HashicorpCloudPacker20230101Vulnerability, id string) {
	t.Helper()
	want := map[string]struct {
		criticality, severity, fixed, refersTo, related, description, published string
	}{
		dsaOpenssl: {"Critical", "CRITICAL", "3.0.11-1~deb12u2", "CVE-2026-90001", "", "openssl - security update (contract fixture)", "2026-03-02T10:00:00Z"},
		ghsaLodash: {"High", "HIGH", "4.17.21", "CVE-2026-90002", "", "Command injection in lodash template (contract fixture)", "2026-02-15T09:00:00Z"},
		dsaSqlite: {"Medium", "MEDIUM", "3.40.1-2+deb12u1", "CVE-2026-90003", "CVE-2026-90004",
			"sqlite3 - security update. An integer overflow in the query planner could crash an application that runs untrusted SQL. Fixture for the hcp-sdk-go contract test; not a real advisory.",
			"2026-04-10T12:00:00Z"},
	}[id]
	if v == nil || v.Identifier != id || v.Criticality != want.criticality || v.Severity != want.severity ||
		v.FixedVersion != want.fixed || v.RefersTo != want.refersTo || v.Related != want.related || v.Description != want.description {
		t.Fatalf("vulnerability %s decoded as %+v, want %+v", id, v, want)
	}
	if !time.Time(v.PublishedAt).Equal(time.Time(published(t, want.published))) {
		t.Fatalf("%s published_at = %s, want %s", id, v.PublishedAt, want.published)
	}
	w.check(t, id+" first_seen_at", v.FirstSeenAt)
	if !time.Time(v.WithdrawnAt).IsZero() || !time.Time(v.ResolvedAt).IsZero() {
		t.Fatalf("%s withdrawn_at %s resolved_at %s, want neither", id, v.WithdrawnAt, v.ResolvedAt)
	}
}

func idsOf(list []*models.HashicorpCloudPacker20230101VulnerabilityWithImpacts) []string {
	ids := make([]string, 0, len(list))
	for _, v := range list {
		ids = append(ids, v.Vulnerability.Identifier)
	}
	return ids
}

func identifiers(list []*models.HashicorpCloudPacker20230101VulnerabilityWithImpacts) string {
	return strings.Join(idsOf(list), ",")
}

func ptr[T any](v T) *T { return &v }

// everyPage fetches each page in turn (token nil first, then each
// next_page_token) until one carries none, and returns the items of every
// page (read by itemsOf); more than limit pages fails the test.
func everyPage[R any](t *testing.T, what string, limit int, fetch func(token *string) (R, error), itemsOf func(R) ([]string, *cloud.HashicorpCloudCommonPaginationResponse)) []string {
	t.Helper()
	var items []string
	var token *string
	for page := 1; page <= limit; page++ {
		got, err := fetch(token)
		if err != nil {
			t.Fatalf("%s page %d: %v", what, page, err)
		}
		more, pagination := itemsOf(got)
		items = append(items, more...)
		if pagination == nil || pagination.NextPageToken == "" {
			return items
		}
		token = ptr(pagination.NextPageToken)
	}
	t.Fatalf("%s: still a next_page_token after %d pages", what, limit)
	return nil
}

// named lists "id=name" pairs, sorted, of impacted builds or channels.
func named[T any](items []T, pair func(T) (string, string)) string {
	out := make([]string, 0, len(items))
	for _, item := range items {
		id, name := pair(item)
		out = append(out, id+"="+name)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// TestVulnerabilities: SBOMs uploaded as Packer's hcp-sbom does, OSV records
// imported with `imprint-registry vulns import` while the registry runs,
// then the four operations HCP's UI and API callers read vulnerabilities
// with, decoded by hcp-sdk-go's typed models, as a viewer (who does not see
// the restricted channels: internal, and latest, restricted from its
// creation) and as a contributor (who does). OSV data is registry-wide; no
// other test's packages are named by these records.
func TestVulnerabilities(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		bucket, fp := "vulns-"+r.engine, "vuln-1"
		c, v := r.contributor, r.viewer
		try(createBucket(c, bucket, "", nil)).must(t, "CreateBucket")
		try(createVersion(c, bucket, fp)).must(t, "CreateVersion")
		builds := buildsWithSboms(t, c, bucket, fp, map[string][]sbomPackage{"docker-like.app": appPackages, "docker-like.db": dbPackages})
		app, db := builds["docker-like.app"], builds["docker-like.db"]
		channels := map[string]string{}
		for _, ch := range []struct {
			name       string
			restricted bool
		}{{"release", false}, {"internal", true}} {
			try(createChannel(c, bucket, ch.name, ch.restricted)).must(t, "CreateChannel "+ch.name)
			got := try(updateChannel(c, bucket, ch.name, &models.HashicorpCloudPacker20230101UpdateChannelBody{
				UpdateMask: "versionFingerprint", VersionFingerprint: fp})).must(t, "UpdateChannel "+ch.name)
			channels[ch.name] = got.ID
		}
		latest := try(getChannel(c, bucket, "latest")).must(t, "GetChannel latest")
		if latest.Version == nil || latest.Version.Fingerprint != fp {
			t.Fatalf("latest does not point at the complete version %s: %+v", fp, latest.Version)
		}
		channels["latest"] = latest.ID

		// Before any import: no vuln_details at all (HCP's "not scanned").
		before := try(listBuildPackages(v, bucket, fp, app.ID)).must(t, "ListBuildPackages before the import")
		for _, p := range before.Packages {
			if len(p.VulnDetails) != 0 {
				t.Fatalf("%s has vuln_details before any OSV import: %+v", p.Name, p.VulnDetails[0])
			}
		}
		empty := try(listBucketVulnerabilities(v, bucket, nil)).must(t, "ListBucketVulnerabilities before the import")
		if len(empty.Vulnerabilities) != 0 {
			t.Fatalf("vulnerabilities before the import: %s", identifiers(empty.Vulnerabilities))
		}

		w := window{from: time.Now()}
		summary := importOsv(t, r, osvFixture)
		w.to = time.Now()
		// openssl (one identity in both builds), lodash and sqlite3 match; minimist 1.2.8 does not.
		if summary["records"] != 4.0 || summary["added"] != 4.0 || summary["invalid"] != 0.0 || summary["matchesAdded"] != 3.0 {
			t.Fatalf("vulns import summary: %v", summary)
		}

		checkBucketVulnerabilities(t, r, bucket, w, app.ID, db.ID, channels)
		checkPackagesWithVulnerabilities(t, r, bucket, w, app.ID, db.ID, channels)
		checkSummary(t, r, bucket, w, channels)
		checkBuildPackages(t, r, bucket, fp, w, app.ID)
	})
}

func checkBucketVulnerabilities(t *testing.T, r *run, bucket string, w window, appID, dbID string, channels map[string]string) {
	t.Helper()
	v, c := r.viewer, r.contributor
	all := try(listBucketVulnerabilities(v, bucket, nil)).must(t, "ListBucketVulnerabilities")
	validated(t, "ListBucketVulnerabilities", all)
	if got := identifiers(all.Vulnerabilities); got != strings.Join([]string{dsaOpenssl, ghsaLodash, dsaSqlite}, ",") {
		t.Fatalf("ListBucketVulnerabilities: %s, want worst first and never %s", got, ghsaUnused)
	}
	component := map[string]string{appID: "docker-like.app", dbID: "docker-like.db"}
	buildsOf := func(ids ...string) string {
		return named(ids, func(id string) (string, string) { return id, component[id] })
	}
	buildIDs := map[string]string{dsaOpenssl: buildsOf(appID, dbID), ghsaLodash: buildsOf(appID), dsaSqlite: buildsOf(dbID)}
	purls := map[string]sbomPackage{dsaOpenssl: dbPackages[0], ghsaLodash: appPackages[2], dsaSqlite: dbPackages[1]}
	// latest is restricted from its creation (as on HCP), like internal.
	visible := named([]string{"release"}, func(n string) (string, string) { return channels[n], n })
	for _, item := range all.Vulnerabilities {
		id := item.Vulnerability.Identifier
		checkVulnerability(t, w, item.Vulnerability, id)
		pkg := purls[id]
		if len(item.ImpactedPackages) != 1 || item.ImpactedPackages[0].Name != pkg.name || item.ImpactedPackages[0].Version != pkg.version || item.ImpactedPackages[0].Purl != pkg.purl {
			t.Fatalf("%s impacted_packages: %+v, want %+v", id, item.ImpactedPackages, pkg)
		}
		if got := named(item.ImpactedBuilds, func(b *models.HashicorpCloudPacker20230101ImpactedBuild) (string, string) { return b.ID, b.Name }); got != buildIDs[id] {
			t.Fatalf("%s impacted_builds: %s, want %s", id, got, buildIDs[id])
		}
		if got := named(item.ImpactedChannels, func(ch *models.HashicorpCloudPacker20230101ImpactedChannel) (string, string) { return ch.ID, ch.Name }); got != visible {
			t.Fatalf("%s impacted_channels for a viewer: %s, want %s (not the restricted latest and internal)", id, got, visible)
		}
	}

	// A contributor sees the restricted channels among the impacted ones.
	mine := try(listBucketVulnerabilities(c, bucket, func(p *svc.PackerServiceListBucketVulnerabilitiesParams) {
		p.Criticality = []string{"Critical"}
	})).must(t, "ListBucketVulnerabilities as contributor")
	everyChannel := named([]string{"latest", "release", "internal"}, func(n string) (string, string) { return channels[n], n })
	if len(mine.Vulnerabilities) != 1 || named(mine.Vulnerabilities[0].ImpactedChannels, func(ch *models.HashicorpCloudPacker20230101ImpactedChannel) (string, string) { return ch.ID, ch.Name }) != everyChannel {
		t.Fatalf("ListBucketVulnerabilities criticality=Critical as contributor: %+v", mine.Vulnerabilities)
	}

	// Filters as the SDK sends them: criticality repeated (any case), identifier by alias.
	for _, f := range []struct {
		what string
		set  func(p *svc.PackerServiceListBucketVulnerabilitiesParams)
		want string
	}{
		{"criticality=high&criticality=MEDIUM", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { p.Criticality = []string{"high", "MEDIUM"} }, ghsaLodash + "," + dsaSqlite},
		{"criticality=Low", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { p.Criticality = []string{"Low"} }, ""},
		{"identifier=<alias>", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { s := "cve-2026-90002"; p.Identifier = &s }, ghsaLodash},
		{"identifier=<id>", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { s := dsaSqlite; p.Identifier = &s }, dsaSqlite},
		{"identifier=<id not matched>", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { s := ghsaUnused; p.Identifier = &s }, ""},
		{"identifier_starts_with=dsa-", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { s := "dsa-"; p.IdentifierStartsWith = &s }, dsaOpenssl + "," + dsaSqlite},
		{"sorting.order_by=identifier", func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { p.SortingOrderBy = []string{"identifier"} }, dsaOpenssl + "," + dsaSqlite + "," + ghsaLodash},
	} {
		got := try(listBucketVulnerabilities(v, bucket, f.set)).must(t, "ListBucketVulnerabilities "+f.what)
		if ids := identifiers(got.Vulnerabilities); ids != f.want {
			t.Fatalf("ListBucketVulnerabilities %s: %q, want %q", f.what, ids, f.want)
		}
	}

	// Pages of one, worst first, to the end.
	paged := everyPage(t, "ListBucketVulnerabilities", 4, func(token *string) (*models.HashicorpCloudPacker20230101ListBucketVulnerabilitiesResponse, error) {
		return listBucketVulnerabilities(v, bucket, func(p *svc.PackerServiceListBucketVulnerabilitiesParams) {
			p.PaginationPageSize, p.PaginationNextPageToken = ptr(int64(1)), token
		})
	}, func(r *models.HashicorpCloudPacker20230101ListBucketVulnerabilitiesResponse) ([]string, *cloud.HashicorpCloudCommonPaginationResponse) {
		return idsOf(r.Vulnerabilities), r.Pagination
	})
	if strings.Join(paged, ",") != identifiers(all.Vulnerabilities) {
		t.Fatalf("pages of one: %v, want %s", paged, identifiers(all.Vulnerabilities))
	}

	_, err := listBucketVulnerabilities(v, bucket, func(p *svc.PackerServiceListBucketVulnerabilitiesParams) { p.Criticality = []string{"Severe"} })
	refused(t, "ListBucketVulnerabilities criticality=Severe", err, 400, 3)
	if api, asErr := hcp.AsAPIError(err); asErr == nil && !strings.Contains(api.GetPayload().Message, "criticality") {
		t.Fatalf("the refusal of criticality=Severe does not name the field: %q", api.GetPayload().Message)
	}
}
