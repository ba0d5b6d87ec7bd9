package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Time computations at both ends of the accepted range of event times and at the ends of {@code long} (the
 * engine's API takes any timestamp): watermarks, {@code WITHIN} deadlines and timeout times saturate instead of
 * wrapping around, so no partial match outlives the end of input and no delay turns into the end of time.
 */
class TimeAtTheEndsTest {
    private static final String PAIR = """
            RULE pair FROM events PARTITION BY key
              PATTERN a -> b WITHIN %s
              DEFINE a AS type = 'A', b AS type = 'B'
              ON TIMEOUT EMIT started = a.value
            """;

    private long sequence;

    private static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("test.cep", text);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules();
    }

    private Event event(String key, String type, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stream", "events");
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", ts);
        return new Event("events", ts, ++sequence, fields);
    }

    private static Engine engine(String window, EngineTest.Recorder out) {
        return new Engine(compile(PAIR.formatted(window)), EngineConfig.defaults(), out);
    }

    @Test
    void partialMatchesStartedBefore1970TimeOutAtTheEndOfInput() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = engine("10 SECONDS", out);
        engine.offer(event("year-1", "A", EventTime.MIN_MS));
        engine.offer(event("1969", "A", -5_000));
        engine.finish();   // the watermark goes to Long.MAX_VALUE: MAX - (-5000) used to wrap and keep the run
        assertEquals(List.of("timeout year-1: a=" + EventTime.MIN_MS, "timeout 1969: a=-5000"), out.summary());
        assertEquals(EventTime.MIN_MS + 10_000, out.alerts.get(0).timeoutAt());
        assertEquals(5_000, out.alerts.get(1).timeoutAt());
    }

    @Test
    void atTheTopOfTheRangeMatchesAndTimeoutsAreThoseOfAnyOtherTime() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = engine("10 SECONDS", out);
        engine.offer(event("matched", "A", EventTime.MAX_MS - 20));
        engine.offer(event("matched", "B", EventTime.MAX_MS - 10));
        engine.offer(event("alone", "A", EventTime.MAX_MS));
        engine.advanceWatermark(EventTime.MAX_MS);
        assertEquals(List.of("match matched: a=" + (EventTime.MAX_MS - 20) + " b=" + (EventTime.MAX_MS - 10)),
                out.summary(), "the latest watermark a producer can send releases everything up to it");
        engine.finish();
        assertEquals(EventTime.MAX_MS + 10_000, out.alerts.get(1).timeoutAt());
    }

    @Test
    void aDeadlineBeyondTheRangeOfLongIsNeverReachedAsWithoutAWindow() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = engine(Long.MAX_VALUE + " MILLISECONDS", out);
        engine.offer(event("k", "A", 1_000));
        engine.offer(event("top", "A", Long.MAX_VALUE - 5));
        engine.advanceWatermark(EventTime.MAX_MS);
        engine.finish();   // 1000 + WITHIN used to wrap to a deadline in the past; now it saturates: never
        assertEquals(List.of(), out.summary());
        engine.offer(event("k", "B", Long.MAX_VALUE));
        assertEquals(1, out.late.size(), "after the end of input everything is late");
    }

    @Test
    void timestampsAtTheEndsOfLongDoNotWrapTheirDeadlines() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = engine("10 SECONDS", out);
        engine.offer(event("low", "A", Long.MIN_VALUE + 1));
        engine.offer(event("high", "A", Long.MAX_VALUE - 10_005));
        engine.offer(event("high", "B", Long.MAX_VALUE - 10_001));
        engine.offer(event("top", "A", Long.MAX_VALUE - 5));
        engine.finish();
        assertEquals(List.of("timeout low: a=" + (Long.MIN_VALUE + 1),
                "match high: a=" + (Long.MAX_VALUE - 10_005) + " b=" + (Long.MAX_VALUE - 10_001)), out.summary(),
                "'top' would time out beyond the range of long: never, like a run without a window");
        assertEquals(Long.MIN_VALUE + 10_001, out.alerts.get(0).timeoutAt());
    }

    @Test
    void aDelayLongerThanAllTimeLeavesNoWatermarkInsteadOfTheEndOfTime() {
        EngineTest.Recorder out = new EngineTest.Recorder();
        Engine engine = new Engine(compile("""
                STREAM events (key STRING, type STRING, value LONG, ts TIMESTAMP)
                  WATERMARK DELAY %d MILLISECONDS;
                """.formatted(Long.MAX_VALUE) + PAIR.formatted("1 HOUR")), EngineConfig.defaults(), out);
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "A", -1_000)));
        assertEquals(Long.MIN_VALUE, engine.watermark("events"));
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "B", EventTime.MIN_MS)), "not late: no watermark yet");
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "B", 0)));
        engine.advanceWatermark(EventTime.MAX_MS);
        assertEquals(List.of("match k: a=-1000 b=0"), out.summary());
        assertTrue(out.late.isEmpty());
    }
}
