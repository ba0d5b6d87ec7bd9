package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The keyed operator waits for the rule changes an event was routed under: a fan-out that has deployed a rule with
 * a new {@code PARTITION BY} sends it events before the keyed operator has the rule (the two read the rules stream
 * through their own channels); the watermark passes them, and the key waits until the change arrives instead of
 * releasing the events to no rule (Flink's operator test harness, with a stepped processing-time clock).
 */
class RoutedAheadTest {
    private static final VigilRules SUBMITTED = VigilRules.of(List.of(new VigilRules.RuleFile("base.cep",
            "RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS TRUE;")));

    @Test
    void aKeyWaitsForTheRuleChangesItsEventsWereRoutedUnder() throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = new KeyedBroadcastOperatorTestHarness<>(new MatchOperator(
                        SUBMITTED), keyed -> Tuple2.of(keyed.f0, keyed.f1), VigilCep.KEY, 128, 1, 0)) {
            harness.open();
            harness.setProcessingTime(0);
            Event event = new Event("s", 100, 1, Map.of("k", "a", "n", 7L));
            harness.processElement(Tuple4.of("[[\"n\"]]", "7", 1L, event), 100);   // routed under change 1
            harness.processWatermark(200);
            assertTrue(harness.extractOutputValues().isEmpty(), "nothing matched before the change");

            harness.processBroadcastElement(Tuple2.of("001-by-n.cep",
                    "RULE by_n FROM s PARTITION BY n PATTERN x DEFINE x AS TRUE;"), 0);
            harness.setProcessingTime(MatchFunction.GENERATION_RETRY_MS);
            List<String> alerts = harness.extractOutputValues();
            assertEquals(1, alerts.size(), alerts.toString());
            assertTrue(alerts.get(0).contains("\"rule\":\"by_n\""),
                    alerts.get(0));
        }
    }
}
