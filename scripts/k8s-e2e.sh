#!/usr/bin/env bash
# `make e2e`: the end-to-end suite (e2e/, Maven profile e2e) with this build's images, on the cluster CLUSTER_ENGINE
# picks (scripts/k8s-up.sh): local (default), kubeconfig, or k3s: a k3s container the suite starts itself through
# Testcontainers, for machines with Docker and an image registry (or the k3s image already in Docker). Extra
# arguments go to Maven (e.g. -Dit.test=FailoverIT). Results: e2e/target/ (failsafe-reports, e2e-dumps/ of failed
# tests, failover-times.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
# -am: the replica client library the suite uses (and what it depends on) is rebuilt from source; its tests ran in
# `make verify`.
suite=(./mvnw -B verify -Pe2e -pl e2e -am -DskipTests)

if [ "${CLUSTER_ENGINE:-}" != k3s ]; then
  KUBECONFIG=$(scripts/k8s-up.sh | tail -1)
  export KUBECONFIG
  exec "${suite[@]}" "$@"
fi

# k3s: the images go into the container from Docker (the suite imports them), so only Docker and the k3s image.
K3S_IMAGE=${K3S_IMAGE:-rancher/k3s:v1.34.1-k3s1}
other="pick another engine: CLUSTER_ENGINE=local (the default, this machine's cluster/up.sh) or CLUSTER_ENGINE=kubeconfig KUBECONFIG=<file>"
die() { echo "scripts/k8s-e2e.sh: CLUSTER_ENGINE=k3s: $*" >&2; exit 1; }
docker info >/dev/null 2>&1 || die "no Docker engine answers (cluster/deps.sh starts one); or $other"
if ! docker image inspect "$K3S_IMAGE" >/dev/null 2>&1; then
  echo "== pulling $K3S_IMAGE for the k3s engine" >&2
  if ! err=$(docker pull -q "$K3S_IMAGE" 2>&1); then
    die "the image $K3S_IMAGE is not in Docker and cannot be pulled
  (docker pull: $(tail -n 1 <<<"$err")).
  The k3s engine needs an image registry, or the image already in Docker (docker load; K3S_IMAGE=<image> for
  another tag). Without either (as on the build machines), $other.
  Testcontainers also needs its ryuk image the same way, or TESTCONTAINERS_RYUK_DISABLED=true."
  fi
fi
if [ ! -f replica-app/target/quarkus-app/quarkus-run.jar ] || [ ! -f operator/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package >&2
fi
scripts/build-images.sh >&2
env -u KUBECONFIG "${suite[@]}" -De2e.engine=k3s -De2e.k3s.image="$K3S_IMAGE" "$@"
