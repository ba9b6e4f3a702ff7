package contract

import (
	"fmt"
	"strings"

	"github.com/imprint-dev/imprint/compat/harness/coverage"
)

// notCalledThroughTheSDK lists the operations of /openapi.json this suite
// does not call through hcp-sdk-go's generated API clients, and why.
var notCalledThroughTheSDK = map[string]string{
	"Healthz":         "Imprint's own probe; hcp-sdk-go has no method for it",
	"Readyz":          "Imprint's own probe; hcp-sdk-go has no method for it",
	"OpenApi":         "read by this check itself; hcp-sdk-go has no method for it",
	"Token":           "called by the SDK's token source (x/oauth2) outside the API transport; every call of the suite depends on it",
	"ListPrincipals":  "Imprint's principals API; hcp-sdk-go has no method for it (the suite uses the CLI)",
	"CreatePrincipal": "Imprint's principals API; hcp-sdk-go has no method for it (the suite uses the CLI)",
	"DeletePrincipal": "Imprint's principals API; hcp-sdk-go has no method for it",
	"SearchPackages":  "Imprint's own package search; hcp-sdk-go has no method for it",
	// HCP has only the bucket-wide list; the per-version list is Imprint's.
	"ListVersionVulnerabilities": "Imprint's per-version vulnerability list; hcp-sdk-go has no method for it",
	// Imprint's admin API under /imprint/v1 (the registry's jest suites cover
	// them). hcp-sdk-go's webhook client is HCP's separate webhook service
	// (2023-05-31), which Imprint does not serve.
	"ListAuditEvents":       "Imprint's audit log API; hcp-sdk-go has no method for it",
	"ListWebhooks":          "Imprint's webhooks admin API, not HCP's webhook service",
	"CreateWebhook":         "Imprint's webhooks admin API, not HCP's webhook service",
	"UpdateWebhook":         "Imprint's webhooks admin API, not HCP's webhook service",
	"DeleteWebhook":         "Imprint's webhooks admin API, not HCP's webhook service",
	"TestWebhook":           "Imprint's webhooks admin API, not HCP's webhook service",
	"ListWebhookDeliveries": "Imprint's webhooks admin API, not HCP's webhook service",
}

// legacyPrefix marks the 2021-04-30 operations: compat/legacy/ covers them
// with hcp-sdk-go v0.36.0, which has that API (v0.174.0 has not).
const legacyPrefix = "/packer/2021-04-30/"

// checkCoverage fails when an operation the running registry documents was
// never answered with 2xx to a call of the generated clients.
func checkCoverage(r *run) error {
	ops, err := coverage.Operations(r.server.URL)
	if err != nil {
		return err
	}
	var current []coverage.Operation
	for _, op := range ops {
		if !strings.HasPrefix(op.Path, legacyPrefix) {
			current = append(current, op)
		}
	}
	if missing := coverage.Missing(current, r.recorder.Requests(), notCalledThroughTheSDK); len(missing) > 0 {
		return fmt.Errorf("operations never answered 2xx to hcp-sdk-go: cover them in compat/contract or allow-list them in coverage_test.go with the reason:\n  %s", strings.Join(missing, "\n  "))
	}
	return nil
}
