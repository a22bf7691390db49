#!/usr/bin/env bash
# `make bench-operator [GROUPS=50] [WINDOW=180]`: the operator at rest. Installs the operator (Helm, its own release
# and namespaces, watching only the bench's namespace), creates GROUPS small groups (1 replica each), waits until all
# are Running and a minute more, then samples over WINDOW seconds (three samples, two halves):
#   - the operator's API requests per group per minute, from the API server's /metrics: API Priority and Fairness
#     puts every request of a service account outside kube-system in the flow schema "service-accounts"; the
#     operator's is the only one here, and a baseline taken before the install is subtracted. Its Lease renewals
#     (leader election, which do not grow with the groups) are shown apart (apiserver_request_total{resource=leases},
#     less the same baseline);
#   - reconcile latency (the operator's replicagroup_reconcile_duration_seconds, read from the leader);
#   - the leading operator pod's RSS and CPU (its JVM's /proc, found by the pod's cgroup; the cluster runs here);
# and appends a section to bench/REPORT.md with date, commit, settings and the machine's load.
# The cluster may be shared: everything runs under flock /tmp/replicagroup-cluster.lock (waiting for it), the images
# are built and loaded inside the lock, and everything created (namespaces cache-bench-*, the Helm release, the CRD
# if it was not there) is deleted before the lock is released.
# JVM_OPTIONS=... replaces the chart's jvmOptions (to try flags; with -XX:NativeMemoryTracking=summary the report
# adds the JVM's own account of its memory, from jcmd on the host).
# Usage: bench/operator-at-rest.sh [GROUPS] [WINDOW]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50}
WINDOW=${2:-180}
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "GROUPS must be a positive number, got '$N'" >&2; exit 2; }
[[ "$WINDOW" =~ ^[1-9][0-9]*$ ]] || { echo "WINDOW must be a positive number of seconds, got '$WINDOW'" >&2; exit 2; }

LOCK=${RG_CLUSTER_LOCK:-/tmp/replicagroup-cluster.lock}
if [ -z "${RG_BENCH_LOCKED:-}" ]; then
  # Build the apps before taking the lock (minutes of Maven); only images and the cluster need it.
  if [ ! -f replica-app/target/quarkus-app/quarkus-run.jar ] || [ ! -f operator/target/quarkus-app/quarkus-run.jar ]; then
    ./mvnw -B -q -DskipTests package
  fi
  echo "== waiting for the cluster lock $LOCK" >&2
  exec env RG_BENCH_LOCKED=1 flock "$LOCK" "$0" "$@"
fi

PREFIX=cache-bench
OP_NS=$PREFIX-operator
NS=$PREFIX-groups
RELEASE=$PREFIX
VERSION=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
CRD=replicagroups.replicagroup.dev
export KUBECONFIG=${KUBECONFIG:-/var/lib/replicagroup-cluster/kubeconfig}
# The pinned kubectl and helm of the local cluster (Debian's kubectl is too old); PATH otherwise.
[ -d /var/cache/replicagroup/bin/current ] && export PATH=/var/cache/replicagroup/bin/current:$PATH
OUT=target/bench-operator
mkdir -p "$OUT"
say() { printf '== %s %s\n' "$(date +%T)" "$*" >&2; }

