package dev.vigil.bench;

import dev.vigil.nfa.Engine;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.Offer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One event on one key through the engine's public API, in processing time ({@link EngineProbe}: no buffering, keys
 * and timers as in a running engine). {@code ignored}: W1 ({@code a -> b -> c WITHIN 10 SECONDS}) and a D event on
 * a key whose run waits for b (relaxed contiguity: the run passes it by and stays as it is); {@code match}: W2 (the
 * same with strict contiguity) and an A, a B and a C on a key without state, so a run starts, advances and completes,
 * the match is extracted and its alert built, and the key goes back to holding nothing (per event). Run:
 * {@code java -jar benchmarks/target/benchmarks.jar StepBenchmark -prof gc}.
 */
@State(Scope.Thread)
public class StepBenchmark extends MicroBenchmark {
    private Engine waitingForB;
    private Engine strict;
    private Event a;
    private Event b;
    private Event c;
    private Event d;

    @Setup
    public void start(Blackhole blackhole) {
        a = EngineProbe.event("k1", "A", 10, 1_000);
        b = EngineProbe.event("k1", "B", 20, 1_001);
        c = EngineProbe.event("k1", "C", 30, 1_002);
        d = EngineProbe.event("k1", "D", 40, 1_003);
        waitingForB = EngineProbe.start(Workload.W1, blackhole);
        EngineProbe.offer(waitingForB, a);
        if (waitingForB.counters().rules().get(0).partialMatches() != 1) {
            throw new IllegalStateException("the A started no run: " + waitingForB.counters());
        }
        strict = EngineProbe.start(Workload.W2, blackhole);
    }

    @TearDown
    public void check() {
        if (strict.counters().rules().get(0).keys() != 0) {
            throw new IllegalStateException("a completed match left state: " + strict.counters());
        }
    }

    @Benchmark
    public Offer ignored() {
        return waitingForB.offer(d);
    }

    @Benchmark
    @OperationsPerInvocation(3)
    public Offer match() {
        strict.offer(a);
        strict.offer(b);
        return strict.offer(c);
    }
}
