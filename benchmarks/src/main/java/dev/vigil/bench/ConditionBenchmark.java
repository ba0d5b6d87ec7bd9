package dev.vigil.bench;

import dev.vigil.nfa.Engine;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.Offer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Condition evaluation as the engine meets it, through its public API: W1 ({@code a -> b -> c}, {@code a AS type =
 * 'A'}, {@code b AS type = 'B' AND value > a.value}) in an engine in processing time ({@link EngineProbe}), one event
 * per operation that changes no state, so each costs the routing, the key's lookup, the NFA steps and the
 * conditions. {@code typeDiffers}: a D on a key without state ({@code type = 'A'} fails on the trial run);
 * {@code relative}: a B whose value is below the bound A's on a key whose run waits for b ({@code type = 'B'} holds,
 * {@code value > a.value} fails: a field of the event against a field of an earlier one), where
 * {@link StepBenchmark#ignored} offers a D. Run: {@code java -jar benchmarks/target/benchmarks.jar
 * ConditionBenchmark -prof gc}.
 */
@State(Scope.Thread)
public class ConditionBenchmark extends MicroBenchmark {
    private Engine engine;
    private Event d;
    private Event lowB;

    @Setup
    public void start(Blackhole blackhole) {
        engine = EngineProbe.start(Workload.W1, blackhole);
        EngineProbe.offer(engine, EngineProbe.event("k1", "A", 10, 1_000));
        d = EngineProbe.event("k2", "D", 30, 1_001);
        lowB = EngineProbe.event("k1", "B", 5, 1_002);
        if (engine.counters().rules().get(0).partialMatches() != 1) {
            throw new IllegalStateException("the A started no run: " + engine.counters());
        }
    }

    @Benchmark
    public Offer typeDiffers() {
        return engine.offer(d);
    }

    @Benchmark
    public Offer relative() {
        return engine.offer(lowB);
    }
}
