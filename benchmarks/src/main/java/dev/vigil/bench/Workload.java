package dev.vigil.bench;

import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.RuleCompiler;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark workloads of the engine issue, with a seeded generator: events have a key, a type A..E, a small
 * integer value and timestamps 1 ms apart, so every run sees the same events.
 */
enum Workload {
    /** {@code a -> b -> c WITHIN 10 SECONDS} with {@code b.value > a.value}. */
    W1("""
            RULE w1 FROM events PARTITION BY key
              PATTERN a -> b -> c WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B' AND value > a.value, c AS type = 'C'
            """),
    /** The same with strict contiguity. */
    W2("""
            RULE w2 FROM events PARTITION BY key
              PATTERN a b c WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B' AND value > a.value, c AS type = 'C'
            """),
    /** {@code a -> b+ -> c WITHIN 1 SECOND}: the partial-match explosion case. */
    W3("""
            RULE w3 FROM events PARTITION BY key
              PATTERN a -> b+ -> c WITHIN 1 SECOND
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
            """),
    /** {@code a -> !b WITHIN 5 SECONDS}: an absence, complete when the window closes without a B. */
    W5("""
            RULE w5 FROM events PARTITION BY key
              PATTERN a -> !b WITHIN 5 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B'
            """);

    private static final String[] TYPES = {"A", "B", "C", "D", "E"};
    private final String ruleText;

    Workload(String ruleText) {
        this.ruleText = ruleText;
    }

    List<CompiledRule> rules() {
        CompileResult result = RuleCompiler.compile(name().toLowerCase() + ".cep", ruleText);
        if (!result.ok()) {
            throw new IllegalStateException("benchmark rule does not compile: " + result.diagnostics());
        }
        return result.rules();
    }

    /** {@code count} events over {@code keys} keys, 1 ms apart, from a fixed seed. */
    static Event[] events(int count, int keys, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] keyNames = new String[keys];
        for (int k = 0; k < keys; k++) {
            keyNames[k] = "k" + k;
        }
        Event[] events = new Event[count];
        for (int i = 0; i < count; i++) {
            String key = keyNames[random.nextInt(keys)];
            String type = TYPES[random.nextInt(TYPES.length)];
            long value = random.nextInt(100);
            long ts = 1_000_000L + i;
            events[i] = new Event("events", ts, i, Map.of("stream", "events", "key", key, "type", type,
                    "value", value, "ts", ts));
        }
        return events;
    }
}
