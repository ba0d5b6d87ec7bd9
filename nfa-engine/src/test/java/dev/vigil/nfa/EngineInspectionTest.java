package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.state.SnapshotChain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Questions about the keys ({@link Engine#inspect}, {@link Engine#explain}, {@link Engine#census}) with key state on
 * the heap and serialized in a key store: they answer what the matcher holds and would do, and change nothing.
 */
class EngineInspectionTest {
    private static final String PAIR = """
            RULE pair FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 10 SECONDS
              DEFINE small AS amount < 2, big AS amount >= 500 AND amount > 1000 * small.amount
            """;

    private long sequence;
    private List<CompiledRule> compiled;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "store"})
    void aKeyShowsItsRunWaitingInTheSecondStateItsWaitingEventsAndTimers(String backend) {
        Engine engine = engine(PAIR, backend, new EngineTest.Recorder());
        engine.offer(payment("c1", 1, 1_000));
        engine.offer(payment("c2", 7, 1_100));
        engine.advanceWatermark(1_500);
        engine.offer(payment("c1", 3, 3_000));   // waits for the watermark

        KeyInspection c1 = engine.inspect("pair", "c1", 10, 10, 10);
        assertEquals("pair", c1.rule());
        assertEquals("c1", c1.key());
        assertEquals(1_500, c1.watermark());
        assertEquals(1, c1.partialMatchCount());
        KeyInspection.PartialMatch run = c1.partialMatches().get(0);
        assertEquals("big", run.stateName());
        assertEquals(stateId("big"), run.state());
        assertFalse(run.completed());
        assertEquals(1_000, run.startedAt());
        assertEquals(1_000, run.lastEventAt());
        assertEquals(11_000L, run.windowEndsAt());
        assertNull(run.gapEndsAt());
        assertEquals(List.of("small"), List.copyOf(run.events().keySet()));
        assertEquals(1L, run.events().get("small").get(0).field("amount"));
        assertEquals(1, run.eventCount());
        assertEquals(1, c1.waitingCount());
        assertEquals(3_000, c1.waiting().get(0).timestamp());
        assertEquals(List.of(11_000L), c1.timers());
        assertTrue(c1.holdsState());

        KeyInspection c2 = engine.inspect("pair", "c2", 10, 10, 10);
        assertFalse(c2.holdsState(), "amount 7 started nothing");
        assertEquals(List.of(), c2.partialMatches());
        engine.offer(payment("c3", 7, 1_501));   // starts nothing: skipped on arrival, yet waits for the watermark
        assertEquals(List.of(1_501L), engine.inspect("pair", "c3", 10, 10, 10).waiting().stream()
                .map(Event::timestamp).toList(), "an event skipped on arrival is shown waiting all the same");
        engine.advanceWatermark(1_501);
        assertEquals(0, engine.inspect("pair", "c3", 10, 10, 10).waitingCount());
                KeyInspection unknown = engine.inspect("pair", "nobody", 10, 10, 10);
        assertFalse(unknown.holdsState());
        assertNull(engine.inspect("absent", "c1", 10, 10, 10), "no such rule");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "store"})
    void explainNamesTheFalseConditionOfEachTransitionWithTheValuesItSaw(String backend) {
        Engine engine = withASmallPayment(backend);

        EventExplanation explained = engine.explain("pair", payment("c1", 42, 2_000), 10);
        assertEquals("c1", explained.key());
        assertFalse(explained.late());
        assertEquals(2, explained.runCount());
        EventExplanation.Run start = explained.runs().get(0);
        assertTrue(start.start());
        assertNull(start.startedAt());
        assertEquals("take small: false (amount < 2): amount = 42", describe(only(start, "take")));

        EventExplanation.Run waiting = explained.runs().get(1);
        assertFalse(waiting.start());
        assertEquals("big", waiting.stateName());
        assertEquals(1_000L, waiting.startedAt());
        assertEquals("take big: false (amount >= 500): amount = 42", describe(only(waiting, "take")));
        assertEquals("ignore !big: held NOT ((amount >= 500) AND (amount > (1000 * LAST(small.amount)))): amount = 42",
                describe(only(waiting, "ignore")));

        EventExplanation notEnough = engine.explain("pair", payment("c1", 600, 2_000), 10);
        assertEquals("take big: false (amount > (1000 * LAST(small.amount))): amount = 600, "
                + "(1000 * LAST(small.amount)) = 1000, LAST(small.amount) = 1",
                describe(only(notEnough.runs().get(1), "take")), "the first conjunct held: the second is to blame");
        EventExplanation enough = engine.explain("pair", payment("c1", 1_001, 2_000), 10);
        assertTrue(only(enough.runs().get(1), "take").held());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "store"})
    void explainAndInspectChangeNothing(String backend) {
        EngineTest.Recorder quiet = new EngineTest.Recorder();
        EngineTest.Recorder asked = new EngineTest.Recorder();
        Engine plain = engine(PAIR, backend, quiet);
        Engine questioned = engine(PAIR, backend, asked);
        List<Event> events = List.of(payment("c1", 1, 1_000), payment("c2", 1, 1_200), payment("c1", "lots", 1_300),
                payment("c1", 1_900, 2_000), payment("c2", 50, 2_100), payment("c3", 1, 2_200));
        for (Event event : events) {
            plain.offer(event);
            questioned.offer(event);
            byte[] before = SnapshotChain.snapshot(questioned);
            for (String card : List.of("c1", "c2", "c3")) {
                questioned.inspect("pair", card, 10, 10, 10);
                questioned.explain("pair", payment(card, 1_000, 5_000), 10);
                questioned.explain("pair", payment(card, "text", 5_000), 10);   // an evaluation error, not counted
                try (StateCensus census = questioned.census("pair")) {
                    census.count(1);
                }
            }
            assertArrayEquals(before, SnapshotChain.snapshot(questioned), "state after " + event);
            plain.advanceWatermark(event.timestamp());
            questioned.advanceWatermark(event.timestamp());
        }
        plain.finish();
        questioned.finish();
        assertEquals(List.of("match c1: small=1 big=1900"), quiet.summary());
        assertEquals(quiet.summary(), asked.summary());
        assertEquals(plain.counters(), questioned.counters());
        assertArrayEquals(SnapshotChain.snapshot(plain), SnapshotChain.snapshot(questioned));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "store"})
    void aCompositeKeyIsAListOfItsValuesAndTheGlobalKeyIsNull(String backend) {
        Engine engine = engine("""
                RULE regional FROM payments PARTITION BY card, region
                  PATTERN small -> big
                  DEFINE small AS amount < 2, big AS amount >= 500;
                RULE everyone FROM payments
                  PATTERN small -> big
                  DEFINE small AS amount < 2, big AS amount >= 500
                """, backend, new EngineTest.Recorder());
        Map<String, Object> fields = fields("c1", 1L, 1_000);
        fields.put("region", "eu");
        engine.offer(new Event("payments", 1_000, ++sequence, fields));
        engine.advanceWatermark(1_500);

        List<Object> key = new ArrayList<>();
        key.add("c1");
        key.add("eu");
        assertEquals(1, engine.inspect("regional", key, 10, 10, 10).partialMatchCount());
        assertEquals(key, engine.inspect("regional", key, 10, 10, 10).key());
        assertEquals(0, engine.inspect("regional", List.of("c1", "us"), 10, 10, 10).partialMatchCount());
        assertThrows(IllegalArgumentException.class, () -> engine.inspect("regional", "c1", 10, 10, 10),
                "a composite key is a list");
        assertEquals(1, engine.inspect("everyone", null, 10, 10, 10).partialMatchCount());
        assertNull(engine.inspect("everyone", null, 10, 10, 10).key());
        assertThrows(IllegalArgumentException.class, () -> engine.inspect("everyone", "c1", 10, 10, 10));
        assertEquals(key, engine.explain("regional", new Event("payments", 2_000, ++sequence, fields), 10).key());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "store"})
    void theCensusCountsPartialMatchesPerStateOverEveryKeyInSlices(String backend) {
        Engine engine = engine("""
                RULE three FROM payments PARTITION BY card
                  PATTERN a -> b -> c WITHIN 1 HOUR
                  DEFINE a AS amount = 1, b AS amount = 2, c AS amount = 3
                """, backend, new EngineTest.Recorder());
        for (int card = 0; card < 25; card++) {
            engine.offer(payment("k" + card, 1, 1_000));
            if (card % 5 == 0) {
                engine.offer(payment("k" + card, 2, 1_001));
            }
        }
        engine.advanceWatermark(2_000);
        StateCensus census = engine.census("three");
        int slices = 0;
        while (!census.count(4)) {
            slices++;
        }
        long[] byState = census.partialMatchesByState();
        assertEquals(25, census.keysCounted());
        assertTrue(slices >= 6, "counted 4 keys at a time: " + slices);
        assertEquals(20, byState[stateId("b")], "waiting for b: the keys that took no 2");
        assertEquals(5, byState[stateId("c")], "waiting for c: the keys that took a 2");
        assertEquals(0, byState[stateId("a")], "the start state's run is not counted");
        long[] inspected = new long[byState.length];
        for (int card = 0; card < 25; card++) {
            for (KeyInspection.PartialMatch match : engine.inspect("three", "k" + card, 10, 10, 10).partialMatches()) {
                inspected[match.state()]++;
            }
        }
        assertArrayEquals(inspected, byState, "the census agrees with the keys one by one");
        assertTrue(census.count(4), "done stays done");
        assertNull(engine.census("absent"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heap", "store"})
    void anEventAtOrBelowItsStreamsWatermarkIsExplainedAsLate(String backend) {
        Engine engine = withASmallPayment(backend);
        assertTrue(engine.explain("pair", payment("c1", 600, 1_500), 10).late());
        assertFalse(engine.explain("pair", payment("c1", 600, 1_501), 10).late());
        assertThrows(IllegalArgumentException.class,
                () -> engine.explain("pair", new Event("refunds", 2_000, 1, fields("c1", 1L, 2_000)), 10),
                "the rule does not read refunds");
    }

    /** An engine running {@link #PAIR} whose key c1 took a small payment of 1 at 1000: the watermark is at 1500. */
    private Engine withASmallPayment(String backend) {
        Engine engine = engine(PAIR, backend, new EngineTest.Recorder());
        engine.offer(payment("c1", 1, 1_000));
        engine.advanceWatermark(1_500);
        return engine;
    }

    private static EventExplanation.Transition only(EventExplanation.Run run, String action) {
        List<EventExplanation.Transition> found = run.transitions().stream()
                .filter(transition -> transition.action().equals(action)).toList();
        assertEquals(1, found.size(), run.toString());
        return found.get(0);
    }

    private static String describe(EventExplanation.Transition transition) {
        StringBuilder text = new StringBuilder(transition.action()).append(' ').append(transition.guard())
                .append(transition.held() ? ": held " : ": false ").append(transition.expression());
        String separator = ": ";
        for (EventExplanation.Seen seen : transition.values()) {
            text.append(separator).append(seen.expression()).append(" = ").append(seen.value());
            separator = ", ";
        }
        return text.toString();
    }

    /** The id of the state named {@code name} in the first rule the test compiled. */
    private int stateId(String name) {
        for (Automaton.State state : compiled.get(0).automaton().states()) {
            if (state.name().equals(name)) {
                return state.id();
            }
        }
        throw new AssertionError("no state " + name + " in " + compiled.get(0).automaton().text());
    }

    private Engine engine(String text, String backend, EngineListener listener) {
        CompileResult result = RuleCompiler.compile("test.cep", text);
        assertTrue(result.ok(), () -> result.diagnostics().toString());
        compiled = result.rules();
        EngineConfig config = EngineConfig.defaults().withWatermarksFromInputOnly(true);   // as the server runs
        return new Engine(result.rules(), backend.equals("store") ? config.withKeyStore(MemoryKeyStore::new) : config,
                listener);
    }

    private Event payment(String card, Object amount, long ts) {
        return new Event("payments", ts, ++sequence, fields(card, amount, ts));
    }

    /** An event's fields as JSON reads them: whole numbers are Longs. */
    private static Map<String, Object> fields(String card, Object amount, long ts) {
        if (amount instanceof Integer whole) {
            amount = whole.longValue();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stream", "payments");
        fields.put("card", card);
        fields.put("amount", amount);
        fields.put("value", amount);
        fields.put("ts", ts);
        return fields;
    }
}
