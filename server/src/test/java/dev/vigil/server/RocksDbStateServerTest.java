package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code stateBackend: rocksdb} keeps the shards' key state in {@code <data>/state/shard-N} and changes nothing a
 * user sees: an example gives the alerts a heap server gives, ids included, and a restart restores the RocksDB
 * state from the latest checkpoint (the folder is emptied at start), replays the log after it and continues.
 */
@ExtendWith(VertxExtension.class)
class RocksDbStateServerTest {
    private static final String PAIR = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;

    @TempDir
    Path data;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"card-testing", "transaction-velocity", "missing-heartbeat"})
    void anExampleGivesTheSameAlertsWithRocksDbAsOnTheHeap(String name, Vertx vertx) throws Exception {
        Path example = examplesRoot().resolve(name);
        ServerConfig heap = ServerConfig.of("127.0.0.1", 0, example).withShards(3);
        TreeSet<String> onHeap = alertsOf(vertx, heap, example);
        TreeSet<String> inRocksDb = alertsOf(vertx, heap.withDataDir(data.resolve(name))
                .withStateBackend(ServerConfig.StateBackend.ROCKSDB), example);
        assertTrue(Files.isDirectory(data.resolve(name).resolve("state").resolve("shard-2")),
                "each shard has its RocksDB folder");
        assertEquals(onHeap, inRocksDb);
        assertTrue(!onHeap.isEmpty(), "the example alerts");
    }

    @Test
    void aRocksDbServerRestartsFromItsCheckpoint(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx)) {
            HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", PAIR);
            assertEquals(201, created.statusCode(), created.body());
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"stream":"payments","card":"c2","amount":1,"ts":2000}
                    {"watermark":2500}
                    """);
            server.checkpointer().checkpointNow().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            post(server, """
                    {"stream":"payments","card":"c1","amount":600,"ts":3000}
                    {"stream":"payments","card":"c3","amount":1,"ts":3100}
                    {"watermark":3500}
                    """);
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1);
        }

        // The checkpoint left the keys in RocksDB's own checkpoints, one a shard, beside its file.
        Path stores = data.resolve("checkpoints").resolve("checkpoint-00000000000000000001.rocksdb");
        assertTrue(Files.isDirectory(stores.resolve("shard-0")) && Files.isDirectory(stores.resolve("shard-1")),
                "no RocksDB checkpoints in " + stores);
        try (RunningServer server = start(vertx)) {
            assertTrue(server.serverErr().contains("recovered checkpoint 1 ("), server.serverErr());
            server.pollUntil("/metrics", body -> body.contains("vigil_alerts_suppressed_total 1.0"));
            server.pollUntil("/v1/rules/small_then_big", body -> new JsonObject(body).getJsonObject("counters")
                    .getLong("partialMatches") == 2);
            post(server, """
                    {"stream":"payments","card":"c2","amount":700,"ts":4000}
                    {"stream":"payments","card":"c3","amount":800,"ts":4100}
                    {"watermark":5000}
                    """);
            JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 3));
            List<String> keys = new ArrayList<>();
            for (Object alert : alerts) {
                keys.add(((JsonObject) alert).getString("key"));
            }
            assertEquals(List.of("c1", "c2", "c3"), keys);
        }
    }

    private RunningServer start(Vertx vertx) throws Exception {
        return RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data).withShards(2)
                .withCheckpointIntervalMs(0).withStateBackend(ServerConfig.StateBackend.ROCKSDB));
    }

    /** The example's events and a final watermark through a server; its alerts as sorted JSON texts, with ids. */
    private static TreeSet<String> alertsOf(Vertx vertx, ServerConfig config, Path example) throws Exception {
        int expected = (int) Files.readAllLines(example.resolve("expected-alerts.ndjson")).stream()
                .filter(line -> !line.isBlank()).count();
        try (RunningServer server = RunningServer.start(vertx, config)) {
            post(server, Files.readString(example.resolve("events.ndjson")).stripTrailing());
            post(server, "{\"watermark\": " + EventTime.MAX_MS + "}");
            String body = server.pollUntil("/v1/alerts?limit=1000", alerts -> new JsonArray(alerts).size() >= expected);
            TreeSet<String> texts = new TreeSet<>();
            for (Object alert : new JsonArray(body)) {
                texts.add(((JsonObject) alert).encode());
            }
            return texts;
        }
    }

    private static void post(RunningServer server, String ndjson) throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", ndjson);
        assertEquals(202, posted.statusCode(), posted.body());
    }

    private static Path examplesRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("rules-examples"))) {
                return dir.resolve("rules-examples");
            }
        }
        throw new IOException("no rules-examples folder above " + Path.of("").toAbsolutePath());
    }
}
