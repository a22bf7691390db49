#!/usr/bin/env bash
# Makes sure there is a Kubernetes cluster with this build's images in it, for `make demo`, `make e2e` and the
# failover bench. CLUSTER_ENGINE picks it (as CloudNativePG's hack/setup-cluster.sh does for kind and k3d):
#   local       the single-node cluster of cluster/ on this machine, brought up and given the images
#               (cluster/up.sh: builds what is missing, cached; ~1 s when running). The default.
#   kubeconfig  the cluster of $KUBECONFIG as it is; the default when KUBECONFIG names another cluster than the
#               local one. Its nodes must be able to get the images: set RG_IMAGE_LOADER to a command that takes
#               the image names (e.g. "kind load docker-image").
#   k3s         a k3s container started by the e2e suite (Testcontainers): `make e2e` only, see scripts/k8s-e2e.sh.
# Prints the KUBECONFIG to use as its last line. Usage: [CLUSTER_ENGINE=...] scripts/k8s-up.sh
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_KUBECONFIG=/var/lib/replicagroup-cluster/kubeconfig
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
die() { echo "scripts/k8s-up.sh: $*" >&2; exit 1; }

if [ -n "${KUBECONFIG:-}" ] && [ "$KUBECONFIG" != "$LOCAL_KUBECONFIG" ]; then
  engine=${CLUSTER_ENGINE:-kubeconfig}
else
  engine=${CLUSTER_ENGINE:-local}
fi
case "$engine" in
  local | kubeconfig) ;;
  k3s) die "CLUSTER_ENGINE=k3s is for make e2e only (the suite starts the k3s container and it lives as long as the test JVM); use CLUSTER_ENGINE=local or kubeconfig" ;;
  *) die "unknown CLUSTER_ENGINE '$engine': one of local (default), kubeconfig (the cluster of \$KUBECONFIG), k3s (make e2e only)" ;;
esac
if [ "$engine" = kubeconfig ]; then
  if [ -z "${KUBECONFIG:-}" ] || [ ! -f "${KUBECONFIG%%:*}" ]; then
    die "CLUSTER_ENGINE=kubeconfig needs KUBECONFIG set to the kubeconfig file of the cluster to use (got '${KUBECONFIG:-}')"
  fi
fi

if [ ! -f replica-app/target/quarkus-app/quarkus-run.jar ] || [ ! -f operator/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package >&2
fi

if [ "$engine" = kubeconfig ]; then
  echo "== using the cluster of KUBECONFIG=$KUBECONFIG" >&2
  scripts/build-images.sh >&2
  version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
  if [ -n "${RG_IMAGE_LOADER:-}" ]; then
    # A command line ("kind load docker-image"), split into words on purpose.
    read -r -a loader <<<"$RG_IMAGE_LOADER"
    "${loader[@]}" "replicagroup/replica:$version" "replicagroup/replica:$version-next" "replicagroup/operator:$version" >&2
  else
    echo "note: RG_IMAGE_LOADER is not set; the cluster must already have replicagroup/{replica,operator}:$version and replicagroup/replica:$version-next" >&2
  fi
  echo "$KUBECONFIG"
  exit 0
fi

echo "== the local cluster (cluster/up.sh)" >&2
$SUDO cluster/up.sh >&2
# The images are built by Docker (cluster/deps.sh starts it) and imported into the cluster's containerd.
$SUDO env PATH="$PATH" scripts/build-images.sh --load >&2
echo "$LOCAL_KUBECONFIG"
