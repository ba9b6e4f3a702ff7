package sdkvectors

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const vectorsPath = "../vectors/registry-image.json"

// The generator runs every case several times: Go randomises map iteration,
// and a vector that depends on it (e.g. two keys folding to one field) would
// make the committed file flap.
const stabilityRuns = 8

// The vectors name the module versions that produced them; go.mod is the
// truth, so a version bump without regenerating fails here.
func TestModuleVersionsMatchGenerator(t *testing.T) {
	goMod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for path, version := range map[string]string{
		"github.com/hashicorp/packer-plugin-sdk": PackerPluginSDKVersion,
		"github.com/mitchellh/mapstructure":      MapstructureVersion,
	} {
		line := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(path) + ` (\S+)`).FindSubmatch(goMod)
		if line == nil {
			t.Errorf("%s is not required in go.mod", path)
		} else if string(line[1]) != version {
			t.Errorf("go.mod requires %s %s but the vectors claim %s: update run.go and regenerate", path, line[1], version)
		}
	}
}

func TestRegistryImageVectors(t *testing.T) {
	got, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < stabilityRuns; i++ {
		again, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, again) {
			t.Fatalf("the Go SDK gave different results on run %d: a vector depends on map order; make it deterministic", i+1)
		}
	}
	path, _ := filepath.Abs(vectorsPath)
	if os.Getenv("UPDATE_VECTORS") == "1" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
		return
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read %s: %v\nCreate it: cd compat && UPDATE_VECTORS=1 go test ./sdkvectors -run TestRegistryImageVectors -count=1", path, err)
	}
	if !bytes.Equal(committed, got) {
		t.Fatalf("%s differs from what the Go SDK produces now; first difference:\n%s\n"+
			"If the Go SDK changed on purpose, regenerate and review the diff:\n"+
			"  cd compat && UPDATE_VECTORS=1 go test ./sdkvectors -run TestRegistryImageVectors -count=1 && git diff compat/vectors\n"+
			"then make @imprint/sdk agree (npx jest packages/sdk/test/go-sdk-vectors.spec.ts --selectProjects @imprint/sdk).",
			path, firstDifference(string(committed), string(got)))
	}
}

// firstDifference shows the first differing line with two lines of context.
func firstDifference(committed, generated string) string {
	a, b := strings.Split(committed, "\n"), strings.Split(generated, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		if i < len(a) && i < len(b) && a[i] == b[i] {
			continue
		}
		var out strings.Builder
		for k := max(0, i-2); k < i; k++ {
			out.WriteString("    " + a[k] + "\n")
		}
		if i < len(a) {
			out.WriteString("  - " + a[i] + "   (committed, line " + strconv.Itoa(i+1) + ")\n")
		}
		if i < len(b) {
			out.WriteString("  + " + b[i] + "   (Go SDK now)\n")
		}
		return out.String()
	}
	return "(no line differs)"
}
