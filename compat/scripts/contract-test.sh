#!/usr/bin/env bash
# Runs the Go contract suite and the shared SDK vectors (compat/, its own Go
# module): go vet, then go test ./... -count=1. Needs the built registry
# (`npm run build` first) unless IMPRINT_REGISTRY_FROM_SOURCES=1. Adds a
# PostgreSQL run when IMPRINT_TEST_POSTGRES_URL is set. Works from any cwd.
set -euo pipefail

compat="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$compat/.." && pwd)"

if [[ "${IMPRINT_REGISTRY_FROM_SOURCES:-}" != "1" && ! -f "$repo/packages/registry/dist/bin/imprint-registry.js" ]]; then
  echo "contract-test: $repo/packages/registry/dist is missing: run \`npm run build\` in $repo first" >&2
  exit 2
fi
command -v go >/dev/null || { echo "contract-test: go is not on PATH" >&2; exit 2; }
command -v node >/dev/null || { echo "contract-test: node is not on PATH" >&2; exit 2; }

cd "$compat"
# go.mod and go.sum are committed: never rewrite them here.
export GOFLAGS="${GOFLAGS:--mod=readonly}"

echo "contract-test: go vet ./..."
go vet ./...

echo "contract-test: go test ./... -count=1 ($(go env GOVERSION); postgres: $([[ -n "${IMPRINT_TEST_POSTGRES_URL:-}" ]] && echo yes || echo no))"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
go test ./... -count=1 -v 2>&1 | tee "$log" >/dev/null || status=$?
# Failures in full, then the summary lines.
grep -E '^\s*(--- FAIL|\S+_test\.go:[0-9]+:)' "$log" || true
echo "contract-test: summary"
grep -E '^(ok|FAIL|---|PASS|panic:)|^ok  \tOpenAPI|OpenAPI coverage|^\s+[A-Za-z]+ \((GET|PUT|POST|PATCH|DELETE) ' "$log" | grep -vE '^\s+--- PASS' || true
printf 'contract-test: %s passed, %s failed (top-level tests x engines)\n' \
  "$(grep -cE '^\s+--- PASS: Test\w+/(sqlite|postgres) ' "$log" || true)" \
  "$(grep -cE '^\s+--- FAIL: Test\w+/(sqlite|postgres) ' "$log" || true)"
if [[ $status -ne 0 ]]; then
  echo "contract-test: FAILED" >&2
fi
exit $status
