#!/usr/bin/env bash
# Benchmark: write throughput and latency of a 3-replica group on loopback (syncAcks 1) with durable replicas
# (serve --data-dir, --fsync batch and always; all three data directories on the same disk) and, for reference,
# in memory, for 1, 4 and 16 clients, with how many acknowledged writes one fsync covered on each member (the
# primary first; replica_log_fsyncs_total in /q/metrics) and the servers' CPU time per write. Appends a table to
# bench/REPORT.md.
# With an etcd binary (ETCD=/path/to/etcd, or on PATH) and Go, it also runs 3 etcd members on the same disk under
# the same load (bench/peers-driver -system etcd) for a ratio; see the end of this file.
# Usage: bench/durable-writes.sh [seconds per run, default 15]; JAR=path/to/quarkus-run.jar runs another build (a
# copy of an older build's replica-app/target/quarkus-app, to compare two commits in one run); MODES="batch" etc.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-15}
JAR=${JAR:-replica-app/target/quarkus-app/quarkus-run.jar}
MODES=${MODES:-memory batch always}
[ -f "$JAR" ] || ./mvnw -B -o -q -DskipTests package -pl replica-app -am
OUT=target/bench/durable; rm -rf "$OUT"; mkdir -p "$OUT"
export REPLICA_ADMIN_TOKEN=bench
pids=()
stop_all() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; pids=(); }
trap stop_all EXIT
S=127.0.0.1:7301,127.0.0.1:7302,127.0.0.1:7303

# Starts the group in mode memory|batch|always.
start_group() {
  local mode=$1 storage=()
  for i in 1 2 3; do
    if [ "$mode" != memory ]; then storage=(--data-dir "$OUT/$mode/r$i" --fsync "$mode"); fi
    local tbc=()
    [ "$i" = 1 ] || tbc=(--tbc 127.0.0.1:7301)
    java -jar "$JAR" serve --port "730$i" --http-port "830$i" "${tbc[@]}" "${storage[@]}" >"$OUT/$mode-r$i.log" 2>&1 &
    pids+=($!)
    [ "$i" = 1 ] && sleep 3
  done
  sleep 4
}

REPLICA_METRICS=(http://127.0.0.1:8301/q/metrics http://127.0.0.1:8302/q/metrics http://127.0.0.1:8303/q/metrics)

# One table row per client count: | mode | clients | writes/s | p50 | p99 | max | errors | writes per fsync |
measure() {
  local mode=$1
  java -jar "$JAR" load -s "$S" --clients 4 --duration 5 --read-ratio 0 --no-verify >/dev/null   # warm-up (JIT)
  for c in 1 4 16; do
    counted "$mode" "$c" replica_log_fsyncs_total "${REPLICA_METRICS[@]}" -- \
      java -jar "$JAR" load -s "$S" --clients "$c" --duration "$SECONDS_PER_RUN" --read-ratio 0 --no-verify
  done
}

# Runs the load after `--` and prints its row, with the acknowledged writes per fsync on each member (the fsync
# counter METRIC read from each URL before and after: how much one fsync covers; "-" when a member made none) and
# the CPU time the three servers (pids) spent per acknowledged write: on 2 shared cores, the ceiling it sets.
counted() {
  local mode=$1 clients=$2 metric=$3; shift 3
  local urls=()
  while [ "$1" != -- ]; do urls+=("$1"); shift; done
  shift
  local before after cpu_before cpu_after line
  before=$(fsyncs "$metric" "${urls[@]}")
  cpu_before=$(cpu_ticks)
  line=$("$@" | grep '^writes:')
  cpu_after=$(cpu_ticks)
  after=$(fsyncs "$metric" "${urls[@]}")
  echo "$line" | row "$mode" "$clients" "$(per_fsync "$line" "$before" "$after") | $(cpu_per_write "$line" "$cpu_before" "$cpu_after")"
}

# User + system CPU ticks of the servers started so far.
cpu_ticks() {
  local total=0 p f
  for p in "${pids[@]}"; do
    read -r -a f <"/proc/$p/stat"
    total=$((total + f[13] + f[14]))
  done
  echo "$total"
}

cpu_per_write() {
  awk -v line="$1" -v before="$2" -v after="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { split(line, w, " "); printf "%.2f", (w[2] > 0 ? (after - before) * 1000 / hz / w[2] : 0) }'
}

fsyncs() {
  local metric=$1; shift
  for url in "$@"; do curl -s "$url" | awk -v m="$metric" '$1 == m { n = $2 } END { printf "%d ", n }'; done
}

per_fsync() {
  awk -v line="$1" -v before="$2" -v after="$3" 'BEGIN {
    split(line, w, " "); nb = split(before, b, " "); split(after, a, " ")
    for (i = 1; i <= nb; i++) { d = a[i] - b[i]; out = out (i > 1 ? " / " : "") (d > 0 ? sprintf("%.1f", w[2] / d) : "-") }
    print out }'
}

