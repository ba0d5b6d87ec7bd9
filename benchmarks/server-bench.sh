#!/usr/bin/env bash
# Runs `vigil bench` against freshly started servers, 3 runs per configuration, as in docs/performance.md
# ("Server over WebSocket" and "Durable ingest"). Loopback only; each server is stopped after its run.
#
# Usage: [SKIP_BUILD=1] [DURATION=15s] [RUNS=3] [MODES="none log flush"] [CASES="..."] benchmarks/server-bench.sh [serve options]
#   MODES   how the server keeps what it acknowledges, one run set each (default: log):
#             none  --durability none: logs in memory only, nothing survives a restart (the baseline)
#             log   the ingest and alert logs in a fresh temporary data folder, acknowledged after the write
#             flush as log, acknowledged after the ingest log's flush to disk (--ack-after flush)
#   WARMUP  how long each bench run sends before it measures (default 5s; the JIT compiles meanwhile)
#   CASES   `vigil bench` options, one case per line (default: the six rows of docs/performance.md)
#   SERVER_JAVA_OPTS  JVM options of the server, e.g. -Dvigil.pretouch=false
#
# After each run the server's CPU time while the bench ran (from /proc, so it holds on a loaded machine where
# events/s do not) is printed per group of threads, and per event from the ingest log's count of batches:
#   cpu ms  total T (U µs/event of N): event-loop E, workers W, sequencer S, shards H, gc G, jit J, other O
# (workers: Vert.x's worker threads, which read messages of many lines; jit: the compiler threads, a large share of
# short runs: compare the other groups between builds).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/vigil.jar"
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && mvn -o -q -B -DskipTests package -pl cli -am)
rules="$(mktemp -d)"
trap 'rm -rf "$rules"' EXIT

default_cases="--batch 100 --connections 1
--batch 100 --connections 2
--batch 1000 --connections 1
--batch 1000 --connections 2
--rate 10000 --batch 10
--rate 50000 --batch 50"

# cpu PID: the CPU time (ms) of each thread group of process PID: "total eventloop sequencer shards gc jit other workers"
cpu() {
  local tick; tick="$(getconf CLK_TCK)"
  for task in /proc/"$1"/task/*; do
    # comm may hold spaces; utime and stime are the 14th and 15th fields of stat, counted after the ')'
    printf '%s\t%s\n' "$(cat "$task/comm" 2>/dev/null)" "$(sed 's/.*) //' "$task/stat" 2>/dev/null | cut -d' ' -f12,13)"
  done | awk -F'\t' -v tick="$tick" '{ split($2, t, " "); ms = (t[1] + t[2]) * 1000 / tick
      g = $1 ~ /^vert\.x-eventloo/ ? 2 : $1 ~ /^vigil-sequencer/ ? 3 : $1 ~ /^vigil-shard/ ? 4 \
        : $1 ~ /^(GC|G1|ZWorker|ZDriver|ZDirector|ZStat|VM Thread)/ ? 5 : $1 ~ /Compiler/ ? 6 \
        : $1 ~ /^vert\.x-worker/ ? 8 : 7
      s[1] += ms; s[g] += ms }
    END { printf "%d %d %d %d %d %d %d %d\n", s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8] }'
}

run() {   # one server in mode $1, one bench run with the options in $BENCH
  local mode="$1" log port pid data
  shift
  local durability=()
  case "$mode" in
    none) durability=(--durability none) ;;
    log) durability=(--durability log --ack-after write) ;;
    flush) durability=(--durability log --ack-after flush) ;;
    *) echo "unknown mode $mode (none, log or flush)" >&2; exit 2 ;;
  esac
  log="$(mktemp)"
  data="$(mktemp -d)"
  # shellcheck disable=SC2086
  java ${SERVER_JAVA_OPTS:-} -jar "$jar" serve --rules "$rules" --data "$data" --port 0 "${durability[@]}" "$@" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q listening "$log" && break; sleep 0.2; done
  port="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$log")"
  local before after batches
  before="$(cpu "$pid")"
  # shellcheck disable=SC2086
  java -jar "$jar" bench --url "http://127.0.0.1:$port" --duration "${DURATION:-15s}" --warmup "${WARMUP:-5s}" $BENCH \
      | grep -E '^(throughput|latency|alerts)' || true
  after="$(cpu "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  grep -E 'ingest log:' "$log" || true   # the time the sequencer spent writing batches, said at a clean stop
  batches="$(sed -n 's/.*ingest log: \([0-9,]*\) batches.*/\1/p' "$log" | tr -d ,)"
  echo "$before" "$after" "${batches:-0}" "$(sed -n 's/.*--batch \([0-9]*\).*/\1/p' <<< "$BENCH")" | awk '{
      for (i = 1; i <= 8; i++) d[i] = $(i + 8) - $i
      events = $17 * ($18 == "" ? 100 : $18)
      printf "cpu ms      total %d (%.2f us/event of %d): event-loop %d, workers %d, sequencer %d, shards %d, gc %d, jit %d, other %d\n",
          d[1], events ? d[1] * 1000 / events : 0, events, d[2], d[8], d[3], d[4], d[5], d[6], d[7] }'
  rm -rf "$log" "$data"
}

while IFS= read -r BENCH; do
  [ -z "$BENCH" ] && continue
  for mode in ${MODES:-log}; do
    for n in $(seq 1 "${RUNS:-3}"); do
      echo "== $mode: $BENCH (run $n, load $(cut -d' ' -f1-3 /proc/loadavg))"
      run "$mode" "$@"
    done
  done
done <<< "${CASES:-$default_cases}"
