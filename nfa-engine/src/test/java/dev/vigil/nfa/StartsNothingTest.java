package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An event that reaches a key holding nothing and starts nothing there makes no key state: no store is written,
 * and the keys and partial matches counted stay as they were, also while the watermark is behind (the server's
 * case: watermarks come from its input only) and the event must wait in case an earlier event of its key comes.
 * Such an event still continues what an earlier event, arriving after it, starts; and a snapshot taken while it
 * waits restores to the same alerts. On the heap and in a key store alike.
 */
class StartsNothingTest {
    private static final String PAIR = """
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN 1 HOUR
              DEFINE a AS type = 'A', b AS type = 'B'
            """;

    private long sequence;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void anEventStartingNothingMakesNoKeyStateWhileTheWatermarkIsBehind(String backend) {
        CountingKeyStore store = new CountingKeyStore();
        List<String> alerts = new ArrayList<>();
        try (Engine engine = new Engine(compile(), config(backend, () -> store), recorder(alerts))) {
            engine.advanceWatermark(500);
            engine.offer(event("k1", "B", 1_000));   // the watermark (500) is behind: it waits
            engine.offer(event("k2", "C", 1_000));
            assertEquals(0, rule(engine).keys(), "keys");
            assertEquals(0, rule(engine).partialMatches(), "partial matches");
            assertEquals(2, rule(engine).eventsIn(), "events in");
            assertEquals(0, store.writes, "key store writes");
            engine.advanceWatermark(2_000);
            assertEquals(0, rule(engine).keys(), "keys after the release");
            assertEquals(0, store.writes, "key store writes after the release");
            assertEquals(List.of(), alerts);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void aWaitingEventContinuesWhatAnEarlierEventArrivingAfterItStarts(String backend) {
        List<String> alerts = new ArrayList<>();
        try (Engine engine = new Engine(compile(), config(backend, CountingKeyStore::new), recorder(alerts))) {
            engine.advanceWatermark(500);
            engine.offer(event("k1", "B", 1_000));   // starts nothing, waits in no key state
            assertEquals(0, rule(engine).keys());
            engine.offer(event("k1", "A", 900));    // earlier in time, arrives later: starts a match
            assertEquals(1, rule(engine).keys());
            engine.advanceWatermark(2_000);
            assertEquals(List.of("k1 A@900 B@1000"), alerts);
            assertEquals(0, rule(engine).partialMatches());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "stored"})
    void aSnapshotWhileSuchAnEventWaitsRestoresToTheSameAlerts(String backend) throws IOException {
        List<String> continued = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        EngineConfig config = config(backend, CountingKeyStore::new);
        byte[] snapshot;
        byte[] again;
        try (Engine engine = new Engine(compile(), config, recorder(continued))) {
            engine.advanceWatermark(500);
            engine.offer(event("k1", "B", 1_000));
            engine.offer(event("k2", "A", 1_000));
            snapshot = snapshot(engine);
            try (Engine copy = Engine.restore(compile(), config, recorder(restored),
                    new DataInputStream(new ByteArrayInputStream(snapshot))).engine()) {
                again = snapshot(copy);
                for (Engine each : List.of(engine, copy)) {
                    each.offer(event("k1", "A", 800));
                    each.offer(event("k2", "B", 1_100));
                    each.advanceWatermark(2_000);
                }
                assertEquals(rule(engine), rule(copy));
            }
        }
        assertArrayEquals(snapshot, again, "a restored engine's snapshot has the snapshot's bytes");
        assertEquals(List.of("k1 A@800 B@1000", "k2 A@1000 B@1100"), continued);
        assertEquals(continued, restored);
    }

    private static RuleCounters rule(Engine engine) {
        return engine.counters().rules().get(0);
    }

    private static byte[] snapshot(Engine engine) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        engine.snapshot(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static List<CompiledRule> compile() {
        CompileResult result = RuleCompiler.compile("pair.cep", PAIR);
        assertTrue(result.ok(), result.diagnostics().toString());
        return result.rules();
    }

    /** Watermarks from the input only, as the server gives them; each engine of a "stored" config opens a store. */
    private static EngineConfig config(String backend, Supplier<KeyStore> stores) {
        EngineConfig config = EngineConfig.defaults().withWatermarksFromInputOnly(true);
        return backend.equals("stored") ? config.withKeyStore(stores) : config;
    }

    private Event event(String key, String type, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", key);
        fields.put("type", type);
        return new Event("events", ts, ++sequence, fields);
    }

    /** Alerts as "key A@ts B@ts". */
    private static EngineListener recorder(List<String> alerts) {
        return new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                StringBuilder line = new StringBuilder(String.valueOf(alert.key()));
                for (List<Event> bound : alert.events().values()) {
                    for (Event event : bound) {
                        line.append(' ').append(event.field("type")).append('@').append(event.timestamp());
                    }
                }
                alerts.add(line.toString());
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError("no event here is late: " + late.reason());
            }
        };
    }
}
