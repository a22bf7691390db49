# shellcheck shell=bash
# What up.sh's steps share: the cluster's paths and ports, and starting, checking and stopping the processes.
# Sourced (by up.sh and each step), not executed.
# shellcheck disable=SC2034  # the settings are used by the steps that source this file
# shellcheck source=../lib.sh
declare -F rg_render >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" # cluster/

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

kc() { "$KUBECTL" --kubeconfig "$RG_KUBECONFIG" "$@"; }

# ---------------------------------------------------------------- configuration files
# write_config FILE TEMPLATE NAME[=VALUE]...: FILE = the rendered template (rg_render in lib.sh), replaced only
# when its content changed (kube-proxy exits when its config file is touched).
write_config() {
  local f="$1"
  shift
  rg_render "$@" >"$f.new" # not in a pipeline: a template error stops up.sh before FILE is touched
  if cmp -s "$f.new" "$f"; then rm -f "$f.new"; else mv "$f.new" "$f"; fi
}

# kc_apply TEMPLATE NAME[=VALUE]... [-- KUBECTL-ARGS...]: kubectl apply the rendered template.
kc_apply() {
  local args=() m
  while (($#)) && [[ "$1" != -- ]]; do args+=("$1"); shift; done
  (($#)) && shift
  m="$(rg_render "${args[@]}" && echo .)" # the dot keeps trailing newlines; a template error stops up.sh
  printf '%s' "${m%.}" | kc "$@" apply -f - >/dev/null
}

# ---------------------------------------------------------------- processes
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
  rg_detach "$bin" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null
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

local_path_ready() { # the default StorageClass and its provisioner (one kubectl call: up.sh's fast path runs it)
  [[ "$(kc -n local-path-storage get deploy/local-path-provisioner storageclass/local-path \
    -o jsonpath='{.items[0].status.readyReplicas} {.items[1].provisioner}' 2>/dev/null)" == "1 rancher.io/local-path" ]]
}

all_running() {
  local n
  for n in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy; do
    pid_alive "$n" || return 1
  done
  kc get --raw=/readyz >/dev/null 2>&1 && node_ready && coredns_ready && local_path_ready
}

load_pause() {
  RG_CTR_QUIET=1 "$HERE/load-image.sh" "$RG_PAUSE_IMAGE" >/dev/null ||
    rg_die "re-importing the pause image into containerd failed (log: $LOGS/containerd.log)"
}
