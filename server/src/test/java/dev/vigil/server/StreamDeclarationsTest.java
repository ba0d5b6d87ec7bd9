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
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One stream, one declaration: a text that declares a stream differently from the running rules' declaration is
 * refused (in the rules folder with a diagnostic naming both files, the other files deploying; over HTTP with
 * 409 naming the rules that hold the declaration), unless it replaces every one of those rules; a declaration goes
 * with the last rule holding it. (The latest declaration used to win silently, so the first rules' events were
 * refused for lacking the other event time field.)
 */
@ExtendWith(VertxExtension.class)
class StreamDeclarationsTest {
    private static final String BY_TS = """
            STREAM logins (user STRING, ts TIMESTAMP);
            RULE by_ts FROM logins PARTITION BY user PATTERN a DEFINE a AS user = 'mallory';
            """;
    private static final String BY_AT = """
            -- the same stream, its time in another field
            STREAM logins (user STRING, at TIMESTAMP)
              EVENT TIME at;
            RULE by_at FROM logins PARTITION BY user PATTERN a DEFINE a AS user = 'eve';
            """;
    private static final String OTHER = """
            RULE other FROM payments PATTERN a DEFINE a AS amount > 1;
            """;

    @TempDir
    Path dir;

    @Test
    void theRulesFolderSkipsTheLaterFileWithADiagnosticNamingBothAndDeploysTheOthers(Vertx vertx) throws Exception {
        Files.writeString(dir.resolve("a.cep"), BY_TS);
        Files.writeString(dir.resolve("b.cep"), BY_AT);
        Files.writeString(dir.resolve("c.cep"), OTHER);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, dir))) {
            String err = server.serverErr();
            assertTrue(err.contains(dir.resolve("b.cep") + ":2:8: stream 'logins' is already declared differently in "
                    + dir.resolve("a.cep") + ":1:8, with the running rule by_ts: its event time field is 'at' here, "
                    + "'ts' there"), err);
            assertTrue(err.contains("  | STREAM logins (user STRING, at TIMESTAMP)\n  |        ^^^^^^"), err);
            assertTrue(err.contains("" + dir.resolve("b.cep") + " skipped: it declares a stream "
                    + "differently from another file"), err);
            assertEquals(200, server.get("/v1/rules/by_ts").statusCode());
            assertEquals(200, server.get("/v1/rules/other").statusCode());
            assertEquals(404, server.get("/v1/rules/by_at").statusCode());
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"stream\": \"logins\", \"user\": \"mallory\", \"ts\": 1000}\n{\"watermark\": 2000}");
            assertEquals(2, new JsonObject(posted.body()).getInteger("accepted"), posted.body());
            server.pollUntil("/v1/alerts", alerts -> new JsonArray(alerts).size() == 1);
        }
    }

    @Test
    void overHttpAConflictIs409NamingTheHoldersUntilTheyAreReplacedOrGone(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", BY_TS).statusCode());
            HttpResponse<String> refused = server.send("POST", "/v1/rules", "text/plain", BY_AT);
            assertEquals(409, refused.statusCode(), refused.body());
            JsonObject problem = new JsonObject(refused.body());
            assertEquals("stream 'logins' is already declared differently over HTTP, with the running rule by_ts: its "
                    + "event time field is 'at' here, 'ts' there; declare it the same way, or name the stream "
                    + "differently", problem.getString("error"));
            assertEquals("logins", problem.getString("stream"));
            assertEquals(new JsonArray().add("by_ts"), problem.getJsonArray("rules"));
            assertEquals(2, problem.getInteger("line"));
            assertEquals(404, server.get("/v1/rules/by_at").statusCode(), "nothing of the text was deployed");

            String sameWay = BY_AT.replace("STREAM logins (user STRING, at TIMESTAMP)\n  EVENT TIME at;",
                    "STREAM logins (ts TIMESTAMP, user STRING) WATERMARK DELAY 5 SECONDS;");
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", sameWay).statusCode(),
                    "the same fields, another delay: the same declaration, now held by both");
            HttpResponse<String> replaced = server.send("PUT", "/v1/rules/by_ts", "text/plain",
                    BY_AT.replace("by_at", "by_ts"));
            assertEquals(409, replaced.statusCode(), "by_at still holds the declaration: " + replaced.body());
            assertEquals(new JsonArray().add("by_at"), new JsonObject(replaced.body()).getJsonArray("rules"));

            assertEquals(204, server.send("DELETE", "/v1/rules/by_at", null, null).statusCode());
            assertEquals(200, server.send("PUT", "/v1/rules/by_ts", "text/plain", BY_AT.replace("by_at", "by_ts"))
                    .statusCode(), "by_ts alone held it: its new version may declare the stream anew");
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"stream\": \"logins\", \"user\": \"eve\", \"at\": 1000}\n{\"watermark\": 2000}");
            assertEquals(2, new JsonObject(posted.body()).getInteger("accepted"), "events now need 'at': "
                    + posted.body());

            assertEquals(204, server.send("DELETE", "/v1/rules/by_ts", null, null).statusCode());
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", BY_TS).statusCode(),
                    "the declaration went with its last rule");
        }
    }

    @Test
    void aReloadedFileThatDeclaresAStreamOtherwiseIsReportedAndNotDeployed(Vertx vertx) throws Exception {
        Files.writeString(dir.resolve("a.cep"), BY_TS);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, dir))) {
            Files.writeString(dir.resolve("b.cep"), BY_AT);
            String reported = "" + dir.resolve("b.cep") + " declares a stream differently from running "
                    + "rules; nothing deployed";
            awaitErr(server, reported);
            assertTrue(server.serverErr().contains(dir.resolve("b.cep") + ":2:8: stream 'logins' is already "
                    + "declared differently in " + dir.resolve("a.cep") + ":1:8"), server.serverErr());
            assertEquals(404, server.get("/v1/rules/by_at").statusCode());

            Files.writeString(dir.resolve("b.cep"), BY_AT.replace("at TIMESTAMP)\n  EVENT TIME at;",
                    "ts TIMESTAMP);"));
            server.pollUntil("/v1/rules/by_at", body -> body.contains("\"version\":1"));
        }
    }

    @Test
    void theIssuesScenarioAPostedDeclarationNeitherOverridesTheRunningOneNorOutlivesItsRule(Vertx vertx)
            throws Exception {
        String payments = """
                STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP);
                RULE card_testing FROM payments PARTITION BY card_id PATTERN big DEFINE big AS amount >= 500;
                """;
        String asLong = """
                STREAM payments (card_id LONG, amount DOUBLE, ts TIMESTAMP);
                RULE by_number FROM payments PARTITION BY card_id PATTERN big DEFINE big AS amount >= 900;
                """;
        String event = "{\"stream\": \"payments\", \"card_id\": \"c1\", \"amount\": 950, \"merchant\": \"m\", "
                + "\"ts\": %d}\n";
        Files.writeString(dir.resolve("payments.cep"), payments);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, dir))) {
            HttpResponse<String> refused = server.send("POST", "/v1/rules", "text/plain", asLong);
            assertEquals(409, refused.statusCode(), refused.body());
            assertEquals(new JsonArray().add("card_testing"), new JsonObject(refused.body()).getJsonArray("rules"));
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                    event.formatted(1000) + "{\"watermark\": 2000}");
            assertEquals(2, new JsonObject(posted.body()).getInteger("accepted"), "valid payments events are still "
                    + "taken: " + posted.body());
            server.pollUntil("/v1/alerts", alerts -> new JsonArray(alerts).size() == 1);
        }

        Files.delete(dir.resolve("payments.cep"));
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", asLong).statusCode(),
                    "with no other declaration of payments, this one is in force");
            HttpResponse<String> whileHeld = server.send("POST", "/v1/events", "application/x-ndjson",
                    event.formatted(1000));
            assertEquals(1, new JsonObject(whileHeld.body()).getInteger("refused"), whileHeld.body());
            assertEquals(204, server.send("DELETE", "/v1/rules/by_number", null, null).statusCode());
            HttpResponse<String> afterDelete = server.send("POST", "/v1/events", "application/x-ndjson",
                    event.formatted(3000));
            assertEquals(1, new JsonObject(afterDelete.body()).getInteger("accepted"), "the declaration went with its "
                    + "rule, no restart needed: " + afterDelete.body());
            assertEquals(0, new JsonObject(afterDelete.body()).getInteger("refused"), afterDelete.body());
        }
    }

    private static void awaitErr(RunningServer server, String expected) {
        long deadline = System.nanoTime() + RunningServer.TIMEOUT.toNanos();
        while (!server.serverErr().contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not report \"" + expected + "\"; it said:\n"
                        + server.serverErr());
            }
            LockSupport.parkNanos(10_000_000);   // the folder is rescanned every second
        }
    }
}
