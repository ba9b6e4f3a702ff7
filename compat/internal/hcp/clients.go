// Package hcp configures hcp-sdk-go the way stock Packer and
// terraform-provider-hcp do (environment → config.FromEnv → httpclient.New)
// and records every request the SDK sends, for the coverage check.
package hcp

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"sync"

	iam "github.com/hashicorp/hcp-sdk-go/clients/cloud-iam/stable/2019-12-10/client/iam_service"
	packer "github.com/hashicorp/hcp-sdk-go/clients/cloud-packer-service/stable/2023-01-01/client/packer_service"
	orgs "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/organization_service"
	projects "github.com/hashicorp/hcp-sdk-go/clients/cloud-resource-manager/stable/2019-12-10/client/project_service"
	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"github.com/hashicorp/hcp-sdk-go/config"
	"github.com/hashicorp/hcp-sdk-go/httpclient"
)

// SourceChannel is what Packer v1.16 puts before "hcp-go-sdk/<v>" in X-HCP-Source-Channel.
const SourceChannel = "packer/1.16.0"

// Clients are the generated services one principal calls.
type Clients struct {
	Packer         packer.ClientService
	Organizations  orgs.ClientService
	Projects       projects.ClientService
	IAM            iam.ClientService
	OrganizationID string
	ProjectID      string
}

// envMu serialises the set-env / read-config window: config.FromEnv reads
// the process environment.
var envMu sync.Mutex

// New sets env (what `imprint-registry env` printed) plus the principal's
// HCP_CLIENT_ID/HCP_CLIENT_SECRET, builds the config exactly as Packer does
// (config.NewHCPConfig(config.FromEnv()) and httpclient.New with a source
// channel), then puts the previous environment back. SSL_CERT_FILE must be
// set for the whole process beforehand: Go reads it once.
func New(env map[string]string, clientID, clientSecret string, rec *Recorder) (*Clients, error) {
	envMu.Lock()
	defer envMu.Unlock()
	vars := map[string]string{}
	for k, v := range env {
		vars[k] = v
	}
	vars["HCP_CLIENT_ID"], vars["HCP_CLIENT_SECRET"] = clientID, clientSecret
	restore := map[string]*string{}
	for k, v := range vars {
		if old, ok := os.LookupEnv(k); ok {
			restore[k] = &old
		} else {
			restore[k] = nil
		}
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	defer func() {
		for k, old := range restore {
			if old == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *old)
			}
		}
	}()
	cfg, err := config.NewHCPConfig(config.FromEnv())
	if err != nil {
		return nil, fmt.Errorf("config.NewHCPConfig(config.FromEnv()): %w", err)
	}
	rt, err := httpclient.New(httpclient.Config{HCPConfig: cfg, SourceChannel: SourceChannel})
	if err != nil {
		return nil, fmt.Errorf("httpclient.New: %w", err)
	}
	if rec != nil {
		rt.Transport = rec.wrap(rt.Transport)
	}
	return &Clients{
		Packer:         packer.New(rt, nil),
		Organizations:  orgs.New(rt, nil),
		Projects:       projects.New(rt, nil),
		IAM:            iam.New(rt, nil),
		OrganizationID: cfg.Profile().OrganizationID,
		ProjectID:      cfg.Profile().ProjectID,
	}, nil
}

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

func (r *Recorder) wrap(next http.RoundTripper) http.RoundTripper {
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

// APIError is what every generated "Default" response is: a non-2xx answer
// whose google.rpc.Status body the SDK decoded.
type APIError interface {
	error
	Code() int
	GetPayload() *cloud.GoogleRPCStatus
}

// AsAPIError returns err as a decoded API error. Anything else (a JSON decode
// failure, a transport error) is reported as such: it must never be
// mistaken for an expected refusal.
func AsAPIError(err error) (APIError, error) {
	var apiErr APIError
	if err == nil {
		return nil, errors.New("the call succeeded; an error answer was expected")
	}
	if !errors.As(err, &apiErr) {
		return nil, fmt.Errorf("not a decoded API error (the SDK could not decode the answer, or the transport failed): %T: %w", err, err)
	}
	if apiErr.GetPayload() == nil {
		return nil, fmt.Errorf("API error without a decoded google.rpc.Status body: %w", err)
	}
	return apiErr, nil
}

// packerCode is the regular expression Packer applies to err.Error() to find
// the google.rpc code (internal/hcp/api/errors.go).
var packerCode = regexp.MustCompile(`[Cc]ode"?:([0-9]+)`)

// PackerCode is the code Packer reads from an error, or -1.
func PackerCode(err error) int {
	if err == nil {
		return -1
	}
	m := packerCode.FindStringSubmatch(err.Error())
	if m == nil {
		return -1
	}
	code, convErr := strconv.Atoi(m[1])
	if convErr != nil {
		return -1
	}
	return code
}
