#!/usr/bin/env bash
# `make soak [FAULTS=100] [SEED=...]`: FAULTS consecutive faults of mixed kinds on one group under load (e2e SoakIT:
# pod deleted, JVM SIGKILL, SIGSTOP, partitions, switchover, scale down/up, the operator's leader killed at a random
# point of a failover or switchover, both operator pods gone while the primary dies), in an order drawn from SEED
# (default: the clock; printed, and the same SEED and FAULTS replay it). Appends the per-kind table (count, fault ->
# first acknowledged write p50/p99, failed checks, failures to heal, time per fault) to bench/REPORT.md with date,
# commit, settings and machine load. Exit status: the soak's. Details: e2e/target/soak/ (plan, results, the
# failures' text), e2e/target/e2e-dumps/soak-seed-*/ (diagnostics), e2e/target/lincheck/ (histories).
# The cluster may be shared: it runs under flock /tmp/replicagroup-cluster.lock (waiting for it).
# Usage: bench/soak.sh [FAULTS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
FAULTS=${1:-100}
SEED=${2:-$(date +%s%3N)}
[[ "$FAULTS" =~ ^[1-9][0-9]*$ ]] || { echo "FAULTS must be a positive number (9 is one of each kind), got '$FAULTS'" >&2; exit 2; }
[[ "$SEED" =~ ^-?[0-9]+$ ]] || { echo "SEED must be a whole number (the one a soak printed, to replay it), got '$SEED'" >&2; exit 2; }

LOCK=${RG_CLUSTER_LOCK:-/tmp/replicagroup-cluster.lock}
if [ -z "${RG_BENCH_LOCKED:-}" ]; then
  # Build the apps before taking the lock (minutes of Maven); only images and the cluster need it.
  if [ ! -f replica-app/target/quarkus-app/quarkus-run.jar ] || [ ! -f operator/target/quarkus-app/quarkus-run.jar ]; then
    ./mvnw -B -q -DskipTests package
  fi
  echo "== waiting for the cluster lock $LOCK" >&2
  exec env RG_BENCH_LOCKED=1 flock -o "$LOCK" "$0" "$FAULTS" "$SEED"
fi

KUBECONFIG=$(scripts/k8s-up.sh | tail -1)
export KUBECONFIG
mkdir -p target
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_begin
rm -rf e2e/target/soak
log=target/soak.log
echo "== soak: $FAULTS faults, seed $SEED (log: $log)"
status=0
./mvnw -B verify -Pe2e -pl e2e -am -DskipTests -Dit.test=SoakIT -Dsoak.faults="$FAULTS" -Dsoak.seed="$SEED" \
  -Dfailsafe.failIfNoSpecifiedTests=false >"$log" 2>&1 || status=$?
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "## $started — soak, $FAULTS faults, seed $SEED (make soak FAULTS=$FAULTS SEED=$SEED)"
  echo
  bench_machine
  echo "$load_end at the end. Settings: the example group (3 replicas, syncAcks 1, the CR's default failover"
  echo "timing), FailoverCheck's load (4 clients through the primary Service, 30 % reads) and register workload"
  echo "(2 clients, 5 keys, checked by tools/lincheck) per fault; leader kills at a random point 0-3 s after the"
  echo "fault; the operators-gone fault keeps both operator pods away for 60 s. *write* = fault → first write"
  echo "acknowledged after the outage (ms, nearest rank); *failed checks* = a fault after which a check failed"
  echo "(lost write, stale read, not linearizable, two primaries, an inconsistent term, status or events) and the"
  echo "group healed; *failures to heal* end the soak. Order and results: e2e/target/soak/."
  [ "$status" = 0 ] || echo "The soak failed (exit $status): see $log and e2e/target/soak/."
  echo
  if [ -f e2e/target/soak/summary.md ]; then
    cat e2e/target/soak/summary.md
  elif [ -f e2e/target/soak/results.txt ]; then
    echo "No summary: the soak was stopped before its end (see $log). The faults it finished:"
    echo
    sed 's/^/    /' e2e/target/soak/results.txt
  else
    echo "No summary: the soak stopped before its first fault (see $log)."
  fi
} | tee -a bench/REPORT.md
exit "$status"
