package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.connectors.KafkaBroker;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka source end to end: a real broker in the test JVM, a real server reading a topic of several partitions,
 * each partition a source of event time as a WebSocket is; events become alerts as over HTTP, bad records are
 * counted, copied to the dead-letter topic and skipped, a server started while the broker is down reads once it is
 * back, and a broker stopped and started again mid-stream costs no record and repeats none.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaSourceTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final String BIG = "RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500 "
            + "EMIT n = b.n";
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void recordsOfEveryPartitionBecomeAlerts(Vertx vertx) throws Exception {
        KAFKA.createTopic("payments", PARTITIONS);
        RunningServer server = server(vertx, "payments=payments", null);
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        TreeSet<Integer> big = new TreeSet<>();
        for (int n = 0; n < 60; n++) {
            int amount = n % 4 == 0 ? 900 : 10;
            if (amount >= 500) {
                big.add(n);
            }
            // no stream field: the topic's stream; the card decides the partition, so a card's events keep their order
            records.add(new ProducerRecord<>("payments", n % 6 % PARTITIONS, "c" + n % 6, "{\"card\":\"c" + n % 6
                    + "\",\"amount\":" + amount + ",\"n\":" + n + ",\"ts\":" + (1_000 + n) + "}"));
        }
        KAFKA.send(records);
        KAFKA.send(List.of(watermark(0), watermark(1), watermark(2)));
        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size()
                >= big.size()));
        TreeSet<Integer> alerted = new TreeSet<>();
        for (int i = 0; i < alerts.size(); i++) {
            alerted.add(alerts.getJsonObject(i).getJsonObject("fields").getInteger("n"));
        }
        assertEquals(big, alerted);
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("vigil_kafka_source_records_total{topic=\"payments\"} 63.0"), metrics);
        assertTrue(metrics.contains("vigil_kafka_source_connected 1.0"), metrics);
    }

    @Test
    void badRecordsAreCountedCopiedAsideAndSkipped(Vertx vertx) throws Exception {
        KAFKA.createTopic("mixed", 1);
        KAFKA.createTopic("mixed-dead", 1);
        RunningServer server = server(vertx, "mixed=payments", "mixed-dead");
        KAFKA.send(List.of(
                new ProducerRecord<>("mixed", 0, "a", "not json"),
                new ProducerRecord<>("mixed", 0, "b", "{\"stream\":\"logins\",\"card\":\"c\",\"ts\":1}"),
                new ProducerRecord<>("mixed", 0, "c", "[1, 2]"),
                new ProducerRecord<>("mixed", 0, "d", "{\"card\":\"c\",\"amount\":700,\"n\":7,\"ts\":2000}"),
                watermarkOf("mixed", 0)));
        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() >= 1));
        assertEquals(7, alerts.getJsonObject(0).getJsonObject("fields").getInteger("n"), alerts.encode());
        String metrics = server.pollUntil("/metrics", body -> body.contains(
                "vigil_kafka_source_bad_records_total{topic=\"mixed\"} 3.0"));
        assertTrue(metrics.contains("vigil_kafka_source_records_total{topic=\"mixed\"} 2.0"), metrics);
        List<ConsumerRecord<String, String>> dead = awaitRecords("mixed-dead", 3);
        assertEquals(List.of("a", "b", "c"), dead.stream().map(ConsumerRecord::key).toList());
        assertEquals("mixed", header(dead.get(0), "vigil.topic"));
        assertEquals("1", header(dead.get(1), "vigil.offset"));
        assertTrue(header(dead.get(1), "vigil.error").contains("topic 'mixed' carries stream 'payments'"),
                header(dead.get(1), "vigil.error"));
    }

    @Test
    void aServerStartedWhileTheBrokerIsDownReadsOnceItIsBack(Vertx vertx) throws Exception {
        KAFKA.createTopic("late", 1);
        KAFKA.stopBroker();
        RunningServer server;
        try {
            server = server(vertx, "late=payments", null);
            // the first attempt fails once the client's own timeout (10 s) is over: wait longer than the server's
            long deadline = System.nanoTime() + KafkaBroker.TIMEOUT.toNanos();
            while (server.get("/metrics").body().contains("vigil_kafka_source_connect_failures_total 0.0")
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("vigil_kafka_source_connect_failures_total ")
                    && !metrics.contains("vigil_kafka_source_connect_failures_total 0.0"), metrics);
            assertEquals(200, server.get("/health").statusCode(), "the server runs without its cluster");
            String ready = server.get("/ready").body();
            assertTrue(ready.contains("\"kafka\":\"not connected: "), ready);
        } finally {
            KAFKA.startBroker();
        }
        KAFKA.send(List.of(new ProducerRecord<>("late", 0, "c", "{\"card\":\"c\",\"amount\":800,\"n\":1,\"ts\":5}"),
                watermarkOf("late", 0)));
        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() >= 1));
        assertEquals(1, alerts.getJsonObject(0).getJsonObject("fields").getInteger("n"), alerts.encode());
    }

    @Test
    void aRestartedServerResumesEachPartitionWhereItsLogStopsWithTheSameAlertIds(Vertx vertx) throws Exception {
        KAFKA.createTopic("resume", 2);
        List<List<ProducerRecord<String, String>>> halves = halves("resume");
        KAFKA.send(halves.get(0));
        Path data = dir.resolve("restarted");
        // the rule comes from the rules folder: it runs before the first record is read
        RunningServer before = server(vertx, "resume=payments", null, data, "resume-group");
        before.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 20);
        before.close();
        closing.remove(before);

        KAFKA.send(halves.get(1));
        RunningServer after = server(vertx, "resume=payments", null, data, "resume-group");
        JsonArray alerts = new JsonArray(after.pollUntil("/v1/alerts?limit=1000",
                body -> new JsonArray(body).size() >= 40));
        String metrics = after.get("/metrics").body();
        // only what came after the stop was read again: 20 events and 2 watermarks, no batch twice
        assertTrue(metrics.contains("vigil_kafka_source_records_total{topic=\"resume\"} 22.0"), metrics);
        assertTrue(metrics.contains("vigil_duplicate_batches_total 0.0"), metrics);

        // a server that read the whole topic in one go names every alert the same
        RunningServer once = server(vertx, "resume=payments", null, dir.resolve("once"), "once-group");
        JsonArray reference = new JsonArray(once.pollUntil("/v1/alerts?limit=1000",
                body -> new JsonArray(body).size() >= 40));
        assertEquals(ids(reference), ids(alerts));
        assertEquals(40, ids(alerts).size());
    }

    @Test
    void aBrokerStoppedMidStreamAndStartedAgainCostsNoRecordAndRepeatsNone(Vertx vertx) throws Exception {
        KAFKA.createTopic("flaky", 2);
        List<List<ProducerRecord<String, String>>> halves = halves("flaky");
        KAFKA.send(halves.get(0));
        // no partition goes idle however long the outage and the restart take on a loaded machine: one partition's
        // records read first after it would otherwise move event time past the other's, whose events are then late
        RunningServer server = server(vertx, "flaky=payments", null, dir.resolve("flaky"), "flaky-group",
                config -> config.withSourceIdleTimeoutMs(TimeUnit.HOURS.toMillis(1)));
        server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 20);

        try (LogCapture log = new LogCapture()) {
            KAFKA.stopBroker();
            try {
                Thread.sleep(3_000);   // the outage: many of the source's polls, a commit of its offsets
                assertEquals(200, server.get("/health").statusCode(), "the server runs on without its cluster");
            } finally {
                KAFKA.startBroker();
            }
            KAFKA.send(halves.get(1));
            long deadline = System.nanoTime() + KafkaBroker.TIMEOUT.toNanos();
            while (new JsonArray(server.get("/v1/alerts?limit=1000").body()).size() < 40
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(40, new JsonArray(server.get("/v1/alerts?limit=1000").body()).size(),
                    server.get("/metrics").body().lines().filter(line -> line.startsWith("vigil_late")
                            || line.startsWith("vigil_kafka_source")).toList() + "\n" + log);
        }
        JsonArray alerts = new JsonArray(server.get("/v1/alerts?limit=1000").body());
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("vigil_kafka_source_records_total{topic=\"flaky\"} 44.0"), metrics);
        assertTrue(metrics.contains("vigil_duplicate_batches_total 0.0"), metrics);
        assertEquals(40, ids(alerts).size(), alerts.encode());

        RunningServer once = server(vertx, "flaky=payments", null, dir.resolve("flaky-once"), "flaky-once");
        assertEquals(ids(new JsonArray(once.pollUntil("/v1/alerts?limit=1000",
                body -> new JsonArray(body).size() >= 40))), ids(alerts), "the ids of a run without the outage");
    }

    @Test
    void recordsDeletedBeforeTheyWereReadAreCountedAndReadingGoesOnFromTheEarliestLeft(Vertx vertx) throws Exception {
        KAFKA.createTopic("retained", 1);
        List<ProducerRecord<String, String>> first = new ArrayList<>();
        List<ProducerRecord<String, String>> second = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            (n < 20 ? first : second).add(new ProducerRecord<>("retained", 0, "c", "{\"card\":\"c\",\"amount\":900,"
                    + "\"n\":" + n + ",\"ts\":" + (1_000 + n) + "}"));
        }
        first.add(new ProducerRecord<>("retained", 0, null, "{\"watermark\": 1019}"));   // offset 20
        second.add(new ProducerRecord<>("retained", 0, null, "{\"watermark\": 200000}"));
        KAFKA.send(first);
        Path data = dir.resolve("retained");
        RunningServer before = server(vertx, "retained=payments", null, data, "retained-group");
        before.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 20);
        before.close();
        closing.remove(before);

        KAFKA.send(second);   // offsets 21..41
        try (org.apache.kafka.clients.admin.Admin admin = KAFKA.admin()) {
            // retention took offsets 21..25 (events 20..24) before the server came back
            admin.deleteRecords(Map.of(new org.apache.kafka.common.TopicPartition("retained", 0),
                    org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(26))).all()
                    .get(KafkaBroker.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        try (LogCapture log = new LogCapture()) {
            RunningServer after = server(vertx, "retained=payments", null, data, "retained-group");
            JsonArray alerts = new JsonArray(after.pollUntil("/v1/alerts?limit=1000",
                    body -> new JsonArray(body).size() >= 35));
            TreeSet<Integer> numbers = new TreeSet<>();
            for (int i = 0; i < alerts.size(); i++) {
                numbers.add(alerts.getJsonObject(i).getJsonObject("fields").getInteger("n"));
            }
            assertEquals(35, numbers.size(), "events 0..19 and 25..39, the deleted 20..24 missing: " + numbers);
            assertTrue(numbers.containsAll(List.of(0, 19, 25, 39)) && !numbers.contains(20) && !numbers.contains(24),
                    numbers.toString());
            assertTrue(after.get("/metrics").body().contains("vigil_kafka_source_offsets_gone_total 1.0"));
            assertTrue(log.messages().stream().anyMatch(line -> line.contains("offset 21 is no longer in the topic")
                    && line.contains("reading on from offset 26")), log.toString());
        }
    }

    /**
     * 40 events of two keys over two partitions, in two halves, each ending with a watermark record per partition:
     * the first's up to the first half only (so the second half's events are not late), the second's past all.
     */
    private static List<List<ProducerRecord<String, String>>> halves(String topic) {
        List<ProducerRecord<String, String>> first = new ArrayList<>();
        List<ProducerRecord<String, String>> second = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            (n < 20 ? first : second).add(new ProducerRecord<>(topic, n % 2, "c" + n % 2, "{\"card\":\"c" + n % 2
                    + "\",\"amount\":900,\"n\":" + n + ",\"ts\":" + (1_000 + n) + "}"));
        }
        for (int partition = 0; partition < 2; partition++) {
            first.add(new ProducerRecord<>(topic, partition, null, "{\"watermark\": 1019}"));
            second.add(new ProducerRecord<>(topic, partition, null, "{\"watermark\": 200000}"));
        }
        return List.of(first, second);
    }

    private static TreeSet<String> ids(JsonArray alerts) {
        TreeSet<String> ids = new TreeSet<>();
        for (int i = 0; i < alerts.size(); i++) {
            ids.add(alerts.getJsonObject(i).getString("id"));
        }
        return ids;
    }

    private RunningServer server(Vertx vertx, String topics, String deadLetters) throws Exception {
        return server(vertx, topics, deadLetters, dir.resolve("data"), "vigil-test");
    }

    /** A server reading {@code topics} with {@link #BIG} deployed from its rules folder before anything is read. */
    private RunningServer server(Vertx vertx, String topics, String deadLetters, Path data, String group)
            throws Exception {
        return server(vertx, topics, deadLetters, data, group, config -> config);
    }

    private RunningServer server(Vertx vertx, String topics, String deadLetters, Path data, String group,
            java.util.function.UnaryOperator<ServerConfig> adjusted) throws Exception {
        Path rules = java.nio.file.Files.createDirectories(dir.resolve("rules"));
        java.nio.file.Files.writeString(rules.resolve("big.cep"), BIG + "\n");
        Map<String, String> mapped = new java.util.LinkedHashMap<>();
        for (String entry : topics.split(",")) {
            String[] parts = entry.split("=", 2);
            mapped.put(parts[0], parts.length == 2 ? parts[1] : "");
        }
        RunningServer server = RunningServer.start(vertx, adjusted.apply(ServerConfig.of("127.0.0.1", 0, rules)
                .withDataDir(data).withKafka(new ServerConfig.Kafka(KAFKA.bootstrapServers(),
                        Map.of(), new ServerConfig.KafkaSource(mapped, group, deadLetters, "earliest")))));
        closing.add(server);
        return server;
    }

    private static ProducerRecord<String, String> watermark(int partition) {
        return watermarkOf("payments", partition);
    }

    private static ProducerRecord<String, String> watermarkOf(String topic, int partition) {
        return new ProducerRecord<>(topic, partition, null, "{\"watermark\": 100000}");
    }


    private static List<ConsumerRecord<String, String>> awaitRecords(String topic, int count) throws Exception {
        long deadline = System.nanoTime() + KafkaBroker.TIMEOUT.toNanos();
        List<ConsumerRecord<String, String>> read = KAFKA.readCommitted(topic);
        while (read.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
            read = KAFKA.readCommitted(topic);
        }
        assertEquals(count, read.size(), read.toString());
        return read;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
