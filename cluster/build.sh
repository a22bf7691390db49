#!/usr/bin/env bash
# Builds (cached) the Kubernetes binaries, CoreDNS, Helm and the local-path provisioner from the Go module proxy.
#   cluster/build.sh            build whatever is missing
#   cluster/build.sh --check    exit 0 if everything is already built, 1 otherwise
# Binaries land in $RG_CACHE_DIR/bin/<name>-<version>/, the Go module and build
# caches in $RG_CACHE_DIR/go/, logs in $RG_CACHE_DIR/logs/.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

LOGS="$RG_CACHE_DIR/logs"
mkdir -p "$RG_BIN_DIR" "$LOGS"

k8s_done() { [[ -f "$RG_K8S_BIN/.complete" ]]; }
coredns_done() { [[ -x "$RG_COREDNS_BIN/coredns" ]]; }
helm_done() { [[ -x "$RG_HELM_BIN/helm" ]]; }
local_path_done() { [[ -x "$RG_LOCAL_PATH_BIN/local-path-provisioner" ]]; }

if [[ "${1:-}" == "--check" ]]; then
  k8s_done && coredns_done && helm_done && local_path_done
  exit
fi

rg_go_env
goversion="$(go env GOVERSION)"
case "$goversion" in
  go1.2[4-9]* | go1.[3-9][0-9]*) ;;
  *) rg_die "Kubernetes $RG_K8S_VERSION needs go >= 1.24, found $goversion" ;;
esac

# One build at a time (up.sh and a manual run may race).
exec 9>"$RG_CACHE_DIR/.build.lock"
flock 9

build_k8s() {
  local ver="$RG_K8S_VERSION" minor major staging src log tmp
  major="$(cut -d. -f1 <<<"${ver#v}")"
  minor="$(cut -d. -f2 <<<"$ver")"
  staging="v0.${ver#v1.}" # k8s.io/api etc. are tagged v0.X.Y for kubernetes v1.X.Y
  src="$RG_CACHE_DIR/src/kubernetes-$ver"
  log="$LOGS/build-kubernetes-$ver.log"
  mkdir -p "$src"
  rg_log "building Kubernetes $ver (${RG_K8S_BINARIES[*]}); first time about 15 min on 2 cores; log: $log"

  # The wrapper module: require k8s.io/kubernetes and turn every staging
  # "k8s.io/<name> v0.0.0" requirement into a real version via replace lines
  # generated from the real go.mod (go install @version refuses modules with replaces).
  local realmod
  realmod="$(cd "$src" && go mod download -json "k8s.io/kubernetes@$ver" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')"
  [[ -f "$realmod" ]] || rg_die "could not download go.mod of k8s.io/kubernetes@$ver (log: $log)"
  {
    echo "module replicagroup.local/kubernetes-build"
    echo
    grep -E '^go [0-9]' "$realmod"
    grep -E '^godebug ' "$realmod" || true
    echo
    echo "require k8s.io/kubernetes $ver"
    echo
    echo "replace ("
    sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/k8s\.io/.*#\t\1 => \1 '"$staging"'#p' "$realmod"
    echo ")"
  } >"$src/go.mod.new"
  if ! cmp -s "$src/go.mod.new" "$src/go.mod"; then
    mv "$src/go.mod.new" "$src/go.mod"
    rm -f "$src/go.sum"
  else
    rm -f "$src/go.mod.new"
  fi
  local n
  n="$(grep -c '=> k8s.io/' "$src/go.mod")"
  ((n > 20)) || rg_die "generated only $n replace lines from $realmod; see $src/go.mod"

  local date ldflags pkgs=() b
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  ldflags="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $p.gitVersion=$ver -X $p.gitMajor=$major -X $p.gitMinor=$minor"
    ldflags+=" -X $p.gitTreeState=clean -X $p.buildDate=$date -X $p.gitCommit=module-proxy"
  done
  for b in "${RG_K8S_BINARIES[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done

  tmp="$RG_K8S_BIN.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  if ! (cd "$src" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}") >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rg_die "Kubernetes build failed (log: $log)"
  fi
  "$tmp/kubectl" version --client >>"$log" 2>&1 || rg_die "built kubectl does not run (log: $log)"
  touch "$tmp/.complete"
  rm -rf "$RG_K8S_BIN" && mv "$tmp" "$RG_K8S_BIN"
  rg_log "Kubernetes $ver built into $RG_K8S_BIN"
}

coredns_done || rg_go_install coredns github.com/coredns/coredns "$RG_COREDNS_VERSION" "$RG_COREDNS_BIN"
helm_done || rg_build_helm
# The default StorageClass's dynamic provisioner (a plain module: go install works; 4–7 min the first time on 2 cores).
local_path_done || rg_go_install local-path-provisioner github.com/rancher/local-path-provisioner \
  "$RG_LOCAL_PATH_VERSION" "$RG_LOCAL_PATH_BIN" "-X main.VERSION=$RG_LOCAL_PATH_VERSION"
k8s_done || build_k8s
# Stable names for the pinned tools: $RG_CACHE_DIR/bin/current/{kubectl,helm,...}.
mkdir -p "$RG_BIN_DIR/current"
for b in "${RG_K8S_BINARIES[@]}"; do ln -sfn "$RG_K8S_BIN/$b" "$RG_BIN_DIR/current/$b"; done
ln -sfn "$RG_HELM_BIN/helm" "$RG_BIN_DIR/current/helm"
ln -sfn "$RG_COREDNS_BIN/coredns" "$RG_BIN_DIR/current/coredns"
ln -sfn "$RG_LOCAL_PATH_BIN/local-path-provisioner" "$RG_BIN_DIR/current/local-path-provisioner"
rg_log "all binaries present under $RG_BIN_DIR (stable links in $RG_BIN_DIR/current)"
