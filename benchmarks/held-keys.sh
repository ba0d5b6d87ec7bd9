# Shared by checkpoint-bench.sh and held-keys-latency.sh (sourced, not run): the rule ck_hold and KEYS events that
# make it hold KEYS partial matches, and the functions that start a server on a data folder and wait for its state.
# The sourcing script sets work (a temporary folder with rules/ in it), jar, keys, heap and who (its name, for
# errors), and stops any server left in pid on exit.

rule=ck_hold
cat > "$work/rule.cep" <<'EOF'
STREAM ck (k STRING, t STRING, ts TIMESTAMP);

RULE ck_hold
  FROM ck
  PARTITION BY k
  PATTERN a -> b
  WITHIN 1 HOUR
  DEFINE a AS t = 'a', b AS t = 'b';
EOF

# Event time: KEYS events 1 ms apart, well inside the hour, so no partial match times out, starting far in the
# future (epoch ms 2e14, the year 8307): `vigil bench` stamps its own streams with the wall clock (milliseconds;
# microseconds before issue 16), and a stream whose sources have all been silent for the idle timeout (10 s) follows
# the furthest active stream (WatermarkTracker); starting below the bench's time, `ck` would jump past every
# deadline and lose its partial matches as soon as the bench runs. Not beyond the year 9999 (about 2.5e14), which
# the server refuses (it refused every event of the 4e15 this script used before). %.0f because mawk's %d stops at
# 2^31.
base=200000000000000
awk -v n="$keys" -v base="$base" 'BEGIN {
  for (i = 0; i < n; i++) printf "{\"stream\":\"ck\",\"k\":\"k%07d\",\"t\":\"a\",\"ts\":%.0f}\n", i, base + i
  printf "{\"watermark\":%.0f,\"stream\":\"ck\"}\n", base + n
}' > "$work/events.ndjson"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

fail() { echo "$who: $*" >&2; [[ -n "${log:-}" && -f "$log" ]] && tail -20 "$log" >&2; exit 1; }

# start DATA INTERVAL_MS NAME [JVM OPTIONS...]: starts a server (with SERVER_JAVA_OPTS and the options given, and
# SERVE_ARGS after the serve command's); sets pid, url, log, started (ms) and ready_ms (start to /ready 200).
start() {
  log="$work/$3.log"
  started="$(now_ms)"
  : > "$log"   # before the server starts writing it, so that the loop below can read it at once
  # shellcheck disable=SC2086
  java "-Xmx$heap" ${SERVER_JAVA_OPTS:-} "${@:4}" -jar "$jar" serve --rules "$work/rules" --data "$1" --port 0 --checkpoint-interval "$2" \
      ${SERVE_ARGS:-} > "$log" 2>&1 &
  pid=$!
  local port=""
  until [[ -n "$port" ]]; do
    kill -0 "$pid" 2>/dev/null || fail "server $3 exited"
    port="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$log")"
    [[ -n "$port" ]] || sleep 0.05
  done
  url="http://127.0.0.1:$port"
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/ready")" == 200 ]]; do sleep 0.05; done
  ready_ms=$(( $(now_ms) - started ))
}

kill9() { kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

partials() { curl -s "$url/v1/rules/$rule" | jq -r '.counters.partialMatches // 0'; }

# wait_partials: waits (at most 10 minutes) until the rule counts KEYS partial matches; prints ms since `started`.
wait_partials() {
  local deadline=$(( $(now_ms) + 600000 ))
  until [[ "$(partials)" == "$keys" ]]; do
    (( $(now_ms) < deadline )) || fail "the rule never reached $keys partial matches (has $(partials))"
    sleep 0.1
  done
  echo $(( $(now_ms) - started ))
}

checkpoints() { curl -s "$url/v1/checkpoints"; }

# wait_checkpoint AFTER: waits until more than AFTER periodic checkpoints completed; prints /v1/checkpoints.
wait_checkpoint() {
  local deadline=$(( $(now_ms) + 600000 )) json
  while json="$(checkpoints)"; [[ "$(jq -r .completed <<< "$json")" -le "$1" ]]; do
    (( $(now_ms) < deadline )) || fail "no checkpoint completed: $json"
    sleep 0.2
  done
  [[ "$(jq -r .failed <<< "$json")" == 0 ]] || fail "a checkpoint failed: $json"
  echo "$json"
}

