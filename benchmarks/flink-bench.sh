#!/usr/bin/env bash
# Vigil's Flink job against Flink CEP in a job of the same shape (issue 20, "Performance"; docs/performance.md,
# "Vigil on Flink against Flink CEP"): dev.vigil.bench.compare.JobBench on a local MiniCluster at parallelism 2, the
# same source, watermarks, sink and state backend for both, every case in a JVM of its own, one after another.
# Cases (engine:backend:workload:events):
#   vigil and cep (Flink CEP) on W1 (a -> b -> c WITHIN 10 SECONDS, 10,000 keys) with the heap backend (hashmap) and
#   with RocksDB, floor (the same job around a keyed function that touches one value per event: what every keyed job
#   pays) on both, and vigil and cep on W4 (fifty rules in one Vigil job, fifty CEP.pattern operators) on the heap.
# Each case runs RUNS times (default 2), each run a fresh JVM with one warm-up pass and one measured pass; a line per
# run: engine backend workload keys events parallelism pass events/s cpu-us/event alerts, then the build and the
# load average at its end. The machine's other work changes events/s; the CPU time per event says what the pass cost.
#
# Usage: [SKIP_BUILD=1] [RUNS=2] [CASES="vigil:hashmap:W1:2000000 ..."] [BEFORE=<commit>] [HEAP=2g]
#        benchmarks/flink-bench.sh
#   BEFORE  also run the vigil cases with the Vigil modules of that commit (built in a temporary git worktree; the
#           benchmark's own classes stay this tree's), interleaved with this tree's runs: before and after in one run
#   CASES   engine:backend:workload:events, space-separated
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-2}"
heap="${HEAP:-2g}"
cases="${CASES:-vigil:hashmap:W1:2000000 cep:hashmap:W1:2000000 floor:hashmap:W1:2000000 \
vigil:rocksdb:W1:300000 cep:rocksdb:W1:300000 floor:rocksdb:W1:300000 \
vigil:hashmap:W4:200000 cep:hashmap:W4:200000}"
work="$(mktemp -d)"
cleanup() {
  if [ -n "${BEFORE:-}" ] && [ -d "$work/before" ]; then
    git -C "$root" worktree remove --force "$work/before" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The classpath of the benchmarks module, compiled in the reactor (module classes, not jars), without rocksdbjni:
# Flink's RocksDB state backend brings its own org.rocksdb classes (frocksdbjni), and two copies clash.
classpath() {   # $1: tree root
  (cd "$1" && mvn -o -q -B -Pbenchmarks -pl benchmarks -am compile dependency:build-classpath \
      -Dmdep.outputFile=target/flink-bench-classpath.txt >&2)
  tr ':' '\n' < "$1/benchmarks/target/flink-bench-classpath.txt" \
      | grep -v -e '/rocksdbjni-' -e '/\.m2/repository/dev/vigil/' | paste -sd: -
}
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f "$root/benchmarks/target/flink-bench-classpath.txt" ]; then
  now_cp="$root/benchmarks/target/classes:$(classpath "$root")"
else
  now_cp="$root/benchmarks/target/classes:$(tr ':' '\n' < "$root/benchmarks/target/flink-bench-classpath.txt" \
      | grep -v -e '/rocksdbjni-' -e '/\.m2/repository/dev/vigil/' | paste -sd: -)"
fi
builds="now"
if [ -n "${BEFORE:-}" ]; then
  git -C "$root" worktree add --detach "$work/before" "$BEFORE" >/dev/null
  (cd "$work/before" && mvn -o -q -B -pl flink-runner -am compile >&2)
  # this tree's benchmark classes, the earlier commit's Vigil modules (those it built; the others are not used)
  before_cp="$(echo "$now_cp" | tr ':' '\n' | while read -r entry; do
    module="${entry#"$root"/}"
    if [ "$module" != "$entry" ] && [ "$module" != benchmarks/target/classes ] && [ -d "$work/before/$module" ]; then
      echo "$work/before/$module"
    else
      echo "$entry"
    fi
  done | paste -sd: -)"
  builds="before now"
fi

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(java -version 2>&1 | head -1), commit $(git -C "$root" rev-parse --short HEAD)${BEFORE:+, before = $BEFORE}"
echo "# engine backend workload keys events parallelism pass events/s cpu-us/event alerts build load"
for case in $cases; do
  IFS=: read -r engine backend workload events <<< "$case"
  for run in $(seq 1 "$runs"); do
    for build in $builds; do
      [ "$engine" = vigil ] || [ "$build" = now ] || continue
      cp="$now_cp"
      [ "$build" = before ] && cp="$before_cp"
      line="$(java "-Xms$heap" "-Xmx$heap" -cp "$cp" dev.vigil.bench.compare.JobBench --engine "$engine" \
          --backend "$backend" --workload "$workload" --events "$events" --warmup 1 --passes 1 2>"$work/err" \
          | grep -E '^(vigil|cep|floor) ' || true)"
      if [ -z "$line" ]; then
        echo "$engine $backend $workload failed:" >&2
        tail -20 "$work/err" >&2
        exit 1
      fi
      echo "$line $build $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
