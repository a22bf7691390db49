#!/usr/bin/env bash
# Builds (cached) the images the local cluster and the project need, without any registry:
#   $RG_BASE_IMAGE    Debian bookworm (debootstrap, minbase) + openjdk-17-jre-headless
#   $RG_PAUSE_IMAGE   FROM scratch + a static pause program (cluster/pause/pause.c)
#   $RG_COREDNS_IMAGE FROM scratch + the CoreDNS binary built by build.sh
#   $RG_TOOLBOX_IMAGE FROM scratch + static busybox (test pods: sh, nslookup, wget)
#   $RG_LOCAL_PATH_IMAGE FROM scratch + the local-path-provisioner binary built by build.sh
# An image already in Docker is not rebuilt. The base root filesystem tarball is
# also kept in $RG_CACHE_DIR/images/ so a wiped Docker re-imports it in seconds.
#   cluster/images.sh [base|pause|coredns|toolbox|local-path]...   (default: all)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ $EUID -eq 0 ]] || rg_die "images.sh must run as root"
docker info >/dev/null 2>&1 || rg_die "Docker is not running: run cluster/deps.sh first"

IMAGES_DIR="$RG_CACHE_DIR/images"
LOGS="$RG_CACHE_DIR/logs"
mkdir -p "$IMAGES_DIR" "$LOGS"
export DOCKER_BUILDKIT=0 # the classic builder needs no buildx plugin

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

debian_mirror() {
  if [[ -n "$RG_DEBIAN_MIRROR" ]]; then echo "$RG_DEBIAN_MIRROR"; return; fi
  local m
  m="$(grep -hoE '^URIs: *http[^ ]*/debian/?$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 | awk '{print $2}')"
  [[ -n "$m" ]] || m="$(grep -hoE '^deb +http[^ ]*/debian/? ' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}')"
  echo "${m:-http://deb.debian.org/debian}"
}

