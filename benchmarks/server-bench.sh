#!/usr/bin/env bash
# Runs `vigil bench` against freshly started servers, 3 runs per configuration, as in docs/performance.md
# ("Server over WebSocket"). Loopback only; each server is stopped after its run.
# Usage: [DURATION=15s] [RUNS=3] benchmarks/server-bench.sh [extra `vigil serve` options]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/server/target/vigil.jar"
(cd "$root" && mvn -q -B -DskipTests package -pl server -am)
rules="$(mktemp -d)"
trap 'rm -rf "$rules"' EXIT

run() {   # one server, one bench run with the given bench options
  local log port pid
  log="$(mktemp)"
  data="$(mktemp -d)"
  java -jar "$jar" serve --rules "$rules" --data "$data" --port 0 "$@" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do grep -q listening "$log" && break; sleep 0.2; done
  port="$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$log")"
  java -jar "$jar" bench --url "http://127.0.0.1:$port" --duration "${DURATION:-15s}" --warmup 5s $BENCH \
      | grep -E '^(throughput|latency|alerts)' || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$log" "$data"
}

for BENCH in "--batch 100 --connections 1" "--batch 100 --connections 2" "--batch 1000 --connections 1" \
    "--batch 1000 --connections 2" "--rate 10000 --batch 10" "--rate 50000 --batch 50"; do
  for n in $(seq 1 "${RUNS:-3}"); do
    echo "== $BENCH (run $n)"
    run "$@"
  done
done
