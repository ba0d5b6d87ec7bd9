package dev.vigil.bench.compare;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.FieldNames;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Vigil's engine through its public library API: rules compiled from text, one {@link Engine}, one thread. Every
 * rule says {@code AFTER MATCH SKIP NO SKIP}, Flink CEP's default (Vigil's own default is {@code PAST LAST EVENT},
 * as in SQL), so that all three engines report every match. With {@code rocksDb}, each run's engine keeps its key
 * state in a fresh RocksDB database in a temporary folder ({@link EngineConfig#withRocksDbState}), deleted after.
 */
final class VigilEngine implements ComparedEngine {
    /** The generated events' fields, named once for all of them (the public API's compact event form). */
    private static final FieldNames FIELDS = FieldNames.of("key", "type", "value");

    private List<CompiledRule> rules;
    private final Map<String, Integer> ruleIndex = new HashMap<>();
    private Event[] events;
    private final boolean rocksDb;

    VigilEngine(boolean rocksDb) {
        this.rocksDb = rocksDb;
    }

    @Override
    public String name() {
        return rocksDb ? Engines.VIGIL_ROCKSDB : "vigil";
    }

    static String ruleText(Workload workload) {
        return switch (workload) {
            case W1 -> """
                    RULE w1 FROM events PARTITION BY key
                      PATTERN a -> b -> c WITHIN 10 SECONDS
                      DEFINE a AS type = 'A', b AS type = 'B' AND value > a.value, c AS type = 'C'
                      AFTER MATCH SKIP NO SKIP
                    """;
            case W2 -> """
                    RULE w2 FROM events PARTITION BY key
                      PATTERN a b c WITHIN 10 SECONDS
                      DEFINE a AS type = 'A', b AS type = 'B' AND value > a.value, c AS type = 'C'
                      AFTER MATCH SKIP NO SKIP
                    """;
            case W3 -> """
                    RULE w3 FROM events PARTITION BY key
                      PATTERN a -> b+ -> c WITHIN 1 SECOND
                      DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
                      AFTER MATCH SKIP NO SKIP
                    """;
            case W4, W6 -> fraudMix(FraudMix.of(workload));
            case W5 -> """
                    RULE w5 FROM events PARTITION BY key
                      PATTERN a -> !b WITHIN 5 SECONDS
                      DEFINE a AS type = 'A', b AS type = 'B'
                      AFTER MATCH SKIP NO SKIP
                    """;
        };
    }

    private static String fraudMix(List<FraudMix.Rule> rules) {
        StringBuilder text = new StringBuilder();
        for (FraudMix.Rule rule : rules) {
            String first = GeneratedStream.TYPES[rule.first()];
            String second = GeneratedStream.TYPES[rule.second()];
            text.append("RULE ").append(rule.name()).append(" FROM events PARTITION BY key\n  ");
            text.append(switch (rule.kind()) {
                case SEQUENCE -> String.format("PATTERN x -> y -> z WITHIN 1 HOUR DEFINE x AS type = '%s' AND value"
                        + " >= %d, y AS type = '%s', z AS type = '%s' AND value > 50", first, rule.threshold(), second,
                        GeneratedStream.TYPES[rule.third()]);
                case STRICT_PAIR -> String.format("PATTERN p q WITHIN 12 HOURS DEFINE p AS type = '%s', q AS type ="
                        + " '%s' AND value > p.value + %d", first, second, rule.threshold());
                case ABSENCE -> String.format("PATTERN a -> !b WITHIN 30 SECONDS DEFINE a AS type = '%s' AND value"
                        + " < %d, b AS type = '%s'", first, rule.threshold(), second);
            });
            text.append(" AFTER MATCH SKIP NO SKIP;\n");
        }
        return text.toString();
    }

    static List<CompiledRule> compile(Workload workload) {
        CompileResult result = RuleCompiler.compile(workload.name().toLowerCase() + ".cep", ruleText(workload));
        if (!result.ok()) {
            throw new IllegalStateException("benchmark rule does not compile: " + result.diagnostics());
        }
        return result.rules();
    }

    @Override
    public void prepare(Workload workload, GeneratedStream stream) {
        rules = compile(workload);
        for (FraudMix.Rule rule : FraudMix.of(workload)) {
            ruleIndex.put(rule.name(), rule.index());
        }
        events = new Event[stream.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = event(stream.key(i), stream.type(i), stream.value(i), stream.timestamp(i), i);
        }
    }

    private static Event event(String key, String type, long value, long ts, long id) {
        return new Event("events", ts, id, FIELDS.fields(key, type, value));
    }

    @Override
    public Run run() throws IOException {
        Path folder = rocksDb ? Files.createTempDirectory("vigil-rocksdb") : null;
        MatchTally tally = new MatchTally();
        EngineConfig config = rocksDb ? EngineConfig.defaults().withRocksDbState(folder) : EngineConfig.defaults();
        Engine engine = new Engine(rules, config, new Tallying(tally, ruleIndex));
        Stopwatch stopwatch = new Stopwatch(events.length);
        stopwatch.start();
        for (int i = 0; i < events.length; i++) {
            stopwatch.before(i);
            engine.offer(events[i]);
        }
        engine.finish();
        Run run = stopwatch.stop(tally);
        engine.close();
        if (folder != null) {
            try (Stream<Path> paths = Files.walk(folder)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(path);
                }
            }
        }
        return run;
    }

    @Override
    public MemoryProbe memoryProbe() {
        Engine engine = new Engine(compile(Workload.W1), EngineConfig.defaults(), new Tallying(new MatchTally(),
                Map.of()));
        return new MemoryProbe() {
            @Override
            public void hold(int keys) {
                long ts = GeneratedStream.FIRST_TIMESTAMP;
                for (int i = 0; i < keys; i++) {
                    engine.offer(event("m" + i, "A", 0, GeneratedStream.FIRST_TIMESTAMP + i / 100, i));
                }
                engine.advanceWatermark(ts + keys / 100 + 1000);
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    /** Counts each match into the tally: the rule's index first for W4 and W6, then event ids in pattern order. */
    private record Tallying(MatchTally tally, Map<String, Integer> ruleIndex) implements EngineListener {
        @Override
        public void onAlert(Alert alert) {
            tally.begin();
            Integer index = ruleIndex.get(alert.rule());
            if (index != null) {
                tally.event(index);
            }
            for (List<Event> bound : alert.events().values()) {
                for (Event event : bound) {
                    tally.event(event.sequence());
                }
            }
            tally.end();
        }
        @Override
        public void onLateEvent(LateEvent late) {
            throw new IllegalStateException("a benchmark event arrived late: " + late);
        }
    }
}
