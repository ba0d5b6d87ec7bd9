#!/usr/bin/env bash
# Twenty million keys on the rocksdb state backend with a 2 GiB heap (issue 22, target 2): does the server stay up,
# and what grows with the key count? Loopback only; the server is stopped and the temporary folder removed on exit,
# whatever happens.
#
# One server (`vigil serve --state-backend rocksdb`, -XmxHEAP, checkpoints every INTERVAL_MS, the key bounds raised
# above KEYS so nothing is evicted) on a fresh data folder; the rule rk_hold (PATTERN a -> b WITHIN 1 DAY, per key);
# `vigil send` streams KEYS `a` events of distinct keys, 1 ms of event time apart (so every key holds its partial
# match to the end: 20M ms is 5.6 hours), generated on the fly into its standard input; a watermark past the last.
# INTERVAL_MS=0 turns checkpoints off, to see what the keys alone cost.
# Every SAMPLE_S seconds one line: seconds since the send began, events the rule took, partial matches held, events/s
# over the last sample, the server's RSS, the heap in use after the last garbage collection (G1's log), the data
# folder's size and its state/ part (RocksDB), and the last completed checkpoint (id, duration, bytes of engine
# state). When every key holds its partial match: one more checkpoint, a class histogram of the heap (the top
# HISTO_LINES classes: what grows with the key count), the peaks, and the server is stopped. When the rule takes no
# event for STALL_S seconds while events are still being sent (the heap full: ingestion paused), the same report,
# and exit status 1.
#
# Usage: [KEYS=20000000] [HEAP=2g] [INTERVAL_MS=60000] [SAMPLE_S=10] [BATCH=5000] [HISTO_LINES=25] [STALL_S=300]
#        [SERVER_JAVA_OPTS=...] [KEEP=1: keep the folder] benchmarks/rocksdb-20m.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/vigil.jar"
keys="${KEYS:-20000000}"
heap="${HEAP:-2g}"
interval="${INTERVAL_MS:-60000}"
sample_s="${SAMPLE_S:-10}"
batch="${BATCH:-5000}"
histo_lines="${HISTO_LINES:-25}"
(cd "$root" && mvn -o -q -B -DskipTests package -pl cli -am)

work="$(mktemp -d)"
pid=""
sender=""
cleanup() {
  if [[ -n "$sender" ]]; then kill "$sender" 2>/dev/null || true; wait "$sender" 2>/dev/null || true; fi
  if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [[ -n "${KEEP:-}" ]]; then echo "rocksdb-20m: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE   # so that the EXIT trap runs on a signal too
mkdir "$work/rules"
data="$work/data"
log="$work/server.log"
gclog="$work/gc.log"
rule=rk_hold
cat > "$work/rule.cep" <<'EOF'
STREAM rk (k STRING, t STRING, ts TIMESTAMP);

RULE rk_hold
  FROM rk
  PARTITION BY k
  PATTERN a -> b
  WITHIN 1 DAY
  DEFINE a AS t = 'a', b AS t = 'b';
EOF

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
fail() { echo "rocksdb-20m: $*" >&2; tail -20 "$log" >&2; exit 1; }

started="$(now_ms)"
: > "$log"
# shellcheck disable=SC2086
java "-Xmx$heap" "-Xlog:gc:file=$gclog" ${SERVER_JAVA_OPTS:-} -jar "$jar" serve --rules "$work/rules" --data "$data" \
    --port 0 --checkpoint-interval "$interval" --state-backend rocksdb \
    --max-keys $(( keys * 2 )) --max-keys-per-rule $(( keys * 2 )) > "$log" 2>&1 &
pid=$!
port=""
until [[ -n "$port" ]]; do
  kill -0 "$pid" 2>/dev/null || fail "the server exited"
  port="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$log")"
  [[ -n "$port" ]] || sleep 0.05
done
url="http://127.0.0.1:$port"
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" == 200 ]]; do sleep 0.05; done
curl -sf --data-binary @"$work/rule.cep" "$url/v1/rules" > /dev/null || fail "the rule was refused"

