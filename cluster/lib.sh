#!/usr/bin/env bash
# Common settings for the local cluster scripts. Sourced, not executed.
# Every value can be overridden from the environment.
# shellcheck disable=SC2034  # variables are used by the scripts that source this file

# iptables, ip, sysctl, containerd live in sbin directories that a CI PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

RG_CACHE_DIR="${RG_CACHE_DIR:-/var/cache/replicagroup}"
RG_CLUSTER_DIR="${RG_CLUSTER_DIR:-/var/lib/replicagroup-cluster}"

# Pinned versions (all from the Go module proxy / Debian).
RG_K8S_VERSION="${RG_K8S_VERSION:-v1.34.4}"
RG_COREDNS_VERSION="${RG_COREDNS_VERSION:-v1.12.4}"
RG_HELM_VERSION="${RG_HELM_VERSION:-v3.19.5}"
RG_LOCAL_PATH_VERSION="${RG_LOCAL_PATH_VERSION:-v0.0.30}" # github.com/rancher/local-path-provisioner
RG_BUF_VERSION="${RG_BUF_VERSION:-v1.75.0}" # buf lint (scripts/lint.sh)
RG_DEBIAN_SUITE="${RG_DEBIAN_SUITE:-bookworm}"
RG_DEBIAN_MIRROR="${RG_DEBIAN_MIRROR:-}"   # empty: taken from /etc/apt sources

# Image tags (bump the suffix when the recipe in images.sh changes).
RG_BASE_IMAGE="${RG_BASE_IMAGE:-replicagroup/base-jre:17-bookworm-1}"
RG_PAUSE_IMAGE="${RG_PAUSE_IMAGE:-replicagroup/pause:3.10-rg1}"
RG_COREDNS_IMAGE="${RG_COREDNS_IMAGE:-replicagroup/coredns:${RG_COREDNS_VERSION#v}-rg1}"
RG_TOOLBOX_IMAGE="${RG_TOOLBOX_IMAGE:-replicagroup/toolbox:bookworm-1}"
RG_LOCAL_PATH_IMAGE="${RG_LOCAL_PATH_IMAGE:-replicagroup/local-path-provisioner:${RG_LOCAL_PATH_VERSION#v}-rg1}"

# Network layout.
RG_POD_CIDR="${RG_POD_CIDR:-10.244.0.0/16}"
RG_NODE_POD_CIDR="${RG_NODE_POD_CIDR:-10.244.0.0/24}"
RG_SERVICE_CIDR="${RG_SERVICE_CIDR:-10.96.0.0/16}"
RG_KUBERNETES_SVC_IP="${RG_KUBERNETES_SVC_IP:-10.96.0.1}"
RG_DNS_SVC_IP="${RG_DNS_SVC_IP:-10.96.0.10}"
RG_CLUSTER_DOMAIN="${RG_CLUSTER_DOMAIN:-cluster.local}"
# The API server and node address: a /32 on lo made by up.sh (see README),
# reachable from pods (via their gateway) and the host, never leaving the machine.
RG_NODE_IP="${RG_NODE_IP:-10.240.0.1}"
RG_BRIDGE="${RG_BRIDGE:-rgbr0}"
RG_NODE_NAME="${RG_NODE_NAME:-rg-node}"
# Where the default StorageClass (local-path) keeps the volumes on the node: one directory per PV.
RG_LOCAL_PATH_DIR="${RG_LOCAL_PATH_DIR:-$RG_CLUSTER_DIR/local-path}"

RG_BIN_DIR="$RG_CACHE_DIR/bin"
RG_K8S_BIN="$RG_BIN_DIR/kubernetes-$RG_K8S_VERSION"
RG_COREDNS_BIN="$RG_BIN_DIR/coredns-$RG_COREDNS_VERSION"
RG_HELM_BIN="$RG_BIN_DIR/helm-$RG_HELM_VERSION"
RG_BUF_BIN="$RG_BIN_DIR/buf-$RG_BUF_VERSION"
RG_LOCAL_PATH_BIN="$RG_BIN_DIR/local-path-provisioner-$RG_LOCAL_PATH_VERSION"
RG_K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

