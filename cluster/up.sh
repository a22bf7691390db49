#!/usr/bin/env bash
# Starts (idempotently) a single-node Kubernetes on this machine:
#   containerd (own config and socket) + runc + CNI bridge, etcd (Debian), kube-apiserver,
#   kube-controller-manager, kube-scheduler, kubelet, kube-proxy (built by build.sh), CoreDNS.
# Waits until the node is Ready and a test pod resolves kubernetes.default.svc.cluster.local,
# then exits 0 leaving everything running in the background.
#   kubeconfig: $RG_CLUSTER_DIR/kubeconfig      logs: $RG_CLUSTER_DIR/logs/
# A second run while the cluster is up only checks it (and re-imports the pause image).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ $EUID -eq 0 ]] || rg_die "up.sh must run as root"

D="$RG_CLUSTER_DIR"
PKI="$D/pki"
LOGS="$D/logs"
RUN="$D/run"
CONF="$D/conf"
KUBECTL="$RG_K8S_BIN/kubectl"
ETCD_CLIENT_PORT="${RG_ETCD_CLIENT_PORT:-12379}"
ETCD_PEER_PORT="${RG_ETCD_PEER_PORT:-12380}"
API_PORT="${RG_API_PORT:-6443}"
API_URL="https://$RG_NODE_IP:$API_PORT"
START=$SECONDS

kc() { "$KUBECTL" --kubeconfig "$RG_KUBECONFIG" "$@"; }

# ---------------------------------------------------------------- processes
write_file() { # FILE < CONTENT: replace FILE only when the content changed (kube-proxy exits
  # when its config file is touched)
  local f="$1"
  cat >"$f.new"
  if cmp -s "$f.new" "$f"; then rm -f "$f.new"; else mv "$f.new" "$f"; fi
}

pid_alive() { # NAME: the process recorded in $RUN/NAME.pid is alive and runs the expected binary
  local pidfile="$RUN/$1.pid" pid exe
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  [[ "$(basename "${exe% (deleted)}")" == "$(cat "$RUN/$1.bin" 2>/dev/null)" ]]
}

stop_proc() { # NAME
  local pid i
  pid_alive "$1" || return 0
  pid="$(cat "$RUN/$1.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# start_proc NAME BINARY ARGS...: start BINARY in the background unless it already runs with the
# same arguments and config (files named in $CONFIG_FILES); restart it when they changed.
start_proc() {
  local name="$1" bin="$2"; shift 2
  local sig f
  sig="$(for f in ${CONFIG_FILES:-}; do cat "$f"; done | cat - <(printf '%s\n' "$bin" "$@") | md5sum | cut -d' ' -f1)"
  if pid_alive "$name"; then
    [[ "$(cat "$RUN/$name.sig" 2>/dev/null)" == "$sig" ]] && return 0
    rg_log "restarting $name: its arguments or configuration changed"
    stop_proc "$name"
  fi
  echo "$sig" >"$RUN/$name.sig"
  [[ -x "$bin" ]] || rg_die "$name: binary $bin not found"
  rg_log "starting $name (log: $LOGS/$name.log)"
  basename "$bin" >"$RUN/$name.bin"
  echo "==== $(date -Is) starting $bin $*" >>"$LOGS/$name.log"
  nohup setsid "$bin" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# wait_for SECONDS NAME DESCRIPTION COMMAND...: also fails fast if the process NAME died
wait_for() {
  local timeout="$1" name="$2" what="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$name" ]] && ! pid_alive "$name"; then
      tail -n 20 "$LOGS/$name.log" >&2 || true
      rg_die "$name exited while waiting for $what (log: $LOGS/$name.log)"
    fi
    ((SECONDS < deadline)) || { tail -n 20 "$LOGS/${name:-up}.log" >&2 || true; rg_die "timed out after ${timeout}s waiting for $what (log: $LOGS/${name:-up}.log)"; }
    sleep 1
  done
}