counters() { curl -s "$url/v1/rules/$rule" | jq -r '"\(.counters.eventsIn // 0) \(.counters.partialMatches // 0)"'; }
# heap in use after the last collection, MiB: "... 812M->301M(2048M) ..." in G1's log
heap_after_gc() { grep -o '[0-9]*M->[0-9]*M(' "$gclog" 2>/dev/null | tail -1 | sed 's/.*->\([0-9]*\)M(/\1/'; }
rss_mib() { echo $(( $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status") / 1024 )); }
folder_mib() { du -sm "$1" 2>/dev/null | cut -f1; }

echo "== rocksdb-20m: $keys keys, -Xmx$heap, checkpoints every $interval ms ($(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
base=200000000000000
send_started="$(now_ms)"
awk -v n="$keys" -v base="$base" 'BEGIN {
  for (i = 0; i < n; i++) printf "{\"stream\":\"rk\",\"k\":\"k%08d\",\"t\":\"a\",\"ts\":%.0f}\n", i, base + i
  printf "{\"watermark\":%.0f,\"stream\":\"rk\"}\n", base + n
}' | java -jar "$jar" send --url "$url" --source rkload --batch "$batch" - > "$work/send.out" 2>&1 &
sender=$!

printf '%7s %10s %10s %9s %8s %9s %9s %9s  %s\n' s events partials events/s rss_MiB heap_MiB data_MiB state_MiB \
    'last checkpoint (id duration_ms state_bytes)'
peak_rss=0 peak_heap=0 last_events=0 last_ms="$send_started" done_ms=""
sample() {
  kill -0 "$pid" 2>/dev/null || fail "the server died"
  local now read events partials rss heapmb ck
  now="$(now_ms)"
  read -r events partials <<< "$(counters)"
  rss="$(rss_mib)"
  heapmb="$(heap_after_gc)"; heapmb="${heapmb:-0}"
  ck="$(curl -s "$url/v1/checkpoints" | jq -r 'if .latest then "\(.latest.id) \(.latest.durationMs) \(.latest.stateBytes)" else "-" end + " (failed \(.failed))"')"
  printf '%7.1f %10s %10s %9.0f %8s %9s %9s %9s  %s\n' "$(( now - send_started ))e-3" "$events" "$partials" \
      "$(( (events - last_events) * 1000 / (now - last_ms > 0 ? now - last_ms : 1) ))" "$rss" "$heapmb" \
      "$(folder_mib "$data")" "$(folder_mib "$data/state")" "$ck"
  (( rss > peak_rss )) && peak_rss=$rss
  (( heapmb > peak_heap )) && peak_heap=$heapmb
  last_events=$events last_ms=$now
  [[ "$partials" == "$keys" ]]
}
# the end of a run, finished or not: the peaks and what the heap holds
report() {
  echo "server warnings:"; { grep 'WARN\|ERROR\|OutOfMemory' "$log" || true; } | cut -c1-400 | tail -8
  echo "checkpoints folder: $(folder_mib "$data/checkpoints") MiB; state folder: $(folder_mib "$data/state") MiB; ingest log: $(folder_mib "$data/ingest") MiB"
  echo "peaks: RSS $peak_rss MiB, heap after GC $peak_heap MiB (-Xmx$heap); GC pauses logged: $(grep -c 'Pause' "$gclog")"
  echo "== heap histogram (live objects), top $histo_lines"
  jcmd "$pid" GC.class_histogram 2>/dev/null | head -n $(( histo_lines + 3 )) | tail -n "$histo_lines"
}
stalled_since="" stalled_events=-1
while true; do
  sleep "$sample_s"
  if sample; then break; fi
  if (( last_events != stalled_events )); then
    stalled_events=$last_events stalled_since="$(now_ms)"
  elif (( $(now_ms) - stalled_since > ${STALL_S:-300} * 1000 )); then
    echo "no event taken for ${STALL_S:-300} s: stopping"
    report
    exit 1
  fi
  if [[ -n "$sender" ]] && ! kill -0 "$sender" 2>/dev/null; then
    if ! wait "$sender"; then
      sender=""
      echo "vigil send failed: $(tail -3 "$work/send.out")"
      report
      exit 1
    fi
    sender=""
    done_ms="$(now_ms)"
  fi
  if [[ -n "$done_ms" ]] && (( $(now_ms) - done_ms > 600000 )); then
    fail "the rule never reached $keys partial matches"
  fi
done
loaded_ms=$(( $(now_ms) - send_started ))
if [[ -n "$sender" ]]; then wait "$sender" || fail "vigil send failed: $(tail -3 "$work/send.out")"; sender=""; fi
echo "every key holds its partial match after $loaded_ms ms ($(( keys * 1000 / loaded_ms )) events/s on average)"

if (( interval > 0 )); then   # 0: checkpoints off
  completed="$(curl -s "$url/v1/checkpoints" | jq -r .completed)"
  until (( $(curl -s "$url/v1/checkpoints" | jq -r .completed) > completed )); do
    sleep "$sample_s"
    sample || true
  done
  echo "checkpoint of the whole state: $(curl -s "$url/v1/checkpoints" | jq -c .latest)"
fi
report
kill "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=""
