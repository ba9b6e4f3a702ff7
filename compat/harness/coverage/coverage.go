// Package coverage records every request a Go SDK sends and checks it against
// the operations the running registry documents in /openapi.json.
package coverage

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Request is one call the SDK made.
type Request struct {
	Method, Path string
	Status       int
}

// Recorder keeps the method, path and status of every request.
type Recorder struct {
	mu       sync.Mutex
	requests []Request
}

// Wrap returns a transport that records every round trip of next (next
// itself for a nil Recorder).
func (r *Recorder) Wrap(next http.RoundTripper) http.RoundTripper {
	if r == nil {
		return next
	}
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		r.mu.Lock()
		r.requests = append(r.requests, Request{Method: req.Method, Path: req.URL.Path, Status: status})
		r.mu.Unlock()
		return resp, err
	})
}

// Requests returns a copy of what was recorded.
func (r *Recorder) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// Operation is one operation of /openapi.json.
type Operation struct{ ID, Method, Path string }

// Operations reads /openapi.json from a running registry (SSL_CERT_FILE must
// trust its certificate).
func Operations(serverURL string) ([]Operation, error) {
	resp, err := http.Get(serverURL + "/openapi.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, fmt.Errorf("/openapi.json: %w", err)
	}
	var ops []Operation
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			var op struct {
				OperationID string `json:"operationId"`
			}
			if json.Unmarshal(raw, &op) != nil || op.OperationID == "" {
				continue
			}
			ops = append(ops, Operation{op.OperationID, strings.ToUpper(method), path})
		}
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("/openapi.json lists no operations")
	}
	return ops, nil
}

var pathParam = regexp.MustCompile(`\\\{[^}]+\\\}`)

// Missing lists, sorted, the operations that no recorded request answered
// with 2xx; allowed operations (id → reason) are skipped.
func Missing(ops []Operation, requests []Request, allowed map[string]string) []string {
	var missing []string
	for _, op := range ops {
		if _, ok := allowed[op.ID]; ok {
			continue
		}
		pattern := regexp.MustCompile("^" + pathParam.ReplaceAllString(regexp.QuoteMeta(op.Path), `[^/]+`) + "$")
		covered := false
		for _, req := range requests {
			if req.Method == op.Method && req.Status/100 == 2 && pattern.MatchString(req.Path) {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, fmt.Sprintf("%s (%s %s)", op.ID, op.Method, op.Path))
		}
	}
	sort.Strings(missing)
	return missing
}

// FullRun says whether go test runs every test (no -run filter): only then
// has every operation been called.
func FullRun() bool {
	f := flag.Lookup("test.run")
	return f == nil || f.Value.String() == ""
}

// Report prints the result of one coverage check the way go test prints a
// test's (label names the check and what it covered) and returns false when
// it failed.
func Report(label, engine string, err error) bool {
	if err != nil {
		fmt.Fprintf(os.Stderr, "--- FAIL: %s (%s)\n%v\nFAIL\n", label, engine, err)
		return false
	}
	fmt.Printf("ok  \t%s (%s): every operation was called through hcp-sdk-go or is allow-listed\n", label, engine)
	return true
}
