# shellcheck shell=bash
# up.sh's step: CoreDNS, the default StorageClass (local-path-provisioner), and the smoke test (a pod resolves the
# API Service and reaches it; a claim binds, a pod writes to it, and deleting the claim deletes the volume).
# Sourced, not executed.
# shellcheck source=common.sh
declare -F start_proc >/dev/null || source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

apply_coredns() {
  kc_apply coredns.yaml RG_CLUSTER_DOMAIN RG_COREDNS_IMAGE RG_DNS_SVC_IP
}

apply_local_path() {
  mkdir -p "$RG_LOCAL_PATH_DIR"
  kc_apply local-path-storage.yaml RG_LOCAL_PATH_DIR RG_LOCAL_PATH_IMAGE RG_TOOLBOX_IMAGE
}

# The smoke test's two checks run in parallel. smoke_start creates their pods and the claim (up.sh calls it as soon
# as the addons are applied, so the pods start while CoreDNS and the provisioner do; the DNS pod retries until
# those answer); smoke_check waits for them, checks, and deletes the claim and its volume.
SMOKE_NS=default SMOKE_POD=rg-smoke SMOKE_PVC_POD=rg-smoke-pvc SMOKE_PVC=rg-smoke SMOKE_CONTENT=""

# A bare pod is refused until the namespace's ServiceAccount "default" exists, which kube-controller-manager creates
# a moment after it starts (a fast node can be Ready before that: CI once failed here).
smoke_namespace_ready() { kc -n "$SMOKE_NS" get serviceaccount default >/dev/null 2>&1; }

smoke_start() {
  wait_for 60 kube-controller-manager "the ServiceAccount $SMOKE_NS/default" smoke_namespace_ready
  SMOKE_CONTENT="smoke $(date -u +%Y-%m-%dT%H:%M:%SZ) $$"
  : >"$LOGS/smoke-test.log"
  kc -n "$SMOKE_NS" delete pod "$SMOKE_POD" "$SMOKE_PVC_POD" --ignore-not-found --wait=true >/dev/null 2>&1 || true
  kc -n "$SMOKE_NS" delete pvc "$SMOKE_PVC" --ignore-not-found --wait=true >/dev/null 2>&1 || true
  kc_apply smoke-pod.yaml POD="$SMOKE_POD" RG_TOOLBOX_IMAGE RG_CLUSTER_DOMAIN -- -n "$SMOKE_NS"
  kc_apply smoke-pvc.yaml POD="$SMOKE_PVC_POD" PVC="$SMOKE_PVC" CONTENT="$SMOKE_CONTENT" RG_TOOLBOX_IMAGE -- -n "$SMOKE_NS"
}

smoke_test() { smoke_start && smoke_check; }

smoke_check() {
  local ns="$SMOKE_NS" pod="$SMOKE_POD" pvc_pod="$SMOKE_PVC_POD" pvc="$SMOKE_PVC" content="$SMOKE_CONTENT"
  local out phase="" pvc_phase="" pv="" dir=""
  local deadline=$((SECONDS + 120)) pvc_pod_phase=""
  while ((SECONDS < deadline)); do
    [[ "$phase" == Succeeded || "$phase" == Failed ]] ||
      phase="$(kc -n "$ns" get pod "$pod" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
    [[ "$pvc_pod_phase" == Succeeded || "$pvc_pod_phase" == Failed ]] ||
      pvc_pod_phase="$(kc -n "$ns" get pod "$pvc_pod" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
    [[ "$phase" == Succeeded || "$phase" == Failed ]] &&
      [[ "$pvc_pod_phase" == Succeeded || "$pvc_pod_phase" == Failed ]] && break
    sleep 1
  done

  out="$(kc -n "$ns" logs "$pod" 2>&1 || true)"
  echo "$out" >>"$LOGS/smoke-test.log"
  if [[ "$phase" != Succeeded ]] || ! grep -q SMOKE-OK <<<"$out"; then
    kc -n "$ns" describe pod "$pod" >>"$LOGS/smoke-test.log" 2>&1 || true
    rg_die "test pod $pod did not resolve kubernetes.default.svc.$RG_CLUSTER_DOMAIN / reach the API (phase '$phase'; log: $LOGS/smoke-test.log, kubelet log: $LOGS/kubelet.log)"
  fi
  kc -n "$ns" delete pod "$pod" --wait=false >/dev/null 2>&1 || true

  # Storage: the claim Bound to a PV of local-path, the pod's file in the PV's directory on the node.
  out="$(kc -n "$ns" logs "$pvc_pod" 2>&1 || true)"
  echo "$out" >>"$LOGS/smoke-test.log"
  pvc_phase="$(kc -n "$ns" get pvc "$pvc" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
  pv="$(kc -n "$ns" get pvc "$pvc" -o jsonpath='{.spec.volumeName}' 2>/dev/null || true)"
  [[ -n "$pv" ]] && dir="$(kc get pv "$pv" -o jsonpath='{.spec.hostPath.path}' 2>/dev/null || true)"
  echo "claim $pvc: $pvc_phase, volume ${pv:-none} in ${dir:-?}" >>"$LOGS/smoke-test.log"
  if [[ "$pvc_pod_phase" != Succeeded || "$pvc_phase" != Bound ]] || ! grep -q PVC-OK <<<"$out"; then
    smoke_storage_diagnostics "$ns" "$pvc_pod" "$pvc"
    rg_die "claim $pvc of the default StorageClass did not bind, or pod $pvc_pod could not write to it (claim '$pvc_phase', pod '$pvc_pod_phase'; log: $LOGS/smoke-test.log)"
  fi
  if [[ "$dir" != "$RG_LOCAL_PATH_DIR"/* ]] || ! grep -qxF "$content" "$dir/smoke.txt" 2>/dev/null; then
    smoke_storage_diagnostics "$ns" "$pvc_pod" "$pvc"
    rg_die "volume $pv of claim $pvc is not a directory under $RG_LOCAL_PATH_DIR holding the pod's file (path '$dir'; log: $LOGS/smoke-test.log)"
  fi

  # Reclaim policy Delete: deleting pod and claim deletes the PV, and the teardown helper pod its directory.
  kc -n "$ns" delete "pod/$pvc_pod" "pvc/$pvc" --wait=true >/dev/null 2>&1 || true
  kc wait --for=delete "pv/$pv" --timeout=60s >/dev/null 2>&1 || true
  # (the provisioner deletes the PV after its teardown helper pod succeeded)
  if kc get pv "$pv" >/dev/null 2>&1 || [[ -e "$dir" ]]; then
    smoke_storage_diagnostics "$ns" "$pvc_pod" "$pvc"
    kc get pv "$pv" -o yaml >>"$LOGS/smoke-test.log" 2>&1 || true
    rg_die "volume $pv (directory $dir) was not deleted within 60s of its claim (log: $LOGS/smoke-test.log)"
  fi
  echo "claim $pvc deleted: volume $pv and $dir deleted" >>"$LOGS/smoke-test.log"
}

smoke_storage_diagnostics() { # NAMESPACE POD PVC
  {
    kc -n "$1" describe pod "$2"
    kc -n "$1" describe pvc "$3"
    kc -n local-path-storage get pods -o wide
    kc -n local-path-storage logs deploy/local-path-provisioner --tail=50
  } >>"$LOGS/smoke-test.log" 2>&1 || true
}
