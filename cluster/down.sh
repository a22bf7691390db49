#!/usr/bin/env bash
# Stops the local cluster started by up.sh and cleans up after it: processes, pod containers,
# kubelet/containerd mounts, CNI network namespaces and interfaces, iptables rules, routes.
#   cluster/down.sh            stop; keep state (certificates, etcd data, imported images)
#   cluster/down.sh --purge    also delete $RG_CLUSTER_DIR
# Caches ($RG_CACHE_DIR: Go caches, binaries, images) and Docker are left alone.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ $EUID -eq 0 ]] || rg_die "down.sh must run as root"
purge=0
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  *) rg_die "usage: $0 [--purge]" ;;
esac

D="$RG_CLUSTER_DIR"
RUN="$D/run"

# stop_procs TIMEOUT NAME...: SIGTERM the recorded processes (checked against the binary they
# were started from, so a reused pid is never hit), wait up to TIMEOUT s, then SIGKILL.
stop_procs() {
  local timeout="$1" name pid exe i pids=()
  shift
  for name in "$@"; do
    [[ -f "$RUN/$name.pid" ]] || continue
    pid="$(cat "$RUN/$name.pid")"
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    if [[ -n "$exe" && "$(basename "${exe% (deleted)}")" == "$(cat "$RUN/$name.bin" 2>/dev/null)" ]]; then
      rg_log "stopping $name (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$RUN/$name.pid" "$RUN/$name.sig"
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < timeout * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  done
}

rm -f "$RUN/up.ok"
# Control loops first so nothing restarts pods while we remove them.
stop_procs 20 kubelet kube-proxy kube-scheduler kube-controller-manager

# Pod containers: kill every task in the cluster's containerd, then remove containers.
ctr=(ctr --address "$RG_CONTAINERD_SOCK" -n k8s.io)
if [[ -S "$RG_CONTAINERD_SOCK" ]] && "${ctr[@]}" version >/dev/null 2>&1; then
  mapfile -t tasks < <("${ctr[@]}" tasks ls -q 2>/dev/null || true)
  if ((${#tasks[@]})); then
    rg_log "killing ${#tasks[@]} pod container(s)"
    for t in "${tasks[@]}"; do "${ctr[@]}" tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
    sleep 1
    for t in "${tasks[@]}"; do "${ctr[@]}" tasks delete -f "$t" >/dev/null 2>&1 || true; done
  fi
  mapfile -t ctrs < <("${ctr[@]}" containers ls -q 2>/dev/null || true)
  for c in "${ctrs[@]}"; do "${ctr[@]}" containers delete "$c" >/dev/null 2>&1 || true; done
fi

stop_procs 10 kube-apiserver
stop_procs 20 etcd
stop_procs 30 containerd

# Shims that outlived containerd (matched by our own socket path, killed by pid).
for p in /proc/[0-9]*; do
  pid="${p#/proc/}"
  cmd="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null || true)"
  if [[ "$cmd" == *containerd-shim*"-address $RG_CONTAINERD_SOCK"* ]]; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
done

# Mounts below the state dir (kubelet volumes, containerd rootfs/shm), deepest first.
mapfile -t mounts < <(awk -v d="$D/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
if ((${#mounts[@]})); then
  rg_log "unmounting ${#mounts[@]} mount(s) under $D"
  for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
fi

# CNI network namespaces made by the cluster's containerd (cni-<uuid>), and the bridge.
if [[ -d /var/run/netns ]]; then
  for ns in /var/run/netns/cni-*; do
    [[ -e "$ns" ]] || continue
    ip netns delete "$(basename "$ns")" 2>/dev/null || { umount -l "$ns" 2>/dev/null; rm -f "$ns"; } || true
  done
fi
if ip link show "$RG_BRIDGE" >/dev/null 2>&1; then ip link delete "$RG_BRIDGE" || true; fi
ip route del "$RG_SERVICE_CIDR" 2>/dev/null || true
ip route del unreachable "$RG_POD_CIDR" 2>/dev/null || true
ip addr del "$RG_NODE_IP/32" dev lo 2>/dev/null || true
rm -rf "$D/cni/ipam"

# iptables: kube-proxy's cleanup, then every rule/chain named KUBE-*, CNI-* or RG-*.
if [[ -x "$RG_K8S_BIN/kube-proxy" ]]; then
  "$RG_K8S_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
fi
for table in filter nat mangle; do
  mapfile -t rules < <(iptables-save -t "$table" 2>/dev/null | grep -E '^-A [A-Z]+ .*-j (KUBE|CNI|RG)-' || true)
  for line in "${rules[@]}"; do
    eval "iptables -t $table ${line/-A /-D }" 2>/dev/null || true
  done
  mapfile -t chains < <(iptables-save -t "$table" 2>/dev/null | sed -n 's/^:\(\(KUBE\|CNI\|RG\)-[^ ]*\) .*/\1/p')
  for c in "${chains[@]}"; do iptables -t "$table" -F "$c" 2>/dev/null || true; done
  for c in "${chains[@]}"; do iptables -t "$table" -X "$c" 2>/dev/null || true; done
done

if ((purge)); then
  rg_log "deleting state $D"
  rm -rf "$D"
fi
rg_log "cluster stopped; caches kept in $RG_CACHE_DIR"
