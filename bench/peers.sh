#!/usr/bin/env bash
# Benchmark (issue 12, `make bench-peers`): our write path beside its peers, measured in one run by one driver
# (bench/peers-driver, Go: the same clients, warm-up, duration and latency histogram for all), on loopback.
#   memory:  a 3-replica group in memory (syncAcks 1) against Redis, a primary and 2 replicas without persistence,
#            each write SET + WAIT 1 0 pipelined (acknowledged once a replica holds it, as ours once a helper does).
#   durable: the group with --data-dir and --fsync batch against etcd, 3 members; all data on the same disk.
# One system runs at a time, so no idle peer takes CPU from the measured one. Prints one table per mode (writes/s,
# latency, errors, the servers' CPU time per write, and each of our figures as a ratio to the peer's at the same
# client count) and appends them to bench/REPORT.md. Installs Redis and etcd (Debian's packages) if missing.
# Usage: bench/peers.sh [memory|durable|all (default)]; SECONDS_PER_RUN=10 WARMUP=3 (before each point)
# START_WARMUP=60 (after a system starts: on 2 cores our JVMs still compile at 45 s) CLIENTS=1,4,16;
# JAR=path/to/quarkus-run.jar runs another build.
set -euo pipefail
cd "$(dirname "$0")/.."
MODES=${1:-all}
[ "$MODES" = all ] && MODES="memory durable"
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
WARMUP=${WARMUP:-3}
START_WARMUP=${START_WARMUP:-60}
CLIENTS=${CLIENTS:-1,4,16}
JAR=${JAR:-replica-app/target/quarkus-app/quarkus-run.jar}
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
OUT=target/bench/peers
# Ports of no other bench or test: ours 7401-7403 (HTTP 7411-7413), Redis 6391-6393, etcd 2481-2483 (peers 2491-2493).
OURS=(7401 7402 7403)
REDIS=(6391 6392 6393)
ETCD=(2481 2482 2483)

log() { echo "peers: $*" >&2; }
die() { log "$*"; exit 1; }

# need COMMAND PACKAGE: installs the Debian package if the command is missing (we are root on a fresh machine).
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2 (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$2" >/tmp/peers-apt.log 2>&1 ||
    { apt-get update -qq >>/tmp/peers-apt.log 2>&1 && apt-get install -y -qq "$2" >>/tmp/peers-apt.log 2>&1; } ||
    die "apt-get install $2 failed (log: /tmp/peers-apt.log)"
}
for mode in $MODES; do
  case $mode in
    memory) need redis-server redis-server; need redis-cli redis-tools ;;
    durable) need etcd etcd-server ;;
    *) die "unknown mode $mode (memory, durable or all)" ;;
  esac
done
need curl curl
need ss iproute2
[ -x "$GO" ] || die "no Go toolchain (GO=/path/to/go)"
[ -f "$JAR" ] || ./mvnw -B -o -q -DskipTests package -pl replica-app -am
rm -rf "$OUT"
mkdir -p "$OUT"
(cd bench/peers-driver && "$GO" build -o "../../$OUT/peers-driver" .)

for port in "${OURS[@]}" 7411 7412 7413 "${REDIS[@]}" "${ETCD[@]}" 2491 2492 2493; do
  if ss -Hltn "sport = :$port" | grep -q .; then die "port $port is in use"; fi
done

pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap stop_all EXIT

# until SECONDS COMMAND...: retries COMMAND every 0.2 s until it succeeds or SECONDS pass.
until_ok() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

export REPLICA_ADMIN_TOKEN=bench
# start_ours memory|durable: the primary first, then 2 helpers; ready once each serves its metrics and the
# primary reports a lag for 2 helpers.
start_ours() {
  local mode=$1 i storage=() tbc=()
  for i in 0 1 2; do
    [ "$mode" = durable ] && storage=(--data-dir "$OUT/ours/r$i" --fsync batch)
    java -Dquarkus.http.host=127.0.0.1 -jar "$JAR" serve --bind 127.0.0.1 --port "${OURS[i]}" \
      --http-port "741$((i + 1))" "${tbc[@]}" "${storage[@]}" >"$OUT/ours-$mode-r$i.log" 2>&1 &
    pids+=($!)
    tbc=(--tbc "127.0.0.1:${OURS[0]}")
    until_ok 60 curl -sf "http://127.0.0.1:741$((i + 1))/q/metrics" || die "replica $i did not start ($OUT/ours-$mode-r$i.log)"
  done
  until_ok 30 helpers_joined || die "the helpers did not join ($OUT/ours-$mode-r*.log)"
}
helpers_joined() { [ "$(curl -s http://127.0.0.1:7411/q/metrics | grep -c '^replica_helper_lag{')" = 2 ]; }

