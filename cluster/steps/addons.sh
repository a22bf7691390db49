# shellcheck shell=bash
# up.sh's step: CoreDNS, and the smoke test (a pod resolves the API Service and reaches it). Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apply_coredns() {
  kc_apply coredns.yaml RG_CLUSTER_DOMAIN RG_COREDNS_IMAGE RG_DNS_SVC_IP
}

smoke_test() {
  local ns=default pod=rg-smoke out
  kc -n "$ns" delete pod "$pod" --ignore-not-found --wait=true >/dev/null 2>&1 || true
  kc_apply smoke-pod.yaml POD="$pod" RG_TOOLBOX_IMAGE RG_CLUSTER_DOMAIN -- -n "$ns"
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
