package dev.vigil.bench;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.match.MatchOutput;
import dev.vigil.nfa.match.MatchedEvents;
import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.match.PartialMatches;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One NFA step: W1's {@link Matcher} ({@code a -> b -> c WITHIN 10 SECONDS}, {@code b.value > a.value}) fed one
 * event on one key's state, without the runtime around it (no buffering, keys or timers). {@code ignored}: a D
 * event reaches a key whose run waits for b (relaxed contiguity: the run passes it by and stays as it is);
 * {@code match}: an A, a B and a C on a fresh key, so a run starts, advances and completes (per event, the match's
 * extraction included). Run: {@code java -jar benchmarks/target/benchmarks.jar StepBenchmark -prof gc}.
 */
@State(Scope.Thread)
public class StepBenchmark extends MicroBenchmark {
    private Matcher matcher;
    private PartialMatches waitingForB;
    private Event a;
    private Event b;
    private Event c;
    private Event d;
    private Output output;

    @Setup
    public void start(Blackhole blackhole) {
        matcher = new Matcher(Workload.W1.rules().get(0).nfa(), 1_000);
        a = event("A", 10, 1_000);
        b = event("B", 20, 1_001);
        c = event("C", 30, 1_002);
        d = event("D", 40, 1_003);
        output = new Output(blackhole);
        waitingForB = matcher.newState();
        matcher.process(waitingForB, a, a.timestamp(), output);
        if (matcher.partialMatchCount(waitingForB) != 1) {
            throw new IllegalStateException("the A started no run: " + waitingForB);
        }
    }

    private static Event event(String type, long value, long ts) {
        return new Event("events", ts, value, Map.of("key", "k1", "type", type, "value", value));
    }

    @Benchmark
    public void ignored() {
        matcher.process(waitingForB, d, d.timestamp(), output);
    }

    @Benchmark
    @OperationsPerInvocation(3)
    public PartialMatches match() {
        PartialMatches state = matcher.newState();
        matcher.process(state, a, a.timestamp(), output);
        matcher.process(state, b, b.timestamp(), output);
        matcher.process(state, c, c.timestamp(), output);
        return state;
    }

    /** Hands matches to the blackhole; W1 reports no timeouts and drops nothing here. */
    private record Output(Blackhole blackhole) implements MatchOutput {
        @Override
        public void onMatch(MatchedEvents match) {
            blackhole.consume(match);
        }

        @Override
        public void onTimeout(MatchedEvents partial, long timeoutTimestamp) {
            blackhole.consume(partial);
        }

        @Override
        public void onPartialMatchesDropped(int count) {
            throw new IllegalStateException(count + " partial matches dropped");
        }
    }
}
