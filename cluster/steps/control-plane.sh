# shellcheck shell=bash
# up.sh's step: etcd, kube-apiserver, kube-controller-manager, kube-scheduler. Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

start_etcd() {
  start_proc etcd /usr/bin/etcd --name rg --data-dir "$D/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "rg=http://127.0.0.1:$ETCD_PEER_PORT" \
    --snapshot-count 10000 --quota-backend-bytes 4294967296
  wait_for 60 etcd "etcd health on 127.0.0.1:$ETCD_CLIENT_PORT" \
    curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
}

start_apiserver() {
  start_proc kube-apiserver "$RG_K8S_BIN/kube-apiserver" \
    --advertise-address="$RG_NODE_IP" --bind-address="$RG_NODE_IP" --secure-port="$API_PORT" \
    --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --service-cluster-ip-range="$RG_SERVICE_CIDR" \
    --client-ca-file="$PKI/ca.crt" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --service-account-issuer="https://kubernetes.default.svc.$RG_CLUSTER_DOMAIN" \
    --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true \
    --profiling=false \
    --v=1
  wait_for 120 kube-apiserver "the API server at $API_URL/readyz" \
    kc get --raw=/readyz
}

start_controllers() {
  start_proc kube-controller-manager "$RG_K8S_BIN/kube-controller-manager" \
    --kubeconfig="$CONF/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CONF/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CONF/controller-manager.kubeconfig" \
    --bind-address="$RG_NODE_IP" \
    --leader-elect=false \
    --use-service-account-credentials=true \
    --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --allocate-node-cidrs=true --cluster-cidr="$RG_POD_CIDR" --node-cidr-mask-size=24 \
    --service-cluster-ip-range="$RG_SERVICE_CIDR" \
    --profiling=false --v=1
  start_proc kube-scheduler "$RG_K8S_BIN/kube-scheduler" \
    --kubeconfig="$CONF/scheduler.kubeconfig" \
    --authentication-kubeconfig="$CONF/scheduler.kubeconfig" \
    --authorization-kubeconfig="$CONF/scheduler.kubeconfig" \
    --bind-address="$RG_NODE_IP" \
    --leader-elect=false --profiling=false --v=1
}
