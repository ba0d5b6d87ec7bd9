package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server restarted on its data folder comes back as it was: rules posted over HTTP (same versions), the partial
 * matches its rules held, event numbering and time; alerts it already emitted are not emitted again.
 */
@ExtendWith(VertxExtension.class)
class RecoveryTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;

    @TempDir
    Path data;
    @TempDir
    Path rules;

    @Test
    void rulesStateAndHistoryComeBackAndNoAlertIsEmittedTwice(Vertx vertx) throws Exception {
        Files.writeString(rules.resolve("big.cep"), "RULE big FROM payments PARTITION BY card PATTERN b "
                + "DEFINE b AS amount >= 900\n");
        try (RunningServer server = start(vertx)) {
            HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", RULE);
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(200, server.send("PUT", "/v1/rules/small_then_big", "text/plain", RULE).statusCode());
            post(server, """
                    {"stream":"payments","card":"c1","amount":1,"ts":1000}
                    {"stream":"payments","card":"c1","amount":600,"ts":2000}
                    {"stream":"payments","card":"c2","amount":1,"ts":3000}
                    {"stream":"payments","card":"c3","amount":950,"ts":3500}
                    {"watermark":4000}
                    """);
            server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 2);   // c1's match, c3's big
            server.pollUntil("/v1/rules/small_then_big",
                    body -> new JsonObject(body).getJsonObject("counters").getLong("partialMatches") == 1);
        }

        try (RunningServer server = start(vertx)) {
            JsonObject rule = new JsonObject(server.get("/v1/rules/small_then_big").body());
            assertEquals(2, rule.getInteger("version"), "the rule posted over HTTP is back, at the version it had");
            assertEquals(1, new JsonObject(server.get("/v1/rules/big").body()).getInteger("version"),
                    "the folder's rule is not deployed again");
            String metrics = server.pollUntil("/metrics", body -> body.contains("vigil_alerts_suppressed_total 2.0"));
            assertTrue(metrics.contains("vigil_alerts_suppressed_total 2.0"), "the replay regenerated both alerts");

            post(server, """
                    {"stream":"payments","card":"c2","amount":700,"ts":5000}
                    {"watermark":6000}
                    """);
            String body = server.pollUntil("/v1/alerts", alerts -> new JsonArray(alerts).size() == 3);
            JsonArray alerts = new JsonArray(body);
            JsonObject completed = alerts.getJsonObject(2);
            assertEquals("c2", completed.getString("key"), "c2's small payment, held before the restart, matched");
            assertEquals(701.0, completed.getJsonObject("fields").getDouble("total"));
            Set<String> ids = new HashSet<>();
            for (Object alert : alerts) {
                assertTrue(ids.add(((JsonObject) alert).getString("id")), "no alert twice: " + body);
            }
            List<Long> sequences = List.of(
                    completed.getJsonObject("events").getJsonArray("small").getJsonObject(0).getLong("ts"),
                    completed.getJsonObject("events").getJsonArray("big").getJsonObject(0).getLong("ts"));
            assertEquals(List.of(3000L, 5000L), sequences);
        }
    }

    @Test
    void afterARestartTheServerCountsTheRulesThatRunAndSaysWhereTheyCameFrom(Vertx vertx) throws Exception {
        Files.writeString(rules.resolve("big.cep"), "RULE big FROM payments PARTITION BY card PATTERN b "
                + "DEFINE b AS amount >= 900\n");
        try (RunningServer server = start(vertx)) {
            assertEquals(1, server.server().rulesLoaded());
            assertEquals("1 rule(s) running (1 from rule files in " + rules + ")", server.server().rulesSummary());
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        }
        try (RunningServer server = start(vertx)) {
            assertEquals(2, server.server().rulesLoaded(), "the recovered rules run: not 0");
            String summary = server.server().rulesSummary();
            assertTrue(summary.startsWith("2 rule(s) running (1 from rule files, 1 posted over HTTP), recovered from "),
                    summary);
            assertTrue(summary.endsWith("the ingest log"), summary);
        }
    }

    private RunningServer start(Vertx vertx) throws Exception {
        return RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rules).withDataDir(data).withShards(2));
    }

    private static void post(RunningServer server, String ndjson) throws Exception {
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", ndjson);
        assertEquals(202, posted.statusCode(), posted.body());
    }
}
