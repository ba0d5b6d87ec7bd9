#!/usr/bin/env bash
# Kafka -> Vigil -> Kafka (issue 19), with the WebSocket figures of the same session for comparison, as in
# docs/performance.md ("Kafka -> Vigil -> Kafka"). Everything on loopback; every broker and server is stopped after
# its run. Each run gets a fresh broker (benchmarks' BenchBroker: Kafka's KRaft test kit as a process of its own,
# logs in a fresh temporary folder), fresh topics and a fresh server with the durable logs (--durability log) reading
# the input topic and writing the bench rule's alerts to the output topic through a kafka sink (transactional).
#
# Usage: [SKIP_BUILD=1] [RUNS=3] [DURATION=15] [WARMUP=30] [EVENTS=...] [CASES="throughput latency"] [WS=1]
#        [SERVER_JAVA_OPTS=...] benchmarks/kafka-bench.sh
#   CASES     throughput: the input topic (PARTITIONS, default 4) is filled with EVENTS events (default 8,000,000)
#                 before the server starts; the server's events/s from Kafka in steady state (DURATION s after a
#                 WARMUP s warm-up, from its /metrics), the alerts/s committed to the output topic in the same window,
#                 and the whole run's events/s until the last alert is read (read_committed);
#             latency: events produced at RATE events/s (default 10,000) in ticks of BATCH (default 10) events and a
#                 watermark per partition; event-to-alert latency from a tick's due time to the alert's arrival at
#                 a read_committed consumer of the output topic (p50 ... max), after a WARMUP s warm-up
#   WARMUP    seconds (default 30, for the WebSocket runs as well): the Kafka path ramps up for 30 s or so on this
#                 2-core machine (the server's and the broker's JIT; docs/performance.md, "The ramp")
#   WS        1 (default): also run benchmarks/server-bench.sh's matching WebSocket cases (durable log, 1 connection:
#                 --batch 100 and --batch 1000 for throughput, --rate RATE --batch BATCH for latency) in the same
#                 session, one WebSocket run after each Kafka run; 0: Kafka only
#   VIGIL_JAR the server to run in the Kafka runs (default cli/target/vigil.jar), e.g. a copy of an older build
#   SERVER_JAVA_OPTS  JVM options of the servers (Kafka and WebSocket runs alike), e.g. "-XX:+UseParallelGC -Xms2g"
#   BROKER_JAVA_OPTS  JVM options of the broker (default -Xms1g -Xmx1g)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${VIGIL_JAR:-$root/cli/target/vigil.jar}"   # VIGIL_JAR: another build, for a before/after comparison
bench="$root/benchmarks/target/benchmarks.jar"
[ -n "${SKIP_BUILD:-}" ] || (cd "$root" && mvn -o -q -B -Pbenchmarks -DskipTests package -pl benchmarks -am)
partitions="${PARTITIONS:-4}"
duration="${DURATION:-15}"
warmup="${WARMUP:-30}"
work="$(mktemp -d)"
broker_pid=""
server_pid=""
stop() {   # stops what this script started, by process id
  [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  [ -z "$broker_pid" ] || { kill "$broker_pid" 2>/dev/null || true; wait "$broker_pid" 2>/dev/null || true; }
  server_pid=""
  broker_pid=""
}
trap 'stop; rm -rf "$work"' EXIT

driver() {
  java -cp "$bench" dev.vigil.bench.kafka.KafkaBench "$@" 2> >(grep -v '^SLF4J' >&2)
}

start_broker() {
  rm -f "$work/bootstrap"
  # shellcheck disable=SC2086
  java ${BROKER_JAVA_OPTS:--Xms1g -Xmx1g} -cp "$bench" dev.vigil.bench.kafka.BenchBroker "$work/bootstrap" \
      > "$work/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 300); do [ -f "$work/bootstrap" ] && break; sleep 0.2; done
  [ -f "$work/bootstrap" ] || { echo "the broker did not start:" >&2; cat "$work/broker.log" >&2; exit 1; }
  bootstrap="$(cat "$work/bootstrap")"
}

start_server() {   # a server with the durable logs reading the input topic, the bench rule writing to the output
  rm -rf "$work/rules" "$work/data" "$work/server.log"
  mkdir -p "$work/rules" "$work/data"
  driver rule > "$work/rules/bench_seq.cep"
  # shellcheck disable=SC2086
  java ${SERVER_JAVA_OPTS:-} -jar "$jar" serve --rules "$work/rules" --data "$work/data" --port 0 \
      --durability log --ack-after write --kafka-bootstrap "$bootstrap" --kafka-topics "bench-events=bench_seq_0" \
      > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do grep -q listening "$work/server.log" && break; sleep 0.2; done
  port="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$work/server.log")"
  [ -n "$port" ] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
}

kafka_throughput() {
  start_broker
  driver prefill --bootstrap "$bootstrap" --partitions "$partitions" --events "${EVENTS:-8000000}" --batch 1000
  start_server
  driver throughput --bootstrap "$bootstrap" --server "http://127.0.0.1:$port" --events "${EVENTS:-8000000}" \
      --batch 1000 --warmup "$warmup" --duration "$duration" || echo "(run incomplete: exit status $?)"
  stop
  grep -E 'ingest log:' "$work/server.log" || true
}

kafka_latency() {
  start_broker
  driver prefill --bootstrap "$bootstrap" --partitions "$partitions" --events 0
  start_server
  driver latency --bootstrap "$bootstrap" --partitions "$partitions" --rate "${RATE:-10000}" --batch "${BATCH:-10}" \
      --warmup "$warmup" --duration "$duration" || echo "(run incomplete: exit status $?)"
  stop
  grep -E 'ingest log:' "$work/server.log" || true
}

websocket() {   # one run of server-bench.sh's case $1, durable log
  SKIP_BUILD=1 RUNS=1 MODES=log DURATION="${duration}s" WARMUP="${warmup}s" CASES="$1" \
      "$root/benchmarks/server-bench.sh" | grep -v '^== ' | sed 's/^/  websocket: /'
}

for n in $(seq 1 "${RUNS:-3}"); do
  for case in ${CASES:-throughput latency}; do
    echo "== kafka $case (run $n, load $(cut -d' ' -f1-3 /proc/loadavg), SERVER_JAVA_OPTS='${SERVER_JAVA_OPTS:-}')"
    case "$case" in
      throughput)
        kafka_throughput
        if [ "${WS:-1}" = 1 ]; then
          echo "== websocket --batch 100 --connections 1 (run $n, load $(cut -d' ' -f1-3 /proc/loadavg))"
          websocket "--batch 100 --connections 1"
          echo "== websocket --batch 1000 --connections 1 (run $n, load $(cut -d' ' -f1-3 /proc/loadavg))"
          websocket "--batch 1000 --connections 1"
        fi ;;
      latency)
        kafka_latency
        if [ "${WS:-1}" = 1 ]; then
          echo "== websocket --rate ${RATE:-10000} --batch ${BATCH:-10} (run $n, load $(cut -d' ' -f1-3 /proc/loadavg))"
          websocket "--rate ${RATE:-10000} --batch ${BATCH:-10}"
        fi ;;
      *) echo "unknown case $case (throughput or latency)" >&2; exit 2 ;;
    esac
  done
done
