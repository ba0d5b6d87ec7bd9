package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.checkpoint.Checkpoint;
import dev.vigil.server.checkpoint.CheckpointFormat;
import dev.vigil.server.checkpoint.CheckpointStore;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.rules.RuleText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart loads the latest complete checkpoint and replays only the ingest log after it: partial matches held at
 * the checkpoint and events after it both come back, nothing is emitted twice; a damaged checkpoint is reported and
 * the one before is used; a savepoint restarts the server from where it was taken; a rule whose pattern changed
 * starts empty while the others keep their state.
 */
@ExtendWith(VertxExtension.class)
class CheckpointTest {
    private static final String PAIR = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;
    private static final String LOGIN = """
            RULE failed_then_ok FROM logins PARTITION BY user
              PATTERN failed -> ok WITHIN 1 HOUR
              DEFINE failed AS status == 'fail', ok AS status == 'ok'
            """;

    @TempDir
    Path data;

    @Test
    void aRestartLoadsTheCheckpointAndReplaysOnlyWhatCameAfterIt(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, null)) {
            deploy(server, PAIR);
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"stream":"payments","card":"c2","amount":1,"ts":2000}
                    {"watermark":2500}
                    """);
            checkpoint(server);
            post(server, """
                    {"stream":"payments","card":"c1","amount":600,"ts":3000}
                    {"stream":"payments","card":"c3","amount":1,"ts":3100}
                    {"watermark":3500}
                    """);
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1);
        }

        try (RunningServer server = start(vertx, null)) {
            assertTrue(server.serverErr().contains("recovered checkpoint 1 ("), server.serverErr());
            assertTrue(server.serverErr().contains("then 1 event batches"), "only the batch after the checkpoint is"
                    + " replayed: " + server.serverErr());
            server.pollUntil("/metrics", body -> body.contains("vigil_alerts_suppressed_total 1.0"));
            awaitPartialMatches(server, "small_then_big", 2);
            post(server, """
                    {"stream":"payments","card":"c2","amount":700,"ts":4000}
                    {"stream":"payments","card":"c3","amount":800,"ts":4100}
                    {"watermark":5000}
                    """);
            JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 3));
            assertEquals(List.of("c1", "c2", "c3"), keys(alerts));
            assertDistinctIds(alerts);
        }
    }

    @Test
    void aDamagedLatestCheckpointIsReportedAndThePreviousOneUsed(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, null)) {
            deploy(server, PAIR);
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"watermark":1500}
                    """);
            checkpoint(server);
            post(server, """
                    {"stream":"payments","card":"c2","amount":1,"ts":2000}
                    {"watermark":2500}
                    """);
            checkpoint(server);
        }
        Path newest = checkpointFiles().get(1);
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.setLength(file.length() - 3);
        }

        try (RunningServer server = start(vertx, null)) {
            assertTrue(server.serverErr().contains("not using a checkpoint: " + newest.getFileName() + " is"),
                    server.serverErr());
            assertTrue(server.serverErr().contains("recovered checkpoint 1 ("), server.serverErr());
            awaitPartialMatches(server, "small_then_big", 2);
        }
    }

    @Test
    void aServerStartsFromASavepointAndReplaysTheLogAfterIt(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, null)) {
            deploy(server, PAIR);
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"watermark":1500}
                    """);
            HttpResponse<String> created = server.send("POST", "/v1/savepoints", "application/json",
                    "{\"name\":\"before-c1-pays\"}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(List.of("small_then_big"), new JsonObject(created.body()).getJsonArray("rules").getList());
            post(server, """
                    {"stream":"payments","card":"c1","amount":600,"ts":3000}
                    {"watermark":3500}
                    """);
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1);
            checkpoint(server);
        }

        try (RunningServer server = start(vertx, "before-c1-pays")) {
            assertTrue(server.serverErr().contains("then 1 event batches"), server.serverErr());
            server.pollUntil("/metrics", body -> body.contains("vigil_alerts_suppressed_total 1.0"));
            awaitPartialMatches(server, "small_then_big", 0);
            JsonArray listed = new JsonArray(server.get("/v1/savepoints").body());
            assertEquals("before-c1-pays", listed.getJsonObject(0).getString("name"));
        }
    }

    @Test
    void aRuleWhosePatternChangedStartsEmptyAndTheOthersKeepTheirState(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, null)) {
            deploy(server, PAIR);
            deploy(server, LOGIN);
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"stream":"logins","user":"u1","status":"fail","ts":1000}
                    {"watermark":1500}
                    """);
            checkpoint(server);
        }
        // the same rule name with another pattern, as a new Vigil compiling the text differently would give
        CheckpointStore store = CheckpointStore.open(data);
        Checkpoint taken = store.latestCheckpoint(skipped -> { }).orElseThrow();
        List<RuleText> edited = new ArrayList<>();
        for (RuleText rule : taken.rules()) {
            edited.add(rule.name().equals("small_then_big") ? new RuleText(rule.name(), rule.version(), rule.origin(),
                    PAIR.replace("small -> big", "small -> mid -> big")
                            .replace("big AS", "mid AS amount > 100, big AS"), rule.deployedAtMs()) : rule);
        }
        Path file = data.resolve("savepoints").resolve("edited.vsp");
        try (OutputStream out = Files.newOutputStream(file)) {
            CheckpointFormat.write(new Checkpoint(taken.id(), "edited", taken.position(), taken.createdAtMs(),
                    taken.serverVersion(), taken.sequence(), taken.watermarks(), edited, taken.shards()), out);
        }

        try (RunningServer server = start(vertx, "edited")) {
            assertTrue(server.serverErr().contains("rule 'small_then_big' starts with no state"), server.serverErr());
            awaitPartialMatches(server, "small_then_big", 0);
            awaitPartialMatches(server, "failed_then_ok", 1);
        }
    }

    @Test
    void savepointRequestsAreCheckedWithReasons(Vertx vertx) throws Exception {
        try (RunningServer server = start(vertx, null)) {
            HttpResponse<String> badName = server.send("POST", "/v1/savepoints", "application/json",
                    "{\"name\":\"../etc\"}");
            assertEquals(400, badName.statusCode());
            assertEquals("name", new JsonObject(badName.body()).getString("field"));
            assertEquals(400, server.send("POST", "/v1/savepoints", "application/json", "[1]").statusCode());
            assertEquals(201, server.send("POST", "/v1/savepoints", "application/json", "{\"name\":\"a\"}")
                    .statusCode());
            HttpResponse<String> again = server.send("POST", "/v1/savepoints", "application/json",
                    "{\"name\":\"a\"}");
            assertEquals(409, again.statusCode());
            assertTrue(new JsonObject(again.body()).getString("error").contains("exists"), again.body());
            assertEquals(200, server.get("/v1/savepoints/a").statusCode());
            assertEquals(204, server.send("DELETE", "/v1/savepoints/a", null, null).statusCode());
            assertEquals(404, server.send("DELETE", "/v1/savepoints/a", null, null).statusCode());
            assertEquals(404, server.get("/v1/savepoints/a").statusCode());
        }
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null))) {
            HttpResponse<String> memory = server.send("POST", "/v1/savepoints", "application/json",
                    "{\"name\":\"a\"}");
            assertEquals(409, memory.statusCode());
            assertTrue(memory.body().contains("without a data folder"), memory.body());
        }
    }

    @Test
    void startingFromAMissingSavepointFailsWithItsName(Vertx vertx) {
        Exception failed = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> start(vertx, "nowhere").close());
        assertTrue(String.valueOf(failed.getMessage()).contains("cannot start from savepoint 'nowhere'"),
                String.valueOf(failed.getMessage()));
    }

    private RunningServer start(Vertx vertx, String savepoint) throws Exception {
        return RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data).withShards(2)
                .withCheckpointIntervalMs(0).withFromSavepoint(savepoint));
    }

    private static void checkpoint(RunningServer server) throws Exception {
        server.checkpointer().checkpointNow().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void deploy(RunningServer server, String rule) throws Exception {
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", rule);
        assertEquals(201, created.statusCode(), created.body());
    }

    private static void post(RunningServer server, String ndjson) throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", ndjson);
        assertEquals(202, posted.statusCode(), posted.body());
    }

    /** Waits until the rule's counters (refreshed by its shards every 100 ms) show {@code expected} partial matches. */
    private static void awaitPartialMatches(RunningServer server, String rule, long expected) throws Exception {
        server.pollUntil("/v1/rules/" + rule, body -> new JsonObject(body).getJsonObject("counters")
                .getLong("partialMatches") == expected);
    }

    private List<Path> checkpointFiles() throws Exception {
        try (Stream<Path> files = Files.list(data.resolve("checkpoints"))) {
            return files.sorted().toList();
        }
    }

    private static List<String> keys(JsonArray alerts) {
        List<String> keys = new ArrayList<>();
        for (Object alert : alerts) {
            keys.add(((JsonObject) alert).getString("key"));
        }
        return keys;
    }

    private static void assertDistinctIds(JsonArray alerts) {
        Set<String> ids = new HashSet<>();
        for (Object alert : alerts) {
            assertTrue(ids.add(((JsonObject) alert).getString("id")), "no alert twice: " + alerts.encode());
        }
    }
}
