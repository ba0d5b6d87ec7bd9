package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Vigil;
import dev.vigil.nfa.Event;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink job gives exactly what {@code vigil run} gives: every {@code rules-examples} rule over the examples'
 * events and a few thousand generated ones (many keys, out of order within and beyond the streams' delays, an
 * explicit watermark, malformed lines, a line too long, lines with carriage returns), through the file job at
 * parallelism 4 on a MiniCluster with the RocksDB state backend and generic (Kryo) types disabled: the same alert
 * lines (ids included), the same late-event lines, the same problems, compared as sorted lists (the job's operators
 * run side by side, so lines come in another order; a line written twice would show); and its command line writes
 * the same lines to its folders.
 */
class SameAlertsAsVigilRunTest {
    private static final Path EXAMPLES = Path.of("..", "rules-examples");
    /** brute-force-login's stream is undeclared: its delay comes from the command line, as its args file says. */
    private static final long DEFAULT_DELAY_MS = 5_000;
    /** A bound on lines that one generated line passes. */
    private static final int MAX_LINE_BYTES = 4_096;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .build());

    @TempDir
    static Path folder;
    private static List<Path> rules;
    private static Path events;
    private static List<String> expectedAlerts;
    private static List<String> expectedLate;
    private static List<String> expectedProblems;

    /** The reference: {@code vigil run} itself over the rules and the events, in this JVM. */
    @BeforeAll
    static void runVigilRun() throws IOException {
        rules = exampleRules();
        events = folder.resolve("events.ndjson");
        Files.write(events, input(new Random(20)), StandardCharsets.UTF_8);
        Path lateFile = folder.resolve("late.ndjson");
        StringWriter alertsOut = new StringWriter();
        StringWriter errors = new StringWriter();
        List<String> args = new ArrayList<>(List.of("run", "--events", events.toString(), "--late",
                lateFile.toString(), "--watermark-delay", DEFAULT_DELAY_MS + "ms", "--max-line-bytes",
                "" + MAX_LINE_BYTES, "--rules"));
        rules.forEach(rule -> args.add(rule.toString()));
        int status = Vigil.commandLine().setOut(new PrintWriter(alertsOut)).setErr(new PrintWriter(errors))
                .execute(args.toArray(new String[0]));
        assertEquals(0, status, errors.toString());
        expectedAlerts = lines(alertsOut.toString());
        expectedLate = lines(Files.readString(lateFile));
        expectedProblems = new ArrayList<>();
        for (String line : errors.toString().split("\n")) {
            if (line.startsWith("line ")) {
                expectedProblems.add(line.strip());
            }
        }
        expectedProblems.sort(null);
        for (Path rule : rules) {
            String name = rule.getParent().getFileName().toString().replace('-', '_');
            assertTrue(expectedAlerts.stream().anyMatch(line -> line.contains("\"rule\":\"" + name + "\"")),
                    "rule " + name + " should alert");
        }
        assertTrue(expectedAlerts.size() > 100, expectedAlerts.size() + " alerts");
        assertTrue(expectedLate.size() > 20, expectedLate.size() + " late events");
        assertTrue(expectedProblems.stream().anyMatch(line -> line.startsWith("line 1369: invalid JSON")),
                expectedProblems.toString());
        assertTrue(expectedProblems.stream().anyMatch(line -> line.endsWith("bytes (the bound on one line, as the"
                + " server's on one WebSocket message) (line skipped)")), expectedProblems.toString());
    }

    @Test
    void everyExampleRuleGivesTheAlertsAndLateEventsOfVigilRun() throws Exception {
        Configuration settings = new Configuration();
        settings.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings);
        env.setParallelism(4);
        VigilFileJob.Output job = VigilFileJob.build(env, events,
                VigilRules.fromFiles(rules).withDefaultWatermarkDelayMs(DEFAULT_DELAY_MS), MAX_LINE_BYTES);
        CloseableIterator<String> alerts = job.result().alerts().collectAsync();
        CloseableIterator<String> late = job.late().collectAsync();
        CloseableIterator<String> problems = job.problems().collectAsync();
        env.execute("same alerts as vigil run");

        assertEquals(expectedAlerts, drain(alerts));
        assertEquals(expectedLate, drain(late));
        assertEquals(expectedProblems, drain(problems));
    }

    /**
     * A task failure in the middle of the input, after a checkpoint: the job restarts from the checkpoint (the file's
     * position, the line count and clocks, every key's waiting events, partial matches and timers, in RocksDB or,
     * decoded on the heap until a checkpoint copies and writes them, in the heap backend) and, through the collect
     * sink's exactly-once results, still gives exactly vigil run's lines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"rocksdb", "hashmap"})
    void aFailureMidStreamRestoresFromTheCheckpointWithTheSameAlerts(String backend) throws Exception {
        Configuration settings = settings();
        settings.set(StateBackendOptions.STATE_BACKEND, backend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(settings);
        env.setParallelism(4);
        env.enableCheckpointing(100);
        VigilCep.Result result = pipeline(env, new FailOnce(1_500));
        CloseableIterator<String> alerts = result.alerts().collectAsync();
        CloseableIterator<String> late = result.late().collectAsync();
        FailOnce.FAILURES.set(0);
        env.execute("failure mid-stream");

        assertEquals(1, FailOnce.FAILURES.get(), "one failure injected");
        assertEquals(expectedAlerts, drain(alerts));
        assertEquals(expectedLate, drain(late));
    }

    /**
     * Stop with a savepoint in the middle of the input at parallelism 4, restore at parallelism 2: Flink moves every
     * key's state to its new subtask, and the alerts and late events written through the file sink by the two runs
     * are exactly vigil run's, none twice.
     */
    @Test
    void stopWithSavepointAndRestoreAtParallelismTwoGivesTheSameAlerts() throws Exception {
        Path alerts = folder.resolve("rescaled-alerts");
        Path late = folder.resolve("rescaled-late");
        Path savepoints = folder.resolve("savepoints");

        StreamExecutionEnvironment first = StreamExecutionEnvironment.getExecutionEnvironment(settings());
        first.setParallelism(4);
        first.enableCheckpointing(60_000);
        Pace.reached = new CountDownLatch(1);
        writeTo(pipeline(first, new Pace(true, 1_500)), alerts, late);
        JobClient running = first.executeAsync("before the savepoint");
        assertTrue(Pace.reached.await(2, TimeUnit.MINUTES), "1,500 events through the first run");
        String savepoint = running.stopWithSavepoint(false, savepoints.toUri().toString(),
                SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);

        Configuration restore = settings();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = StreamExecutionEnvironment.getExecutionEnvironment(restore);
        second.setParallelism(2);
        second.enableCheckpointing(200);
        writeTo(pipeline(second, new Pace(false, 0)), alerts, late);
        second.execute("after the savepoint");

        assertEquals(expectedAlerts, committedLines(alerts));
        assertEquals(expectedLate, committedLines(late));
    }

    /** The RocksDB state backend, no Kryo, restarts from checkpoints after a failure. */
    static Configuration settings() {
        Configuration settings = new Configuration();
        settings.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        settings.set(PipelineOptions.GENERIC_TYPES, false);
        settings.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        settings.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        settings.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return settings;
    }

    /**
     * The file job ({@link VigilFileJob#build}) with {@code between} after the watermarks, at parallelism 1, where a
     * test fails or paces it; the same operator ids, so a savepoint of one restores into another.
     */
    private static VigilCep.Result pipeline(StreamExecutionEnvironment env, MapFunction<Event, Event> between) {
        VigilRules vigilRules = VigilRules.fromFiles(rules).withDefaultWatermarkDelayMs(DEFAULT_DELAY_MS);
        NdjsonLines lines = new NdjsonLines(MAX_LINE_BYTES);
        SingleOutputStreamOperator<Event> sequenced = env
                .fromSource(FileSource.forRecordStreamFormat(lines, new org.apache.flink.core.fs.Path(events.toUri()))
                        .build(), WatermarkStrategy.noWatermarks(), "events").setParallelism(1).uid("vigil-events")
                .process(new LineSequencer(vigilRules, lines.tooLongMessage()), EventTypeInfo.INSTANCE)
                .setParallelism(1).uid("vigil-lines");
        DataStream<Event> timed = sequenced.assignTimestampsAndWatermarks(VigilWatermarks.of(vigilRules))
                .setParallelism(1).uid("vigil-watermarks")
                .map(between).returns(EventTypeInfo.INSTANCE).setParallelism(1).uid("test-between");
        VigilCep.Result result = VigilCep.process(timed, vigilRules);
        return new VigilCep.Result(result.matches(), result.timeouts(),
                sequenced.getSideOutput(VigilCep.LATE).union(result.late()));
    }

    private static void writeTo(VigilCep.Result result, Path alerts, Path late) {
        result.alerts().sinkTo(FileSink.forRowFormat(new org.apache.flink.core.fs.Path(alerts.toUri()),
                new SimpleStringEncoder<String>()).build()).uid("test-alerts");
        result.late().sinkTo(FileSink.forRowFormat(new org.apache.flink.core.fs.Path(late.toUri()),
                new SimpleStringEncoder<String>()).build()).uid("test-late");
    }

    /** Passes events on; when {@code paced}, slowly, and opens {@link #reached} at the {@code at}-th event. */
    private static final class Pace implements MapFunction<Event, Event> {
        static volatile CountDownLatch reached;
        private final boolean paced;
        private final int at;
        private int seen;

        Pace(boolean paced, int at) {
            this.paced = paced;
            this.at = at;
        }

        @Override
        public Event map(Event event) throws InterruptedException {
            if (paced) {
                if (++seen == at) {
                    reached.countDown();
                }
                Thread.sleep(2);   // pace only: the savepoint must come before the end of the input
            }
            return event;
        }
    }

    /**
     * Passes events on, slowly until a checkpoint is complete, then fails the task once at the {@code at}-th event.
     */
    static final class FailOnce extends RichMapFunction<Event, Event> implements CheckpointListener {
        static final AtomicInteger FAILURES = new AtomicInteger();
        private final int at;
        private final long paceMs;
        private transient int seen;
        private transient boolean checkpointed;

        FailOnce(int at) {
            this(at, 2);
        }

        /** @param paceMs how long each event waits until a checkpoint is complete */
        FailOnce(int at, long paceMs) {
            this.at = at;
            this.paceMs = paceMs;
        }

        @Override
        public Event map(Event event) throws InterruptedException {
            seen++;
            if (FAILURES.get() == 0) {
                if (!checkpointed) {
                    Thread.sleep(paceMs);   // pace only: the failure must come after a checkpoint, whatever the speed
                } else if (seen >= at) {
                    FAILURES.incrementAndGet();
                    throw new IllegalStateException("failure injected at event " + seen + " (" + event + ")");
                }
            }
            return event;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    /** The job's command line, writing alerts and late events to folders through Flink's file sink. */
    @Test
    void theFileJobWritesTheSameLinesToItsFolders() throws Exception {
        Path alerts = folder.resolve("alerts");
        Path late = folder.resolve("late");
        List<String> args = new ArrayList<>(List.of("--events", events.toString(), "--alerts", alerts.toString(),
                "--late", late.toString(), "--watermark-delay", "" + DEFAULT_DELAY_MS, "--max-line-bytes",
                "" + MAX_LINE_BYTES, "--checkpoint-interval", "300", "--rules"));
        rules.forEach(rule -> args.add(rule.toString()));
        VigilFileJob.main(args.toArray(new String[0]));

        assertEquals(expectedAlerts, committedLines(alerts));
        assertEquals(expectedLate, committedLines(late));
    }

    /** The lines of the files the sink committed (in-progress and pending files start with a dot). */
    private static List<String> committedLines(Path folder) throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith(".")).toList()) {
                lines.addAll(lines(Files.readString(file)));
            }
        }
        lines.sort(null);
        return lines;
    }

    static List<Path> exampleRules() throws IOException {
        try (Stream<Path> folders = Files.list(EXAMPLES)) {
            return folders.filter(Files::isDirectory).map(folder -> folder.resolve("rule.cep")).sorted().toList();
        }
    }

    /**
     * The examples' events, then generated ones for every stream the rules read (so that the job's watermark, the
     * lowest of every stream's, moves all along) from 2027 on (after the examples'), with a malformed line and an
     * explicit watermark among them.
     */
    private static List<String> input(Random random) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path rule : exampleRules()) {
            lines.addAll(Files.readAllLines(rule.getParent().resolve("events.ndjson")));
        }
        long time = 1_798_761_600_000L;   // 2027-01-01T00:00:00Z
        for (int i = 0; i < 4_000; i++) {
            time += random.nextInt(400);
            long ts = time - random.nextInt(random.nextInt(10) == 0 ? 12_000 : 1_500);
            lines.add(generated(random, ts, i));
            if (i == 1_000) {
                lines.add("{\"stream\": \"transactions\", \"ts\": " + time + ", \"account\": ");
            }
            if (i == 1_500) {   // too long, then a line ended by \r\n, then one holding a lone \r (no line end)
                lines.add("{\"stream\": \"auth\", \"note\": \"" + "x".repeat(MAX_LINE_BYTES) + "\"}");
                lines.add(generated(random, time, i) + "\r");
                lines.add(generated(random, time, i).replace(",", ",\r"));
            }
            if (i == 2_000) {
                lines.add("{\"watermark\": " + (time - 1_000) + ", \"stream\": \"payments\"}");
            }
        }
        return lines;
    }

    static String generated(Random random, long ts, int i) {
        switch (random.nextInt(10)) {
            case 0:
                return "{\"stream\":\"transactions\",\"ts\":" + ts + ",\"account\":\"A-" + random.nextInt(60)
                        + "\",\"type\":\"" + (random.nextInt(5) == 0 ? "refund" : "debit") + "\",\"amount\":"
                        + random.nextInt(500) + ".5,\"merchant\":\"m" + random.nextInt(9) + "\",\"channel\":\"pos\"}";
            case 1:
                return "{\"stream\":\"payments\",\"ts\":" + ts + ",\"card_id\":\"C-" + random.nextInt(40)
                        + "\",\"amount\":" + (random.nextInt(3) == 0 ? 900.0 : random.nextInt(150) / 100.0)
                        + ",\"merchant\":\"shop-" + random.nextInt(4) + "\"}";
            case 2:
                return "{\"stream\":\"readings\",\"ts\":" + ts + ",\"sensor_id\":\"s-" + random.nextInt(20)
                        + "\",\"zone\":\"z\",\"temperature\":" + (i % 50 + random.nextInt(8)) + ".25,\"unit\":\"C\"}";
            case 3:
                return "{\"stream\":\"heartbeats\",\"ts\":" + ts + ",\"device\":{\"id\":\"d-" + random.nextInt(25)
                        + "\",\"site\":\"x\"},\"type\":\"" + (random.nextInt(20) == 0 ? "shutdown" : "heartbeat")
                        + "\",\"uptime_s\":" + i + "}";
            case 4:
                return "{\"stream\":\"auth\",\"ts\":" + ts + ",\"username\":\"u" + random.nextInt(30)
                        + "\",\"outcome\":\"" + (random.nextInt(6) == 0 ? "success" : "failure") + "\",\"ip\":\"10.0.0."
                        + random.nextInt(3) + "\",\"app\":\"mail\"}";
            case 5:
                return "{\"stream\":\"" + (random.nextBoolean() ? "orders" : "shipments") + "\",\"ts\":" + ts
                        + ",\"order_id\":\"O-" + random.nextInt(300) + "\",\"customer\":\"c\",\"status\":\""
                        + (random.nextInt(4) == 0 ? "cancelled" : "placed") + "\",\"total\":10.0}";
            case 6:
                return "{\"stream\":\"logins\",\"ts\":" + ts + ",\"user_id\":\"u" + random.nextInt(30)
                        + "\",\"device_id\":\"d\",\"new_device\":" + random.nextBoolean()
                        + ",\"ip\":\"1.2.3.4\",\"country\":\"DE\"}";
            case 7:
                return "{\"stream\":\"password_changes\",\"ts\":" + ts + ",\"user_id\":\"u" + random.nextInt(30)
                        + "\",\"method\":\"email\"}";
            case 8:
                return "{\"stream\":\"transfers\",\"ts\":" + ts + ",\"user_id\":\"u" + random.nextInt(30)
                        + "\",\"amount\":" + random.nextInt(9_000) + ".0,\"currency\":\"EUR\",\"beneficiary\":\"b\"}";
            default:
                return "{\"stream\":\"signins\",\"at\":" + ts + ",\"user\":\"p" + random.nextInt(30)
                        + "\",\"ip\":\"1.2.3.4\",\"city\":\"c\",\"lat\":" + random.nextInt(60) + ".5,\"lon\":"
                        + random.nextInt(100) + ".25}";
        }
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        lines.sort(null);
        return lines;
    }

    static List<String> drain(CloseableIterator<String> iterator) throws Exception {
        List<String> lines = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(line -> lines.add(line.strip()));
        }
        lines.sort(null);
        return lines;
    }
}
