package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's event-time contract, end to end from rule text: watermarks, ordering, lateness, keys, timers,
 * processing time, the partial-match bound and alert construction. Time is an input: no test sleeps.
 */
class EngineTest {
    private static final String ABC = """
            RULE abc FROM events PARTITION BY key
              PATTERN a -> b -> c WITHIN 10 SECONDS
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
              EMIT first = a.value, last = c.value
              ON TIMEOUT EMIT started = a.value
            """;

    /** Collects everything an engine reports. */
    static final class Recorder implements EngineListener {
        final List<Alert> alerts = new ArrayList<>();
        final List<LateEvent> late = new ArrayList<>();
        final List<String> dropped = new ArrayList<>();
        final List<String> overWorkBound = new ArrayList<>();

        @Override
        public void onAlert(Alert alert) {
            alerts.add(alert);
        }

        @Override
        public void onLateEvent(LateEvent event) {
            late.add(event);
        }

        @Override
        public void onPartialMatchesDropped(String rule, Object key, int count) {
            dropped.add(rule + "/" + key + "/" + count);
        }

        @Override
        public void onWorkBoundExceeded(String rule, Object key, int count) {
            overWorkBound.add(rule + "/" + key + "/" + count);
        }

        /** Alerts as "kind key: var=values ..." lines, values being the events' `value` fields. */
        List<String> summary() {
            List<String> lines = new ArrayList<>();
            for (Alert alert : alerts) {
                StringBuilder line = new StringBuilder(alert.kind().json()).append(' ').append(alert.key()).append(':');
                alert.events().forEach((variable, events) -> {
                    line.append(' ').append(variable).append('=');
                    for (int i = 0; i < events.size(); i++) {
                        line.append(i == 0 ? "" : ",").append(events.get(i).field("value"));
                    }
                });
                lines.add(line.toString());
            }
            return lines;
        }
    }

    private long sequence;

    private static List<CompiledRule> compile(String text) {
        CompileResult result = RuleCompiler.compile("test.cep", text);
        assertTrue(result.ok(), () -> "rule does not compile: " + result.diagnostics());
        return result.rules();
    }

