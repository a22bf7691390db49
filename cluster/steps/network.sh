# shellcheck shell=bash
# up.sh's step: the host network (node address, pod bridge, routes, iptables guards). Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

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
