#!/usr/bin/env bash
# Latency at a fixed rate with a million keys held and periodic checkpoints, one server per JVM configuration, and
# the recovery of those keys from the last checkpoint (issue 22, targets 4 and 5). Loopback only; every server is
# stopped and every temporary folder removed on exit.
#
# Per configuration (one line of JVM options in GCS; each run in turn, RUNS times):
#   1. a server (-Xmx$HEAP, checkpoints every INTERVAL_MS, -Xlog:gc into a file) on a fresh data folder gets the rule
#      ck_hold (PATTERN a -> b WITHIN 1 HOUR, per key) and KEYS `a` events with distinct keys (as checkpoint-bench.sh),
#      so the rule holds KEYS partial matches;
#   2. `vigil bench --rate RATE --batch BATCH --duration DURATION --warmup WARMUP` (its own rule and 10,000 keys):
#      p50 / p99 / p99.9 / max, frame due to alert received; the GC pauses of the bench run's window from the GC log
#      (count, longest, sum), and the checkpoints taken meanwhile (longest shard stop);
#   3. once checkpoints taken after the bench have caught up (one completed, then none for two intervals), kill -9, then a server with the same JVM options on that
#      folder: recovery from that checkpoint, timed from the process start to GET /ready = 200 and to the rule's
#      counters showing KEYS partial matches.
#
# Usage: [KEYS=1000000] [RUNS=1] [HEAP=8g] [INTERVAL_MS=10000] [RATE=50000] [BATCH=50] [DURATION=30s] [WARMUP=15s]
#        [GCS="<jvm options>\n<jvm options>..."] benchmarks/held-keys-latency.sh
# The default GCS: G1 as it comes; G1 with -XX:MaxGCPauseMillis=20; ZGC (-XX:+UseZGC).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/vigil.jar"
keys="${KEYS:-1000000}"
heap="${HEAP:-8g}"
interval="${INTERVAL_MS:-10000}"
gcs="${GCS:-"-XX:+UseG1GC
-XX:+UseG1GC -XX:MaxGCPauseMillis=20
-XX:+UseZGC"}"
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && mvn -o -q -B -DskipTests package -pl cli -am)

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
mkdir "$work/rules"
who=held-keys-latency
# shellcheck source=held-keys.sh
source "$root/benchmarks/held-keys.sh"
uptime_s() { awk '{print $1}' /proc/uptime; }

n=0
for run in $(seq 1 "${RUNS:-1}"); do
  while IFS= read -r opts; do
    [[ -z "$opts" ]] && continue
    n=$((n + 1))
    data="$work/data-$n"
    echo "== $opts, run $run ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
    # shellcheck disable=SC2086
    start "$data" "$interval" "A-$n" $opts "-Xlog:gc,gc+phases:file=$work/A-$n.gc:uptime"
    curl -sf --data-binary @"$work/rule.cep" "$url/v1/rules" > /dev/null || fail "the rule was refused"
    java -jar "$jar" send --url "$url" --source ckload --batch 5000 "$work/events.ndjson" > /dev/null || fail "send failed"
    wait_partials > /dev/null
    jvm_start="$(awk '{print $22}' /proc/$pid/stat)"   # clock ticks after boot
    t0="$(uptime_s)"
    java -jar "$jar" bench --url "$url" --rate "${RATE:-50000}" --batch "${BATCH:-50}" --duration "${DURATION:-30s}" \
        --warmup "${WARMUP:-15s}" --json > "$work/bench-$n.json" 2> "$work/bench-$n.err" || fail "bench: $(cat "$work/bench-$n.json")"
    t1="$(uptime_s)"
    [[ "$(partials)" == "$keys" ]] || fail "the bench run disturbed ck_hold: $(partials) partial matches left"
    checkpoints="$(curl -s "$url/v1/checkpoints")"
    # recovery from a checkpoint of the state after the bench, so that little of the log is replayed after it: at
    # least one checkpoint completed after the bench, then none for two intervals (an idle server takes none)
    seen="$(jq -r '.latest.id // 0' <<< "$checkpoints")"
    last="$seen"
    since="$(now_ms)"
    deadline=$(( $(now_ms) + 600000 ))
    until (( last > seen && $(now_ms) - since > 2 * interval + 5000 )); do
      (( $(now_ms) < deadline )) || fail "no checkpoint after the bench: $(curl -s "$url/v1/checkpoints")"
      id="$(curl -s "$url/v1/checkpoints" | jq -r '.latest.id // 0')"
      if (( id != last )); then last="$id"; since="$(now_ms)"; fi
      sleep 0.5
    done
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    # the GC log's uptime is since the JVM started; the bench's window in the same clock: from WARMUP after t0 to t1
    since="$(awk -v t0="$t0" -v s="$jvm_start" -v w="${WARMUP:-15s}" 'BEGIN { sub(/s$/, "", w); print t0 - s / 100 + w }')"
    until_s="$(awk -v t1="$t1" -v s="$jvm_start" 'BEGIN { print t1 - s / 100 }')"
    gc="$(sed -n 's/^\[\([0-9.]*\)s\].*Pause.* \([0-9.]*\)ms$/\1 \2/p' "$work/A-$n.gc" \
        | awk -v a="$since" -v b="$until_s" '$1 >= a && $1 <= b { n++; s += $2; if ($2 > m) m = $2 }
            END { printf "gc_pauses=%d gc_longest_ms=%.1f gc_sum_ms=%.0f", n, m, s }')"
    cp "$work/A-$n.gc" "/tmp/held-keys-gc-$n.log" 2>/dev/null || true
    # shellcheck disable=SC2086
    start "$data" "$interval" "B-$n" $opts
    recover_ready_ms="$ready_ms"
    recover_full_ms="$(wait_partials)"
    recovered="$(grep -o 'recovered.*' "$log" | head -1 || true)"
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
    rm -rf "$data"
    jq -r '"eps=\(.eventsPerSecond) p50_ms=\(.latencyMs.p50) p99_ms=\(.latencyMs.p99) p999_ms=\(.latencyMs.p999) max_ms=\(.latencyMs.max)"' \
        "$work/bench-$n.json" | tr '\n' ' '
    echo "$gc checkpoints=$(jq -r .completed <<< "$checkpoints") ck_pause_ms=$(jq -r '.latest.longestShardPauseMs // "-"' <<< "$checkpoints") recover_ready_ms=$recover_ready_ms recover_full_ms=$recover_full_ms"
    echo "   $recovered"
  done <<< "$gcs"
done
