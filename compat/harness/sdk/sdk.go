// Package sdk holds what both hcp-sdk-go versions need around them: the
// environment window config.FromEnv reads, and the error-code match Packer
// applies to the SDK's errors.
package sdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"sync"
	"testing"
)

// envMu serialises the set-env / read-config window: config.FromEnv reads
// the process environment.
var envMu sync.Mutex

// ClientVars is env (what `imprint-registry env` printed) with a principal's
// HCP_CLIENT_ID/HCP_CLIENT_SECRET in place of the placeholders.
func ClientVars(env map[string]string, clientID, clientSecret string) map[string]string {
	vars := map[string]string{"HCP_CLIENT_ID": clientID, "HCP_CLIENT_SECRET": clientSecret}
	for k, v := range env {
		if _, set := vars[k]; !set {
			vars[k] = v
		}
	}
	return vars
}

// Configure builds an SDK config with newConfig while env (what
// `imprint-registry env` printed) and the principal's credentials are the
// process environment, as config.FromEnv reads them.
func Configure[C any](env map[string]string, clientID, clientSecret string, newConfig func() (C, error)) (C, error) {
	var cfg C
	err := WithEnv(ClientVars(env, clientID, clientSecret), func() (err error) {
		cfg, err = newConfig()
		return err
	})
	return cfg, err
}

// WithEnv sets vars in the process environment, runs f, then puts the
// previous environment back; concurrent calls take turns.
func WithEnv(vars map[string]string, f func() error) error {
	envMu.Lock()
	defer envMu.Unlock()
	restore := map[string]*string{}
	defer func() {
		for k, old := range restore {
			if old == nil {
				_ = os.Unsetenv(k)
			} else {
				_ = os.Setenv(k, *old)
			}
		}
	}()
	for k, v := range vars {
		if old, ok := os.LookupEnv(k); ok {
			restore[k] = &old
		} else {
			restore[k] = nil
		}
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return f()
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

// APIError is what every generated "Default" response is: a non-2xx answer
// whose body (a google.rpc.Status, *T) the SDK decoded.
type APIError[T any] interface {
	error
	Code() int
	GetPayload() *T
}

// AsAPIError returns err as a decoded API error. Anything else (a JSON decode
// failure, a transport error) is reported as such: it must never be
// mistaken for an expected refusal.
func AsAPIError[T any](err error) (APIError[T], error) {
	var apiErr APIError[T]
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

// Refused expects err to be a decoded google.rpc.Status (T, of any SDK
// version) with this HTTP status, code and a message, and Packer's match to
// read the same code from err.Error().
func Refused[T any](t testing.TB, what string, err error, httpStatus, code int) {
	t.Helper()
	apiErr, asErr := AsAPIError[T](err)
	if asErr != nil {
		t.Fatalf("%s: %v", what, asErr)
	}
	var status struct {
		Code    int32  `json:"code"`
		Message string `json:"message"`
	}
	raw, _ := json.Marshal(apiErr.GetPayload())
	_ = json.Unmarshal(raw, &status)
	if apiErr.Code() != httpStatus || status.Code != int32(code) {
		t.Fatalf("%s: got HTTP %d / code %d (%s), want HTTP %d / code %d", what, apiErr.Code(), status.Code, status.Message, httpStatus, code)
	}
	if got := PackerCode(err); got != code {
		t.Fatalf("%s: Packer reads code %d from %q, want %d", what, got, err.Error(), code)
	}
	if status.Message == "" {
		t.Fatalf("%s: the error has no message", what)
	}
}
