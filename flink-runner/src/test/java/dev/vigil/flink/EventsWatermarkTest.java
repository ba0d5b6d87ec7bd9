package dev.vigil.flink;

import static dev.vigil.flink.HarnessOutput.statuses;
import static dev.vigil.flink.HarnessOutput.values;
import static dev.vigil.flink.HarnessOutput.watermarks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The fan-out and the keyed operator keep event time by the events' watermark alone: with no watermark ever on the
 * rules input (a rules source that has not sent its +inf yet, or never does), an event below the events' watermark
 * is late, timers fire and the watermark goes downstream; the rules input's watermark, +inf or anything else, moves
 * nothing; an events input gone idle is forwarded as idle (Flink's operator test harnesses, one subtask each).
 */
class EventsWatermarkTest {
    private static final VigilRules RULES = VigilRules.of(List.of(new VigilRules.RuleFile("bank.cep", """
            RULE login_then_transfer FROM bank PARTITION BY user
              PATTERN login -> transfer WITHIN 10 SECONDS
              DEFINE login AS kind = 'login', transfer AS kind = 'transfer'
              EMIT user = user
              ON TIMEOUT EMIT user = user;
            """)));
    private static final String SPEC = "[[\"user\"]]";

    @Test
    void theKeyedOperatorFollowsTheEventsWatermarkWhateverTheRulesStreamSends() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = new KeyedBroadcastOperatorTestHarness<>(
                        new MatchOperator(RULES), keyed -> Tuple2.of(keyed.f0, keyed.f1), VigilCep.KEY, 128, 1, 0)) {
            harness.open();
            harness.processElement(keyed(event(1, 1_000, "u1", "login")), 1_000);
            harness.processElement(keyed(event(2, 3_000, "u1", "transfer")), 3_000);
            harness.processElement(keyed(event(3, 8_000, "u2", "login")), 8_000);
            harness.processWatermark(4_999);   // no watermark on the rules input yet

            List<String> matches = harness.extractOutputValues();
            assertEquals(1, matches.size(), matches.toString());
            assertTrue(matches.get(0).contains("\"rule\":\"login_then_transfer\""), matches.get(0));
            assertEquals(List.of(4_999L), watermarks(harness.getOutput()));

            harness.processElement(keyed(event(4, 900, "u2", "transfer")), 900);
            List<String> late = values(harness.getSideOutput(VigilCep.LATE));
            assertEquals(1, late.size(), late.toString());
            assertTrue(late.get(0).contains("is at or below the job's watermark 4999"), late.get(0));

            harness.processBroadcastWatermark(Long.MAX_VALUE);   // the rules stream's +inf moves no event time
            harness.processBroadcastWatermark(0);
            assertEquals(List.of(4_999L), watermarks(harness.getOutput()));
            assertTrue(values(harness.getSideOutput(VigilCep.TIMEOUTS)).isEmpty(), "u2's login waits for 18,000");

            harness.processWatermark(18_000);
            List<String> timeouts = values(harness.getSideOutput(VigilCep.TIMEOUTS));
            assertEquals(1, timeouts.size(), timeouts.toString());
            assertTrue(timeouts.get(0).contains("\"user\":\"u2\""), timeouts.get(0));
            assertEquals(List.of(4_999L, 18_000L), watermarks(harness.getOutput()));
        }
    }

    @Test
    void theFanOutFindsLatenessAndForwardsTheEventsWatermarkAndIdleness() throws Exception {
        try (TwoInputStreamOperatorTestHarness<Event, Tuple2<String, String>, Tuple4<String, String, Long, Event>>
                harness = new TwoInputStreamOperatorTestHarness<>(new FanOutOperator(RULES))) {
            harness.setup(VigilCep.KEYED_EVENT.createSerializer(new SerializerConfigImpl()));
            harness.open();
            harness.processWatermark1(new Watermark(4_999));   // no watermark on the rules input yet
            harness.processElement1(event(1, 900, "u1", "login"), 900);
            harness.processElement1(event(2, 5_000, "u1", "login"), 5_000);

            List<String> late = values(harness.getSideOutput(VigilCep.LATE));
            assertEquals(1, late.size(), late.toString());
            assertTrue(late.get(0).startsWith("{\"line\":1,") && late.get(0).contains("watermark 4999"), late.get(0));
            assertEquals(1, harness.extractOutputValues().size());
            assertEquals(List.of(4_999L), watermarks(harness.getOutput()));

            harness.processWatermark2(Watermark.MAX_WATERMARK);
            assertEquals(List.of(4_999L), watermarks(harness.getOutput()));

            // the events go idle while the rules input is active: idle downstream, so the keyed operator does not
            // wait for this subtask; a rule change (its source active again) leaves it idle
            harness.processWatermarkStatus1(WatermarkStatus.IDLE);
            harness.processWatermarkStatus2(WatermarkStatus.ACTIVE);
            harness.processElement2(Tuple2.of("001.delete", "nothing_runs_by_this_name"), 0);
            assertEquals(List.of(WatermarkStatus.IDLE, WatermarkStatus.ACTIVE, WatermarkStatus.IDLE),
                    statuses(harness.getOutput()));
            harness.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            assertEquals(WatermarkStatus.ACTIVE, statuses(harness.getOutput()).get(3));
        }
    }

    private static Event event(long sequence, long ts, String user, String kind) {
        return new Event("bank", ts, sequence, Map.of("user", user, "kind", kind));
    }

    private static Tuple4<String, String, Long, Event> keyed(Event event) {
        return Tuple4.of(SPEC, DynamicKeyFunction.keyText(List.of(List.of("user")), event), 0L, event);
    }
}
