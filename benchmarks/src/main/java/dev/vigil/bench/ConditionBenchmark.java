package dev.vigil.bench;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.MatchView;
import dev.vigil.nfa.program.Guard;
import dev.vigil.nfa.program.Nfa;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Condition evaluation: W1's compiled {@code DEFINE} conditions tested on one event, as an NFA edge tests them.
 * {@code typeMatches}/{@code typeDiffers}: {@code a AS type = 'A'} on an A and on a D event (the test every event
 * of a key without state gets); {@code relative}: {@code b AS type = 'B' AND value > a.value} on a B, with the
 * partial match holding an A (a field of the event against a field of an earlier one). Run: {@code java -jar
 * benchmarks/target/benchmarks.jar ConditionBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
public class ConditionBenchmark extends MicroBenchmark {
    private Guard typeIsA;
    private Guard bAboveA;
    private Event a;
    private Event b;
    private Event d;
    private MatchView holdingA;

    @Setup
    public void compile() {
        Nfa nfa = Workload.W1.rules().get(0).nfa();
        typeIsA = takeGuard(nfa, "a");
        bAboveA = takeGuard(nfa, "b");
        a = event("A", 10);
        b = event("B", 20);
        d = event("D", 30);
        Event bound = a;
        holdingA = new MatchView() {
            @Override
            public int count(int variable) {
                return variable == 0 ? 1 : 0;
            }

            @Override
            public Event event(int variable, int index) {
                return bound;
            }
        };
    }

    /** The guard of the edge that takes an event for {@code variable}: its DEFINE condition. */
    static Guard takeGuard(Nfa nfa, String variable) {
        for (Nfa.State state : nfa.states()) {
            for (Nfa.Edge edge : state.edges()) {
                if (edge.action() == Nfa.Action.TAKE && edge.guard() instanceof Guard.Defined defined
                        && defined.name().equals(variable)) {
                    return edge.guard();
                }
            }
        }
        throw new IllegalStateException("no edge takes " + variable + " in " + nfa.describe());
    }

    private static Event event(String type, long value) {
        return new Event("events", 1_000L + value, value, Map.of("key", "k1", "type", type, "value", value));
    }

    @Benchmark
    public boolean typeMatches() {
        return typeIsA.test(a, MatchView.EMPTY);
    }

    @Benchmark
    public boolean typeDiffers() {
        return typeIsA.test(d, MatchView.EMPTY);
    }

    @Benchmark
    public boolean relative() {
        return bAboveA.test(b, holdingA);
    }
}
