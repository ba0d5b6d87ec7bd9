package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.nfa.EngineConfig;
import dev.vigil.nfa.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processing-time rules on a MiniCluster (1 TaskManager × 4 slots, parallelism 4, RocksDB): events without
 * timestamps, from a folder the job watches, are matched on arrival; a {@code WITHIN} runs out on the TaskManager's
 * clock while the job runs (the input has not ended), a pattern completed in time leaves nothing to time out, and the
 * file job, at the end of its input, brings every deadline still pending (as {@code vigil run --time processing}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProcessingTimeOnTheClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    @TempDir
    Path folder;

    private static VigilRules rules(String within) {
        return VigilRules.of(List.of(new VigilRules.RuleFile("quick.cep", """
                RULE quick FROM s PARTITION BY k
                  PATTERN a -> b WITHIN %s
                  DEFINE a AS kind = 'a', b AS kind = 'b'
                  EMIT k = k, first = a.id
                  ON TIMEOUT EMIT k = k, first = a.id;
                """.formatted(within)))).withTimeMode(EngineConfig.TimeMode.PROCESSING);
    }

    @Test
    void withinRunsOutOnTheClockWhileTheJobRuns() throws Exception {
        Path events = Files.createDirectories(folder.resolve("events"));
        VigilRules rules = rules("3 SECONDS");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings());
        env.setParallelism(4);
        NdjsonLines lines = new NdjsonLines(NdjsonLines.DEFAULT_MAX_LINE_BYTES);
        DataStream<Event> sequenced = env
                .fromSource(FileSource.forRecordStreamFormat(lines, new org.apache.flink.core.fs.Path(events.toUri()))
                        .monitorContinuously(Duration.ofMillis(100)).build(), WatermarkStrategy.noWatermarks(),
                        "events").setParallelism(1)
                .process(new LineSequencer(rules, lines.tooLongMessage()), EventTypeInfo.INSTANCE)
                .setParallelism(1);
        CloseableIterator<String> alerts = VigilCep.process(sequenced, rules).alerts().collectAsync();
        JobClient job = env.executeAsync("processing time");
        try {
            long before = System.currentTimeMillis();
            write(events, "1", event("k1", "a", "k1-a"), event("k2", "a", "k2-a"), event("k2", "b", "k2-b"));
            List<JsonNode> first = List.of(next(alerts), next(alerts));
            JsonNode match = kind(first, "match");
            assertEquals("k2", match.get("key").asText());
            assertTrue(match.get("start").asLong() >= before, "matched at the clock's time: " + match);
            JsonNode timeout = kind(first, "timeout");
            assertEquals("k1", timeout.get("key").asText(), timeout.toString());
            assertEquals(3_000, timeout.get("timeoutAt").asLong() - timeout.get("start").asLong());

            // k2 again: its timeout is this a's alone (k2's first a completed in time: nothing of it is left)
            write(events, "2", event("k2", "a", "k2-a2"));
            JsonNode again = next(alerts);
            assertEquals("timeout", again.get("kind").asText(), again.toString());
            assertEquals("k2", again.get("key").asText());
            assertEquals("k2-a2", again.get("fields").get("first").asText());
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
            alerts.close();
        }
    }

    @Test
    void theFileJobBringsThePendingDeadlinesAtTheEndOfItsInput() throws Exception {
        Path input = folder.resolve("events.ndjson");
        Files.write(input, List.of(event("k9", "a", "k9-a"), event("k8", "a", "k8-a"), event("k8", "b", "k8-b")),
                StandardCharsets.UTF_8);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings());
        env.setParallelism(4);
        VigilFileJob.Output output = VigilFileJob.build(env, input, rules("1 HOUR"),
                NdjsonLines.DEFAULT_MAX_LINE_BYTES);
        CloseableIterator<String> alerts = output.result().alerts().collectAsync();
        env.execute("processing time, a file");

        List<JsonNode> got = new ArrayList<>();
        try (alerts) {
            while (alerts.hasNext()) {
                got.add(JSON.readTree(alerts.next()));
            }
        }
        assertEquals(2, got.size(), got.toString());
        assertEquals("k8", kind(got, "match").get("key").asText());
        JsonNode timeout = kind(got, "timeout");
        assertEquals("k9", timeout.get("key").asText());
        assertEquals(3_600_000, timeout.get("timeoutAt").asLong() - timeout.get("start").asLong());
    }

    private static JsonNode kind(List<JsonNode> alerts, String kind) {
        List<JsonNode> of = alerts.stream().filter(alert -> alert.get("kind").asText().equals(kind)).toList();
        assertEquals(1, of.size(), "one " + kind + " in " + alerts);
        return of.get(0);
    }

    private static JsonNode next(CloseableIterator<String> alerts) throws Exception {
        return JSON.readTree(alerts.next());
    }

    /** Events without timestamps: stamped as they are read. */
    private static String event(String key, String kind, String id) {
        return "{\"stream\":\"s\",\"k\":\"" + key + "\",\"kind\":\"" + kind + "\",\"id\":\"" + id + "\"}";
    }

    /** A batch of events as a file in the watched folder, written under a hidden name and renamed. */
    private static void write(Path events, String batch, String... lines) throws Exception {
        Path hidden = events.resolve(".batch-" + batch);
        Files.write(hidden, List.of(lines), StandardCharsets.UTF_8);
        Files.move(hidden, events.resolve("batch-" + batch + ".ndjson"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static Configuration settings() {
        Configuration settings = new Configuration();
        settings.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        return settings;
    }
}