# The load's summary line (replica load and bench/peers-driver print the same) as a table row.
row() {
  sed -E 's#writes: ([0-9]+) ok, ([0-9]+) errors in [0-9.]+ s = ([0-9]+) writes/s;.*latency p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms.*#| '"$1"' | '"$2"' | \3 | \4 | \5 | \6 | \2 | '"$3"' |#'
}

{
  echo
  echo "### $(date -u +%Y-%m-%dT%H:%MZ) — durable writes: 3 replicas, syncAcks 1, loopback, data dirs on $(df -P "$OUT" | awk 'NR==2{print $1}'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at start, $JAR"
  echo
  echo "| storage | clients | writes/s | p50 ms | p99 ms | max ms | errors | writes per fsync (each member) | server CPU ms per write |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for mode in $MODES; do
    start_group "$mode"
    measure "$mode"
    stop_all
    sleep 1
  done
} | tee -a bench/REPORT.md

# etcd for a ratio: 3 members on the same disk, driven by bench/peers-driver (the same load: N clients, one put
# at a time each, to the leader). ETCD=/path/to/etcd, or an etcd on PATH; without one this part is skipped. An etcd binary can be built
# from the Go module proxy in a scratch module: go mod init x && go get go.etcd.io/etcd/server/v3@v3.6.16 &&
# go build -o etcd go.etcd.io/etcd/server/v3 (go install refuses: that module has replace directives).
ETCD=${ETCD:-$(command -v etcd || true)}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
if [ -z "$ETCD" ] || [ ! -x "$GO" ]; then
  echo "(no etcd binary or no Go toolchain: set ETCD=/path/to/etcd to compare with etcd)"
  exit 0
fi
(cd bench/peers-driver && "$GO" build -o "../../$OUT/peers-driver" .)
cluster=e1=http://127.0.0.1:2381,e2=http://127.0.0.1:2382,e3=http://127.0.0.1:2383
for i in 1 2 3; do
  "$ETCD" --name "e$i" --data-dir "$OUT/etcd/e$i" --listen-peer-urls "http://127.0.0.1:238$i" \
    --initial-advertise-peer-urls "http://127.0.0.1:238$i" --listen-client-urls "http://127.0.0.1:237$i" \
    --advertise-client-urls "http://127.0.0.1:237$i" --initial-cluster "$cluster" \
    --initial-cluster-state new >"$OUT/etcd-e$i.log" 2>&1 &
  pids+=($!)
done
sleep 5
E=127.0.0.1:2371,127.0.0.1:2372,127.0.0.1:2373
"$OUT/peers-driver" -system etcd -endpoints "$E" -clients 4 -warmup 0s -duration 5s >/dev/null   # warm-up
version=$("$ETCD" --version | awk '/etcd Version/{print $3}')
ETCD_METRICS=(http://127.0.0.1:2371/metrics http://127.0.0.1:2372/metrics http://127.0.0.1:2373/metrics)
for c in 1 4 16; do
  counted "etcd $version (3 members)" "$c" etcd_disk_wal_fsync_duration_seconds_count "${ETCD_METRICS[@]}" -- \
    "$OUT/peers-driver" -system etcd -endpoints "$E" -clients "$c" -warmup 0s -duration "${SECONDS_PER_RUN}s"
done | tee -a bench/REPORT.md
