#!/usr/bin/env bash
# The linearizability checker of load histories (tools/lincheck, Go + Porcupine), built with the Go toolchain the
# local cluster uses and its module and build caches ($RG_CACHE_DIR/go, see cluster/lib.sh rg_go_env).
#   scripts/lincheck.sh build            build tools/lincheck/target/lincheck (prints its path)
#   scripts/lincheck.sh test             go vet + go test (part of `make verify`)
#   scripts/lincheck.sh check HISTORY    build, then check HISTORY (exit 0 linearizable, 1 not, 2 bad input)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../cluster/lib.sh
source "$ROOT/cluster/lib.sh"
SRC="$ROOT/tools/lincheck"
BIN="$SRC/target/lincheck"

build() {
  rg_go_env
  # go build is incremental (GOCACHE): an unchanged checker rebuilds in about a second.
  (cd "$SRC" && go build -trimpath -o "$BIN" .) || rg_die "building $BIN failed"
}

case "${1:-}" in
  build) build && echo "$BIN" ;;
  test)
    rg_go_env
    rg_log "go vet + go test tools/lincheck"
    (cd "$SRC" && go vet ./... && go test -count=1 ./...)
    ;;
  check)
    [[ $# -eq 2 ]] || rg_die "usage: scripts/lincheck.sh check HISTORY.jsonl"
    build
    exec "$BIN" "$2"
    ;;
  *) rg_die "usage: scripts/lincheck.sh build|test|check HISTORY.jsonl (got '${1:-}')" ;;
esac
