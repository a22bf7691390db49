#!/usr/bin/env bash
# Failover time on the real cluster, measured (never asserted) by the e2e suite: runs the failover tests
# RUNS times (default 3) and appends a table of "fault to first acknowledged write" per scenario to
# bench/REPORT.md. Needs the cluster and images (scripts/k8s-up.sh does both). Usage: bench/k8s-failover.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
TIMES=e2e/target/failover-times.txt

KUBECONFIG=$(scripts/k8s-up.sh | tail -1)
export KUBECONFIG
rm -f "$TIMES"
load=$(cut -d' ' -f1 /proc/loadavg)
for i in $(seq 1 "$RUNS"); do
  # A failed run still records the scenarios that failed over; the table says how many runs each has.
  ./mvnw -B -q verify -Pe2e -pl e2e -am -DskipTests -Dit.test='FailoverIT,OperatorLeaderFailoverIT,SwitchoverIT' \
    -Dfailsafe.failIfNoSpecifiedTests=false >"target/bench-k8s-failover-$i.log" 2>&1 || echo "run $i had failures (see target/bench-k8s-failover-$i.log)"
done
{
  echo
  echo "## Failover on Kubernetes ($(date -u +%F), load average $load at start, $RUNS runs)"
  echo
  echo "Fault to first write acknowledged after the outage, as the LoadGenerator's clients saw it (ms)."
  echo
  echo "| scenario | runs | min | median | max |"
  echo "|---|---|---|---|---|"
  sed -n 's/^[^ ]* \([^ ]*\) *fault-to-first-write-ms=\([0-9]*\).*/\1 \2/p' "$TIMES" | sort -k1,1 -k2,2n |
    awk '{v[$1]=v[$1] " " $2; n[$1]++} END {for (s in v) {split(substr(v[s],2), a, " ");
      printf "| %s | %d | %d | %d | %d |\n", s, n[s], a[1], a[int((n[s]+1)/2)], a[n[s]]}}' | sort
} | tee -a bench/REPORT.md
