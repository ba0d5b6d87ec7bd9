package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoints outlive upgrades: a savepoint written by an earlier build (format 1, kept in the test resources, made
 * with rule {@code small_then_big} after cards c1 and c2 paid a small amount and c3 a big one) restores into this
 * build, on a fresh data folder, with its rule and partial matches. When the format changes, this file stays and a new
 * one is added beside it: each format a release wrote must stay readable.
 */
@ExtendWith(VertxExtension.class)
class SavepointCompatibilityTest {
    @TempDir
    Path data;

    @Test
    void aFormatOneSavepointRestoresIntoThisBuild(Vertx vertx) throws Exception {
        Files.createDirectories(data.resolve("savepoints"));
        try (InputStream saved = getClass().getResourceAsStream("/savepoints/format-1.vsp")) {
            Files.copy(saved, data.resolve("savepoints").resolve("format-1.vsp"));
        }

        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withDataDir(data)
                .withShards(2).withCheckpointIntervalMs(0).withFromSavepoint("format-1"))) {
            JsonObject rule = new JsonObject(server.pollUntil("/v1/rules/small_then_big",
                    body -> body.contains("\"partialMatches\":2")));
            assertEquals(1, rule.getInteger("version"));
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", """
                    {"stream":"payments","card":"c1","amount":600,"ts":4000}
                    {"stream":"payments","card":"c2","amount":700,"ts":5000}
                    {"watermark":6000}
                    """);
            assertEquals(202, posted.statusCode(), posted.body());
            JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 2));
            assertEquals(601.0, alerts.getJsonObject(0).getJsonObject("fields").getDouble("total"));
            assertEquals(701.5, alerts.getJsonObject(1).getJsonObject("fields").getDouble("total"));
            assertTrue(server.serverErr().contains("recovered savepoint 'format-1' ("), server.serverErr());
        }
    }
}
