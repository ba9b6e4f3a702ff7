#!/usr/bin/env bash
# Builds the stock clients the compat checks drive, from Go modules only:
#   packer                   Packer v1.9.4, the last MPL-2.0 release (never a
#                            later one: those are under the BSL); run by
#                            compat/legacy/ (contract-test.sh)
#   tofu                     OpenTofu, pinned by compat/tools/tofu/go.mod
#   terraform-provider-hcp   pinned below; the name is what OpenTofu's
#                            dev_overrides looks for in the output dir
#
# Usage: compat/scripts/build-clients.sh [OUT_DIR]   (default: compat/.bin)
#   BUILD_CLIENTS="packer tofu"   which ones to build (default: packer, what
#                                 .ci/run needs)
#
# A binary whose stamp (version, Go version, flags, pin files) matches is kept,
# so a run into an existing OUT_DIR takes well under a second. Into a new one
# (a fresh clone) with a warm Go build cache: tofu ~20 s, packer ~8 s;
# fully cold on two cores: tofu ~8.5 min, packer ~5.5 min (321 s measured). Needs only the
# Go module proxy.
# As of 2026-12-06 the proxy here answers 403 for terraform-provider-hcp, so
# BUILD_CLIENTS=terraform-provider-hcp fails with a message saying so.
set -euo pipefail

readonly PROVIDER_MODULE=github.com/hashicorp/terraform-provider-hcp
readonly PROVIDER_VERSION=0.114.0
readonly TOFU_MODULE=github.com/opentofu/opentofu
# Pinned exactly: v1.9.4 is the last MPL-2.0 Packer.
readonly PACKER_MODULE=github.com/hashicorp/packer
readonly PACKER_VERSION=1.9.4

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
compat_dir=$(dirname -- "$script_dir")
tofu_pin_dir="$compat_dir/tools/tofu"

out_dir=${1:-"$compat_dir/.bin"}
mkdir -p -- "$out_dir"
out_dir=$(cd -- "$out_dir" && pwd)

fail() {
  echo "build-clients: $*" >&2
  exit 1
}

command -v go >/dev/null || fail "go is not on PATH; install Go 1.26 (compat/tools/tofu/go.mod needs >= its go line)"
go_version=$(go env GOVERSION)

# A go.work above this tree would pull the pins into another workspace; both
# projects' release builds are static (CGO off).
export GOWORK=off CGO_ENABLED=0

# Prints the stamp text a binary built now would carry: anything that changes
# the binary belongs in it.
stamp_for() {
  local name=$1 version=$2 how=$3
  printf '%s %s\n%s\n%s\n' "$name" "$version" "$go_version" "$how"
}

is_current() {
  local bin=$1 stamp=$2
  [[ -x "$bin" && -f "$bin.stamp" ]] && [[ "$(cat -- "$bin.stamp")" == "$stamp" ]]
}

# build NAME STAMP BUILT_FILE CMD...: CMD writes BUILT_FILE (a temporary path),
# which then replaces the binary before its stamp is written, so a failed or
# interrupted build never leaves a binary that looks current.
build() {
  local name=$1 stamp=$2 built=$3
  shift 3
  local bin="$out_dir/$name"
  if is_current "$bin" "$stamp"; then
    echo "build-clients: $name $(head -n1 <<<"$stamp" | cut -d' ' -f2) is up to date in $out_dir"
    return 0
  fi
  rm -f -- "$bin.stamp"
  local start=$SECONDS log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat -- "$log" >&2
    if grep -q 'not available\|403 Forbidden\|404 Not Found' "$log"; then
      echo "build-clients: the Go module proxy does not serve a module $name needs (see above)" >&2
    fi
    rm -f -- "$log"
    fail "building $name failed after $((SECONDS - start))s"
  fi
  rm -f -- "$log"
  [[ -f "$built" ]] || fail "building $name reported success but wrote no $built"
  mv -f -- "$built" "$bin"
  printf '%s\n' "$stamp" >"$bin.stamp"
  echo "build-clients: built $name $(head -n1 <<<"$stamp" | cut -d' ' -f2) in $((SECONDS - start))s -> $bin"
}

build_tofu() {
  [[ -f "$tofu_pin_dir/go.mod" && -f "$tofu_pin_dir/go.sum" ]] ||
    fail "missing $tofu_pin_dir/go.mod or go.sum"
  local version
  version=$(awk -v m="$TOFU_MODULE" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' \
    "$tofu_pin_dir/go.mod")
  [[ -n "$version" ]] || fail "$tofu_pin_dir/go.mod does not require $TOFU_MODULE"
  local pins tmp="$out_dir/.tofu.tmp"
  pins=$(cat -- "$tofu_pin_dir/go.mod" "$tofu_pin_dir/go.sum" | sha256sum | cut -d' ' -f1)
  # -mod=readonly: the committed go.sum must be enough (CI builds from a fresh
  # clone). version.dev=no is what OpenTofu's release build sets: `tofu version`
  # then prints the plain version instead of "-dev".
  local flags=(-mod=readonly -trimpath -ldflags "-s -w -X $TOFU_MODULE/version.dev=no")
  build tofu "$(stamp_for tofu "$version" "${flags[*]} pins=$pins")" "$tmp" \
    go build -C "$tofu_pin_dir" "${flags[@]}" -o "$tmp" "$TOFU_MODULE/cmd/tofu"
  # The line is searched for, not taken first: a missing TF_CLI_CONFIG_FILE
  # makes tofu print a warning before it.
  local reported
  reported=$("$out_dir/tofu" version 2>&1) || fail "$out_dir/tofu version failed: $reported"
  grep -qxF "OpenTofu $version" <<<"$reported" ||
    fail "$out_dir/tofu does not report 'OpenTofu $version'; it printed: $reported"
}

build_provider() {
  local gobin="$out_dir/.provider.tmp"
  rm -rf -- "$gobin"
  # go install @version uses the provider's own go.mod (it has no replace
  # lines) and checks each download against the checksum database.
  local flags=(-trimpath -ldflags "-X $PROVIDER_MODULE/version.ProviderVersion=$PROVIDER_VERSION")
  build terraform-provider-hcp "$(stamp_for terraform-provider-hcp "v$PROVIDER_VERSION" "${flags[*]}")" \
    "$gobin/terraform-provider-hcp" env GOBIN="$gobin" go install "${flags[@]}" \
    "$PROVIDER_MODULE@v$PROVIDER_VERSION"
  rm -rf -- "$gobin"
}

build_packer() {
  local gobin="$out_dir/.packer.tmp"
  rm -rf -- "$gobin"
  # go install @version uses Packer's own go.mod (no replace lines), checked
  # against the checksum database; no flags, as Packer's own `go install`.
  build packer "$(stamp_for packer "v$PACKER_VERSION" "go install")" \
    "$gobin/packer" env GOBIN="$gobin" go install "$PACKER_MODULE@v$PACKER_VERSION"
  rm -rf -- "$gobin"
  local reported
  reported=$(CHECKPOINT_DISABLE=1 "$out_dir/packer" version 2>&1) || fail "$out_dir/packer version failed: $reported"
  grep -qxF "Packer v$PACKER_VERSION" <<<"$reported" ||
    fail "$out_dir/packer does not report 'Packer v$PACKER_VERSION'; it printed: $reported"
}

for client in ${BUILD_CLIENTS:-packer}; do
  case $client in
    packer) build_packer ;;
    tofu) build_tofu ;;
    terraform-provider-hcp) build_provider ;;
    *) fail "unknown client '$client' in BUILD_CLIENTS (known: packer tofu terraform-provider-hcp)" ;;
  esac
done
