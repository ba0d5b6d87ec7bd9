package dev.vigil.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.cli.Vigil;
import dev.vigil.nfa.Event;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka in and out of the job, against a real broker (the connectors' test broker, in a JVM of its own:
 * {@link KafkaBrokerProcess}) and a MiniCluster (1 TaskManager × 4 slots): every {@code rules-examples} rule over a
 * few thousand generated events in a 4-partition topic (many keys, out of order within the streams' delays, a bad
 * record) gives exactly the alerts of {@code vigil run --kafka-topics} over the same topic, ids included, written to
 * an alerts topic as the server's Kafka sink writes them (key the alert id, rule, version and kind headers); and with a
 * task failure in the middle, a {@code read_committed} reader of the alerts topic still sees each alert once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaInAndOutTest {
    private static final long DEFAULT_DELAY_MS = 5_000;
    private static final int PARTITIONS = 4;
    private static final String EVENTS = "events";

    @RegisterExtension
    static final KafkaBrokerProcess KAFKA = new KafkaBrokerProcess();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4)
                    .setConfiguration(FlinkCommandTest.webSubmission()).build());

    private static List<Path> rules;
    private static List<String> expectedAlerts;
    private static List<String> expectedProblems;

    /** The topic, then the reference: {@code vigil run --kafka-topics} over it, in this JVM. */
    @BeforeAll
    static void fillTheTopicAndRunVigilRun() throws Exception {
        rules = SameAlertsAsVigilRunTest.exampleRules();
        KAFKA.createTopic(EVENTS, PARTITIONS);
        KAFKA.send(records(new Random(20)));
        StringWriter out = new StringWriter();
        StringWriter errors = new StringWriter();
        List<String> args = new ArrayList<>(List.of("run", "--kafka-bootstrap", KAFKA.bootstrapServers(),
                "--kafka-topics", EVENTS, "--watermark-delay", DEFAULT_DELAY_MS + "ms", "--rules"));
        rules.forEach(rule -> args.add(rule.toString()));
        int status = Vigil.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(errors))
                .execute(args.toArray(new String[0]));
        assertEquals(0, status, errors.toString());
        expectedAlerts = sorted(List.of(out.toString().split("\n")));
        expectedProblems = new ArrayList<>();
        for (String line : errors.toString().split("\n")) {
            if (line.startsWith("topic ")) {
                expectedProblems.add(line.strip());
            }
        }
        assertTrue(expectedAlerts.size() > 100, expectedAlerts.size() + " alerts");
        assertEquals(1, expectedProblems.size(), errors.toString());
        assertTrue(expectedProblems.get(0).startsWith("topic events partition 2 offset "), expectedProblems.toString());
        assertTrue(errors.toString().contains(", 0 late,"), "no event is late: each partition is in order within the "
                + "delays\n" + errors);
    }

    /**
     * {@code vigil flink} with vigil run's Kafka options submits the job jar to the cluster's REST API; the job reads
     * the topic to its end at parallelism 4 and writes the alerts of vigil run to the alerts topic, id for id, keyed
     * by id with the server's headers, none twice.
     */
    @Test
    void theJobSubmittedByVigilFlinkWritesTheAlertsOfVigilRunToATopic(@InjectClusterClient ClusterClient<?> client,
            @TempDir Path folder) throws Exception {
        KAFKA.createTopic("alerts", 3);
        List<String> args = new ArrayList<>(List.of("flink", "--jobmanager",
                FlinkCommandTest.jobManager(CLUSTER), "--jar", FlinkCommandTest.writeJobJar(folder).toString(),
                "-p", "4", "--kafka-bootstrap", KAFKA.bootstrapServers(), "--kafka-topics", EVENTS, "--",
                "--kafka-bounded", "--alerts-topic", "alerts", "--watermark-delay", "" + DEFAULT_DELAY_MS,
                "--checkpoint-interval", "300", "--rules"));
        rules.forEach(rule -> args.add(rule.toAbsolutePath().toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, FlinkCommandTest.vigil(out, err, args.toArray(new String[0])), err.toString());
        JobID job = JobID.fromHexString(out.toString().strip().split(" ")[2]);
        JobResult result = client.requestJobResult(job).get(3, TimeUnit.MINUTES);
        assertTrue(result.isSuccess(), "the job failed: " + result.getSerializedThrowable());

        List<ConsumerRecord<String, String>> records = KAFKA.committed("alerts", expectedAlerts.size());
        List<String> alerts = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            alerts.add(record.value());
            String[] head = KafkaAlerts.AlertRecords.head(record.value());
            assertEquals(head[0], record.key(), "keyed by the alert id");
            assertEquals(head[1], header(record, "vigil.rule"));
            assertEquals(head[2], header(record, "vigil.version"));
            assertEquals(head[3], header(record, "vigil.kind"));
        }
        assertEquals(expectedAlerts, sorted(alerts));
    }

    /**
     * A record behind its partition's watermark record is late in the job as in vigil run: the late-events topic
     * holds the line {@code vigil run --late} writes for it (topic, partition, offset, the event and the watermark),
     * once, through the exactly-once sink.
     */
    @Test
    void aLateRecordGoesToTheLateTopicAsVigilRunReportsIt(@TempDir Path folder) throws Exception {
        KAFKA.createTopic("late-in", 1);
        KAFKA.createTopic("late-out", 1);
        KAFKA.send(List.of(
                new ProducerRecord<>("late-in", 0, null, "{\"k\":\"a\",\"n\":1,\"ts\":10000}"),
                new ProducerRecord<>("late-in", 0, null, "{\"watermark\":50000}"),
                new ProducerRecord<>("late-in", 0, null, "{\"k\":\"a\",\"n\":2,\"ts\":20000}"),
                new ProducerRecord<>("late-in", 0, null, "{\"k\":\"a\",\"n\":3,\"ts\":60000}")));
        String rule = "RULE r FROM s PARTITION BY k PATTERN x DEFINE x AS n > 0 EMIT n = x.n;";
        Path ruleFile = java.nio.file.Files.writeString(folder.resolve("late.cep"), rule);
        Path lateFile = folder.resolve("late.ndjson");
        StringWriter errors = new StringWriter();
        assertEquals(0, Vigil.commandLine().setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(errors)).execute("run", "--rules", ruleFile.toString(), "--kafka-bootstrap",
                        KAFKA.bootstrapServers(), "--kafka-topics", "late-in=s", "--late", lateFile.toString()),
                errors.toString());
        List<String> expected = sorted(java.nio.file.Files.readAllLines(lateFile));
        assertEquals(1, expected.size(), "vigil run finds the record at offset 2 late: " + expected);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                SameAlertsAsVigilRunTest.settings());
        env.setParallelism(1);
        env.enableCheckpointing(200);
        KafkaSettings kafka = new KafkaSettings(KAFKA.bootstrapServers(), Map.of());
        VigilFileJob.Output job = KafkaJob.build(env, kafka, new KafkaEvents.Topics(Map.of("late-in", "s"), true,
                null), VigilRules.of(List.of(new VigilRules.RuleFile("late.cep", rule))), null);
        job.late().sinkTo(KafkaAlerts.lateEvents(kafka, "late-out", "test-late")).uid("test-late");
        env.execute("a late record to a topic");

        List<String> late = new ArrayList<>();
        KAFKA.committed("late-out", expected.size()).forEach(record -> late.add(record.value()));
        assertEquals(withoutReason(expected), withoutReason(late));
    }

    /** Late-event lines without their reason, which says whose watermark it was in each's own words. */
    private static List<String> withoutReason(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.replaceAll(",\"reason\":\"[^\"]*\"", ""));
        }
        return out;
    }

    /** vigil flink checks the Kafka options it passes on as vigil run checks them: exit 2, nothing submitted. */
    @Test
    void vigilFlinkRefusesKafkaOptionsVigilRunWouldRefuse() {
        StringWriter err = new StringWriter();
        assertEquals(2, FlinkCommandTest.vigil(new StringWriter(), err, "flink", "--jobmanager", "http://127.0.0.1:1",
                "--kafka-topics", EVENTS, "--", "--rules", "r.cep"));
        assertTrue(err.toString().contains("vigil flink: --kafka-topics and --kafka-property need --kafka-bootstrap"),
                err.toString());
        assertEquals(2, FlinkCommandTest.vigil(new StringWriter(), err, "flink", "--jobmanager", "http://127.0.0.1:1",
                "--kafka-bootstrap", "localhost:1", "--kafka-topics", "a,b=s,a=t", "--", "--rules", "r.cep"));
        assertTrue(err.toString().contains("vigil flink: --kafka-topics names topic 'a' twice"), err.toString());
        assertEquals(2, FlinkCommandTest.vigil(new StringWriter(), err, "flink", "--jobmanager", "http://127.0.0.1:1",
                "--kafka-bootstrap", "localhost:1", "--kafka-topics", "no topic", "--", "--rules", "r.cep"));
        assertTrue(err.toString().contains("vigil flink: --kafka-topics: 'no topic' is not a topic name"),
                err.toString());
    }

    /**
     * A task fails once in the middle of the topic, after a checkpoint (events pace at 10 ms each until then: the
     * Kafka source reads every partition in the time the exactly-once sink takes to start, so without the pace no
     * event would come after the first checkpoint): the job restores from it (the source's
     * offsets, every key's state in RocksDB) and aborts the transactions of the failed attempt; a read_committed
     * reader of the alerts topic sees vigil run's alerts, each once. The bad record is reported as vigil run does.
     */
    @Test
    void aFailureMidStreamLeavesEachAlertOnceInTheAlertsTopic() throws Exception {
        KAFKA.createTopic("alerts-after-failure", 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                SameAlertsAsVigilRunTest.settings());
        env.setParallelism(4);
        env.enableCheckpointing(200);
        VigilRules vigilRules = VigilRules.fromFiles(rules).withDefaultWatermarkDelayMs(DEFAULT_DELAY_MS);
        KafkaSettings kafka = new KafkaSettings(KAFKA.bootstrapServers(), Map.of());
        var events = KafkaEvents.read(env, kafka, new KafkaEvents.Topics(Map.of(EVENTS, ""), true, null),
                vigilRules);
        DataStream<Event> failing = events.map(new SameAlertsAsVigilRunTest.FailOnce(100, 10))
                .returns(EventTypeInfo.INSTANCE).uid("test-fail-once");
        VigilCep.Result result = VigilCep.process(failing, vigilRules);
        result.alerts().sinkTo(KafkaAlerts.alerts(kafka, "alerts-after-failure", "test-failure"))
                .uid("test-alerts");
        CloseableIterator<String> problems = events.getSideOutput(LineSequencer.PROBLEMS).collectAsync();
        SameAlertsAsVigilRunTest.FailOnce.FAILURES.set(0);
        env.execute("failure mid-stream, alerts to Kafka");

        assertEquals(1, SameAlertsAsVigilRunTest.FailOnce.FAILURES.get(), "one failure injected");
        List<String> alerts = new ArrayList<>();
        KAFKA.committed("alerts-after-failure", expectedAlerts.size())
                .forEach(record -> alerts.add(record.value()));
        assertEquals(expectedAlerts, sorted(alerts));
        assertEquals(expectedProblems, SameAlertsAsVigilRunTest.drain(problems));
    }

    /**
     * The rules stream from a topic while events flow from another (unbounded, 4 partitions): a rule replaced with a
     * new condition and another deleted through two records of the rules topic. Every event is matched by exactly one
     * version of the replaced rule, per key never by the old version after the new one; the deleted rule matched
     * before its deletion and matches no event of a key after the change reached it, nor any event of the last batch.
     */
    @Test
    void aRuleReplacedAndAnotherDeletedThroughTheRulesTopicWhileEventsFlow() throws Exception {
        KAFKA.createTopic("live-events", PARTITIONS);
        KAFKA.createTopic("rule-changes", 1);
        KAFKA.createTopic("live-alerts", 1);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                SameAlertsAsVigilRunTest.settings());
        env.setParallelism(4);
        env.enableCheckpointing(200);
        KafkaSettings kafka = new KafkaSettings(KAFKA.bootstrapServers(), Map.of());
        VigilRules submitted = VigilRules.of(List.of(new VigilRules.RuleFile("base.cep", """
                RULE echo FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0 EMIT id = x.id;
                RULE gone FROM s PARTITION BY k PATTERN x DEFINE x AS n >= 0 EMIT id = x.id;
                """)));
        VigilFileJob.Output job = KafkaJob.build(env, kafka, new KafkaEvents.Topics(Map.of("live-events", ""), false,
                null), submitted, RulesTopic.read(env, kafka, "rule-changes"));
        job.result().alerts().sinkTo(KafkaAlerts.alerts(kafka, "live-alerts", "test-live")).uid("test-alerts");
        JobClient running = env.executeAsync("rule changes through a topic");
        try (KafkaConsumer<String, String> reader = KAFKA.readCommitted()) {
            reader.assign(List.of(new TopicPartition("live-alerts", 0)));
            reader.seekToBeginning(List.of(new TopicPartition("live-alerts", 0)));
            LiveAlerts seen = new LiveAlerts(reader);
            LiveBatches batches = new LiveBatches();
            List<String> first = batches.send();
            seen.await(first);

            KAFKA.send(List.of(
                    new ProducerRecord<>("rule-changes", "001-echo.cep", "RULE echo FROM s PARTITION BY k PATTERN x"
                            + " DEFINE x AS n >= 0 AND n < 1000000 EMIT id = x.id;"),
                    new ProducerRecord<>("rule-changes", "002-gone.delete", "gone\n")));
            boolean allNew = false;
            List<String> last = List.of();
            for (int round = 0; round < 60 && !allNew; round++) {
                last = batches.send();
                seen.await(last);
                allNew = last.stream().allMatch(id -> seen.echo.get(id).get("version").asInt() == 2);
            }
            assertTrue(allNew, "every key's subtask took the changes");

            assertEquals(batches.ids.size(), seen.echoAlerts, "one echo alert per event, of one version");
            assertEquals(new HashSet<>(batches.ids), seen.echo.keySet());
            Map<String, Integer> newest = new HashMap<>();
            for (String id : batches.ids) {   // in event-time order per key
                JsonNode alert = seen.echo.get(id);
                String key = alert.get("key").asText();
                int version = alert.get("version").asInt();
                assertTrue(version >= newest.getOrDefault(key, 1), "key " + key + ": version " + version
                        + " after version " + newest.get(key) + " at " + id);
                newest.put(key, version);
                if (seen.gone.containsKey(id)) {
                    assertEquals(1, version, "the deleted rule matched " + id + " after the key's echo version 2");
                }
            }
            assertTrue(seen.gone.keySet().containsAll(first), "the deleted rule matched before its deletion");
            assertTrue(last.stream().noneMatch(seen.gone::containsKey), "the deleted rule matched after it");
        } finally {
            running.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    /**
     * Batches of events into the live topic: one per key ({@code n >= 0}), each key in one partition, then a
     * watermark record past them in every partition.
     */
    private static final class LiveBatches {
        private static final int KEYS = 16;
        final List<String> ids = new ArrayList<>();
        private int batch;
        private long time = 1_000_000;

        /** Sends a batch; the ids of its events. */
        List<String> send() throws Exception {
            batch++;
            List<ProducerRecord<String, String>> records = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int key = 0; key < KEYS; key++) {
                String id = "b" + batch + "-k" + key;
                records.add(new ProducerRecord<>("live-events", key % PARTITIONS, null, "{\"stream\":\"s\",\"k\":\"k"
                        + key + "\",\"n\":" + batch + ",\"id\":\"" + id + "\",\"ts\":" + time++ + "}"));
                sent.add(id);
            }
            for (int partition = 0; partition < PARTITIONS; partition++) {
                records.add(new ProducerRecord<>("live-events", partition, null, "{\"watermark\":" + time + "}"));
            }
            time += 1_000;
            KAFKA.send(records);
            ids.addAll(sent);
            return sent;
        }
    }

    /** The committed alerts of the live topic as they come, by rule and by the matched event's id. */
    private static final class LiveAlerts {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final long WAIT_MS = 60_000;
        final Map<String, JsonNode> echo = new HashMap<>();
        final Map<String, JsonNode> gone = new HashMap<>();
        int echoAlerts;
        private final KafkaConsumer<String, String> reader;

        LiveAlerts(KafkaConsumer<String, String> reader) {
            this.reader = reader;
        }

        /** Reads until echo alerted each of {@code ids}. */
        void await(List<String> ids) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (!echo.keySet().containsAll(ids)) {
                assertTrue(System.nanoTime() < deadline, "waited " + WAIT_MS + " ms for echo's alerts of " + ids);
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                    JsonNode alert = JSON.readTree(record.value());
                    String id = alert.get("fields").get("id").asText();
                    if (alert.get("rule").asText().equals("echo")) {
                        echoAlerts++;
                        echo.put(id, alert);
                    } else {
                        gone.put(id, alert);
                    }
                }
            }
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * Generated events of every stream the example rules read, each timestamp once (so a key's events are in one
     * order whatever the partitions), dealt round the partitions in time order with jitter below the delays: no
     * partition has a late event. One record in partition 2 is not JSON.
     */
    private static List<ProducerRecord<String, String>> records(Random random) {
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        long time = 1_798_761_600_000L;   // 2027-01-01T00:00:00Z
        for (int i = 0; i < 4_000; i++) {
            time += 1 + random.nextInt(400);
            long ts = time - random.nextInt(1_500);
            while (!used.add(ts)) {
                ts++;
            }
            records.add(new ProducerRecord<>(EVENTS, i % PARTITIONS, null,
                    SameAlertsAsVigilRunTest.generated(random, ts, i)));
            if (i == 1_000) {
                records.add(new ProducerRecord<>(EVENTS, 2, null, "{\"stream\": \"transactions\", \"account\": "));
            }
        }
        return records;
    }

    private static List<String> sorted(List<String> lines) {
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                kept.add(line.strip());
            }
        }
        kept.sort(null);
        return kept;
    }
}
