#!/usr/bin/env bash
# Loads Docker images into the local cluster's containerd (namespace k8s.io), so pods can use
# them with imagePullPolicy: IfNotPresent or Never (nothing can be pulled here).
#   cluster/load-image.sh IMAGE[:TAG]...
# The cluster's containerd must be running (cluster/up.sh).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

(($# > 0)) || rg_die "usage: $0 IMAGE[:TAG]..."
[[ -S "$RG_CONTAINERD_SOCK" ]] || rg_die "the cluster's containerd socket $RG_CONTAINERD_SOCK is missing: run cluster/up.sh first"
ctr=(ctr --address "$RG_CONTAINERD_SOCK" -n k8s.io)
"${ctr[@]}" version >/dev/null 2>&1 || rg_die "the cluster's containerd does not answer on $RG_CONTAINERD_SOCK (log: $RG_CLUSTER_DIR/logs/containerd.log)"
docker info >/dev/null 2>&1 || rg_die "the Docker daemon does not answer: start it with cluster/deps.sh (log: \$RG_CACHE_DIR/logs/dockerd.log)"
for img in "$@"; do
  docker image inspect "$img" >/dev/null 2>&1 || rg_die "image $img is not in Docker (build it first; docker images)"
done
[[ -n "${RG_CTR_QUIET:-}" ]] || rg_log "loading into containerd (k8s.io): $*"
# One archive for all images: shared layers are transferred once.
if ! docker save "$@" | "${ctr[@]}" images import --no-unpack=false - >/dev/null; then
  rg_die "importing $* into containerd failed (log: $RG_CLUSTER_DIR/logs/containerd.log)"
fi
