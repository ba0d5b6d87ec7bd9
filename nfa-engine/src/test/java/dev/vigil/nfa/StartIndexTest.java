package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.expr.EvaluationErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The start index of heap engines ({@code RuleDispatch}: equalities, then ranges) changes which rules an event
 * visits, never what they find: random rules beginning with equalities and ranges of every direction, with long and
 * double bounds, on events whose fields are strings, numbers, NaN or absent, give the same alerts in the same order
 * and the same counters (evaluation errors included) as an engine keeping its keys in a key store, which visits every
 * rule.
 */
class StartIndexTest {
    private static final String[] TYPES = {"A", "B", "C"};
    private static final String[] OPS = {">", ">=", "<", "<="};

    @Test
    void theIndexedEngineFindsWhatAnEngineVisitingEveryRuleFinds() {
        for (int seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            List<CompiledRule> rules = rules(random);
            List<Event> events = events(random);
            List<String> indexed = new ArrayList<>();
            List<String> visited = new ArrayList<>();
            EngineCounters indexedCounters = run(rules, events, EngineConfig.defaults(), indexed);
            EngineCounters visitedCounters = run(rules, events,
                    EngineConfig.defaults().withKeyStore(MemoryKeyStore::new), visited);
            assertTrue(indexed.size() > 10, "seed " + seed + ": too few alerts to tell: " + indexed.size());
            assertEquals(String.join("\n", visited), String.join("\n", indexed), "seed " + seed);
            assertEquals(visitedCounters.toString().replace("RuleCounters", "\n"),
                    indexedCounters.toString().replace("RuleCounters", "\n"), "seed " + seed);
        }
    }

    private static EngineCounters run(List<CompiledRule> rules, List<Event> events, EngineConfig config,
            List<String> alerts) {
        EvaluationErrors.drain();   // errors an earlier test left on this thread would count in the first rule's
        try (Engine engine = new Engine(rules, config, new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(alert.rule() + " " + alert.kind() + " " + alert.key() + " " + alert.start() + "-"
                        + alert.end());
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError(late.reason());
            }
        })) {
            for (Event event : events) {
                engine.offer(event);
            }
            engine.finish();
            return engine.counters();
        }
    }

    private static List<CompiledRule> rules(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            String range = "value " + OPS[random.nextInt(OPS.length)] + " "
                    + (random.nextBoolean() ? String.valueOf(random.nextInt(12)) : random.nextInt(12) + ".5");
            String type = "type = '" + TYPES[random.nextInt(TYPES.length)] + "'";
            String start = switch (random.nextInt(5)) {
                case 0 -> range;                                        // a range first
                case 1 -> type;                                         // an equality alone
                case 2 -> "kind = 'x' AND " + range;                    // an equality on another field
                case 3 -> "value + 0 >= 3 AND " + type;                 // nothing to index
                default -> type + " AND " + range;                      // an equality, then a range
            };
            text.append("RULE r").append(i).append(" FROM events PARTITION BY key PATTERN x -> y WITHIN 5 SECONDS\n")
                    .append("  DEFINE x AS ").append(start).append(", y AS type = '")
                    .append(TYPES[random.nextInt(TYPES.length)]).append("';\n");
        }
        CompileResult result = RuleCompiler.compile("ranges.cep", text.toString());
        assertTrue(result.ok(), () -> "rules do not compile: " + result.diagnostics());
        return result.rules();
    }

    private static List<Event> events(Random random) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("key", "k" + random.nextInt(40));
            int type = random.nextInt(20);
            if (type < 17) {
                fields.put("type", TYPES[type % TYPES.length]);
            } else if (type == 17) {
                fields.put("type", 7L);
            }
            int value = random.nextInt(40);
            if (value < 26) {
                fields.put("value", value / 2);                          // an Integer, normalised to a Long
            } else if (value < 34) {
                fields.put("value", (value - 26) * 1.5);
            } else if (value == 34) {
                fields.put("value", Double.NaN);
            } else if (value == 35) {
                fields.put("value", "ten");
            }
            if (random.nextInt(4) == 0) {
                fields.put("kind", random.nextBoolean() ? "x" : 3L);
            }
            events.add(new Event("events", 1_000L * i + random.nextInt(500), i, fields));
        }
        return events;
    }
}
