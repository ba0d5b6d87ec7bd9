package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.connectors.KafkaBroker;
import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkSpec;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka sink end to end: a real server with a kafka sink from the configuration and one named in rule text, a
 * real broker in the test JVM, events in over HTTP, alerts read back from the topics with {@code read_committed}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KafkaSinkServerTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String BIG = "RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500";
    private static final String SMALL = "RULE small FROM payments PARTITION BY card PATTERN s DEFINE s AS amount < 500";

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
    void theAlertsOfAConfiguredAndAnInlineKafkaSinkAreInTheirTopicsOnceEach(Vertx vertx) throws Exception {
        KAFKA.createTopic("all-alerts", 3);
        KAFKA.createTopic("big-alerts", 2);
        RunningServer server = server(vertx, Map.of(), List.of(new SinkDeclaration("archive",
                SinkSpec.Kafka.to("all-alerts"), List.of("*"))));
        SinksTest.deploy(server, BIG + " TO kafka 'big-alerts'");
        SinksTest.deploy(server, SMALL);
        SinksTest.feed(server);

        Map<String, Long> logged = loggedAlerts(server, 4);
        Map<String, String> rules = ruleOf(server);
        await(() -> KAFKA.readCommitted("all-alerts").size() >= 4, () -> KAFKA.readCommitted("all-alerts"));
        await(() -> KAFKA.readCommitted("big-alerts").size() >= 3, () -> KAFKA.readCommitted("big-alerts"));
        assertEquals(new TreeSet<>(logged.keySet()), keys(KAFKA.readCommitted("all-alerts")));
        Set<String> big = new TreeSet<>();
        rules.forEach((id, rule) -> {
            if (rule.equals("big")) {
                big.add(id);
            }
        });
        assertEquals(big, keys(KAFKA.readCommitted("big-alerts")));
        for (ConsumerRecord<String, String> record : KAFKA.readCommitted("big-alerts")) {
            JsonObject alert = new JsonObject(record.value());
            assertEquals(record.key(), alert.getString("id"));
            assertEquals("big", header(record, "vigil.rule"));
            assertEquals("1", header(record, "vigil.version"));
            assertEquals("match", header(record, "vigil.kind"));
            assertEquals("kafka:big-alerts", header(record, "vigil.sink"));
        }

        JsonObject inline = sinkOf(server, "big", "kafka:big-alerts");
        assertEquals("kafka", inline.getString("type"));
        assertEquals(3, inline.getLong("delivered"), inline.encode());
        assertTrue(inline.getString("state").startsWith("delivering"), inline.encode());
        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("vigil_sink_delivered_total{sink=\"archive\",type=\"kafka\"} 4.0"), metrics);
    }

    @Test
    void aRuleNamingAKafkaTopicWithoutAClusterIsRefusedAtTheTopic(Vertx vertx) throws Exception {
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null));
        closing.add(server);
        HttpResponse<String> response = server.send("POST", "/v1/rules", "text/plain",
                "RULE r FROM s PATTERN a\n  TO log, kafka 'fraud-alerts'");
        assertEquals(400, response.statusCode(), response.body());
        JsonObject diagnostic = new JsonObject(response.body()).getJsonArray("diagnostics").getJsonObject(0);
        assertEquals(2, diagnostic.getInteger("line"));
        assertEquals(17, diagnostic.getInteger("column"));
        assertEquals("kafka topic 'fraud-alerts' has no cluster to be written to: set kafkaBootstrap "
                + "(--kafka-bootstrap, VIGIL_KAFKA_BOOTSTRAP), or declare a kafka sink under \"sinks\" "
                + "in the configuration file and name it", diagnostic.getString("message"));
    }

    @Test
    void aBrokerThatGoesAwayHoldsUpNeitherTheEngineNorOtherSinksAndGetsEveryAlertOnceWhenBack(Vertx vertx)
            throws Exception {
        KAFKA.createTopic("outage-alerts", 2);
        RunningServer server = server(vertx, Map.of("max.block.ms", "2000", "request.timeout.ms", "1000",
                "delivery.timeout.ms", "3000", "transaction.timeout.ms", "3000"), List.of());
        SinksTest.deploy(server, BIG + " TO kafka 'outage-alerts', file 'big.ndjson'");
        SinksTest.feed(server);
        await(() -> KAFKA.readCommitted("outage-alerts").size() >= 3, () -> sinkOf(server, "big", "kafka:outage-alerts"));

        KAFKA.stopBroker();
        try {
            HttpResponse<String> more = server.send("POST", "/v1/events", "application/x-ndjson", """
                    {"stream": "payments", "card": "c5", "amount": 800, "ts": 3000}
                    {"stream": "payments", "card": "c6", "amount": 900, "ts": 3100}
                    {"watermark": 4000}
                    """);
            assertEquals(202, more.statusCode(), more.body());
            loggedAlerts(server, 5);   // the engine and the alert log carry on
            Path file = dir.resolve("data/sinks/big.ndjson");
            await(() -> SinksTest.lines(file).size() == 5, () -> SinksTest.lines(file));   // so do other sinks
            await(() -> sinkOf(server, "big", "kafka:outage-alerts").getLong("failed") >= 1,
                    () -> sinkOf(server, "big", "kafka:outage-alerts"));
        } finally {
            KAFKA.startBroker();
        }
        Map<String, Long> logged = loggedAlerts(server, 5);
        await(() -> KAFKA.readCommitted("outage-alerts").size() >= 5, () -> sinkOf(server, "big", "kafka:outage-alerts"));
        List<String> keys = KAFKA.readCommitted("outage-alerts").stream().map(ConsumerRecord::key).sorted().toList();
        assertEquals(new ArrayList<>(new TreeSet<>(logged.keySet())), keys, "each alert once");
    }

    // ------------------------------------------------------------------ helpers

    private RunningServer server(Vertx vertx, Map<String, String> kafkaProperties, List<SinkDeclaration> sinks)
            throws Exception {
        List<SinkDeclaration> clustered = new ArrayList<>();
        for (SinkDeclaration sink : sinks) {   // as the configuration resolver gives a sink without a cluster its own
            clustered.add(new SinkDeclaration(sink.name(), ((SinkSpec.Kafka) sink.spec())
                    .withBootstrapServers(KAFKA.bootstrapServers()), sink.rules()));
        }
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")).withSinks(clustered)
                .withKafka(new ServerConfig.Kafka(KAFKA.bootstrapServers(), kafkaProperties)));
        closing.add(server);
        return server;
    }

    /** Alert id to alert log number, once the log holds {@code count} alerts. */
    private static Map<String, Long> loggedAlerts(RunningServer server, int count) throws Exception {
        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == count));
        Map<String, Long> out = new java.util.HashMap<>();
        for (int i = 0; i < alerts.size(); i++) {
            out.put(alerts.getJsonObject(i).getString("id"), (long) i + 1);
        }
        return out;
    }

    private static Map<String, String> ruleOf(RunningServer server) throws Exception {
        JsonArray alerts = new JsonArray(server.get("/v1/alerts").body());
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < alerts.size(); i++) {
            out.put(alerts.getJsonObject(i).getString("id"), alerts.getJsonObject(i).getString("rule"));
        }
        return out;
    }

    private static JsonObject sinkOf(RunningServer server, String rule, String sink) {
        try {
            JsonArray sinks = new JsonObject(server.get("/v1/rules/" + rule).body()).getJsonArray("sinks");
            for (int i = 0; i < sinks.size(); i++) {
                if (sinks.getJsonObject(i).getString("name").equals(sink)) {
                    return sinks.getJsonObject(i);
                }
            }
            throw new AssertionError("no sink " + sink + " in " + sinks.encode());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> keys(List<ConsumerRecord<String, String>> records) {
        Set<String> out = new TreeSet<>();
        records.forEach(record -> out.add(record.key()));
        assertEquals(records.size(), out.size(), "no key twice");
        return out;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return record.headers().lastHeader(name) == null ? null
                : new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static void await(BooleanSupplier done, Supplier<Object> state) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + LONG + ": " + state.get());
            }
            Thread.onSpinWait();
        }
    }
}
