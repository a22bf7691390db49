#!/usr/bin/env bash
# The seed's story on this machine, without Kubernetes: three replicas started by hand, a load through the
# client library, the primary killed with SIGKILL, `failover`, the load going on, and no acknowledged write lost.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=replica-app/target/quarkus-app/quarkus-run.jar
BASE_PORT=${BASE_PORT:-7001}
DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-4}
OUT=${OUT:-target/local-demo}
export REPLICA_ADMIN_TOKEN=${REPLICA_ADMIN_TOKEN:-demo-token}

[ -f "$JAR" ] || ./mvnw -B -q -DskipTests package
mkdir -p "$OUT"
P0=127.0.0.1:$BASE_PORT; P1=127.0.0.1:$((BASE_PORT + 1)); P2=127.0.0.1:$((BASE_PORT + 2))
ALL=$P0,$P1,$P2
pids=()
cleanup() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

REPLICA=(java -jar "$JAR")
replica() { "${REPLICA[@]}" "$@"; }
wait_for() { # wait until `status` of $1 answers
  for _ in $(seq 1 60); do replica status -s "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "replica $1 did not start; see $OUT/*.log" >&2; return 1
}

echo "== starting the primary on $P0 and two helpers (--tbc $P0)"
# Started directly (not through the function) so that $! is the JVM's pid, the process kill -9 must hit.
"${REPLICA[@]}" serve --port "$BASE_PORT" >"$OUT/r0.log" 2>&1 & pids+=($!); primary_pid=$!
wait_for "$P0"
"${REPLICA[@]}" serve --port $((BASE_PORT + 1)) --tbc "$P0" >"$OUT/r1.log" 2>&1 & pids+=($!)
"${REPLICA[@]}" serve --port $((BASE_PORT + 2)) --tbc "$P0" >"$OUT/r2.log" 2>&1 & pids+=($!)
wait_for "$P1"; wait_for "$P2"
replica servers -s "$ALL"

echo "== load: $CLIENTS clients for $DURATION s (history in $OUT/history.jsonl)"
replica load -s "$ALL" --clients "$CLIENTS" --duration "$DURATION" --history "$OUT/history.jsonl" \
  >"$OUT/load.txt" 2>&1 & load_pid=$!
sleep $((DURATION / 3))
echo "== kill -9 the primary ($P0, pid $primary_pid)"
kill -9 "$primary_pid"
replica failover -s "$ALL"
wait "$load_pid" && load_ok=1 || load_ok=0
cat "$OUT/load.txt"

NEW=$(replica servers -s "$P1,$P2" | awk '$2 == "primary" {print $1; exit}')
echo "== restarting the old primary as a helper of $NEW"
"${REPLICA[@]}" serve --port "$BASE_PORT" --tbc "$NEW" >"$OUT/r0-again.log" 2>&1 & pids+=($!)
wait_for "$P0"
sleep 2
replica status -s "$ALL"
[ "$load_ok" = 1 ] || { echo "the load reported lost writes" >&2; exit 1; }
