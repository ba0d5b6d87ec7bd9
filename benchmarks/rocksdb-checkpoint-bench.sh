#!/usr/bin/env bash
# Server checkpoints on the rocksdb state backend with KEYS keys each holding one partial match (issue 22, round 4):
# a build whose checkpoints serialize every key (BASE_JAR) against this one, whose checkpoints leave the keys in
# RocksDB's own checkpoints (hard links beside the .vcp), interleaved in one run. Loopback only; every server is
# stopped and the temporary folder removed on exit, whatever happens.
#
# Per run and build:
#   1. a server (checkpoints off) on a fresh data folder: deploy ck_hold (held-keys.sh), send KEYS `a` events of
#      distinct keys, wait until the rule holds KEYS partial matches; kill -9.
#   2. a server with checkpoints every INTERVAL_MS on that folder (it replays the log): the first periodic
#      checkpoint that completes (the first may begin while the shards still work through the replay, and its
#      duration counts that wait; a checkpoint that failed before it is counted), ingestion idle: its duration, longest shard pause and engine-state bytes
#      (/v1/checkpoints), the server's CPU time from the state recovered to the checkpoint done (ingestion idle, so
#      about the checkpoint's cost), and the disk it takes (du of data/checkpoints alone, of data/state, of data as a
#      whole, hard links counted once); kill -9.
#   3. a server on that folder: recovery from that checkpoint, from the process start to GET /ready 200 and to the
#      rule's counters showing KEYS partial matches again, and the server's CPU time until then; kill -9.
# Wall-clock figures on a shared machine are noisy; the CPU times much less so.
# Both builds run with --state-backend rocksdb and the key bounds raised to 4x KEYS (so the base build's heap default
# evicts nothing).
#
# Usage: BASE_JAR=/path/to/base/vigil.jar [KEYS=1000000] [RUNS=2] [HEAP=2g] [INTERVAL_MS=5000]
#        benchmarks/rocksdb-checkpoint-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
this_jar="$root/cli/target/vigil.jar"
base_jar="${BASE_JAR:?BASE_JAR: the vigil.jar of the build to compare against}"
keys="${KEYS:-1000000}"
runs="${RUNS:-2}"
heap="${HEAP:-2g}"
interval="${INTERVAL_MS:-5000}"
(cd "$root" && mvn -o -q -B -DskipTests package -pl cli -am)

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE   # so that the EXIT trap runs on a signal too
mkdir "$work/rules"

who=rocksdb-checkpoint-bench
# shellcheck source=held-keys.sh
source "$root/benchmarks/held-keys.sh"
export SERVE_ARGS="--state-backend rocksdb --max-keys $((4 * keys)) --max-keys-per-rule $((4 * keys))"

bytes() { du -sb "$@" | awk '{ s += $1 } END { print s + 0 }'; }
# first_checkpoint: waits until a periodic checkpoint completed (one failed before, as the base build's may when its
# shards are still busy with the replay, is counted, not fatal); prints /v1/checkpoints.
first_checkpoint() {
  local deadline=$(( $(now_ms) + 600000 )) json
  while json="$(checkpoints)"; [[ "$(jq -r .completed <<< "$json")" -le 0 ]]; do
    (( $(now_ms) < deadline )) || fail "no checkpoint completed: $json"
    sleep 0.2
  done
  echo "$json"
}
# cpu_ms: CPU time (user + system) the server process has used so far.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat"; }

printf '%-5s %-4s %-8s %-8s %-10s %-11s %-10s %-11s %-11s %-11s %-8s %-10s %-10s %s\n' run build ck_ms pause_ms \
  ck_cpu_ms state_bytes ck_folder state_dir data_bytes rec_ready rec_full rec_cpu_ms restart_ready ck_failed
for n in $(seq 1 "$runs"); do
  echo "== run $n ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  for build in base this; do
    if [[ "$build" == base ]]; then jar="$base_jar"; else jar="$this_jar"; fi
    data="$work/data-$n-$build"
    start "$data" 0 "load-$n-$build"
    curl -sf --data-binary @"$work/rule.cep" "$url/v1/rules" > /dev/null || fail "the rule was refused"
    java -jar "$jar" send --url "$url" --source ckload --batch 5000 "$work/events.ndjson" > /dev/null \
        || fail "vigil send failed"
    wait_partials > /dev/null
    kill9

    start "$data" "$interval" "ck-$n-$build"
    restart_ready="$ready_ms"
    wait_partials > /dev/null
    cpu_before="$(cpu_ms)"
    first="$(first_checkpoint)"
    ck_cpu=$(( $(cpu_ms) - cpu_before ))
    ck_bytes="$(bytes "$data/checkpoints")"
    state_dir="$(bytes "$data/state")"
    data_bytes="$(bytes "$data")"
    kill9

    start "$data" 0 "recover-$n-$build"
    recover_ready="$ready_ms"
    recover_full="$(wait_partials)"
    recover_cpu="$(cpu_ms)"
    grep -h 'recovered' "$log" | sed 's/^/   /' || true
    kill9
    rm -rf "$data"
    printf '%-5s %-4s %-8s %-8s %-10s %-11s %-10s %-11s %-11s %-11s %-8s %-10s %-10s %s\n' "$n" "$build" \
      "$(jq .latest.durationMs <<< "$first")" "$(jq '.latest.longestShardPauseMs | floor' <<< "$first")" "$ck_cpu" \
      "$(jq .latest.stateBytes <<< "$first")" "$ck_bytes" "$state_dir" "$data_bytes" "$recover_ready" \
      "$recover_full" "$recover_cpu" "$restart_ready" "$(jq .failed <<< "$first")"
  done
done
