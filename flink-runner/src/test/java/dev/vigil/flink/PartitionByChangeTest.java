package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.wire.JsonCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * A rule change from {@code PARTITION BY a} to {@code PARTITION BY b}, ordered at the fan-out between two events,
 * whatever the order the keyed operator gets the change, the events routed before it and the watermark in: the events
 * routed before the change are matched by the old version at the old keys (its partial matches go on, and time out as
 * its own), those after it by the new version at the new keys, none by both, none by neither. The alerts are the
 * engine's ({@code vigil run}'s) of the old rule over the events before the change and of the new rule over those
 * after it. Flink's operator test harnesses: the fan-out's output fed to the keyed operator by hand.
 */
class PartitionByChangeTest {
    private static final String OLD = """
            RULE pair FROM s PARTITION BY a PATTERN x y WITHIN 1 SECOND DEFINE x AS kind = 'x', y AS kind = 'y'
              EMIT first = x.id, second = y.id ON TIMEOUT EMIT first = x.id;
            """;
    private static final String NEW = OLD.replace("PARTITION BY a", "PARTITION BY b");
    private static final VigilRules SUBMITTED = VigilRules.of(List.of(new VigilRules.RuleFile("pair.cep", OLD)));
    private static final Tuple2<String, String> CHANGE = Tuple2.of("001-by-b.cep", NEW);
    private static final List<Event> BEFORE = List.of(
            event(1, 100, "A1", "B1", "x"),
            event(2, 110, "A1", "B2", "y"),    // pairs with 1 under a (A1), not under b
            event(3, 120, "A2", "B1", "x"));   // waits for the watermark at the change; times out under a
    private static final List<Event> AFTER = List.of(
            event(4, 130, "A9", "B1", "x"),
            event(5, 140, "A2", "B1", "y"));   // pairs with 4 under b (B1)

    /** How the keyed operator gets the change, the events routed before and after it, and the watermark. */
    private enum Order { CHANGE_FIRST, CHANGE_BETWEEN, CHANGE_AFTER_THE_WATERMARK }

    @Test
    void eventsRoutedBeforeTheChangeAreTheOldVersionsAndAfterItTheNewOnesWhateverTheOrder() throws Exception {
        List<String> expected = engine(OLD, 1, BEFORE);
        expected.addAll(engine(NEW, 2, AFTER));
        expected.sort(null);
        assertTrue(expected.size() == 3 && expected.stream().anyMatch(alert -> alert.contains("\"kind\":\"timeout\"")),
                "a match and a timeout of the old version, a match of the new one: " + expected);
        List<Tuple4<String, String, Long, Event>> routed = fanOut();
        for (Order order : Order.values()) {
            assertEquals(expected, keyed(routed, order), order.name());
        }
    }

    /** The fan-out's output: the events before the change, the change, the events after it. */
    private static List<Tuple4<String, String, Long, Event>> fanOut() throws Exception {
        try (TwoInputStreamOperatorTestHarness<Event, Tuple2<String, String>, Tuple4<String, String, Long, Event>>
                harness = new TwoInputStreamOperatorTestHarness<>(new FanOutOperator(SUBMITTED))) {
            harness.setup(VigilCep.KEYED_EVENT.createSerializer(new SerializerConfigImpl()));
            harness.open();
            for (Event event : BEFORE) {
                harness.processElement1(event, event.timestamp());
            }
            harness.processElement2(CHANGE, 0);
            for (Event event : AFTER) {
                harness.processElement1(event, event.timestamp());
            }
            List<Tuple4<String, String, Long, Event>> routed = harness.extractOutputValues();
            assertEquals(BEFORE.size() + AFTER.size(), routed.size(), routed.toString());
            return routed;
        }
    }

    /** The keyed operator's alerts, sorted, given the routed events, the change and the watermark in {@code order}. */
    private static List<String> keyed(List<Tuple4<String, String, Long, Event>> routed, Order order) throws Exception {
        try (KeyedBroadcastOperatorTestHarness<Tuple2<String, String>, Tuple4<String, String, Long, Event>,
                Tuple2<String, String>, String> harness = new KeyedBroadcastOperatorTestHarness<>(
                        new MatchOperator(SUBMITTED), keyed -> Tuple2.of(keyed.f0, keyed.f1), VigilCep.KEY, 128, 1,
                        0)) {
            harness.open();
            harness.setProcessingTime(0);
            if (order == Order.CHANGE_FIRST) {
                harness.processBroadcastElement(CHANGE, 0);
            }
            for (Tuple4<String, String, Long, Event> keyed : routed) {
                if (order == Order.CHANGE_BETWEEN && keyed.f2 == 1) {
                    harness.processBroadcastElement(CHANGE, 0);
                    order = Order.CHANGE_FIRST;
                }
                harness.processElement(keyed, keyed.f3.timestamp());
            }
            harness.processWatermark(10_000);
            if (order == Order.CHANGE_AFTER_THE_WATERMARK) {
                harness.processBroadcastElement(CHANGE, 0);
            }
            harness.setProcessingTime(MatchFunction.GENERATION_RETRY_MS);   // keys waiting for the change look again
            List<String> alerts = new ArrayList<>(harness.extractOutputValues());
            alerts.addAll(HarnessOutput.values(harness.getSideOutput(VigilCep.TIMEOUTS)));
            alerts.sort(null);
            return alerts;
        }
    }

    /** The engine's alerts (vigil run's) of {@code text}'s rule, as {@code version}, over {@code events}. */
    private static List<String> engine(String text, int version, List<Event> events) {
        List<String> alerts = new ArrayList<>();
        List<CompiledRule> rules = new ArrayList<>();
        for (CompiledRule rule : RuleCompiler.compile("r.cep", text).rules()) {
            rules.add(rule.withVersion(version));
        }
        try (Engine engine = new Engine(rules, SUBMITTED.engineConfig(), new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(JsonCodec.alert(alert));
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError("late: " + late);
            }
        })) {
            events.forEach(engine::offer);
            engine.finish();
        }
        return alerts;
    }

    private static Event event(long line, long ts, String a, String b, String kind) {
        return new Event("s", ts, line, Map.of("a", a, "b", b, "kind", kind, "id", "e" + line));
    }
}
