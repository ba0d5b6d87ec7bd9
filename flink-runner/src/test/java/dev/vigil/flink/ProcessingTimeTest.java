package dev.vigil.flink;

import static dev.vigil.flink.HarnessOutput.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Processing-time rules on Flink's processing-time timers (operator test harnesses with a stepped processing-time
 * clock): events are matched on arrival at the clock's time whatever their own timestamps and the watermark, a
 * {@code WITHIN} runs out on a processing-time timer, a pattern completed in time gives no timeout, nothing is late,
 * an event routed under a rule change not here yet waits for it, and at the end of the events every deadline comes.
 */
class ProcessingTimeTest {
    private static final VigilRules RULES = VigilRules.of(List.of(new VigilRules.RuleFile("quick.cep", """
            RULE quick FROM s PARTITION BY k
              PATTERN a -> b WITHIN 3 SECONDS
              DEFINE a AS kind = 'a', b AS kind = 'b'
              EMIT k = k
              ON TIMEOUT EMIT k = k;
            """))).withTimeMode(EngineConfig.TimeMode.PROCESSING);
    private static final String SPEC = "[[\"k\"]]";

    @Test
    void eventsMatchOnArrivalAndWithinRunsOutOnTheProcessingTimeClock() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = harness()) {
            harness.setProcessingTime(1_000);
            harness.processWatermark(50_000);   // in processing time the watermark makes nothing late
            harness.processElement(keyed(event(1, 5, "k1", "a"), 0), 5);
            harness.processElement(keyed(event(2, 7, "k2", "a"), 0), 7);
            harness.setProcessingTime(2_000);
            harness.processElement(keyed(event(3, 6, "k2", "b"), 0), 6);   // older than its a: still after it

            List<String> matches = harness.extractOutputValues();
            assertEquals(1, matches.size(), matches.toString());
            assertTrue(matches.get(0).contains("\"key\":\"k2\"")
                    && matches.get(0).contains("\"start\":1000,\"end\":2000"), matches.get(0));
            assertTrue(values(harness.getSideOutput(VigilCep.LATE)).isEmpty());

            harness.setProcessingTime(3_999);
            assertTrue(values(harness.getSideOutput(VigilCep.TIMEOUTS)).isEmpty(), "k1's a has 3 s, until 4,000");
            harness.setProcessingTime(4_000);
            List<String> timeouts = values(harness.getSideOutput(VigilCep.TIMEOUTS));
            assertEquals(1, timeouts.size(), timeouts.toString());   // k2 completed in time: no timeout
            assertTrue(timeouts.get(0).contains("\"key\":\"k1\"") && timeouts.get(0).contains("\"timeoutAt\":4000"),
                    timeouts.get(0));

            harness.setProcessingTime(60_000);
            assertEquals(1, values(harness.getSideOutput(VigilCep.TIMEOUTS)).size());
            assertEquals(1, harness.extractOutputValues().size());
        }
    }

    @Test
    void theEndOfTheEventsBringsEveryDeadline() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = harness()) {
            harness.setProcessingTime(10_000);
            harness.processElement(keyed(event(1, 5, "k3", "a"), 0), 5);
            ((MatchOperator) harness.getOperator()).endInput(1);   // Flink would drop the timer at 13,000
            List<String> timeouts = values(harness.getSideOutput(VigilCep.TIMEOUTS));
            assertEquals(1, timeouts.size(), timeouts.toString());
            assertTrue(timeouts.get(0).contains("\"key\":\"k3\"") && timeouts.get(0).contains("\"timeoutAt\":13000"),
                    timeouts.get(0));
        }
    }

    @Test
    void anEventRoutedUnderARuleChangeNotHereYetWaitsForIt() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = harness()) {
            harness.setProcessingTime(1_000);
            Event single = new Event("s", 5, 1, Map.of("k", "k4", "n", 7L, "kind", "a"));
            harness.processElement(Tuple4.of("[[\"n\"]]", "7", 1L, single), 5);   // routed under change 1
            harness.setProcessingTime(1_000 + MatchFunction.GENERATION_RETRY_MS);
            assertTrue(harness.extractOutputValues().isEmpty(), "nothing matched before the change");

            harness.processBroadcastElement(Tuple2.of("001-by-n.cep",
                    "RULE by_n FROM s PARTITION BY n PATTERN x DEFINE x AS TRUE;"), 0);
            harness.setProcessingTime(1_000 + 2 * MatchFunction.GENERATION_RETRY_MS);
            List<String> alerts = harness.extractOutputValues();
            assertEquals(1, alerts.size(), alerts.toString());
            assertTrue(alerts.get(0).contains("\"rule\":\"by_n\"") && alerts.get(0).contains("\"start\":1100"),
                    alerts.get(0));
        }
    }

    @Test
    void theFanOutFindsNothingLate() throws Exception {
        try (TwoInputStreamOperatorTestHarness<Event, Tuple2<String, String>, Tuple4<String, String, Long, Event>>
                harness = new TwoInputStreamOperatorTestHarness<>(new FanOutOperator(RULES))) {
            harness.setup(VigilCep.KEYED_EVENT.createSerializer(new SerializerConfigImpl()));
            harness.open();
            harness.processWatermark1(new Watermark(4_999));
            harness.processElement1(event(1, 900, "k1", "a"), 900);
            assertEquals(1, harness.extractOutputValues().size());
            assertTrue(values(harness.getSideOutput(VigilCep.LATE)).isEmpty());
        }
    }

    private static KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
            Tuple2<String, String>, String> harness() throws Exception {
        KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = new KeyedBroadcastOperatorTestHarness<>(new MatchOperator(
                        RULES), keyed -> Tuple2.of(keyed.f0, keyed.f1), VigilCep.KEY, 128, 1, 0);
        harness.open();
        return harness;
    }

    private static Event event(long sequence, long ts, String key, String kind) {
        return new Event("s", ts, sequence, Map.of("k", key, "kind", kind));
    }

    private static Tuple4<String, String, Long, Event> keyed(Event event, long generation) {
        return Tuple4.of(SPEC, DynamicKeyFunction.keyText(List.of(List.of("k")), event), generation, event);
    }
}
