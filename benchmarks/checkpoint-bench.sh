#!/usr/bin/env bash
# Checkpoint duration, the shards' pause and recovery time with 1,000,000 keys each holding one partial match, as
# in docs/performance.md ("Checkpoints and recovery"). Loopback only; every server is stopped and every temporary
# folder removed on exit, whatever happens.
#
# One run:
#   1. server A (checkpoints off) on a fresh data folder: deploy `ck_hold` (PATTERN a -> b WITHIN 1 HOUR, per key),
#      send KEYS `a` events with distinct keys and ascending timestamps 1 ms apart, then a watermark past the last
#      (so the engine holds no event back), wait until the rule counts KEYS partial matches; kill -9.
#   2. server B (checkpoints off) on a copy of that folder: recovery WITHOUT a checkpoint (whole-log replay), timed
#      from the process start to GET /ready = 200 and to the rule's counters showing KEYS partial matches again;
#      then the baseline ingestion run (`vigil bench` at a fixed rate, no checkpoint taken); kill -9.
#   3. server C (checkpoints every INTERVAL_MS) on the original folder (it replays the log too): the first periodic
#      checkpoint of the recovered state, with ingestion idle (duration, longest shard pause, state bytes); then the
#      same `vigil bench` run, during which checkpoints keep being taken (every one seen is recorded); then one more
#      checkpoint after the run; kill -9.
#   4. server D (as C) on that folder: recovery FROM the checkpoint, timed as for B; its stderr line says which
#      checkpoint and how many batches were replayed after it.
#
# Usage: [KEYS=1000000] [RUNS=3] [HEAP=8g] [INTERVAL_MS=5000] [BENCH_DURATION=30s] [BENCH_RATE=10000]
#        [SERVER_JAVA_OPTS="-Xlog:gc:file=/tmp/gc-%p.log"] benchmarks/checkpoint-bench.sh
# Prints one line of figures per run, then the median of each figure over the runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/vigil.jar"
keys="${KEYS:-1000000}"
runs="${RUNS:-3}"
heap="${HEAP:-8g}"
interval="${INTERVAL_MS:-5000}"
bench_duration="${BENCH_DURATION:-30s}"
bench_rate="${BENCH_RATE:-10000}"
(cd "$root" && mvn -o -q -B -DskipTests package -pl cli -am)

work="$(mktemp -d)"
pid=""
poller=""
cleanup() {
  if [[ -n "$poller" ]]; then kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true; fi
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE   # so that the EXIT trap runs on a signal too
mkdir "$work/rules"   # empty: only ck_hold (and the bench's own rule while it runs) is deployed

who=checkpoint-bench
# shellcheck source=held-keys.sh
source "$root/benchmarks/held-keys.sh"

# bench OUT: the fixed-rate ingestion run, its JSON report into OUT; fails unless every event and alert arrived.
bench() {
  java -jar "$jar" bench --url "$url" --rate "$bench_rate" --batch 10 --duration "$bench_duration" --warmup 5s \
      --json > "$1" 2> "$1.err" || fail "vigil bench failed: $(cat "$1")"
}

results="$work/results"
for n in $(seq 1 "$runs"); do
  data="$work/data-$n"
  echo "== run $n ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"

  start "$data" 0 "A-$n"
  curl -sf --data-binary @"$work/rule.cep" "$url/v1/rules" > /dev/null || fail "the rule was refused"
  java -jar "$jar" send --url "$url" --source ckload --batch 5000 "$work/events.ndjson" > /dev/null || fail "vigil send failed"
  load_ms="$(wait_partials)"
  kill9
  cp -a "$data" "$data-copy"

  start "$data-copy" 0 "B-$n"
  replay_ready_ms="$ready_ms"
  replay_full_ms="$(wait_partials)"
  replay_line="$(grep 'recovered' "$log" || true)"
  bench "$work/bench-base-$n.json"
  [[ "$(partials)" == "$keys" ]] || fail "the bench run disturbed ck_hold: $(partials) partial matches left"
  kill9
  rm -rf "$data-copy"

  start "$data" "$interval" "C-$n"
  wait_partials > /dev/null
  first="$(wait_checkpoint 0)"
  # every checkpoint taken while the bench runs, as /v1/checkpoints shows it (polled faster than they come)
  ( while true; do checkpoints; echo; sleep 0.25; done ) > "$work/during-$n.ndjson" 2> /dev/null &
  poller=$!
  bench "$work/bench-ck-$n.json"
  kill "$poller"; wait "$poller" 2>/dev/null || true; poller=""
  [[ "$(partials)" == "$keys" ]] || fail "the bench run disturbed ck_hold: $(partials) partial matches left"
  after="$(jq -r .completed <<< "$(checkpoints)")"
  wait_checkpoint "$after" > /dev/null   # the state after the run (the bench rule deleted) is in a checkpoint
  kill9

  start "$data" "$interval" "D-$n"
  recover_ready_ms="$ready_ms"
  recover_full_ms="$(wait_partials)"
  recover_line="$(grep 'recovered' "$log" || true)"
  kill9
  rm -rf "$data"

  during="$(jq -s --argjson first "$(jq .latest.id <<< "$first")" \
      '[.[] | select(.latest != null and .latest.id > $first) | .latest] | unique_by(.id)' "$work/during-$n.ndjson")"
  {
    printf 'load_ms=%s\n' "$load_ms"
    printf 'replay_ready_ms=%s\nreplay_full_ms=%s\n' "$replay_ready_ms" "$replay_full_ms"
    jq -r '"ck_duration_ms=\(.latest.durationMs)\nck_pause_ms=\(.latest.longestShardPauseMs)\nck_state_bytes=\(.latest.stateBytes)"' <<< "$first"
    jq -r '"ckrun_count=\(length)\nckrun_max_duration_ms=\(map(.durationMs) | max)\nckrun_max_pause_ms=\(map(.longestShardPauseMs) | max)"' <<< "$during"
    jq -r '"base_eps=\(.eventsPerSecond)\nbase_p99_ms=\(.latencyMs.p99)\nbase_p999_ms=\(.latencyMs.p999)\nbase_max_ms=\(.latencyMs.max)"' "$work/bench-base-$n.json"
    jq -r '"ck_eps=\(.eventsPerSecond)\nck_p99_ms=\(.latencyMs.p99)\nck_p999_ms=\(.latencyMs.p999)\nck_max_ms=\(.latencyMs.max)"' "$work/bench-ck-$n.json"
    printf 'recover_ready_ms=%s\nrecover_full_ms=%s\n' "$recover_ready_ms" "$recover_full_ms"
  } > "$work/run-$n"
  echo "   whole-log replay: $replay_line"
  echo "   from checkpoint:  $recover_line"
  echo "   checkpoints during the bench run: $(jq -c 'map({id, durationMs, longestShardPauseMs})' <<< "$during")"
  tr '\n' ' ' < "$work/run-$n"; echo
  cat "$work/run-$n" >> "$results"
done

echo "== median of $runs run(s)"
cut -d= -f1 "$work/run-1" | while read -r name; do
  sed -n "s/^$name=//p" "$results" | sort -g | awk -v name="$name" '{ v[NR] = $1 }
    END { printf "%-24s %s\n", name, (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
done
