#!/usr/bin/env bash
# `make bench-failover [KIND=...] [RUNS=10]`: each fault kind RUNS times on the local cluster (or KUBECONFIG's; see
# CLUSTER_ENGINE in scripts/k8s-up.sh), as the e2e suite injects it (one group per kind, the fault repeated on it
# with -De2e.repeat, the group healed in between), then appends p50/p90/p99/max of fault -> first acknowledged
# write and of each failover step (from the operator's status.lastFailover) to bench/REPORT.md, with date, commit,
# settings and machine load.
# KIND: all (default), or one or more of the names below, comma-separated. The suite's timing ceiling is off
# here: measured, not asserted.
# Usage: bench/k8s-failover.sh [KIND] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
KIND=${1:-all}
RUNS=${2:-10}
TIMES=e2e/target/failover-times.txt

declare -A TEST=(
  [pod-deleted]='FailoverIT#primaryPodDeleted'
  [sigkill]='FailoverIT#primaryJvmKilled'
  [sigstop]='FailoverIT#primaryFrozen'
  [partition]='PartitionIT#primaryPartitionedFromItsHelpers'
  [partition-all]='PartitionIT#primaryPartitionedFromItsHelpersAndTheOperator'
  [kubelet]='NodeLossIT#kubeletStoppedWhileThePrimaryIsFrozen'
  [leader]='OperatorLeaderFailoverIT'
  [pause]='PauseIT'
)
ORDER="pod-deleted sigkill sigstop partition partition-all kubelet leader pause"
if [ "$KIND" = all ]; then kinds=$ORDER
else
  kinds=${KIND//,/ }
  for kind in $kinds; do
    [ -n "${TEST[$kind]:-}" ] || { echo "unknown KIND '$kind'; all, or one or more (comma-separated) of: $ORDER" >&2; exit 2; }
  done
fi
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive number, got '$RUNS'" >&2; exit 2; }

KUBECONFIG=$(scripts/k8s-up.sh | tail -1)
export KUBECONFIG
mkdir -p target
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_begin
rm -f "$TIMES"
failed=""
for kind in $kinds; do
  log="target/bench-failover-$kind.log"
  echo "== $kind: ${TEST[$kind]} x $RUNS (log: $log)"
  ./mvnw -B verify -Pe2e -pl e2e -am -DskipTests -Dit.test="${TEST[$kind]}" -De2e.repeat="$RUNS" \
    -De2e.fault-ceiling-ms=600000 -De2e.leader-ceiling-ms=600000 -Dfailsafe.failIfNoSpecifiedTests=false >"$log" 2>&1 || failed="$failed $kind"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# nearest-rank percentiles of one key=value field over the lines of one scenario; "-" when none
# (-1 is "not known" except in clients-ms, which is below 0 when the clients found the new primary before the
# Service moved, and "-" when not known)
stats() { # scenario field
  grep -E "^[^ ]+ $1 " "$TIMES" 2>/dev/null | grep -o "$2=-\?[0-9]*" | cut -d= -f2 |
    awk -v f="$2" '$1 ~ /^-?[0-9]+$/ && ($1 >= 0 || f == "clients-ms")' | sort -n |
    awk '{v[NR]=$1} END {if (NR == 0) {print "| - | - | - | - | 0 "; exit}
      split("0.5 0.9 0.99", p, " "); line="";
      for (i = 1; i <= 3; i++) {r = int(p[i] * NR); if (r < p[i] * NR) r++; line = line "| " v[r] " "}
      print line "| " v[NR] " | " NR " "}'
}
declare -A SCENARIO=([pod-deleted]=pod-deleted [sigkill]=jvm-killed [sigstop]=frozen-sigstop
  [partition]=partition-helpers [partition-all]=partition-all [kubelet]=kubelet-stopped [leader]=leader-killed)
{
  echo
  echo "## $started — failover on Kubernetes, $RUNS runs per kind (make bench-failover KIND=$KIND RUNS=$RUNS)"
  echo
  bench_machine
  echo "$load_end at the end. Settings: the example group (3 replicas, syncAcks 1, the CR's default failover"
  echo "timing), FailoverCheck's load (4 clients through the primary Service, 30 % reads, 1 s per attempt),"
  echo "the fault repeated on one group per kind, healed in between. Times in ms: *write* = fault → first write"
  echo "acknowledged after the outage (as the clients saw it); the steps from status.lastFailover: *detect* = fault →"
  echo "detectedAt, *promote* = detectedAt → promotedAt, *repoint* = promotedAt → repointedAt, *complete* ="
  echo "repointedAt → completedAt; *clients* = repointedAt → that first write (the new primary's hold-off and first"
  echo "commit, the clients' move). Each cell: p50 / p90 / p99 / max (n)."
  [ -z "$failed" ] || echo "Runs of$failed stopped early on a failed check (see target/bench-failover-<kind>.log); n counts what was measured."
  echo
  echo "| kind | write | detect | promote | repoint | complete | clients |"
  echo "|---|---|---|---|---|---|---|"
  for kind in $kinds; do
    [ "$kind" = pause ] && continue
    row="| $kind "
    for field in fault-to-first-write-ms detect-ms promote-ms repoint-ms complete-ms clients-ms; do
      row="$row| $(stats "${SCENARIO[$kind]}" "$field" | sed 's/^| //; s/ | / \/ /g; s/ \/ \([0-9-]*\) $/ (\1)/') "
    done
    echo "$row|"
  done
  if [[ " $kinds " == *" pause "* ]]; then
    rounds=$(grep -c -E '^[^ ]+ pause ' "$TIMES" 2>/dev/null || true)
    spurious=$(grep -E '^[^ ]+ pause ' "$TIMES" 2>/dev/null | grep -o 'spurious-failovers=[0-9]*' | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
    echo
    echo "Pause test: ${rounds:-0} rounds of pauses (300 ms SIGSTOP every 3 s for 60 s): $spurious spurious failovers;"
    echo "longest write pause p50 / p90 / p99 / max (n): $(stats pause longest-write-pause-ms | sed 's/^| //; s/ | / \/ /g; s/ \/ \([0-9-]*\) $/ (\1)/')."
  fi
} | tee -a bench/REPORT.md
