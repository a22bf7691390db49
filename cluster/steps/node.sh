# shellcheck shell=bash
# up.sh's step: kubelet and kube-proxy. Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

start_kubelet() {
  write_config "$CONF/resolv.conf" resolv.conf RG_DNS_SVC_IP
  write_config "$CONF/kubelet.yaml" kubelet.yaml RG_NODE_IP PKI RG_CONTAINERD_SOCK RG_CLUSTER_DOMAIN RG_DNS_SVC_IP CONF
  CONFIG_FILES="$CONF/kubelet.yaml $CONF/resolv.conf" start_proc kubelet "$RG_K8S_BIN/kubelet" \
    --config="$CONF/kubelet.yaml" \
    --kubeconfig="$CONF/kubelet.kubeconfig" \
    --root-dir="$D/kubelet" \
    --cert-dir="$D/kubelet/pki" \
    --hostname-override="$RG_NODE_NAME" \
    --node-ip="$RG_NODE_IP" \
    --oom-score-adj=0 \
    --v=1
}

start_kube_proxy() {
  write_config "$CONF/kube-proxy.yaml" kube-proxy.yaml RG_POD_CIDR RG_NODE_NAME RG_NODE_IP CONF
  CONFIG_FILES="$CONF/kube-proxy.yaml" start_proc kube-proxy "$RG_K8S_BIN/kube-proxy" --config="$CONF/kube-proxy.yaml" --v=1
}