node_ready() {
  [[ "$(kc get node "$RG_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

coredns_ready() {
  [[ "$(kc -n kube-system get deploy coredns -o jsonpath='{.status.readyReplicas}' 2>/dev/null)" == 1 ]]
}

all_running() {
  local n
  for n in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    pid_alive "$n" || return 1
  done
  kc get --raw=/readyz >/dev/null 2>&1 && node_ready && coredns_ready
}

load_pause() {
  RG_CTR_QUIET=1 "$HERE/load-image.sh" "$RG_PAUSE_IMAGE" >/dev/null ||
    rg_die "re-importing the pause image into containerd failed (log: $LOGS/containerd.log)"
}

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
"$HERE/images.sh" pause coredns toolbox

mkdir -p "$PKI" "$LOGS" "$RUN" "$CONF" "$D/cni/net.d" "$D/kubelet" "$D/etcd"
rm -f "$RUN/up.ok"
chmod 700 "$PKI" "$D/etcd"

# ---------------------------------------------------------------- host network
# The API server / node address lives on lo: an address of this host, reachable from pods
# (via their gateway) and from the host, that never leaves the machine and does not depend
# on eth0 (the kernel here has no "dummy" link type).
check_cidr_free() { # CIDR: refuse to start if a route we did not make overlaps it
  local cidr="$1" net
  net="${cidr%/*}"; net="${net%.*}"; net="${net%.*}" # first two octets
  if ip -4 route show | grep -v -e "dev $RG_BRIDGE" | grep -q "^${net//./\\.}\."; then
    rg_die "the CIDR $cidr overlaps an existing route on this host: $(ip -4 route show | grep "^${net}\." | head -n1)"
  fi
}
setup_network() {
  check_cidr_free "$RG_POD_CIDR"
  check_cidr_free "$RG_SERVICE_CIDR"
  ip -4 addr show dev lo | grep -q "inet $RG_NODE_IP/" || ip addr add "$RG_NODE_IP/32" dev lo
  # The CNI bridge is created here (the bridge plugin reuses it) so that the service CIDR can
  # be routed into it before the first pod exists: host traffic to a ClusterIP is DNATed by
  # kube-proxy, and an address without a backend stays on this bridge instead of following
  # the default route out of the machine.
  if ! ip link show "$RG_BRIDGE" >/dev/null 2>&1; then
    ip link add "$RG_BRIDGE" type bridge
  fi
  local gw="${RG_NODE_POD_CIDR%.*}.1"
  local plen="${RG_NODE_POD_CIDR#*/}"
  ip -4 addr show dev "$RG_BRIDGE" | grep -q "inet $gw/" || ip addr add "$gw/$plen" dev "$RG_BRIDGE"
  ip link set "$RG_BRIDGE" up
  ip route replace "$RG_SERVICE_CIDR" dev "$RG_BRIDGE"
  # Other addresses of the pod CIDR (not on this node) are unreachable rather than routed out.
  ip route replace unreachable "$RG_POD_CIDR"
  sysctl -qw net.ipv4.ip_forward=1
  if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
    sysctl -qw net.bridge.bridge-nf-call-iptables=1
  else
    modprobe br_netfilter 2>/dev/null || rg_die "bridge netfilter (br_netfilter) is not available: Services would not work from pods"
  fi
  # Forwarding: Docker sets the FORWARD policy to DROP, so accept pod traffic explicitly,
  # and never forward pod traffic anywhere but to the pod bridge (no egress off the machine).
  # RG-GUARD goes first; RG-FORWARD last, so kube-proxy's own REJECTs (services without
  # endpoints) still run before the ACCEPT.
  iptables -N RG-GUARD 2>/dev/null || iptables -F RG-GUARD
  iptables -A RG-GUARD -s "$RG_POD_CIDR" ! -o "$RG_BRIDGE" -m comment --comment "replicagroup: pods stay on this host" -j REJECT
  iptables -C FORWARD -j RG-GUARD 2>/dev/null || iptables -I FORWARD 1 -j RG-GUARD
  iptables -N RG-FORWARD 2>/dev/null || iptables -F RG-FORWARD
  iptables -A RG-FORWARD -o "$RG_BRIDGE" -j ACCEPT
  iptables -C FORWARD -j RG-FORWARD 2>/dev/null || iptables -A FORWARD -j RG-FORWARD
  iptables -N RG-OUTPUT 2>/dev/null || iptables -F RG-OUTPUT
  iptables -A RG-OUTPUT -o lo -j RETURN # e.g. replies to the bridge's own address
  iptables -A RG-OUTPUT -d "$RG_POD_CIDR" ! -o "$RG_BRIDGE" -m comment --comment "replicagroup: cluster addresses stay on this host" -j REJECT
  iptables -A RG-OUTPUT -d "$RG_SERVICE_CIDR" ! -o "$RG_BRIDGE" -m comment --comment "replicagroup: cluster addresses stay on this host" -j REJECT
  iptables -C OUTPUT -j RG-OUTPUT 2>/dev/null || iptables -I OUTPUT 1 -j RG-OUTPUT
}

# ---------------------------------------------------------------- certificates
gen_cert() { # NAME CN O [SAN]: a key and a certificate signed by the cluster CA
  local name="$1" cn="$2" o="$3" san="${4:-}" subj ext
  [[ -s "$PKI/$name.crt" ]] && return 0
  subj="/CN=$cn"
  [[ -n "$o" ]] && subj="/O=$o$subj"
  ext="$PKI/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$san" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$san"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl genrsa -out "$PKI/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null ||
    rg_die "openssl could not sign the $name certificate (in $PKI)"
  rm -f "$PKI/$name.csr" "$ext"
}

make_pki() {
  if [[ ! -s "$PKI/ca.crt" ]]; then
    rg_log "creating certificates in $PKI"
    openssl genrsa -out "$PKI/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -nodes -key "$PKI/ca.key" -subj "/CN=replicagroup-local-ca" -days 3650 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$PKI/ca.crt" 2>/dev/null || rg_die "openssl could not create the CA (in $PKI)"
  fi
  local d="$RG_CLUSTER_DOMAIN"
  gen_cert apiserver kube-apiserver "" \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$d,DNS:localhost,DNS:$RG_NODE_NAME,IP:$RG_KUBERNETES_SVC_IP,IP:$RG_NODE_IP,IP:127.0.0.1"
  gen_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  gen_cert admin admin system:masters
  gen_cert kubelet-client "system:node:$RG_NODE_NAME" system:nodes
  gen_cert kubelet-server "system:node:$RG_NODE_NAME" system:nodes "DNS:$RG_NODE_NAME,DNS:localhost,IP:$RG_NODE_IP,IP:127.0.0.1"
  gen_cert controller-manager system:kube-controller-manager ""
  gen_cert scheduler system:kube-scheduler ""
  gen_cert kube-proxy system:kube-proxy system:node-proxier
  if [[ ! -s "$PKI/sa.key" ]]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  chmod 600 "$PKI"/*.key
}

make_kubeconfig() { # FILE CERTNAME USER
  local f="$1" cert="$2" user="$3"
  [[ -s "$f" ]] && return 0
  "$KUBECTL" --kubeconfig "$f.tmp" config set-cluster replicagroup --server="$API_URL" \
    --certificate-authority="$PKI/ca.crt" --embed-certs=true >/dev/null
  "$KUBECTL" --kubeconfig "$f.tmp" config set-credentials "$user" \
    --client-certificate="$PKI/$cert.crt" --client-key="$PKI/$cert.key" --embed-certs=true >/dev/null
  "$KUBECTL" --kubeconfig "$f.tmp" config set-context replicagroup --cluster=replicagroup --user="$user" >/dev/null
  "$KUBECTL" --kubeconfig "$f.tmp" config use-context replicagroup >/dev/null
  chmod 600 "$f.tmp" && mv "$f.tmp" "$f"
}

# ---------------------------------------------------------------- containerd + CNI
write_containerd_config() {
  write_file "$CONF/containerd.toml" <<EOF
version = 2
root = "$D/containerd/root"
state = "$RUN/containerd/state"
[grpc]
  address = "$RG_CONTAINERD_SOCK"
[ttrpc]
  address = "$RG_CONTAINERD_SOCK.ttrpc"
[debug]
  address = "$RG_CONTAINERD_SOCK.debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "$D/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/$RG_PAUSE_IMAGE"
  enable_selinux = false
  # Negative oom_score_adj values cannot be written on these VMs (EIO), and the CRI plugin gives
  # sandboxes -998 (kubelet gives Guaranteed pods -997): runc init then dies. Clamp to containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni/net.d"
    max_conf_num = 1
EOF
  write_file "$D/cni/net.d/10-replicagroup.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "replicagroup",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$RG_BRIDGE",
      "isGateway": true,
      "isDefaultGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$D/cni/ipam",
        "ranges": [[{"subnet": "$RG_NODE_POD_CIDR"}]]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  # The loopback plugin is called by containerd itself for every sandbox (lo of the pod).
}

start_containerd() {
  write_containerd_config
  mkdir -p "$(dirname "$RG_CONTAINERD_SOCK")" "$RUN/containerd/state" "$D/containerd/root"
  CONFIG_FILES="$CONF/containerd.toml" start_proc containerd /usr/bin/containerd --config "$CONF/containerd.toml"
  wait_for 60 containerd "containerd socket $RG_CONTAINERD_SOCK" \
    ctr --address "$RG_CONTAINERD_SOCK" version
}

# ---------------------------------------------------------------- control plane
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

# ---------------------------------------------------------------- node
start_kubelet() {
  printf '# written by replicagroup cluster/up.sh: cluster DNS only, nothing leaves this host\nnameserver %s\n' \
    "$RG_DNS_SVC_IP" | write_file "$CONF/resolv.conf"
  write_file "$CONF/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $RG_NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet-server.crt
tlsPrivateKeyFile: $PKI/kubelet-server.key
containerRuntimeEndpoint: unix://$RG_CONTAINERD_SOCK
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
clusterDomain: $RG_CLUSTER_DOMAIN
clusterDNS:
  - $RG_DNS_SVC_IP
resolvConf: $CONF/resolv.conf
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
maxPods: 110
serializeImagePulls: false
registerNode: true
rotateCertificates: false
serverTLSBootstrap: false
protectKernelDefaults: false
EOF
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
  write_file "$CONF/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: $RG_POD_CIDR
hostnameOverride: $RG_NODE_NAME
bindAddress: $RG_NODE_IP
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clientConnection:
  kubeconfig: $CONF/kube-proxy.kubeconfig
oomScoreAdj: 0
nodePortAddresses: [primary]
conntrack:
  maxPerCore: 0
iptables:
  masqueradeAll: false
EOF
  CONFIG_FILES="$CONF/kube-proxy.yaml" start_proc kube-proxy "$RG_K8S_BIN/kube-proxy" --config="$CONF/kube-proxy.yaml" --v=1
}

# ---------------------------------------------------------------- add-ons
apply_coredns() {
  local d="$RG_CLUSTER_DOMAIN"
  kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "system:coredns"}
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "system:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:coredns"}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  # Only the cluster zone and the reverse zones: no forward plugin, so no query leaves
  # this host; any other name is answered REFUSED at once.
  Corefile: |
    $d:53 in-addr.arpa:53 ip6.arpa:53 {
        errors
        health {
            lameduck 5s
        }
        ready
        kubernetes $d in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
            ttl 30
        }
        cache 30
        reload
        loadbalance
    }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  replicas: 1
  selector:
    matchLabels: {k8s-app: kube-dns}
  template:
    metadata:
      labels: {k8s-app: kube-dns}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      dnsPolicy: Default
      tolerations: [{operator: Exists}]
      containers:
        - name: coredns
          image: $RG_COREDNS_IMAGE
          imagePullPolicy: Never
          args: ["-conf", "/etc/coredns/Corefile"]
          ports:
            - {name: dns, containerPort: 53, protocol: UDP}
            - {name: dns-tcp, containerPort: 53, protocol: TCP}
            - {name: metrics, containerPort: 9153, protocol: TCP}
          resources:
            requests: {cpu: 50m, memory: 40Mi}
            limits: {memory: 170Mi}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
            readOnlyRootFilesystem: true
          livenessProbe:
            httpGet: {path: /health, port: 8080}
            initialDelaySeconds: 10
            periodSeconds: 10
          readinessProbe:
            httpGet: {path: /ready, port: 8181}
            periodSeconds: 2
          volumeMounts:
            - {name: config, mountPath: /etc/coredns, readOnly: true}
      volumes:
        - name: config
          configMap:
            name: coredns
            items: [{key: Corefile, path: Corefile}]
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  selector: {k8s-app: kube-dns}
  clusterIP: $RG_DNS_SVC_IP
  ports:
    - {name: dns, port: 53, protocol: UDP}
    - {name: dns-tcp, port: 53, protocol: TCP}
    - {name: metrics, port: 9153, protocol: TCP}
EOF
}

smoke_test() {
  local ns=default pod=rg-smoke out
  kc -n "$ns" delete pod "$pod" --ignore-not-found --wait=true >/dev/null 2>&1 || true
  kc -n "$ns" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $pod}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
    - name: smoke
      image: $RG_TOOLBOX_IMAGE
      imagePullPolicy: Never
      command:
        - sh
        - -c
        - |
          set -e
          for i in \$(seq 1 30); do nslookup kubernetes.default.svc.$RG_CLUSTER_DOMAIN && break; sleep 1; done
          nslookup kubernetes.default.svc.$RG_CLUSTER_DOMAIN
          # (busybox wget segfaults on these machines; a plain HTTP request to the TLS port is
          # answered "400 ... HTTP request to an HTTPS server", which proves the Service path)
          printf 'GET /livez HTTP/1.0\r\n\r\n' | nc -w 5 kubernetes.default.svc 443 | grep -q 'HTTP/1.0 400'
          echo API-REACHABLE-THROUGH-SERVICE
          echo SMOKE-OK
EOF
  local deadline=$((SECONDS + 120)) phase=""
  while ((SECONDS < deadline)); do
    phase="$(kc -n "$ns" get pod "$pod" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
    [[ "$phase" == Succeeded || "$phase" == Failed ]] && break
    sleep 1
  done
  out="$(kc -n "$ns" logs "$pod" 2>&1 || true)"
  echo "$out" >"$LOGS/smoke-test.log"
  if [[ "$phase" != Succeeded ]] || ! grep -q SMOKE-OK <<<"$out"; then
    kc -n "$ns" describe pod "$pod" >>"$LOGS/smoke-test.log" 2>&1 || true
    rg_die "test pod $pod did not resolve kubernetes.default.svc.$RG_CLUSTER_DOMAIN / reach the API (phase '$phase'; log: $LOGS/smoke-test.log, kubelet log: $LOGS/kubelet.log)"
  fi
  kc -n "$ns" delete pod "$pod" --wait=false >/dev/null 2>&1 || true
}

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
"$HERE/load-image.sh" "$RG_COREDNS_IMAGE" "$RG_TOOLBOX_IMAGE" >/dev/null
start_etcd
start_apiserver
start_controllers
start_kubelet
start_kube_proxy

wait_for 120 kubelet "node $RG_NODE_NAME to be Ready" node_ready
apply_coredns
wait_for 120 kubelet "CoreDNS to be ready (kubectl -n kube-system get pods)" coredns_ready
wait_for 60 kube-proxy "the kubernetes Service $RG_KUBERNETES_SVC_IP:443 from the host" \
  curl -fsSk --max-time 3 "https://$RG_KUBERNETES_SVC_IP/livez"
smoke_test

if [[ -n "$base_pid" ]] && ! wait "$base_pid"; then
  tail -n 5 "$RG_CACHE_DIR/logs/images-base.log" >&2 || true
  rg_die "building $RG_BASE_IMAGE failed (log: $RG_CACHE_DIR/logs/images-base.log); the cluster itself is up"
fi
touch "$RUN/up.ok"
rg_log "cluster up in $((SECONDS - START))s: node $RG_NODE_NAME Ready, DNS works; logs in $LOGS"
echo "KUBECONFIG=$RG_KUBECONFIG"
