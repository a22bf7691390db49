# shellcheck shell=bash
# up.sh's step: containerd (own config and socket) and the CNI bridge network. Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

write_containerd_config() {
  write_config "$CONF/containerd.toml" containerd.toml RG_CLUSTER_DIR RUN RG_CONTAINERD_SOCK RG_PAUSE_IMAGE
  write_config "$D/cni/net.d/10-replicagroup.conflist" 10-replicagroup.conflist RG_BRIDGE RG_CLUSTER_DIR RG_NODE_POD_CIDR
  # The loopback plugin is called by containerd itself for every sandbox (lo of the pod).
}

start_containerd() {
  write_containerd_config
  mkdir -p "$(dirname "$RG_CONTAINERD_SOCK")" "$RUN/containerd/state" "$D/containerd/root"
  CONFIG_FILES="$CONF/containerd.toml" start_proc containerd /usr/bin/containerd --config "$CONF/containerd.toml"
  wait_for 60 containerd "containerd socket $RG_CONTAINERD_SOCK" \
    ctr --address "$RG_CONTAINERD_SOCK" version
}
