#!/usr/bin/env bash
# Installs the Debian packages the local cluster needs and makes sure containerd
# (for the kubelet, config written by up.sh) and dockerd (for image builds) run.
# Idempotent; works without systemd (daemons are started with nohup, logs below).
#   cluster/deps.sh              install packages + start dockerd
#   cluster/deps.sh --packages   only install packages
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ $EUID -eq 0 ]] || rg_die "deps.sh must run as root"

PACKAGES=(
  docker.io containerd runc containernetworking-plugins etcd-server
  debootstrap openssl iptables conntrack socat ethtool ipset ebtables kmod
  iproute2 util-linux procps psmisc curl ca-certificates jq
  gcc libc6-dev busybox-static
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  rg_log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || rg_die "apt-get update failed"
  # Do not let package scripts start daemons through invoke-rc.d/systemd; we start them ourselves.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  rc=0
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"/tmp/rg-apt-install.log" 2>&1 || rc=$?
  ((created_policy)) && rm -f "$policy"
  ((rc == 0)) || { tail -n 20 /tmp/rg-apt-install.log >&2; rg_die "apt-get install failed (log: /tmp/rg-apt-install.log)"; }
fi

[[ "${1:-}" == "--packages" ]] && exit 0

systemd_pid1=0
[[ "$(cat /proc/1/comm 2>/dev/null)" == systemd ]] && systemd_pid1=1

LOGS="$RG_CACHE_DIR/logs"
mkdir -p "$LOGS"

# dockerd, used only to build images (docker build / import / save). It runs on its own
# containerd instance (dockerd starts one under /var/run/docker/containerd) so that the
# cluster's containerd (started by up.sh with its own config and socket) stays independent.
start_dockerd() {
  if docker info >/dev/null 2>&1; then return 0; fi
  if ((systemd_pid1)); then
    systemctl start docker || true
  else
    rg_log "starting dockerd (log: $LOGS/dockerd.log)"
    # dockerd needs its own containerd when /run/containerd/containerd.sock is not the system one.
    rg_detach /usr/sbin/dockerd --host=unix:///var/run/docker.sock >>"$LOGS/dockerd.log" 2>&1
  fi
  rg_wait 60 dockerd "$LOGS/dockerd.log" -- docker info
}
start_dockerd
rg_log "dependencies ready (docker $(docker version --format '{{.Server.Version}}' 2>/dev/null))"
