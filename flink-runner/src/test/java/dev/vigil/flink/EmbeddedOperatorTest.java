package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.Engine;
import dev.vigil.nfa.EngineListener;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.LateEvent;
import dev.vigil.wire.JsonCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VigilCep#process} embedded in a job of the user's own: their events, their watermarks (here one after
 * every event, so what is late is certain), matches on the main output, timeouts and late events on side outputs,
 * the alerts those of an engine given the same on-time events (ids included); with no rules stream, and with one
 * that never sends a watermark.
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

    private static final List<Event> EVENTS = List.of(
            event(1, 1_000, "u1", "login"),
            event(2, 1_000, "u2", "login"),
            event(3, 5_000, "u1", "transfer"),
            event(4, 900, "u2", "transfer"),   // below the watermark 4,999 the event before left
            event(5, 6_000, "u2", "transfer"),
            event(6, 7_000, "u3", "login"));   // never followed: a timeout at 17,000
    private static final VigilRules RULES = VigilRules.of(List.of(new VigilRules.RuleFile("bank.cep", RULE)));

    @Test
    void matchesTimeoutsAndLateEventsComeOutOfTheirOwnStreams() throws Exception {
        StreamExecutionEnvironment env = environment();
        VigilCep.Result result = VigilCep.process(input(env), RULES);
        CloseableIterator<String> matches = result.matches().collectAsync();
        CloseableIterator<String> timeouts = result.timeouts().collectAsync();
        CloseableIterator<String> late = result.late().collectAsync();
        env.execute("embedded");

        List<String> got = drain(matches);
        got.addAll(drain(timeouts));
        got.sort(null);
        assertExpected(got, drain(late));
    }

    /**
     * A rules stream that never sends a watermark and never ends (a folder with no change, read without watermarks)
     * holds nothing back: the late event is late by the events' watermark, and the end of the events fires every
     * timer. The job runs on for the rules stream; the test takes what it expects, then cancels it.
     */
    @Test
    void aRulesStreamThatNeverSendsAWatermarkHoldsNothingBack(@TempDir Path changes) throws Exception {
        StreamExecutionEnvironment env = environment();
        FileSource<Tuple2<String, String>> folder = FileSource.forBulkFileFormat(new RuleChanges.WholeFile(),
                new org.apache.flink.core.fs.Path(changes.toUri())).monitorContinuously(Duration.ofSeconds(1)).build();
        DataStream<Tuple2<String, String>> silent = env.fromSource(folder, WatermarkStrategy.noWatermarks(),
                "silent-rule-changes").setParallelism(1);
        VigilCep.Result result = VigilCep.process(input(env), RULES, silent);
        CloseableIterator<String> alerts = result.alerts().collectAsync();
        CloseableIterator<String> late = result.late().collectAsync();
        JobClient job = env.executeAsync("embedded, silent rules stream");
        try {
            List<String> got = new ArrayList<>();
            List<String> lateLines = new ArrayList<>();
            assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
                got.add(alerts.next());
                got.add(alerts.next());
                got.add(alerts.next());
                lateLines.add(late.next());
            }, "the alerts and the late event of the events' watermark alone");
            got.sort(null);
            assertExpected(got, lateLines);
        } finally {
            job.cancel().get();
            alerts.close();
            late.close();
        }
    }

    private static StreamExecutionEnvironment environment() {
        Configuration settings = new Configuration();
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings);
        env.setParallelism(4);
        return env;
    }

    /** The events with the user's watermarks: one after every event, so what is late is certain. */
    private static DataStream<Event> input(StreamExecutionEnvironment env) {
        return env.fromData(EVENTS, EventTypeInfo.INSTANCE).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Event>forGenerator(context -> new EveryEvent())
                        .withTimestampAssigner((event, previous) -> event.timestamp()))
                .setParallelism(1);
    }

    /** The alerts are the engine's over the on-time events, and the one late event is event 4. */
    private static void assertExpected(List<String> alerts, List<String> lateLines) {
        List<String> expected = engineAlerts(RULES, EVENTS.stream().filter(e -> e.sequence() != 4).toList());
        assertEquals(expected, alerts);
        assertEquals(3, expected.size(), expected.toString());
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
