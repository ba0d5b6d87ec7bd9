package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.connectors.KafkaBroker;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kafka sink across {@code kill -9}: a server JVM with a kafka sink for every rule is killed at random moments
 * (between batches, after a random pause, so kills land while the sink reads the alert log, sends and commits), and
 * restarted on the same data folder each time; at the end the topic, read with {@code read_committed}, holds every
 * alert of the server's alert log exactly once: the same ids, none twice, and the alert log positions of the records'
 * headers are 1..n, each once.
 *
 * <p>5 kills by default (about a minute on two cores); {@code -Dvigil.kafkaCrash.kills=N} and
 * {@code -Dvigil.kafkaCrash.seed=S} for a longer soak.
 */
class KafkaSinkCrashTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final long SEED = Long.getLong("vigil.kafkaCrash.seed", 20_260_419L);
    private static final int KILLS = Integer.getInteger("vigil.kafkaCrash.kills", 5);
    private static final int EVENTS = 6_000;
    private static final int MAX_KILL_PAUSE_MS = 300;
    private static final String TOPIC = "crash-alerts";
    private static final long SETTLE_MS = 90_000;

    private static final String RULES = """
            STREAM crash (key STRING, kind STRING, n LONG, ts TIMESTAMP) WATERMARK DELAY 1 SECOND;

            RULE crash_chunks
              FROM crash
              PARTITION BY key
              PATTERN e{4}
              WITHIN 1 MINUTE
              EMIT first = FIRST(e.n), last = LAST(e.n)
              ON TIMEOUT EMIT first = FIRST(e.n);
            """;

    @TempDir
    static Path temp;

    private static final List<ServerProcess> started = new ArrayList<>();

    @AfterAll
    static void stopEveryServer() {
        started.forEach(ServerProcess::close);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void afterKillsAtRandomMomentsTheTopicHoldsEveryAlertOfTheAlertLogOnce() throws Exception {
        KAFKA.createTopic(TOPIC, 3);
        EventBatches input = EventBatches.generate(SEED, EVENTS, 100, 100);
        KillPlan plan = KillPlan.random(SEED, KILLS, input.size(), MAX_KILL_PAUSE_MS);
        Path folder = Files.createDirectories(temp.resolve("run"));
        Path config = folder.resolve("vigil.json");
        Files.writeString(config, "{\"sinks\": {\"to_kafka\": {\"type\": \"kafka\", \"topic\": \"" + TOPIC
                + "\", \"rules\": [\"*\"]}}}", StandardCharsets.UTF_8);
        long began = System.nanoTime();
        try {
            ServerProcess server = start("kafka-crash-0", folder, config);
            int acknowledged = 0;
            int next = 0;
            while (true) {
                while (next < plan.kills().size() && plan.kills().get(next).afterBatches() == acknowledged) {
                    ServerProcess.pause(plan.kills().get(next).pauseMs());
                    server.kill();
                    next++;
                    server = start("kafka-crash-" + next, folder, config);
                }
                if (acknowledged == input.size()) {
                    break;
                }
                post(server, input.body(acknowledged));
                acknowledged++;
            }
            List<JsonObject> logged = settled(server);
            List<ConsumerRecord<String, String>> records = KAFKA.readCommitted(TOPIC);
            Map<String, Integer> copies = new HashMap<>();
            List<Long> positions = new ArrayList<>();
            for (ConsumerRecord<String, String> record : records) {
                copies.merge(record.key(), 1, Integer::sum);
                positions.add(Long.parseLong(new String(record.headers().lastHeader("vigil.position").value(),
                        StandardCharsets.UTF_8)));
            }
            TreeSet<String> ids = new TreeSet<>();
            logged.forEach(alert -> ids.add(alert.getString("id")));
            System.out.printf("kafka sink crash test: %d batches, %d kills (%s); alert log %d alerts, topic %d records;"
                    + " %.1f s%n", input.size(), plan.kills().size(), plan, logged.size(), records.size(),
                    (System.nanoTime() - began) / 1e9);
            assertTrue(logged.size() > 500, "the run makes alerts: " + logged.size());
            assertEquals(Map.of(), repeated(copies), "alerts in the topic twice");
            assertEquals(ids, new TreeSet<>(copies.keySet()), "the topic's alert ids against the alert log's");
            positions.sort(null);
            for (int i = 0; i < positions.size(); i++) {
                assertEquals(i + 1, positions.get(i), "alert log positions in the headers: 1..n, each once");
            }
        } catch (Exception | AssertionError failure) {
            started.forEach(server -> System.out.print(server.logs()));
            throw failure;
        }
    }

    private static ServerProcess start(String name, Path folder, Path config) throws Exception {
        Path rules = Files.createDirectories(folder.resolve("rules"));
        ServerProcess server = ServerProcess.start(name, folder, rules, folder.resolve("data"), List.of(),
                List.of("--config", config.toString(), "--kafka-bootstrap", KAFKA.bootstrapServers()));
        started.add(server);
        server.deployAgain(RULES);
        return server;
    }

    private static void post(ServerProcess server, String body) throws Exception {
        long deadline = System.nanoTime() + ServerProcess.TIMEOUT.toNanos();
        while (true) {
            HttpResponse<String> response = server.send("POST", "/v1/events?source=crash", "application/x-ndjson",
                    body);
            if (response.statusCode() == 202) {
                return;
            }
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                throw new IllegalStateException(server.name() + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            ServerProcess.pause(10);
        }
    }

    /**
     * The alert log once the run is over: the log has not grown for 2 s and the topic holds as many records as the
     * log holds alerts (or the deadline passed: the assertions then say what is missing).
     */
    private static List<JsonObject> settled(ServerProcess server) throws Exception {
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        List<JsonObject> logged = AlertPages.readAll(server);
        long lastChange = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            ServerProcess.pause(250);
            List<JsonObject> now = AlertPages.readAll(server);
            if (now.size() != logged.size()) {
                lastChange = System.currentTimeMillis();
            }
            logged = now;
            if (System.currentTimeMillis() - lastChange >= 2_000
                    && KAFKA.readCommitted(TOPIC).size() >= logged.size()) {
                return logged;
            }
        }
        return logged;
    }

    private static Map<String, Integer> repeated(Map<String, Integer> copies) {
        Map<String, Integer> out = new HashMap<>();
        copies.forEach((id, n) -> {
            if (n > 1) {
                out.put(id, n);
            }
        });
        return out;
    }
}
