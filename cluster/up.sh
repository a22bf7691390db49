#!/usr/bin/env bash
# Starts (idempotently) a single-node Kubernetes on this machine:
#   containerd (own config and socket) + runc + CNI bridge, etcd (Debian), kube-apiserver,
#   kube-controller-manager, kube-scheduler, kubelet, kube-proxy (built by build.sh), CoreDNS, and the default
#   StorageClass local-path (Rancher's local-path-provisioner, volumes in $RG_LOCAL_PATH_DIR).
# Waits until the node is Ready, a test pod resolves kubernetes.default.svc.cluster.local and reaches the API
# server through that Service, and a claim of the default StorageClass binds, is written by a pod and is deleted
# with its volume; then exits 0 leaving everything running in the background.
#   kubeconfig: $RG_CLUSTER_DIR/kubeconfig      logs: $RG_CLUSTER_DIR/logs/
# The steps are in steps/*.sh, the configuration files they write in templates/ (rendered by rg_render).
# A second run while the cluster is up only checks it (and re-imports the pause image).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
[[ $EUID -eq 0 ]] || rg_die "up.sh must run as root"
# The steps, each a few functions; common.sh has the paths, ports and process helpers they share.
# shellcheck source=steps/common.sh
source "$HERE/steps/common.sh"
# shellcheck source=steps/network.sh
source "$HERE/steps/network.sh"
# shellcheck source=steps/pki.sh
source "$HERE/steps/pki.sh"
# shellcheck source=steps/containerd.sh
source "$HERE/steps/containerd.sh"
# shellcheck source=steps/control-plane.sh
source "$HERE/steps/control-plane.sh"
# shellcheck source=steps/node.sh
source "$HERE/steps/node.sh"
# shellcheck source=steps/addons.sh
source "$HERE/steps/addons.sh"
START=$SECONDS

# ---------------------------------------------------------------- fast path
# ($RUN/up.ok is written at the end of a complete, checked start.)
if [[ -x "$KUBECTL" && -f "$RG_KUBECONFIG" && -f "$RUN/up.ok" ]] && all_running; then
  load_pause
  rg_log "cluster already running (checked in $((SECONDS - START))s)"
  echo "KUBECONFIG=$RG_KUBECONFIG"
  exit 0
fi

# ---------------------------------------------------------------- prerequisites
"$HERE/deps.sh"
# The JRE base image (for the project's images, not needed by the cluster itself) is built in
# parallel with the Go build: debootstrap waits on the network, the compiler on the CPU.
base_pid=""
if ! docker image inspect "$RG_BASE_IMAGE" >/dev/null 2>&1; then
  mkdir -p "$RG_CACHE_DIR/logs"
  rg_log "building $RG_BASE_IMAGE in the background (log: $RG_CACHE_DIR/logs/images-base.log)"
  "$HERE/images.sh" base >"$RG_CACHE_DIR/logs/images-base.log" 2>&1 &
  base_pid=$!
fi
"$HERE/build.sh" --check || "$HERE/build.sh"
"$HERE/images.sh" pause coredns toolbox local-path

mkdir -p "$PKI" "$LOGS" "$RUN" "$CONF" "$D/cni/net.d" "$D/kubelet" "$D/etcd"
rm -f "$RUN/up.ok"
chmod 700 "$PKI" "$D/etcd"

# ---------------------------------------------------------------- main
setup_network
make_pki
make_kubeconfig "$RG_KUBECONFIG" admin admin
make_kubeconfig "$CONF/controller-manager.kubeconfig" controller-manager system:kube-controller-manager
make_kubeconfig "$CONF/scheduler.kubeconfig" scheduler system:kube-scheduler
make_kubeconfig "$CONF/kubelet.kubeconfig" kubelet-client "system:node:$RG_NODE_NAME"
make_kubeconfig "$CONF/kube-proxy.kubeconfig" kube-proxy system:kube-proxy

start_containerd
load_pause
"$HERE/load-image.sh" "$RG_COREDNS_IMAGE" "$RG_TOOLBOX_IMAGE" "$RG_LOCAL_PATH_IMAGE" >/dev/null
start_etcd
start_apiserver
start_controllers
start_kubelet
start_kube_proxy

wait_for 120 kubelet "node $RG_NODE_NAME to be Ready" node_ready
apply_coredns
apply_local_path
smoke_start # its pods start while CoreDNS and the provisioner do
wait_for 120 kubelet "CoreDNS to be ready (kubectl -n kube-system get pods)" coredns_ready
wait_for 120 kubelet "the local-path provisioner to be ready (kubectl -n local-path-storage get pods)" local_path_ready
wait_for 60 kube-proxy "the kubernetes Service $RG_KUBERNETES_SVC_IP:443 from the host" \
  curl -fsSk --max-time 3 "https://$RG_KUBERNETES_SVC_IP/livez"
smoke_check

if [[ -n "$base_pid" ]] && ! wait "$base_pid"; then
  tail -n 5 "$RG_CACHE_DIR/logs/images-base.log" >&2 || true
  rg_die "building $RG_BASE_IMAGE failed (log: $RG_CACHE_DIR/logs/images-base.log); the cluster itself is up"
fi
touch "$RUN/up.ok"
rg_log "cluster up in $((SECONDS - START))s: node $RG_NODE_NAME Ready, DNS works, claims bind (local-path); logs in $LOGS"
echo "KUBECONFIG=$RG_KUBECONFIG"
