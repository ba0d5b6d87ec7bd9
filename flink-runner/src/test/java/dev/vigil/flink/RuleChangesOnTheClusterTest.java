package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.nfa.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule changes on a running job, on a MiniCluster (1 TaskManager × 4 slots) with the RocksDB state backend: rule
 * changes dropped into a folder while events flow (events come as files into a folder the job watches, batch after
 * batch) replace one rule, replace another keeping its partial matches, and delete a third; every event is matched by
 * exactly one version of the replaced rule and, per key, never by the old version after the new one. And the rules
 * a job took from its rules stream live in its broadcast state: a savepoint restored at another parallelism runs them
 * though the change files are gone.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RuleChangesOnTheClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEYS = 24;
    private static final long WAIT_MS = 60_000;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    @TempDir
    Path folder;

    private static final VigilRules SUBMITTED = VigilRules.of(List.of(new VigilRules.RuleFile("base.cep", """
            RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0 EMIT id = x.id;
            RULE gone FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0 EMIT id = x.id;
            RULE pair SEVERITY low FROM s PARTITION BY k PATTERN a b DEFINE a AS n = -1, b AS n = -2
              EMIT first = a.id, second = b.id;
            """)));

    @Test
    void aRuleReplacedAndAnotherDeletedWhileEventsFlow() throws Exception {
        Path events = Files.createDirectories(folder.resolve("events"));
        Path changes = Files.createDirectories(folder.resolve("changes"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings());
        env.setParallelism(4);
        toQueue(job(env, events, changes, SUBMITTED));
        JobClient job = env.executeAsync("rule changes while events flow");
        Alerts seen = new Alerts();
        try {
            Batches batches = new Batches(events);
            List<String> first = batches.write(List.of(event("p", -1, "p-a")));
            seen.awaitEcho(first);

            // in this order: pair keeps its partial matches (severity only), gone goes, echo gets a new condition
            change(changes, "001-pair.cep", "RULE pair SEVERITY high FROM s PARTITION BY k PATTERN a b"
                    + " DEFINE a AS n = -1, b AS n = -2 EMIT first = a.id, second = b.id;");
            change(changes, "002-gone.delete", "gone\n");
            change(changes, "003-echo.cep", "RULE echo FROM s PARTITION BY k PATTERN x"
                    + " DEFINE x AS n >= 0 AND n < 1000000 EMIT id = x.id;");
            boolean allNew = false;
            for (int round = 0; round < 60 && !allNew; round++) {
                List<String> ids = batches.write(List.of());
                seen.awaitEcho(ids);
                allNew = ids.stream().allMatch(id -> seen.echo.get(id).get("version").asInt() == 2);
            }
            assertTrue(allNew, "every key's subtask took the changes");
            List<String> last = batches.write(List.of(event("p", -2, "p-b")));
            seen.awaitEcho(last);
            seen.await(() -> seen.pairs.size() == 1, "the pair's alert");

            List<String> matched = new ArrayList<>(seen.echo.keySet());
            assertEquals(batches.ids.size(), seen.echoAlerts, "one echo alert per event, of one version");
            assertTrue(matched.containsAll(batches.ids) && batches.ids.containsAll(matched));
            Map<String, Integer> newest = new HashMap<>();
            Map<String, Boolean> goneGone = new HashMap<>();
            int[] versions = new int[3];
            for (String id : batches.ids) {   // in event-time order per key
                JsonNode alert = seen.echo.get(id);
                String key = alert.get("key").asText();
                int version = alert.get("version").asInt();
                versions[version]++;
                assertTrue(version >= newest.getOrDefault(key, 1), "key " + key + ": version " + version
                        + " after version " + newest.get(key) + " at " + id);
                newest.put(key, version);
                if (version == 2) {
                    goneGone.put(key, true);
                }
                if (seen.gone.containsKey(id)) {
                    assertFalse(goneGone.getOrDefault(key, false), "the deleted rule matched " + id
                            + " after the key's echo version 2");
                    assertEquals(1, seen.gone.get(id).get("version").asInt());
                }
            }
            assertTrue(versions[1] >= first.size() && versions[2] >= KEYS, "both versions matched: v1 "
                    + versions[1] + ", v2 " + versions[2]);
            assertTrue(seen.gone.keySet().containsAll(first), "the deleted rule matched before its deletion");
            JsonNode pair = seen.pairs.get(0);
            assertEquals(2, pair.get("version").asInt());
            assertEquals("high", pair.get("severity").asText());
            assertEquals("p-a", pair.get("fields").get("first").asText(), "the partial match went on");
            assertEquals("p-b", pair.get("fields").get("second").asText());
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void rulesFromTheRulesStreamSurviveASavepointRestoredAtAnotherParallelism() throws Exception {
        Path events = Files.createDirectories(folder.resolve("events"));
        Path changes = Files.createDirectories(folder.resolve("changes"));
        VigilRules submitted = VigilRules.of(List.of(new VigilRules.RuleFile("base.cep",
                "RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0 EMIT id = x.id;")));
        change(changes, "001-extra.cep", "RULE extra FROM s PARTITION BY n PATTERN x DEFINE x AS TRUE EMIT id = x.id;");
        change(changes, "002-echo.cep", "RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 1"
                + " EMIT id = x.id;");

        StreamExecutionEnvironment first = StreamExecutionEnvironment.getExecutionEnvironment(settings());
        first.setParallelism(4);
        toQueue(job(first, events, changes, submitted));
        JobClient running = first.executeAsync("rules from the stream, parallelism 4");
        Alerts before = new Alerts();
        Batches batches = new Batches(events);
        boolean taken = false;
        for (int round = 0; round < 60 && !taken; round++) {
            List<String> ids = batches.write(List.of());
            before.awaitEcho(ids);
            taken = ids.stream().allMatch(id -> before.echo.get(id).get("version").asInt() == 2
                    && before.extra.containsKey(id));
        }
        assertTrue(taken, "the changes reached every subtask");
        String savepoint = running.stopWithSavepoint(false, folder.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
        try (var files = Files.list(changes)) {
            for (Path file : files.toList()) {
                Files.delete(file);   // the restored job has the rules of its broadcast state only
            }
        }

        Configuration restore = settings();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        second.setParallelism(2);
        toQueue(job(second, events, changes, submitted));
        JobClient restored = second.executeAsync("restored at parallelism 2");
        Alerts after = new Alerts();
        try {
            List<String> ids = batches.write(List.of());
            after.awaitEcho(ids);
            after.await(() -> after.extra.keySet().containsAll(ids), "the extra rule's alerts after the restore");
            for (String id : ids) {
                assertEquals(2, after.echo.get(id).get("version").asInt(), "echo's version 2 restored at " + id);
                assertEquals(1, after.extra.get(id).get("version").asInt());
            }
        } finally {
            restored.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    /** Events from the files of {@code events} (watched), the rules stream from {@code changes}; all alerts. */
    private static DataStream<String> job(StreamExecutionEnvironment env, Path events, Path changes,
            VigilRules rules) {
        NdjsonLines lines = new NdjsonLines(NdjsonLines.DEFAULT_MAX_LINE_BYTES);
        SingleOutputStreamOperator<Event> sequenced = env
                .fromSource(FileSource.forRecordStreamFormat(lines, new org.apache.flink.core.fs.Path(events.toUri()))
                        .monitorContinuously(Duration.ofMillis(100)).build(), WatermarkStrategy.noWatermarks(),
                        "events").setParallelism(1).uid("vigil-events")
                .process(new LineSequencer(rules, lines.tooLongMessage()), EventTypeInfo.INSTANCE)
                .setParallelism(1).uid("vigil-lines");
        DataStream<Event> timed = sequenced.assignTimestampsAndWatermarks(VigilWatermarks.of(rules))
                .setParallelism(1).uid("vigil-watermarks");
        return VigilCep.process(timed, rules,
                RuleChanges.fromFolder(env, changes.toUri().toString(), Duration.ofMillis(100))).alerts();
    }

    /**
     * The alerts into {@link Alerts#QUEUE} (the MiniCluster runs in this JVM): a sink without state, so that a job
     * restored from a savepoint writes there too.
     */
    private static void toQueue(DataStream<String> alerts) {
        alerts.map(alert -> {
            Alerts.QUEUE.add(alert);
            return alert;
        }).uid("test-queue").sinkTo(new DiscardingSink<>()).uid("test-discard");
    }

    private static Configuration settings() {
        Configuration settings = new Configuration();
        settings.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        return settings;
    }

    /** A change file, written under a hidden name and renamed, as docs/flink.md tells users to. */
    private static void change(Path changes, String name, String text) throws IOException {
        Path hidden = changes.resolve("." + name);
        Files.writeString(hidden, text, StandardCharsets.UTF_8);
        Files.move(hidden, changes.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String event(String key, int n, String id) {
        return "{\"stream\":\"s\",\"k\":\"" + key + "\",\"n\":" + n + ",\"id\":\"" + id + "\",\"ts\":TS}";
    }

    /**
     * Batches of events as files in the events folder: one event per key ({@code n >= 0}), the extra events given,
     * and a tick later in event time that moves the watermark past them (it waits for the next batch).
     */
    private static final class Batches {
        final List<String> ids = new ArrayList<>();
        private final Path events;
        private int batch;
        private long time = 1_000_000;

        Batches(Path events) {
            this.events = events;
        }

        /** Writes a batch; the ids of its events that echo matches (not the tick). */
        List<String> write(List<String> extra) throws IOException {
            batch++;
            List<String> lines = new ArrayList<>();
            List<String> written = new ArrayList<>();
            for (int key = 0; key < KEYS; key++) {
                String id = "b" + batch + "-k" + key;
                lines.add(event("k" + key, batch, id).replace("TS", "" + time++));
                written.add(id);
            }
            for (String line : extra) {
                lines.add(line.replace("TS", "" + time++));
            }
            lines.add(event("tick", -3, "tick" + batch).replace("TS", "" + (time += 1_000)));
            time += 1_000;
            Path hidden = events.resolve(".batch-" + batch);
            Files.write(hidden, lines, StandardCharsets.UTF_8);
            Files.move(hidden, events.resolve(String.format("batch-%04d.ndjson", batch)),
                    StandardCopyOption.ATOMIC_MOVE);
            ids.addAll(written);
            return written;
        }
    }

    /** The alerts as they come, by rule and by the matched event's id. */
    private static final class Alerts {
        static final BlockingQueue<String> QUEUE = new LinkedBlockingQueue<>();
        final Map<String, JsonNode> echo = new HashMap<>();
        final Map<String, JsonNode> gone = new HashMap<>();
        final Map<String, JsonNode> extra = new HashMap<>();
        final List<JsonNode> pairs = new ArrayList<>();
        int echoAlerts;

        Alerts() {
            QUEUE.clear();
        }

        void awaitEcho(List<String> ids) throws Exception {
            await(() -> echo.keySet().containsAll(ids), "echo's alerts of " + ids.get(0) + "...");
        }

        void await(java.util.function.BooleanSupplier done, String what) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (!done.getAsBoolean()) {
                String line = QUEUE.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertTrue(line != null, "waited " + WAIT_MS + " ms for " + what);
                JsonNode alert = JSON.readTree(line);
                String rule = alert.get("rule").asText();
                if (rule.equals("pair")) {
                    pairs.add(alert);
                    continue;
                }
                String id = alert.get("fields").get("id").asText();
                if (rule.equals("echo")) {
                    echoAlerts++;
                    echo.put(id, alert);
                } else if (rule.equals("gone")) {
                    gone.put(id, alert);
                } else {
                    extra.put(id, alert);
                }
            }
        }
    }
}