start_redis() {
  local i replicaof=()
  for i in 0 1 2; do
    mkdir -p "$OUT/redis$i"
    redis-server --bind 127.0.0.1 --port "${REDIS[i]}" --dir "$OUT/redis$i" --save '' --appendonly no \
      "${replicaof[@]}" >"$OUT/redis$i.log" 2>&1 &
    pids+=($!)
    replicaof=(--replicaof 127.0.0.1 "${REDIS[0]}")
  done
  until_ok 30 redis_replicated || die "Redis replicas did not connect ($OUT/redis*.log)"
}
redis_replicated() { redis-cli -p "${REDIS[0]}" info replication | grep -q '^connected_slaves:2'; }

start_etcd() {
  local i cluster=""
  for i in 0 1 2; do cluster+="${cluster:+,}e$i=http://127.0.0.1:249$((i + 1))"; done
  for i in 0 1 2; do
    etcd --name "e$i" --data-dir "$OUT/etcd/e$i" --listen-peer-urls "http://127.0.0.1:249$((i + 1))" \
      --initial-advertise-peer-urls "http://127.0.0.1:249$((i + 1))" --listen-client-urls "http://127.0.0.1:${ETCD[i]}" \
      --advertise-client-urls "http://127.0.0.1:${ETCD[i]}" --initial-cluster "$cluster" \
      --initial-cluster-state new >"$OUT/etcd-e$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 0 1 2; do
    until_ok 60 etcd_healthy "${ETCD[i]}" || die "etcd e$i is not healthy ($OUT/etcd-e$i.log)"
  done
}

etcd_healthy() { curl -s "http://127.0.0.1:$1/health" | grep -q '"health":"true"'; }

# drive NAME SYSTEM ENDPOINTS: the driver against the servers started last, one row per client count into
# $OUT/rows (NAME|clients|writes/s|p50|p99|max|errors|CPU ms per write).
drive() {
  local name=$1 system=$2 endpoints=$3
  local IFS=,
  "$OUT/peers-driver" -system "$system" -endpoints "$endpoints" -clients "$CLIENTS" -warmup "${WARMUP}s" \
    -duration "${SECONDS_PER_RUN}s" -pids "${pids[*]}" | tee -a "$OUT/driver.log" |
    sed -E 's#writes: ([0-9]+) ok, ([0-9]+) errors in [0-9.]+ s = ([0-9]+) writes/s; latency p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms; server CPU ([0-9.]+) ms/write; clients ([0-9]+)#'"$name"'|\8|\3|\4|\5|\6|\2|\7#' \
    >>"$OUT/rows"
}

# table NAME... -- A/B...: the rows of the systems named, then A's figures as ratios to B's at each client count
# (writes/s, latency, CPU per write) for each pair.
table() {
  local names=() pairs=()
  while [ "$1" != -- ]; do names+=("$1"); shift; done
  shift
  pairs=("$@")
  echo "| system | clients | writes/s | p50 ms | p99 ms | max ms | errors | server CPU ms/write |"
  echo "|---|---|---|---|---|---|---|---|"
  awk -F'|' -v names="$(IFS='|'; echo "${names[*]}")" -v pairs="$(IFS='|'; echo "${pairs[*]}")" '
    BEGIN { m = split(names, name, "|"); for (i = 1; i <= m; i++) want[name[i]] = 1; np = split(pairs, pair, "|") }
    want[$1] { printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8
               for (f = 3; f <= 8; f++) v[$1, $2, f] = $f
               if (!seen[$2]++) counts[++k] = $2 }
    function r(a, b, c, f) { return v[b, c, f] > 0 && v[a, c, f] != "-" ? sprintf("%.2f×", v[a, c, f] / v[b, c, f]) : "-" }
    END { for (j = 1; j <= np; j++) { split(pair[j], ab, "/")
            for (i = 1; i <= k; i++) { c = counts[i]
              printf "| %s / %s | %s | %s | %s | %s | %s | | %s |\n", ab[1], ab[2], c, r(ab[1], ab[2], c, 3),
                r(ab[1], ab[2], c, 4), r(ab[1], ab[2], c, 5), r(ab[1], ab[2], c, 6), r(ab[1], ab[2], c, 8) } } }
  ' "$OUT/rows"
}

