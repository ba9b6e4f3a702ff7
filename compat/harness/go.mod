// The registry harness both Go contract modules share (compat/ pins
// hcp-sdk-go v0.174.0, compat/legacy/ v0.36.0: one module path, two versions,
// so two modules). Standard library only; each module reaches it through a
// replace directive, so nothing here is fetched from the proxy.
module github.com/imprint-dev/imprint/compat/harness

go 1.26
