package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.wire.JsonCodec;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link VigilCep#process} embedded in a job of the user's own: their events, their watermarks (here one after
 * every event, so what is late is certain), matches on the main output, timeouts and late events on side outputs,
 * the alerts those of an engine given the same on-time events (ids included).
 */
class EmbeddedOperatorTest {
    private static final String RULE = """
            RULE login_then_transfer FROM bank PARTITION BY user
              PATTERN login -> transfer WITHIN 10 SECONDS
              DEFINE login AS kind = 'login', transfer AS kind = 'transfer'
              EMIT user = user, amount = transfer.amount
              ON TIMEOUT EMIT user = user;
            """;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    @Test
    void matchesTimeoutsAndLateEventsComeOutOfTheirOwnStreams() throws Exception {
        List<Event> events = List.of(
                event(1, 1_000, "u1", "login"),
                event(2, 1_000, "u2", "login"),
                event(3, 5_000, "u1", "transfer"),
                event(4, 900, "u2", "transfer"),   // below the watermark 4,999 the event before left
                event(5, 6_000, "u2", "transfer"),
                event(6, 7_000, "u3", "login"));   // never followed: a timeout at 17,000
        VigilRules rules = VigilRules.of(List.of(new VigilRules.RuleFile("bank.cep", RULE)));

        Configuration settings = new Configuration();
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings);
        env.setParallelism(4);
        DataStream<Event> input = env.fromData(events, EventTypeInfo.INSTANCE).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forGenerator(context -> new EveryEvent())
                        .withTimestampAssigner((event, previous) -> event.timestamp()))
                .setParallelism(1);
        VigilCep.Result result = VigilCep.process(input, rules);
        CloseableIterator<String> matches = result.matches().collectAsync();
        CloseableIterator<String> timeouts = result.timeouts().collectAsync();
        CloseableIterator<String> late = result.late().collectAsync();
        env.execute("embedded");

        List<String> expected = engineAlerts(rules, events.stream().filter(e -> e.sequence() != 4).toList());
        List<String> got = drain(matches);
        got.addAll(drain(timeouts));
        got.sort(null);
        assertEquals(expected, got);
        assertEquals(3, expected.size(), expected.toString());
        List<String> lateLines = drain(late);
        assertEquals(1, lateLines.size(), lateLines.toString());
        String line = lateLines.get(0);
        assertTrue(line.startsWith("{\"line\":4,") && line.contains("is at or below the job's watermark 4999"), line);
    }

    /** A watermark one below each event's time, right after it. */
    private static final class EveryEvent implements WatermarkGenerator<Event> {
        @Override
        public void onEvent(Event event, long timestamp, WatermarkOutput output) {
            output.emitWatermark(new Watermark(timestamp - 1));
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
        }
    }

    private static Event event(long sequence, long ts, String user, String kind) {
        return new Event("bank", ts, sequence, Map.of("user", user, "kind", kind, "amount", 10L * sequence));
    }

    private static List<String> engineAlerts(VigilRules rules, List<Event> events) {
        List<String> alerts = new ArrayList<>();
        Engine engine = new Engine(rules.compile().rules(), rules.engineConfig(), new EngineListener() {
            @Override
            public void onAlert(Alert alert) {
                alerts.add(JsonCodec.alert(alert));
            }

            @Override
            public void onLateEvent(LateEvent late) {
                throw new AssertionError("the on-time events are on time for the engine too: " + late);
            }
        });
        events.forEach(engine::offer);
        engine.finish();
        alerts.sort(null);
        return alerts;
    }

    private static List<String> drain(CloseableIterator<String> iterator) throws Exception {
        List<String> lines = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(lines::add);
        }
        lines.sort(null);
        return lines;
    }
}
