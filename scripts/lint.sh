#!/usr/bin/env bash
# `make lint` (part of `make verify`): ShellCheck on every shell script, `helm lint` on the chart, `buf lint` on
# the proto; zero warnings. Missing tools are installed first: shellcheck with apt-get (Debian's 0.9.0), helm and
# buf built from the Go module proxy into $RG_CACHE_DIR/bin/<tool>-<version>/ (versions pinned in cluster/lib.sh).
# Rules: .shellcheckrc, buf.yaml (each exception with its reason), `helm lint --strict`.
#   scripts/lint.sh [shell|helm|buf]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../cluster/lib.sh
source cluster/lib.sh

# ---------------------------------------------------------------- tools
need_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  if ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then
    rg_die "shellcheck is missing: install it (apt-get install shellcheck) or run this as root on Debian"
  fi
  rg_log "installing shellcheck (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq shellcheck >/tmp/rg-apt-shellcheck.log 2>&1; then
    apt-get update -qq >>/tmp/rg-apt-shellcheck.log 2>&1 || true
    apt-get install -y -qq shellcheck >>/tmp/rg-apt-shellcheck.log 2>&1 ||
      rg_die "apt-get install shellcheck failed (log: /tmp/rg-apt-shellcheck.log)"
  fi
  command -v shellcheck >/dev/null 2>&1 || rg_die "shellcheck is not on PATH after apt-get install shellcheck"
}

# go_tool NAME DIR BUILD-FUNCTION: DIR/NAME exists, or is built now (under build.sh's lock: one Go build at a time).
go_tool() {
  local name="$1" dir="$2" build="$3"
  [[ -x "$dir/$name" ]] && return 0
  if ! mkdir -p "$RG_BIN_DIR" 2>/dev/null || [[ ! -w "$RG_BIN_DIR" ]]; then
    rg_die "$name is missing and $RG_BIN_DIR is not writable: run as root, or set RG_CACHE_DIR to a writable directory"
  fi
  rg_go_env
  exec 9>"$RG_CACHE_DIR/.build.lock"
  flock 9
  [[ -x "$dir/$name" ]] || "$build"
  exec 9>&-
  [[ -x "$dir/$name" ]] || rg_die "$name was not built into $dir"
}
build_buf() { rg_go_install buf github.com/bufbuild/buf/cmd/buf "$RG_BUF_VERSION" "$RG_BUF_BIN"; }

# ---------------------------------------------------------------- checks
# Every file git knows (tracked, or new and not ignored) that is a shell script by name or by shebang.
shell_scripts() {
  local f line
  while IFS= read -r -d '' f; do
    [[ -f "$f" ]] || continue
    if [[ "$f" == *.sh ]]; then printf '%s\n' "$f"; continue; fi
    IFS= read -r line <"$f" || true
    [[ "$line" =~ ^#!.*[/\ ](ba|da|k)?sh([[:space:]]|$) ]] && printf '%s\n' "$f"
  done < <(git ls-files -z --cached --others --exclude-standard)
}

lint_shell() {
  need_shellcheck
  local files=()
  mapfile -t files < <(shell_scripts | sort -u)
  ((${#files[@]})) || rg_die "no shell scripts found (not a git checkout?)"
  rg_log "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#files[@]} scripts"
  shellcheck --format=gcc "${files[@]}"
}

lint_helm() {
  go_tool helm "$RG_HELM_BIN" rg_build_helm
  rg_log "helm lint --strict helm/replicagroup-operator"
  # --strict: a lint warning fails too. The one INFO (no icon in Chart.yaml) is not a warning.
  "$RG_HELM_BIN/helm" lint --strict --quiet helm/replicagroup-operator
  # The optional NetworkPolicy (off by default) must render and lint too, with a client selector.
  local policy=(--set networkPolicy.enabled=true --set 'networkPolicy.namespaces={shop}'
    --set-json 'networkPolicy.clients=[{"podSelector":{"matchLabels":{"replicagroup.dev/client":"true"}}}]')
  rg_log "helm lint --strict and helm template with networkPolicy.enabled=true"
  "$RG_HELM_BIN/helm" lint --strict --quiet helm/replicagroup-operator "${policy[@]}"
  "$RG_HELM_BIN/helm" template replicagroup-operator helm/replicagroup-operator --namespace replicagroup-system \
    "${policy[@]}" --show-only templates/networkpolicy.yaml >/dev/null
  # The Prometheus Operator objects and the dashboard (off by default) must render and lint too.
  local monitoring=(--set metrics.serviceMonitor.enabled=true --set metrics.replicaPodMonitor.enabled=true
    --set metrics.prometheusRule.enabled=true --set metrics.dashboard.enabled=true)
  rg_log "helm lint --strict and helm template with the ServiceMonitor, PodMonitor, PrometheusRule and dashboard on"
  "$RG_HELM_BIN/helm" lint --strict --quiet helm/replicagroup-operator "${monitoring[@]}"
  "$RG_HELM_BIN/helm" template replicagroup-operator helm/replicagroup-operator --namespace replicagroup-system \
    "${monitoring[@]}" --show-only templates/servicemonitor.yaml --show-only templates/podmonitor.yaml \
    --show-only templates/prometheusrule.yaml --show-only templates/dashboard.yaml >/dev/null
  # k8s/install.yaml is the chart rendered for users without Helm: it must not drift from the chart.
  rg_log "k8s/install.yaml is the rendered chart"
  if ! diff -u <(sed 1,3d k8s/install.yaml) \
    <("$RG_HELM_BIN/helm" template replicagroup-operator helm/replicagroup-operator \
      --namespace replicagroup-system --include-crds) >/tmp/rg-install-yaml.diff; then
    head -40 /tmp/rg-install-yaml.diff >&2
    rg_die "k8s/install.yaml differs from the chart (diff above); regenerate it with the command in its first lines"
  fi
}

lint_buf() {
  go_tool buf "$RG_BUF_BIN" build_buf
  rg_log "buf lint (buf.yaml)"
  "$RG_BUF_BIN/buf" lint
}

checks=("$@")
((${#checks[@]})) || checks=(shell helm buf)
failed=()
for c in "${checks[@]}"; do
  case "$c" in
    shell) lint_shell || failed+=(shellcheck) ;;
    helm) lint_helm || failed+=("helm lint") ;;
    buf) lint_buf || failed+=("buf lint") ;;
    *) rg_die "unknown check '$c' (shell, helm, buf)" ;;
  esac
done
((${#failed[@]} == 0)) || rg_die "lint failed: ${failed[*]}"
rg_log "lint clean: ${checks[*]}"
