/**
 * The side-by-side comparison of Vigil's engine with Flink CEP 1.20, Esper 9 and a hand-written floor: a seeded
 * stream ({@link dev.vigil.bench.compare.GeneratedStream}), one {@link dev.vigil.bench.compare.ComparedEngine} per
 * engine, {@link dev.vigil.bench.compare.CompareRun} running one engine on one workload in its own JVM, and
 * {@link dev.vigil.bench.compare.Compare} running them all one after another and printing the tables.
 */
package dev.vigil.bench.compare;
