#!/usr/bin/env bash
# Prints the environment for using the local cluster, for: eval "$(cluster/env.sh)"
#   KUBECONFIG=$RG_CLUSTER_DIR/kubeconfig, PATH with the pinned kubectl and helm first,
#   and the image tags (RG_BASE_IMAGE, ...).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
printf 'export KUBECONFIG=%q\n' "$RG_KUBECONFIG"
# shellcheck disable=SC2016  # $PATH is for the shell that evals this
printf 'export PATH=%q:"$PATH"\n' "$RG_BIN_DIR/current"
for v in RG_BASE_IMAGE RG_PAUSE_IMAGE RG_COREDNS_IMAGE RG_TOOLBOX_IMAGE RG_LOCAL_PATH_IMAGE RG_K8S_VERSION RG_HELM_VERSION; do
  printf 'export %s=%q\n' "$v" "${!v}"
done