created_crd=false
cleanup() {
  # The operator pods' logs (and those of the runs before a restart) outlive the namespace in $OUT.
  for p in $(kubectl get pods -n "$OP_NS" -o name 2>/dev/null); do
    kubectl logs -n "$OP_NS" "$p" >"$OUT/${p#pod/}.log" 2>&1 || true
    kubectl logs -n "$OP_NS" "$p" --previous >"$OUT/${p#pod/}.previous.log" 2>/dev/null || true
  done
  say "cleaning up: release $RELEASE, namespaces $NS $OP_NS$($created_crd && echo ", CRD $CRD")"
  kubectl delete rg --all -n "$NS" --wait=false >/dev/null 2>&1 || true
  helm uninstall "$RELEASE" -n "$OP_NS" --wait >/dev/null 2>&1 || true
  kubectl delete namespace "$NS" "$OP_NS" --ignore-not-found --wait=true --timeout=5m >/dev/null 2>&1 || true
  if $created_crd; then kubectl delete crd "$CRD" --ignore-not-found --wait=true >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_begin

say "images (built and loaded inside the lock: the tags are shared)"
if [ "$KUBECONFIG" = /var/lib/replicagroup-cluster/kubeconfig ]; then
  scripts/build-images.sh --load >&2
else
  scripts/build-images.sh >&2
  [ -z "${RG_IMAGE_LOADER:-}" ] || $RG_IMAGE_LOADER "replicagroup/replica:$VERSION" "replicagroup/operator:$VERSION" >&2
fi
kubectl get crd "$CRD" >/dev/null 2>&1 || created_crd=true
kubectl delete namespace "$NS" "$OP_NS" --ignore-not-found --wait=true >/dev/null

# --- samples --------------------------------------------------------------------------------------------------
apiserver() { kubectl get --raw /metrics; }
# the "service-accounts" flow schema's dispatched requests; Lease requests (all clients)
sa_requests() { grep '^apiserver_flowcontrol_dispatched_requests_total{' | grep 'flow_schema="service-accounts"' |
  awk '{s += $NF} END {printf "%d\n", s}'; }
lease_requests() { grep '^apiserver_request_total{' | grep 'resource="leases"' | awk '{s += $NF} END {printf "%d\n", s}'; }
by_verb() { grep '^apiserver_request_total{' | grep -E 'resource="(replicagroups|pods|services|secrets|poddisruptionbudgets|events|leases)"' |
  sed -E 's/.*[{,]resource="([^"]*)".*[{,]subresource="([^"]*)".*[{,]verb="([^"]*)".* ([0-9.e+]+)$/\3 \1\/\2 \4/' |
  awk '{k = $1 " " $2; s[k] += $3} END {for (k in s) printf "%s %d\n", k, s[k]}' | sed 's:/ : :' | sort; }
sample() { # name: apiserver metrics to $OUT/<name>.apiserver, time to $OUT/<name>.time
  apiserver >"$OUT/$1.apiserver"; date +%s.%N >"$OUT/$1.time"
}
elapsed() { awk -v a="$(cat "$OUT/$1.time")" -v b="$(cat "$OUT/$2.time")" 'BEGIN {printf "%.1f", b - a}'; }
delta() { # fn from to
  echo $(( $($1 <"$OUT/$3.apiserver") - $($1 <"$OUT/$2.apiserver") ))
}

say "baseline: the cluster without the operator, 30 s"
sample base0; sleep 30; sample base1
base_dt=$(elapsed base0 base1)
base_sa=$(delta sa_requests base0 base1)
base_lease=$(delta lease_requests base0 base1)

say "helm install $RELEASE (namespace $OP_NS, watching $NS)"
kubectl create namespace "$NS" >/dev/null
helm install "$RELEASE" helm/replicagroup-operator --namespace "$OP_NS" --create-namespace --wait --timeout 5m \
  --set image.repository=replicagroup/operator --set image.tag="$VERSION" --set image.pullPolicy=IfNotPresent \
  --set replicaImage="replicagroup/replica:$VERSION" --set "watchNamespaces={$NS}" \
  ${JVM_OPTIONS:+--set-string "jvmOptions=$JVM_OPTIONS"} >&2
jvm_options=$(helm get values "$RELEASE" -n "$OP_NS" --all -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["jvmOptions"])')

running() { kubectl get rg -n "$NS" -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' 2>/dev/null | grep -c '^Running$' || true; }
# In batches of 10, each Running before the next: 50 JVMs starting at once on 2 cores starve the operator's
# Lease renewals (3 s lease), and a leader that cannot renew exits by design.
say "creating $N groups of 1 replica in $NS, 10 at a time"
t_created=$(date +%s)
for first in $(seq 1 10 "$N"); do
  last=$((first + 9 > N ? N : first + 9))
  for i in $(seq "$first" "$last"); do
    cat <<EOF
---
apiVersion: replicagroup.dev/v1alpha1
kind: ReplicaGroup
metadata:
  name: $(printf 'g%02d' "$i")
  namespace: $NS
spec:
  replicas: 1
  syncAcks: 0
  resources:
    requests: {cpu: 5m, memory: 64Mi}
    limits: {memory: 256Mi}
EOF
  done | kubectl apply -f - >/dev/null
  deadline=$(($(date +%s) + 600))
  until [ "$(running)" -ge "$last" ]; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      say "groups not Running after 10 min: $(running) of $last"
      kubectl get rg -n "$NS" >&2 || true
      kubectl get pods -n "$OP_NS" >&2 || true
      kubectl logs -n "$OP_NS" -l app.kubernetes.io/instance="$RELEASE" --tail=30 >&2 || true
      exit 1
    fi
    sleep 5
  done
  say "$last Running"
done
t_running=$(date +%s)
say "all $N Running after $((t_running - t_created)) s; settling 60 s"
sleep 60

leader=$(kubectl get lease -n "$OP_NS" replicagroup-operator-lease -o jsonpath='{.spec.holderIdentity}')
uid=$(kubectl get pod -n "$OP_NS" "$leader" -o jsonpath='{.metadata.uid}')
pid=""
for p in $(pgrep -f 'quarkus-run.jar' || true); do
  if grep -q -e "pod$uid" -e "pod${uid//-/_}" "/proc/$p/cgroup" 2>/dev/null; then pid=$p; fi
done
operator_metrics() { kubectl get --raw "/api/v1/namespaces/$OP_NS/pods/$leader:8080/proxy/q/metrics"; }
reconciles() { grep -E '^replicagroup_reconcile_duration_seconds_(count|sum)\{' | grep "namespace=\"$NS\"" |
  awk '/_count\{/ {c += $NF} /_sum\{/ {s += $NF} END {printf "%d %.6f\n", c, s}'; }
cpu_ticks() { [ -n "$pid" ] && awk '{print $14 + $15}' "/proc/$pid/stat" || echo 0; }
rss_mb() { [ -n "$pid" ] && awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status" || echo "-"; }

say "sampling over $WINDOW s (leader $leader, pid ${pid:-not found})"
{ operator_metrics | reconciles || echo "0 0"; } >"$OUT/r0"; cpu0=$(cpu_ticks); sample s0
kubectl get rg -n "$NS" -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.resourceVersion}{"\n"}{end}' |
  sort >"$OUT/versions0"
sleep $((WINDOW / 2))
sample s1; rss_mid=$(rss_mb)
sleep $((WINDOW - WINDOW / 2))
{ operator_metrics | reconciles || echo "0 0"; } >"$OUT/r2"; cpu2=$(cpu_ticks); sample s2; rss_end=$(rss_mb)
operator_metrics >"$OUT/operator.metrics"
nmt=""
if [ -n "$pid" ] && [[ "$jvm_options" == *NativeMemoryTracking* ]] && command -v jcmd >/dev/null; then
  jcmd "$pid" VM.native_memory summary >"$OUT/nmt.txt" 2>&1 || true
  # "-  Class (reserved=..., committed=...)" -> "Class 64", the committed MB per category, largest first
  nmt=$(sed -n 's/^-  *\([A-Za-z ]*[A-Za-z]\) (reserved=[0-9]*KB, committed=\([0-9]*\)KB.*/\2 \1/p' "$OUT/nmt.txt" |
    sort -rn | awk '$1 >= 1024 {printf "%s%s %d", sep, substr($0, index($0, " ") + 1), $1 / 1024; sep=", "}')
fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
restarts=$(kubectl get pods -n "$OP_NS" -o jsonpath='{range .items[*]}{.metadata.name}={.status.containerStatuses[0].restartCount} {end}')
phases=$(kubectl get rg -n "$NS" -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
rewritten=$(kubectl get rg -n "$NS" -o jsonpath='{range .items[*]}{.metadata.name} {.metadata.resourceVersion}{"\n"}{end}' |
  sort | comm -13 "$OUT/versions0" - | wc -l)

# requests per group per minute over [from, to]: the operator's (service-accounts less baseline), its Lease share
rate() { # from to -> "total leases others"
  local dt sa lease
  dt=$(elapsed "$1" "$2"); sa=$(delta sa_requests "$1" "$2"); lease=$(delta lease_requests "$1" "$2")
  awk -v dt="$dt" -v sa="$sa" -v lease="$lease" -v bdt="$base_dt" -v bsa="$base_sa" -v blease="$base_lease" -v n="$N" \
    'BEGIN {t = (sa - bsa * dt / bdt) * 60 / dt / n; l = (lease - blease * dt / bdt) * 60 / dt / n;
      if (t < 0) t = 0; if (l < 0) l = 0; if (l > t) l = t; printf "%.2f %.2f %.2f", t, l, t - l}'
}
read -r t1 l1 o1 <<<"$(rate s0 s1)"
read -r t2 l2 o2 <<<"$(rate s1 s2)"
read -r c0 sum0 <"$OUT/r0"; read -r c2 sum2 <"$OUT/r2"
passes=$((c2 - c0))
mean_ms=$(awk -v c="$passes" -v s0="$sum0" -v s2="$sum2" 'BEGIN {if (c > 0) printf "%.2f", (s2 - s0) * 1000 / c; else print "-"}')
max_ms=$(grep -E '^replicagroup_reconcile_duration_seconds_max\{' "$OUT/operator.metrics" | grep "namespace=\"$NS\"" |
  awk '{if ($NF > m) m = $NF} END {printf "%.1f", m * 1000}' || true)
window_s=$(elapsed s0 s2)
cpu_pct=$(awk -v a="$cpu0" -v b="$cpu2" -v hz="$(getconf CLK_TCK)" -v dt="$window_s" 'BEGIN {printf "%.1f", (b - a) / hz / dt * 100}')
verbs=$(for v in s0 s2; do by_verb <"$OUT/$v.apiserver" >"$OUT/$v.verbs"; done
  join -a2 -e0 -o '0,1.2,2.2' <(awk '{print $1 "_" $2, $3}' "$OUT/s0.verbs" | sort) \
    <(awk '{print $1 "_" $2, $3}' "$OUT/s2.verbs" | sort) | awk '$3 - $2 > 0 {printf "%s %d; ", $1, $3 - $2}')

{
  echo
  echo "## $started — the operator at rest, $N groups (make bench-operator GROUPS=$N WINDOW=$WINDOW)"
  echo
  bench_machine
  echo "$load_end at the end. Settings: the chart's defaults (2 operator pods, Lease 3 s / renew every 1 s / deadline"
  echo "2.5 s, resync 1 s for groups not at rest), JVM options \`$jvm_options\`, watching one namespace; $N groups of 1"
  echo "replica (syncAcks 0), all Running"
  echo "$((t_running - t_created)) s after creation, then 60 s to settle; samples over ${window_s} s at rest."
  echo "Requests: the API server's APF flow schema \"service-accounts\" (the operator pods are its only clients here),"
  echo "less a 30 s baseline without the operator ($base_sa requests in ${base_dt} s); Leases from"
  echo "apiserver_request_total{resource=leases} less the same baseline. Goals: ≤ 2 requests per group per minute,"
  echo "RSS ≤ 200 MB."
  echo
  echo "| | first half | second half |"
  echo "|---|---|---|"
  echo "| API requests per group per minute, all | $t1 | $t2 |"
  echo "| of which Lease (leader election: both pods, independent of the groups) | $l1 | $l2 |"
  echo "| of which everything else (groups, pods, Services, ...) | $o1 | $o2 |"
  echo
  echo "Apiserver requests in the window by verb and resource (all clients): ${verbs:-none}"
  echo "Groups whose object (status) was rewritten in the window: $rewritten of $N."
  echo "Reconciles in the window: $passes (${mean_ms} ms mean; largest recent max ${max_ms} ms); groups by phase at the"
  echo "end: $phases. Leading operator pod $leader: RSS ${rss_mid} MB (mid-window), ${rss_end} MB (end);"
  echo "CPU ${cpu_pct} % of one core over the window. Operator pod restarts (since install): $restarts."
  if [ -n "$nmt" ]; then echo "The JVM's own account (NMT, committed MB by category, 1 MB or more): $nmt."; fi
} | tee -a bench/REPORT.md
