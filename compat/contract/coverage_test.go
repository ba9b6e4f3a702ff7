package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
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
}

type operation struct{ id, method, path string }

// checkCoverage fails when an operation the running registry documents was
// never answered with 2xx to a call of the generated clients.
func checkCoverage(r *run) error {
	resp, err := http.Get(r.server.URL + "/openapi.json")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return fmt.Errorf("/openapi.json: %w", err)
	}
	var ops []operation
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			var op struct {
				OperationID string `json:"operationId"`
			}
			if json.Unmarshal(raw, &op) != nil || op.OperationID == "" {
				continue
			}
			ops = append(ops, operation{op.OperationID, strings.ToUpper(method), path})
		}
	}
	if len(ops) == 0 {
		return fmt.Errorf("/openapi.json lists no operations")
	}
	requests := r.recorder.Requests()
	var missing []string
	for _, op := range ops {
		if _, allowed := notCalledThroughTheSDK[op.id]; allowed {
			continue
		}
		pattern := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(regexp.QuoteMeta(op.path), `[^/]+`) + "$")
		covered := false
		for _, req := range requests {
			if req.Method == op.method && req.Status/100 == 2 && pattern.MatchString(req.Path) {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, fmt.Sprintf("%s (%s %s)", op.id, op.method, op.path))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("operations never answered 2xx to hcp-sdk-go: cover them in compat/contract or allow-list them in coverage_test.go with the reason:\n  %s", strings.Join(missing, "\n  "))
	}
	return nil
}
