package contract

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	svc "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	models "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/models"
	"github.com/klauspost/compress/zstd"

	"github.com/imprint-dev/imprint/compat/internal/hcp"
)

// cycloneDX is a CycloneDX JSON document with n components whose hashes are
// random: about 96 bytes of each component that zstd cannot shrink.
func cycloneDX(t *testing.T, n int) []byte {
	t.Helper()
	type component struct {
		Type    string              `json:"type"`
		Name    string              `json:"name"`
		Version string              `json:"version"`
		Purl    string              `json:"purl"`
		Hashes  []map[string]string `json:"hashes"`
	}
	doc := struct {
		BomFormat   string      `json:"bomFormat"`
		SpecVersion string      `json:"specVersion"`
		Version     int         `json:"version"`
		Components  []component `json:"components"`
	}{BomFormat: "CycloneDX", SpecVersion: "1.6", Version: 1}
	for i := 0; i < n; i++ {
		sum := make([]byte, 32+64)
		if _, err := rand.Read(sum); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("pkg-%d", i)
		doc.Components = append(doc.Components, component{
			Type: "library", Name: name, Version: "1.0.0", Purl: "pkg:deb/debian/" + name + "@1.0.0",
			Hashes: []map[string]string{
				{"alg": "SHA-256", "content": hex.EncodeToString(sum[:32])},
				{"alg": "SHA-512", "content": hex.EncodeToString(sum[32:])},
			},
		})
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compress is what Packer's hcp-sbom provisioner does to a document before
// UploadSbom: zstd, with klauspost/compress.
func compress(t *testing.T, doc []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(doc, nil)
}

func uploadSbom(c *hcp.Clients, bucket, fp, buildID, name string, format models.HashicorpCloudPacker20230101SbomFormat, compressed []byte) (*models.HashicorpCloudPacker20230101Sbom, error) {
	p := svc.NewPackerServiceUploadSbomParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.OrganizationID, c.ProjectID, bucket, fp, buildID
	p.Body = &models.HashicorpCloudPacker20230101UploadSbomBody{CompressedSbom: compressed, Format: &format, Name: name}
	resp, err := c.Packer.PackerServiceUploadSbom(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Sbom, nil
}

func listSboms(c *hcp.Clients, bucket, fp, buildID string) ([]*models.HashicorpCloudPacker20230101Sbom, error) {
	p := svc.NewPackerServiceListSbomsParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID = c.OrganizationID, c.ProjectID, bucket, fp, buildID
	resp, err := c.Packer.PackerServiceListSboms(p, nil)
	if err != nil {
		return nil, err
	}
	return resp.Payload.Sboms, nil
}

func sbomURL(c *hcp.Clients, bucket, fp, buildID, name string) (string, error) {
	p := svc.NewPackerServiceGetSbomParams()
	p.LocationOrganizationID, p.LocationProjectID, p.BucketName, p.Fingerprint, p.BuildID, p.SbomName = c.OrganizationID, c.ProjectID, bucket, fp, buildID, name
	resp, err := c.Packer.PackerServiceGetSbom(p, nil)
	if err != nil {
		return "", err
	}
	return resp.Payload.DownloadURL, nil
}

// download fetches a GetSbom download URL as a browser or curl would: no
// token, only the registry's certificate trusted.
func download(t *testing.T, r *run, url string) (int, []byte) {
	t.Helper()
	pem, err := os.ReadFile(r.env["SSL_CERT_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// TestSboms uploads SBOMs through hcp-sdk-go as Packer's hcp-sbom
// provisioner does (a zstd-compressed document on a running build), lists
// them, and downloads them through GetSbom's URL, byte for byte: a small one
// and one of about 1 MiB compressed.
func TestSboms(t *testing.T) {
	each(t, func(t *testing.T, r *run) {
		bucket, fp := "sboms-"+r.engine, "sbom-1"
		try(createBucket(r.contributor, bucket, "", nil)).must(t, "CreateBucket")
		try(createVersion(r.contributor, bucket, fp)).must(t, "CreateVersion")
		build := try(createBuild(r.contributor, bucket, fp, "docker-like.app", "11111111-2222-3333-4444-555555555555")).must(t, "CreateBuild")

		small := cycloneDX(t, 3)
		large := cycloneDX(t, 10000)
		cases := []struct {
			name string
			doc  []byte
		}{{"app-sbom", small}, {"app-sbom-large", large}}
		for _, c := range cases {
			compressed := compress(t, c.doc)
			t.Logf("%s: %d bytes, %d compressed", c.name, len(c.doc), len(compressed))
			got := try(uploadSbom(r.contributor, bucket, fp, build.ID, c.name, models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX, compressed)).must(t, "UploadSbom "+c.name)
			if got == nil || got.Name != c.name || got.Format == nil || *got.Format != models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX {
				t.Fatalf("UploadSbom %s answered %+v", c.name, got)
			}
			url := try(sbomURL(r.viewer, bucket, fp, build.ID, c.name)).must(t, "GetSbom "+c.name)
			status, body := download(t, r, url)
			if status != http.StatusOK || !bytes.Equal(body, compressed) {
				t.Fatalf("GET download_url of %s: %d, %d bytes; want 200 and the %d bytes uploaded", c.name, status, len(body), len(compressed))
			}
			dec, err := zstd.NewReader(nil)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := dec.DecodeAll(body, nil)
			dec.Close()
			if err != nil || !bytes.Equal(plain, c.doc) {
				t.Fatalf("the downloaded %s does not decompress to the document (%v)", c.name, err)
			}
		}
		if n := len(compress(t, large)); n < 1000*1024 || n > 1200*1024 {
			t.Fatalf("the large SBOM compresses to %d bytes, want about 1 MiB", n)
		}

		listed := try(listSboms(r.viewer, bucket, fp, build.ID)).must(t, "ListSboms")
		names := map[string]bool{}
		for _, s := range listed {
			names[s.Name] = true
		}
		if len(listed) != 2 || !names["app-sbom"] || !names["app-sbom-large"] {
			t.Fatalf("ListSboms: %+v", listed)
		}

		// What the SDK's callers check: a viewer cannot upload, a document
		// that is not zstd is an invalid argument.
		_, err := uploadSbom(r.viewer, bucket, fp, build.ID, "viewer-sbom", models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX, compress(t, small))
		refused(t, "UploadSbom as viewer", err, 403, 7)
		_, err = uploadSbom(r.contributor, bucket, fp, build.ID, "plain-sbom", models.HashicorpCloudPacker20230101SbomFormatCYCLONEDX, small)
		refused(t, "UploadSbom of an uncompressed document", err, 400, 3)
	})
}
