#!/usr/bin/env bash
# Makes sure there is a Kubernetes cluster with this build's images in it, for `make demo` and `make e2e`.
# With KUBECONFIG set to another cluster, that cluster is used as it is (its nodes must be able to get the
# images: set RG_IMAGE_LOADER to a command that takes the image names, e.g. "kind load docker-image");
# otherwise the local cluster is brought up (cluster/up.sh: builds what is missing, cached; ~1 s when running).
# Prints the KUBECONFIG to use as its last line. Usage: scripts/k8s-up.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_KUBECONFIG=/var/lib/replicagroup-cluster/kubeconfig
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

if [ ! -f replica/target/quarkus-app/quarkus-run.jar ] || [ ! -f operator/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package >&2
fi

if [ -n "${KUBECONFIG:-}" ] && [ "$KUBECONFIG" != "$LOCAL_KUBECONFIG" ]; then
  echo "== using the cluster of KUBECONFIG=$KUBECONFIG" >&2
  scripts/build-images.sh >&2
  version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
  if [ -n "${RG_IMAGE_LOADER:-}" ]; then
    $RG_IMAGE_LOADER "replicagroup/replica:$version" "replicagroup/operator:$version" >&2
  else
    echo "note: RG_IMAGE_LOADER is not set; the cluster must already have replicagroup/{replica,operator}:$version" >&2
  fi
  echo "$KUBECONFIG"
  exit 0
fi

echo "== the local cluster (cluster/up.sh)" >&2
$SUDO cluster/up.sh >&2
# The images are built by Docker (cluster/deps.sh starts it) and imported into the cluster's containerd.
$SUDO env PATH="$PATH" scripts/build-images.sh --load >&2
echo "$LOCAL_KUBECONFIG"