    private Event event(String stream, String key, String type, long value, long ts) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stream", stream);
        fields.put("key", key);
        fields.put("type", type);
        fields.put("value", value);
        fields.put("ts", ts);
        return new Event(stream, ts, ++sequence, fields);
    }

    private Event event(String key, String type, long value, long ts) {
        return event("events", key, type, value, ts);
    }

    @Test
    void matchesPerKeyAndEvaluatesEmitFields() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        engine.offer(event("k1", "A", 1, 1_000));
        engine.offer(event("k2", "A", 2, 1_100));
        engine.offer(event("k1", "B", 3, 1_200));
        engine.offer(event("k1", "C", 4, 1_300));
        engine.offer(event("k2", "X", 5, 1_400));
        engine.finish();
        assertEquals(List.of("match k1: a=1 b=3 c=4", "timeout k2: a=2"), out.summary());
        Alert match = out.alerts.get(0);
        assertEquals(Map.of("first", 1L, "last", 4L), match.fields());
        assertEquals(1_000, match.start());
        assertEquals(1_300, match.end());
        assertEquals(-1, match.timeoutAt());
        Alert timeout = out.alerts.get(1);
        assertEquals(Map.of("started", 2L), timeout.fields());
        assertEquals(11_100, timeout.timeoutAt());
    }

    /**
     * Alert ids come from the events' identities, not their numbers: the same events numbered otherwise (another
     * interleaving of sources, a resend after a crash) give the same ids; other identities give other ids.
     */
    @Test
    void alertIdsDeriveFromIdentitiesNotSequenceNumbers() {
        List<String> first = idsOf(new long[] {1, 2, 3}, new long[] {-11, -12, -13});
        assertEquals(first, idsOf(new long[] {1_001, 1_005, 2_000}, new long[] {-11, -12, -13}));
        assertNotEquals(first, idsOf(new long[] {1, 2, 3}, new long[] {-11, -12, -14}));
        assertEquals(idsOf(new long[] {1, 2, 3}, new long[] {1, 2, 3}), idsOf(new long[] {1, 2, 3}, null),
                "an event without an identity of its own is named by its number");
    }

    private List<String> idsOf(long[] sequences, long[] identities) {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        String[] types = {"A", "B", "C"};
        for (int i = 0; i < 3; i++) {
            Event plain = event("k1", types[i], i, 1_000 + i);
            engine.offer(identities == null ? new Event(plain.stream(), plain.timestamp(), sequences[i], plain.fields())
                    : new Event(plain.stream(), plain.timestamp(), sequences[i], identities[i], plain.fields()));
        }
        engine.finish();
        List<String> ids = new ArrayList<>();
        for (Alert alert : out.alerts) {
            ids.add(alert.id());
        }
        assertEquals(1, ids.size());
        return ids;
    }

    @Test
    void outOfOrderEventsWithinTheDelayAreSortedBeforeMatching() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults().withDefaultWatermarkDelayMs(500), out);
        engine.offer(event("k", "C", 3, 1_300));
        engine.offer(event("k", "A", 1, 1_000));
        engine.offer(event("k", "B", 2, 1_200));
        engine.finish();
        assertEquals(List.of("match k: a=1 b=2 c=3"), out.summary());
        assertTrue(out.late.isEmpty());
    }

    @Test
    void anEventAtOrBelowTheWatermarkIsLateReportedAndNotMatched() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults().withDefaultWatermarkDelayMs(100), out);
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "A", 1, 1_000)));
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "B", 2, 1_200)));
        assertEquals(1_099, engine.watermark("events"));
        assertEquals(Offer.LATE, engine.offer(event("k", "C", 3, 1_099)));
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "C", 4, 1_300)));
        engine.finish();
        assertEquals(List.of("match k: a=1 b=2 c=4"), out.summary());
        assertEquals(1, out.late.size());
        assertEquals(1_099, out.late.get(0).watermark());
        assertTrue(out.late.get(0).reason().contains("at or below the watermark 1099 of stream 'events'"),
                out.late.get(0).reason());
        assertEquals(Map.of("events", 1L), engine.counters().lateByStream());
    }

    @Test
    void eventsWithTheSameTimestampAreNotLateWithoutADelay() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        engine.offer(event("k", "A", 1, 1_000));
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "B", 2, 1_000)));
        assertEquals(Offer.ACCEPTED, engine.offer(event("k", "C", 3, 1_000)));
        engine.finish();
        assertEquals(List.of("match k: a=1 b=2 c=3"), out.summary());
    }

    @Test
    void timeoutsFireWhenTheWatermarkPassesTheWindowNotBefore() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        engine.offer(event("k", "A", 1, 1_000));
        engine.advanceWatermark(10_999);
        assertTrue(out.alerts.isEmpty());
        assertEquals(1, engine.counters().rules().get(0).partialMatches());
        engine.advanceWatermark(11_000);
        assertEquals(List.of("timeout k: a=1"), out.summary());
        assertEquals(0, engine.counters().rules().get(0).partialMatches());
        assertEquals(0, engine.counters().rules().get(0).keys(), "an idle key keeps no entry");
    }

    @Test
    void absenceAlertsWhenTheWindowClosesWithoutTheNegatedEvent() {
        String rule = """
                RULE silent FROM events PARTITION BY key
                  PATTERN beat -> !beat2 WITHIN 30 SECONDS
                  DEFINE beat AS type = 'H', beat2 AS type = 'H'
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(rule), EngineConfig.defaults(), out);
        engine.offer(event("dev1", "H", 1, 1_000));
        engine.offer(event("dev2", "H", 2, 1_000));
        engine.offer(event("dev2", "H", 3, 11_000));
        engine.advanceWatermark(30_999);
        assertEquals(List.of(), out.summary(), "the window of the first beats is still open");
        engine.advanceWatermark(31_000);
        assertEquals(List.of("match dev1: beat=1"), out.summary(), "dev2's first beat was followed by another");
        engine.advanceWatermark(41_000);
        assertEquals(List.of("match dev1: beat=1", "match dev2: beat=3"), out.summary());
    }

    @Test
    void explicitWatermarksAloneMoveTimeWhenConfigured() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults().withWatermarksFromInputOnly(true), out);
        engine.offer(event("k", "C", 3, 5_000));
        engine.offer(event("k", "A", 1, 1_000));
        engine.offer(event("k", "B", 2, 2_000));
        assertEquals(Long.MIN_VALUE, engine.watermark("events"));
        engine.offer(event("k", "C", 4, 3_000));
        engine.advanceWatermark(5_000);
        assertEquals(List.of("match k: a=1 b=2 c=4"), out.summary());
        assertEquals(Offer.LATE, engine.offer(event("k", "A", 9, 4_000)));
    }

    @Test
    void aMultiStreamRuleWaitsForItsSlowestStream() {
        String rule = """
                RULE takeover FROM logins, transfers PARTITION BY key
                  PATTERN login -> big WITHIN 1 HOUR
                  DEFINE login AS logins(type = 'L'), big AS transfers(value > 100)
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(rule), EngineConfig.defaults(), out);
        engine.offer(event("logins", "u", "L", 1, 1_000));
        engine.offer(event("transfers", "u", "T", 500, 2_000));
        engine.offer(event("transfers", "u", "T", 600, 9_000));
        assertTrue(out.alerts.isEmpty(), "logins' watermark (999) holds the rule back");
        engine.offer(event("logins", "u", "L", 2, 9_500));
        assertEquals(List.of("match u: login=1 big=500"), out.summary());
    }

    @Test
    void aVariableBoundToAStreamIgnoresOtherStreams() {
        String rule = """
                RULE takeover FROM logins, transfers PARTITION BY key
                  PATTERN login -> big
                  DEFINE login AS logins, big AS transfers(value > 100)
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(rule), EngineConfig.defaults(), out);
        engine.offer(event("logins", "u", "L", 1, 1_000));
        engine.offer(event("logins", "u", "L", 700, 2_000));
        engine.offer(event("transfers", "u", "T", 500, 3_000));
        engine.finish();
        assertEquals(List.of("match u: login=1 big=500"), out.summary());
    }

    @Test
    void compositeAndGlobalKeys() {
        String composite = """
                RULE pair FROM events PARTITION BY key, type
                  PATTERN x y
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(composite), EngineConfig.defaults(), out);
        engine.offer(event("k", "A", 1, 1));
        engine.offer(event("k", "B", 2, 2));
        engine.offer(event("k", "A", 3, 3));
        engine.finish();
        assertEquals(List.of("match [k, A]: x=1 y=3"), out.summary());
        assertEquals(Arrays.asList("k", "A"), out.alerts.get(0).key());

        Recorder global = new Recorder();
        Engine unkeyed = new Engine(compile("RULE pair FROM events PATTERN x y"), EngineConfig.defaults(), global);
        unkeyed.offer(event("k1", "A", 1, 1));
        unkeyed.offer(event("k2", "B", 2, 2));
        unkeyed.finish();
        assertEquals(List.of("match null: x=1 y=2"), global.summary());
    }

    @Test
    void eventsOfStreamsNoRuleReadsAreCountedAsUnrouted() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        assertEquals(Offer.UNROUTED, engine.offer(event("other", "k", "A", 1, 1)));
        assertEquals(1, engine.counters().unrouted());
    }

    @Test
    void alertIdsAreDeterministicAndDistinct() {
        List<String> first = runIds();
        List<String> second = runIds();
        assertEquals(first, second);
        assertEquals(2, first.size());
        assertNotEquals(first.get(0), first.get(1));
        assertTrue(first.get(0).matches("[0-9a-f]{32}"), first.get(0));
    }

    private List<String> runIds() {
        sequence = 0;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        engine.offer(event("k1", "A", 1, 1_000));
        engine.offer(event("k1", "B", 2, 1_100));
        engine.offer(event("k1", "C", 3, 1_200));
        engine.offer(event("k2", "A", 4, 1_300));
        engine.finish();
        return out.alerts.stream().map(Alert::id).toList();
    }

    @Test
    void processingTimeMatchesOnArrivalAndFiresTimersOnTheGivenClock() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC),
                EngineConfig.defaults().withTimeMode(EngineConfig.TimeMode.PROCESSING), out);
        engine.advanceProcessingTime(100);
        engine.offer(event("k", "A", 1, 999_999));
        engine.offer(event("k", "B", 2, 0));
        engine.offer(event("k", "C", 3, 5));
        assertEquals(List.of("match k: a=1 b=2 c=3"), out.summary(), "no buffering, no lateness");
        engine.offer(event("k", "A", 4, 0));
        engine.advanceProcessingTime(10_099);
        assertEquals(1, out.alerts.size());
        engine.advanceProcessingTime(10_100);
        assertEquals(List.of("match k: a=1 b=2 c=3", "timeout k: a=4"), out.summary());
    }

    @Test
    void theBoundOnPartialMatchesDropsTheOldestAndReportsIt() {
        String rule = """
                RULE many FROM events PARTITION BY key
                  PATTERN a ->> b
                  DEFINE a AS type = 'A', b AS type = 'B'
                  AFTER MATCH SKIP NO SKIP
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(rule), EngineConfig.defaults().withMaxPartialMatchesPerKey(2), out);
        engine.offer(event("k", "A", 1, 1));
        engine.offer(event("k", "A", 2, 2));
        engine.offer(event("k", "A", 3, 3));
        engine.offer(event("k", "B", 4, 4));
        engine.finish();
        assertEquals(List.of("match k: a=2 b=4", "match k: a=3 b=4"), out.summary());
        assertEquals(List.of("many/k/1"), out.dropped);
        assertEquals(1, engine.counters().rules().get(0).droppedPartialMatches());
    }

    /**
     * Issue 16, item 11: every b doubles the partial matches of a ->> b+ ->> c on the one key, and at the bound of
     * 10,000 each event cost seconds, growing with the square of the bound (these 60 events took minutes). The work
     * bound drops the key's partial matches once an event costs more than a million units, so they never reach the
     * partial-match bound. Counters, not time, are asserted.
     */
    @Test
    void aHotKeyOfASkipTillAnyLoopTripsTheWorkBoundInsteadOfFreezing() {
        String rule = """
                RULE hot FROM events PARTITION BY key
                  PATTERN a ->> b+ ->> c
                  DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(rule), EngineConfig.defaults(), out);
        engine.offer(event("k", "A", 0, 1_000));
        for (int i = 1; i < 60; i++) {
            engine.offer(event("k", "B", i, 1_000 + i));
        }
        engine.offer(event("k", "C", 60, 1_060));
        engine.finish();
        RuleCounters counters = engine.counters().rules().get(0);
        assertEquals(1, counters.workBoundTrips(), "the first trip empties the key; b's start nothing after it");
        assertEquals(List.of(), out.dropped, "the partial-match bound of 10,000 is never reached");
        assertEquals(1, out.overWorkBound.size());
        int dropped = Integer.parseInt(out.overWorkBound.get(0).split("/")[2]);
        assertTrue(dropped > 1_000 && dropped < 10_000, "dropped " + dropped);
        assertEquals(dropped, counters.droppedPartialMatches());
        assertEquals(0, counters.partialMatches());
        assertEquals(List.of(), out.alerts, "the c came after the a's partial matches were dropped");
    }

    @Test
    void aRuleDeployedIntoARunningEngineMatchesTheEventsThatFollow() {
        Recorder out = new Recorder();
        Engine engine = new Engine(List.of(), EngineConfig.defaults(), out);
        assertEquals(Offer.UNROUTED, engine.offer(event("k", "A", 1, 1_000)));
        engine.deploy(compile(ABC).get(0));
        assertEquals(List.of("abc"), engine.ruleNames());
        engine.offer(event("k", "A", 2, 2_000));
        engine.offer(event("k", "B", 3, 2_100));
        engine.offer(event("k", "C", 4, 2_200));
        engine.finish();
        assertEquals(List.of("match k: a=2 b=3 c=4"), out.summary());
    }

    @Test
    void replacingARuleDiscardsItsPartialMatchesAndHandsOverItsWaitingEvents() {
        String version2 = """
                RULE abc FROM events PARTITION BY key
                  PATTERN b -> c WITHIN 10 SECONDS
                  DEFINE b AS type = 'B', c AS type = 'C'
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults().withDefaultWatermarkDelayMs(1_000), out);
        engine.offer(event("k", "A", 1, 1_000));
        engine.offer(event("k", "B", 2, 3_000));   // watermark 1_999: a=1 is matched, b=2 waits
        assertEquals(1, engine.counters().rules().get(0).partialMatches());

        engine.deploy(compile(version2).get(0).withVersion(2));
        assertEquals(List.of("abc"), engine.ruleNames());
        assertEquals(0, engine.counters().rules().get(0).partialMatches(), "version 1's run a=1 is gone");
        engine.offer(event("k", "C", 3, 3_500));
        engine.finish();
        assertEquals(List.of("match k: b=2 c=3"), out.summary(),
                "b=2 waited for the watermark during the swap and is matched by version 2; a=1 never times out");
        assertEquals(2, out.alerts.get(0).version());
    }

    /** Version 2 of ABC starts at b: an event that starts nothing in version 1 starts a match in version 2. */
    private static final String STARTS_AT_B = """
            RULE abc FROM events PARTITION BY key
              PATTERN b -> c WITHIN 10 SECONDS
              DEFINE b AS type = 'B', c AS type = 'C'
            """;

    @Test
    void anEventSkippedOnArrivalStillWaitsForAReplacementRule() {
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        engine.offer(event("k", "B", 2, 3_000));   // k holds nothing and b cannot start ABC: skipped, watermark 2_999
        engine.deploy(compile(STARTS_AT_B).get(0).withVersion(2));
        engine.offer(event("k", "C", 3, 3_500));
        engine.finish();
        assertEquals(List.of("match k: b=2 c=3"), out.summary(),
                "b=2 had not passed the watermark when the rule changed, so version 2 receives it");
    }

    @Test
    void anEventSkippedOnArrivalIsInASnapshotAsAWaitingEvent() throws java.io.IOException {
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), new Recorder());
        engine.offer(event("k", "B", 2, 3_000));   // skipped on arrival; the watermark (2_999) has not passed it
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        engine.snapshot(new java.io.DataOutputStream(bytes));

        Recorder out = new Recorder();
        Engine restored = Engine.restore(compile(STARTS_AT_B), EngineConfig.defaults(), out,
                new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))).engine();
        restored.offer(event("k", "C", 3, 3_500));
        restored.finish();
        assertEquals(List.of("match k: b=2 c=3"), out.summary(),
                "the changed rule receives the waiting b=2 from the snapshot, as on a hot deployment");
    }

    @Test
    void anUndeployedRuleStopsMatchingAndItsStreamKeepsItsWatermark() {
        String other = """
                RULE only_a FROM events PARTITION BY key
                  PATTERN a
                  DEFINE a AS type = 'A'
                """;
        Recorder out = new Recorder();
        Engine engine = new Engine(compile(ABC), EngineConfig.defaults(), out);
        engine.offer(event("k", "A", 1, 5_000));
        assertTrue(engine.undeploy("abc"));
        assertEquals(false, engine.undeploy("abc"), "already gone");
        assertEquals(List.of(), engine.ruleNames());
        assertEquals(Offer.UNROUTED, engine.offer(event("k", "B", 2, 5_100)));

        engine.deploy(compile(other).get(0));
        assertEquals(Offer.LATE, engine.offer(event("k", "A", 3, 4_000)), "the stream's watermark survived");
        engine.offer(event("k", "A", 4, 6_000));
        engine.finish();
        assertEquals(List.of("match k: a=4"), out.summary(), "abc's run a=1 never completes or times out");
    }
}
