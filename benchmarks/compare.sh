#!/usr/bin/env bash
# The side-by-side comparison of Vigil's engine with Flink CEP, Esper and the hand-written floor, in one command:
# builds the benchmarks module, then runs every engine on every workload, each in its own JVM with the same heap,
# one after another, and prints the tables (also written to benchmarks/target/compare.md).
# Arguments are passed to dev.vigil.bench.compare.Compare, e.g. --scenarios W1:10000 --runs 5; --default-jvm runs
# the engines' JVMs as a user would start them (-Xmx only, G1 defaults, no pre-touch, 1 warm-up and 3 runs).
# Takes about an hour on a 2-core machine with the defaults; see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbenchmarks -pl benchmarks -am clean package -DskipTests   # clean: no class left over from older sources
java -Xmx512m -cp benchmarks/target/benchmarks.jar dev.vigil.bench.compare.Compare \
  --out benchmarks/target/compare.md "$@"