build_base() {
  local tag="$RG_BASE_IMAGE" tarball log root mirror
  tarball="$IMAGES_DIR/$(tr '/:' '__' <<<"$tag").tar"
  log="$LOGS/image-base-jre.log"
  if [[ ! -s "$tarball" ]]; then
    mirror="$(debian_mirror)"
    root="$IMAGES_DIR/rootfs-base-jre.tmp"
    rg_log "building $tag root filesystem with debootstrap from $mirror (takes a few minutes; log: $log)"
    cleanup_mounts "$root"
    rm -rf "$root" && mkdir -p "$root"
    if ! debootstrap --variant=minbase "$RG_DEBIAN_SUITE" "$root" "$mirror" >"$log" 2>&1; then
      tail -n 20 "$log" >&2; rg_die "debootstrap failed (log: $log)"
    fi
    mount -t proc proc "$root/proc"
    trap 'cleanup_mounts "'"$root"'"' EXIT
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
    cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror $RG_DEBIAN_SUITE main
deb $mirror $RG_DEBIAN_SUITE-updates main
deb ${mirror%/debian*}/debian-security $RG_DEBIAN_SUITE-security main
SRC
    if ! chroot "$root" /bin/sh -ec '
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get -y -qq upgrade
        apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless ca-certificates tzdata
        apt-get clean' >>"$log" 2>&1; then
      tail -n 20 "$log" >&2; rg_die "installing the JRE into the base image failed (log: $log)"
    fi
    # Check the JRE works (java needs /proc to find its libraries via $ORIGIN).
    chroot "$root" java -version >>"$log" 2>&1 || rg_die "java does not run in the base root filesystem (log: $log)"
    cleanup_mounts "$root"
    trap - EXIT
    # Keep it small: no docs, man pages, apt lists, caches, logs.
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
      "$root"/usr/share/locale/* "$root"/var/log/* "$root"/tmp/* "$root/usr/sbin/policy-rc.d"
    tar --numeric-owner -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  rg_log "importing $tag from $tarball"
  docker import \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    "$tarball" "$tag" >>"$log" || rg_die "docker import of $tarball failed"
}

cleanup_mounts() { # ROOT
  local m
  for m in proc sys dev/pts dev; do
    if mountpoint -q "$1/$m" 2>/dev/null; then umount -l "$1/$m" || true; fi
  done
}

build_pause() {
  local ctx log="$LOGS/image-pause.log"
  ctx="$(mktemp -d)"
  rg_log "building $RG_PAUSE_IMAGE (log: $log)"
  gcc -Os -static -Wall -Werror -o "$ctx/pause" "$HERE/pause/pause.c" >"$log" 2>&1 || rg_die "compiling pause.c failed (log: $log)"
  strip "$ctx/pause"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$RG_PAUSE_IMAGE" "$ctx" >>"$log" 2>&1 || rg_die "docker build of the pause image failed (log: $log)"
  rm -rf "$ctx"
}

build_coredns() {
  local ctx log="$LOGS/image-coredns.log"
  [[ -x "$RG_COREDNS_BIN/coredns" ]] || rg_die "CoreDNS binary missing: run cluster/build.sh first"
  ctx="$(mktemp -d)"
  rg_log "building $RG_COREDNS_IMAGE (log: $log)"
  cp "$RG_COREDNS_BIN/coredns" "$ctx/coredns"
  printf 'FROM scratch\nCOPY coredns /coredns\nEXPOSE 53 53/udp\nENTRYPOINT ["/coredns"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$RG_COREDNS_IMAGE" "$ctx" >"$log" 2>&1 || rg_die "docker build of the CoreDNS image failed (log: $log)"
  rm -rf "$ctx"
}

build_toolbox() {
  local ctx log="$LOGS/image-toolbox.log" a
  [[ -x /bin/busybox ]] || rg_die "/bin/busybox missing: run cluster/deps.sh (package busybox-static)"
  ctx="$(mktemp -d)"
  rg_log "building $RG_TOOLBOX_IMAGE (log: $log)"
  mkdir -p "$ctx/root/bin" "$ctx/root/etc" "$ctx/root/tmp"
  cp /bin/busybox "$ctx/root/bin/busybox"
  for a in $(/bin/busybox --list); do
    [[ "$a" == busybox ]] || ln -sf busybox "$ctx/root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$ctx/root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ctx/root/etc/group"
  printf 'FROM scratch\nCOPY root/ /\nENV PATH=/bin\nCMD ["/bin/sh"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$RG_TOOLBOX_IMAGE" "$ctx" >"$log" 2>&1 || rg_die "docker build of the toolbox image failed (log: $log)"
  rm -rf "$ctx"
}

# The default StorageClass's provisioner. It only talks to the API server (in-cluster config: the ServiceAccount's
# token and CA are mounted), so it needs no files but its own; it runs as nobody.
build_local_path() {
  local ctx log="$LOGS/image-local-path.log"
  [[ -x "$RG_LOCAL_PATH_BIN/local-path-provisioner" ]] || rg_die "local-path-provisioner binary missing: run cluster/build.sh first"
  ctx="$(mktemp -d)"
  rg_log "building $RG_LOCAL_PATH_IMAGE (log: $log)"
  cp "$RG_LOCAL_PATH_BIN/local-path-provisioner" "$ctx/local-path-provisioner"
  printf 'FROM scratch\nCOPY local-path-provisioner /local-path-provisioner\nUSER 65534:65534\nENTRYPOINT ["/local-path-provisioner"]\n' >"$ctx/Dockerfile"
  docker build -q -t "$RG_LOCAL_PATH_IMAGE" "$ctx" >"$log" 2>&1 || rg_die "docker build of the local-path-provisioner image failed (log: $log)"
  rm -rf "$ctx"
}

targets=("$@")
((${#targets[@]})) || targets=(base pause coredns toolbox local-path)
for t in "${targets[@]}"; do
  case "$t" in
    base) have_image "$RG_BASE_IMAGE" || build_base ;;
    pause) have_image "$RG_PAUSE_IMAGE" || build_pause ;;
    coredns) have_image "$RG_COREDNS_IMAGE" || build_coredns ;;
    toolbox) have_image "$RG_TOOLBOX_IMAGE" || build_toolbox ;;
    local-path) have_image "$RG_LOCAL_PATH_IMAGE" || build_local_path ;;
    *) rg_die "unknown image '$t' (base, pause, coredns, toolbox, local-path)" ;;
  esac
done
rg_log "images ready: $(for t in "${targets[@]}"; do case $t in base) echo -n "$RG_BASE_IMAGE ";; pause) echo -n "$RG_PAUSE_IMAGE ";; coredns) echo -n "$RG_COREDNS_IMAGE ";; toolbox) echo -n "$RG_TOOLBOX_IMAGE ";; local-path) echo -n "$RG_LOCAL_PATH_IMAGE ";; esac; done)"
