package contract

import (
	"fmt"
	"strings"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
)

// legacyPrefix marks the operations this module covers; compat/contract
// covers the rest with hcp-sdk-go v0.174.0.
const legacyPrefix = "/packer/2021-04-30/"

// notCalledThroughTheSDK lists 2021-04-30 operations of /openapi.json this
// suite does not call with a 2xx through hcp-sdk-go v0.36.0, and why.
var notCalledThroughTheSDK = map[string]string{
	"V2021_CreateRegistry":     "always refused: the registry is Imprint itself (TestOtherOperations21 asserts the 4xx)",
	"V2021_UpdateRegistry":     "always refused: the registry is Imprint itself (TestOtherOperations21 asserts the 4xx)",
	"V2021_DeleteRegistry":     "always refused: the registry is Imprint itself (TestOtherOperations21 asserts the 4xx)",
	"V2021_ListChannelHistory": "in the current 2021-04-30 spec only: hcp-sdk-go v0.36.0 has no method for it",
}

// checkCoverage fails when a 2021-04-30 operation the running registry
// documents was never answered with 2xx to a call of the generated client.
func checkCoverage(r *run) error {
	ops, err := coverage.Operations(r.Server.URL)
	if err != nil {
		return err
	}
	var legacy []coverage.Operation
	for _, op := range ops {
		if strings.HasPrefix(op.Path, legacyPrefix) {
			legacy = append(legacy, op)
		}
	}
	if len(legacy) == 0 {
		return fmt.Errorf("/openapi.json documents no %s operation", legacyPrefix)
	}
	if missing := coverage.Missing(legacy, r.recorder.Requests(), notCalledThroughTheSDK); len(missing) > 0 {
		return fmt.Errorf("2021-04-30 operations never answered 2xx to hcp-sdk-go v0.36.0: cover them in compat/legacy/contract or allow-list them in coverage_test.go with the reason:\n  %s", strings.Join(missing, "\n  "))
	}
	return nil
}