# replica_load: the project's own `load` against the group running, the same client counts, warm-up and duration,
# as a row "ours via replica load" (its CPU per write not measured: "-"), to compare with the driver's.
replica_load() {
  local c
  for c in ${CLIENTS//,/ }; do
    java -jar "$JAR" load -s "127.0.0.1:${OURS[0]},127.0.0.1:${OURS[1]},127.0.0.1:${OURS[2]}" --clients "$c" \
      --warmup "$WARMUP" --duration "$SECONDS_PER_RUN" --read-ratio 0 --no-verify | tee -a "$OUT/load.log" |
      sed -nE 's#^writes: ([0-9]+) ok, ([0-9]+) errors in [0-9.]+ s = ([0-9]+) writes/s;.*latency p50 ([0-9.]+) ms, p99 ([0-9.]+) ms, max ([0-9.]+) ms.*#ours via replica load|'"$c"'|\3|\4|\5|\6|\2|-#p' \
      >>"$OUT/rows"
  done
}

# warm: writes for START_WARMUP seconds, not measured, before a system's first point (the JIT: ours needs it).
warm() { "$OUT/peers-driver" -system "$1" -endpoints "$2" -clients 4 -warmup 0s -duration "${START_WARMUP}s" >/dev/null; }

commit=$(git rev-parse --short HEAD)
dirty=""
if git status --porcelain --untracked-files=no | grep -q .; then dirty=" (with uncommitted changes)"; fi
started=$(uptime)
disk=$(df -P "$OUT" | awk 'NR==2{print $1}')
redis_name="Redis $(redis-server --version 2>/dev/null | sed -E 's/.* v=([0-9.]+).*/\1/') + WAIT"
etcd_name="etcd $(etcd --version 2>/dev/null | awk '/etcd Version/{print $3}')"
: >"$OUT/rows"
for mode in $MODES; do
  case $mode in
    memory)
      start_ours memory
      warm replica "127.0.0.1:${OURS[0]}"
      drive ours replica "127.0.0.1:${OURS[0]}"
      replica_load
      stop_all
      start_redis
      warm redis "127.0.0.1:${REDIS[0]}"
      drive "$redis_name" redis "127.0.0.1:${REDIS[0]}"
      stop_all
      ;;
    durable)
      start_ours durable
      warm replica "127.0.0.1:${OURS[0]}"
      drive "ours, fsync batch" replica "127.0.0.1:${OURS[0]}"
      stop_all
      start_etcd
      warm etcd "127.0.0.1:${ETCD[0]},127.0.0.1:${ETCD[1]},127.0.0.1:${ETCD[2]}"
      drive "$etcd_name" etcd "127.0.0.1:${ETCD[0]},127.0.0.1:${ETCD[1]},127.0.0.1:${ETCD[2]}"
      stop_all
      ;;
  esac
done

{
  echo
  echo "### $(date -u +%Y-%m-%dT%H:%MZ) — peers (make bench-peers): ours against Redis + WAIT and etcd, one driver"
  echo
  echo "Commit $commit$dirty; loopback, $(nproc) cores, data on $disk; \`uptime\` at start: ${started# }; load"
  echo "average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Settings: 3 members each (ours syncAcks 1; Redis a primary + 2 replicas, no persistence; etcd 3 members),"
  echo "one at a time; bench/peers-driver (Go) for all: clients $CLIENTS, each one connection and one write at a"
  echo "time to the primary (leader), distinct keys, 64-byte values; ${START_WARMUP} s of writes after each system"
  echo "starts, then per point ${WARMUP} s of warm-up and ${SECONDS_PER_RUN} s measured; latencies in an HdrHistogram; server"
  echo "CPU = utime + stime of the 3 server processes over the point, per acknowledged write."
  for mode in $MODES; do
    echo
    case $mode in
      memory)
        echo "In memory (\"ours via replica load\": the project's \`load\`, a JVM of its own per point, on the same group):"
        echo
        table ours "$redis_name" "ours via replica load" -- "ours/$redis_name" "ours via replica load/ours" ;;
      durable)
        echo "Durable (fsync, data on $disk):"
        echo
        table "ours, fsync batch" "$etcd_name" -- "ours, fsync batch/$etcd_name" ;;
    esac
  done
} | tee -a bench/REPORT.md
