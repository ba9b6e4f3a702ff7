#!/usr/bin/env bash
# Runs the Go modules: compat/ (hcp-sdk-go v0.174.0, the 2023-01-01 API, and
# the shared SDK vectors), compat/legacy/ (the 2021-04-30 API through
# hcp-sdk-go v0.36.0, and the stock Packer v1.9.4 binary, also with the
# example plugins through the Packer bridge) and packages/packer-bridge/go
# (the bridge driven through packer-plugin-sdk's RPC client): go vet, then
# go test ./... -count=1 in each. First packages both example plugins with
# `imprint plugins package` into compat/.bin/plugins (IMPRINT_BRIDGE_PLUGINS
# names another directory of packaged plugins to use instead). Needs the built
# registry and CLI (`npm run build` first) unless IMPRINT_REGISTRY_FROM_SOURCES=1,
# and Packer v1.9.4 at IMPRINT_PACKER_BIN (default compat/.bin/packer).
# Adds a PostgreSQL run when IMPRINT_TEST_POSTGRES_URL is set. Works from any cwd.
set -euo pipefail

compat="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$compat/.." && pwd)"

if [[ "${IMPRINT_REGISTRY_FROM_SOURCES:-}" != "1" && ! -f "$repo/packages/registry/dist/bin/imprint-registry.js" ]]; then
  echo "contract-test: $repo/packages/registry/dist is missing: run \`npm run build\` in $repo first" >&2
  exit 2
fi
command -v go >/dev/null || { echo "contract-test: go is not on PATH" >&2; exit 2; }
command -v node >/dev/null || { echo "contract-test: node is not on PATH" >&2; exit 2; }

# Only the Packer built here, by absolute path: never one from PATH.
IMPRINT_PACKER_BIN="${IMPRINT_PACKER_BIN:-$compat/.bin/packer}"
[[ "$IMPRINT_PACKER_BIN" == /* ]] || IMPRINT_PACKER_BIN="$PWD/$IMPRINT_PACKER_BIN"
if [[ ! -x "$IMPRINT_PACKER_BIN" ]]; then
  echo "contract-test: no Packer v1.9.4 at $IMPRINT_PACKER_BIN; build it with: BUILD_CLIENTS=packer $compat/scripts/build-clients.sh" >&2
  exit 2
fi
export IMPRINT_PACKER_BIN

# go.mod and go.sum are committed: never rewrite them here.
export GOFLAGS="${GOFLAGS:--mod=readonly}"

# The example plugins as Packer plugins, once for every module.
if [[ -z "${IMPRINT_BRIDGE_PLUGINS:-}" ]]; then
  IMPRINT_BRIDGE_PLUGINS="$compat/.bin/plugins"
  for pkg in @imprint/example-docker-like @imprint/example-aws-like; do
    echo "contract-test: imprint plugins package $pkg"
    node "$repo/packages/cli/bin/imprint.js" plugins package "$pkg" --from "$repo" --output "$IMPRINT_BRIDGE_PLUGINS"
  done
fi
export IMPRINT_BRIDGE_PLUGINS

logs=()
trap 'rm -f "${logs[@]}"' EXIT
status=0

# run_module DIR: vet and test one module, then print its failures and summary.
run_module() {
  local dir=$1 name=${1#"$compat"/}
  [[ "$dir" == "$compat" ]] && name=compat
  [[ "$name" == /* ]] && name=${1#"$repo"/}
  echo "contract-test: [$name] go vet ./..."
  (cd "$dir" && go vet ./...) || { status=1; return; }
  echo "contract-test: [$name] go test ./... -count=1 ($(go env GOVERSION); postgres: $([[ -n "${IMPRINT_TEST_POSTGRES_URL:-}" ]] && echo yes || echo no))"
  local log
  log="$(mktemp)"
  logs+=("$log")
  (cd "$dir" && go test ./... -count=1 -v) >"$log" 2>&1 || status=1
  # Failures in full, then the summary lines.
  grep -E '^\s*(--- FAIL|\S+_test\.go:[0-9]+:)' "$log" || true
  echo "contract-test: [$name] summary"
  grep -E '^(ok|FAIL|---|PASS|panic:)|OpenAPI .*coverage|^\s+[A-Za-z]+ \((GET|PUT|POST|PATCH|DELETE) ' "$log" | grep -vE '^\s+--- PASS' || true
  printf 'contract-test: [%s] %s passed, %s failed (top-level tests x engines); top-level tests: %s passed, %s failed\n' "$name" \
    "$(grep -cE '^\s+--- PASS: Test\w+/(sqlite|postgres) ' "$log" || true)" \
    "$(grep -cE '^\s+--- FAIL: Test\w+/(sqlite|postgres) ' "$log" || true)" \
    "$(grep -cE '^--- PASS: Test' "$log" || true)" \
    "$(grep -cE '^--- FAIL: Test' "$log" || true)"
}

run_module "$compat"
run_module "$compat/legacy"
run_module "$repo/packages/packer-bridge/go"

if [[ $status -ne 0 ]]; then
  echo "contract-test: FAILED" >&2
fi
exit $status
