#!/usr/bin/env bash
# Benchmark: write throughput and latency of a 3-replica group on loopback (syncAcks 1), through the client
# library, for several client counts. Appends a table to bench/REPORT.md.
# Usage: bench/replica-load.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-15}
JAR=replica-app/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || ./mvnw -B -q -DskipTests package
OUT=target/bench; mkdir -p "$OUT"
export REPLICA_ADMIN_TOKEN=bench
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
java -jar "$JAR" serve --port 7201 >"$OUT/r0.log" 2>&1 & pids+=($!)
sleep 3
java -jar "$JAR" serve --port 7202 --tbc 127.0.0.1:7201 >"$OUT/r1.log" 2>&1 & pids+=($!)
java -jar "$JAR" serve --port 7203 --tbc 127.0.0.1:7201 >"$OUT/r2.log" 2>&1 & pids+=($!)
sleep 4
S=127.0.0.1:7201,127.0.0.1:7202,127.0.0.1:7203
java -jar "$JAR" load -s "$S" --clients 4 --duration 5 --no-verify >/dev/null   # warm-up (JIT)
{
  echo
  echo "### $(date -u +%Y-%m-%dT%H:%MZ) — 3 replicas, syncAcks 1, loopback, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at start"
  echo
  echo "| clients | writes/s | p50 ms | p99 ms | max ms | errors |"
  echo "|---|---|---|---|---|---|"
  for c in 1 4 16; do
    line=$(java -jar "$JAR" load -s "$S" --clients "$c" --duration "$SECONDS_PER_RUN" --no-verify | head -1)
    echo "$line" | sed -E 's/writes: ([0-9]+) ok, ([0-9]+) errors in [0-9.]+ s = ([0-9]+) writes\/s; latency p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms.*/| '"$c"' | \3 | \4 | \5 | \6 | \2 |/'
  done
} | tee -a bench/REPORT.md