RG_TEMPLATES="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/templates" # config files up.sh fills in (rg_render)
RG_CONTAINERD_SOCK="$RG_CLUSTER_DIR/run/containerd/containerd.sock"
RG_KUBECONFIG="$RG_CLUSTER_DIR/kubeconfig"

# rg_detach COMMAND...: run COMMAND as a daemon in a session of its own (it outlives the shell and CI step that
# started it), with no file descriptor of the caller's other than 0-2 (redirect those). Without this a daemon keeps
# e.g. the lock of `flock /tmp/replicagroup-cluster.lock scripts/k8s-up.sh` open for its whole life.
rg_detach() {
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid nohup "$@"
  ) &
}

rg_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
rg_die() { printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2; exit 1; }

# rg_wait SECONDS DESCRIPTION LOGFILE -- COMMAND...: retry COMMAND until it succeeds.
rg_wait() {
  local timeout="$1" what="$2" logfile="$3"; shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      rg_die "timed out after ${timeout}s waiting for $what (log: $logfile)"
    fi
    sleep 1
  done
}

# Find a go toolchain and make the build environment use the shared cache.
rg_go_env() {
  if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
    PATH="/usr/local/go/bin:$PATH"
  fi
  command -v go >/dev/null 2>&1 || rg_die "no Go toolchain found (need go >= 1.24 on PATH or in /usr/local/go)"
  export GOMODCACHE="$RG_CACHE_DIR/go/mod"
  export GOCACHE="$RG_CACHE_DIR/go/build"
  export GOPATH="$RG_CACHE_DIR/go/path"
  export GOFLAGS=-mod=mod
  export GOTOOLCHAIN=local
  export CGO_ENABLED=0
  mkdir -p "$GOMODCACHE" "$GOCACHE" "$GOPATH"
}

rg_is_running() { # PIDFILE
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

# rg_go_install NAME PACKAGE VERSION DESTDIR [LDFLAGS]: go install PACKAGE@VERSION into DESTDIR (replaced whole,
# so a failed build leaves nothing half-made). Needs rg_go_env; log in $RG_CACHE_DIR/logs/build-NAME-VERSION.log.
rg_go_install() {
  local name="$1" pkg="$2" ver="$3" dest="$4" log="$RG_CACHE_DIR/logs/build-$1-$3.log"
  mkdir -p "$RG_CACHE_DIR/logs"
  rg_log "building $name $ver (log: $log)"
  rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
  if ! GOBIN="$dest.tmp" go install -trimpath -ldflags "-s -w ${5:-}" "$pkg@$ver" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rg_die "$name build failed (log: $log)"
  fi
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
}

# The pinned Helm, built from the Go module proxy (cluster/build.sh, scripts/lint.sh).
rg_build_helm() {
  rg_go_install helm helm.sh/helm/v3/cmd/helm "$RG_HELM_VERSION" "$RG_HELM_BIN" \
    "-X helm.sh/helm/v3/internal/version.version=$RG_HELM_VERSION"
}

# rg_render TEMPLATE NAME[=VALUE]...: print templates/TEMPLATE with each ${NAME} replaced by VALUE (default: the
# variable NAME's value), in one pass and literally, like a heredoc would. Fails on a ${NAME} it was not given.
rg_render() {
  local file="$RG_TEMPLATES/$1" rest="" out="" arg ref
  local -A values=()
  shift
  for arg in "$@"; do
    if [[ "$arg" == *=* ]]; then values[${arg%%=*}]="${arg#*=}"; else values[$arg]="${!arg}"; fi
  done
  [[ -f "$file" ]] || rg_die "template $file not found"
  IFS= read -r -d '' rest <"$file" || true # the whole file, trailing newlines included
  while [[ "$rest" =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
    ref="${BASH_REMATCH[0]}"
    [[ -v "values[${BASH_REMATCH[1]}]" ]] || rg_die "template $file uses $ref, which rg_render was not given"
    out+="${rest%%"$ref"*}${values[${BASH_REMATCH[1]}]}"
    rest="${rest#*"$ref"}"
  done
  printf '%s' "$out$rest"
}
