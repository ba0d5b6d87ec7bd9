package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.nfa.RuleCompiler;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP and WebSocket API end to end: a real server on a free loopback port, real HTTP and WebSocket clients.
 * Nothing sleeps: every wait is an await with a timeout.
 */
@ExtendWith(VertxExtension.class)
class ServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;
    private static final String EVENTS = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000, "note": "100% sure"}
            {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000}
            {"watermark": 3000}
            """;

    @TempDir
    Path rulesDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LogCapture serverErr = new LogCapture();
    private VigilServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        Files.writeString(rulesDir.resolve("good.cep"), """
                RULE preloaded FROM logins PATTERN a DEFINE a AS ok = false
                """);
        Files.createDirectories(rulesDir.resolve("nested"));
        Files.writeString(rulesDir.resolve("nested/broken.cep"), "RULE broken FROM logins PATTERN a DEFINE a AS = 1\n");
        server = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rulesDir)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        serverErr.close();
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void rulesFolderIsLoadedAtStartAndABrokenFileIsReportedAndSkipped() throws Exception {
        assertEquals(1, server.rulesLoaded());
        assertTrue(serverErr.toString().contains("broken.cep:1:"), serverErr.toString());
        JsonArray rules = new JsonArray(send("GET", "/v1/rules", null, null).body());
        assertEquals(1, rules.size());
        assertEquals("preloaded", rules.getJsonObject(0).getString("name"));
    }

    @Test
    void aDeployedRuleAlertsItsSubscribers() throws Exception {
        HttpResponse<String> created = send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(201, created.statusCode(), created.body());
        JsonObject summary = new JsonObject(created.body());
        assertEquals("small_then_big", summary.getString("name"));
        assertEquals(1, summary.getInteger("version"));
        assertEquals(new JsonArray().add("payments"), summary.getJsonArray("streams"));
        assertEquals(new JsonArray().add("card"), summary.getJsonArray("partitionBy"));

        BlockingQueue<String> alerts = subscribe("?rule=small_then_big");
        BlockingQueue<String> otherRule = subscribe("?rule=preloaded");
        HttpResponse<String> posted = send("POST", "/v1/events", "application/x-ndjson", EVENTS);
        assertEquals(202, posted.statusCode(), posted.body());
        assertEquals(new JsonObject().put("accepted", 3).put("late", 0).put("unrouted", 0)
                .put("unroutedStreams", new JsonArray()).put("refused", 0)
                .put("errors", new JsonArray()), new JsonObject(posted.body()));

        JsonObject alert = new JsonObject(await(alerts));
        assertEquals("small_then_big", alert.getString("rule"));
        assertEquals("match", alert.getString("kind"));
        assertEquals("c1", alert.getString("key"));
        assertEquals(901L, alert.getJsonObject("fields").getLong("total"));
        assertEquals(1, alert.getInteger("version"));
        assertTrue(otherRule.isEmpty(), "a subscriber filtered on another rule gets nothing");
    }

    @Test
    void aRuleThatDoesNotCompileIsRefusedWithPositions() throws Exception {
        String source = "RULE r FROM s\n  PATTERN a -> b\n  DEFINE a AS x = = 1";
        HttpResponse<String> response = send("POST", "/v1/rules", "application/json",
                new JsonObject().put("source", source).encode());
        assertEquals(400, response.statusCode(), response.body());
        JsonObject body = new JsonObject(response.body());
        assertEquals("rule does not compile", body.getString("error"));
        JsonObject first = body.getJsonArray("diagnostics").getJsonObject(0);
        Diagnostic expected = RuleCompiler.compile("request", source).diagnostics().get(0);
        assertEquals(3, first.getInteger("line"), body.encodePrettily());
        assertEquals(expected.column(), first.getInteger("column"), body.encodePrettily());
        assertEquals(expected.message(), first.getString("message"));
        assertEquals(expected.render(), first.getString("rendered"), "the same text as vigil check prints");
        assertEquals(404, send("GET", "/v1/rules/r", null, null).statusCode(), "nothing was deployed");
    }

    @Test
    void validateCompilesWithoutDeploying() throws Exception {
        HttpResponse<String> ok = send("POST", "/v1/rules/validate", "text/plain", RULE);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("small_then_big", new JsonObject(ok.body()).getString("name"));
        assertEquals(404, send("GET", "/v1/rules/small_then_big", null, null).statusCode());
        assertEquals(400, send("POST", "/v1/rules/validate", "text/plain", "RULE").statusCode());
    }

    @Test
    void aSecondRuleWithTheSameNameIsAConflict() throws Exception {
        assertEquals(201, send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        HttpResponse<String> again = send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("small_then_big", new JsonObject(again.body()).getString("name"));
    }

    @Test
    void putReplacesTheRuleWithTheNextVersion() throws Exception {
        assertEquals(201, send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        String bigger = RULE.replace("amount >= 500", "amount >= 800");
        HttpResponse<String> replaced = send("PUT", "/v1/rules/small_then_big", "text/plain", bigger);
        assertEquals(200, replaced.statusCode(), replaced.body());
        assertEquals(2, new JsonObject(replaced.body()).getInteger("version"));

        JsonObject shown = new JsonObject(send("GET", "/v1/rules/small_then_big", null, null).body());
        assertEquals(2, shown.getInteger("version"));
        assertEquals(bigger, shown.getString("source"));
        assertNotNull(shown.getString("deployedAt"));

        BlockingQueue<String> alerts = subscribe("");
        send("POST", "/v1/events", "application/x-ndjson", EVENTS);
        assertEquals(2, new JsonObject(await(alerts)).getInteger("version"), "the new version raised the alert");

        HttpResponse<String> wrongName = send("PUT", "/v1/rules/small_then_big", "text/plain",
                RULE.replace("small_then_big", "other"));
        assertEquals(400, wrongName.statusCode(), wrongName.body());
        assertEquals(404, send("PUT", "/v1/rules/absent", "text/plain", RULE).statusCode());
    }

    @Test
    void aDeletedRuleIsGone() throws Exception {
        assertEquals(201, send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        assertEquals(204, send("DELETE", "/v1/rules/small_then_big", null, null).statusCode());
        HttpResponse<String> gone = send("GET", "/v1/rules/small_then_big", null, null);
        assertEquals(404, gone.statusCode());
        assertTrue(new JsonObject(gone.body()).containsKey("error"));
        assertEquals(404, send("DELETE", "/v1/rules/small_then_big", null, null).statusCode());
    }

    @Test
    void badEventLinesAreReportedByLineWhileGoodOnesAreProcessed() throws Exception {
        assertEquals(201, send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        BlockingQueue<String> alerts = subscribe("");
        String body = """
                {"stream": "payments", "card": "c2", "amount": 1, "ts": 1000}
                {"stream": "payments", "card":
                {"card": "c2", "amount": 900, "ts": 1500}

                {"stream": "payments", "card": "c2", "amount": 900, "ts": 2000}
                {"watermark": 3000}
                """;
        HttpResponse<String> posted = send("POST", "/v1/events", "application/x-ndjson", body);
        assertEquals(202, posted.statusCode(), posted.body());
        JsonObject answer = new JsonObject(posted.body());
        assertEquals(3, answer.getInteger("accepted"));
        JsonArray errors = answer.getJsonArray("errors");
        assertEquals(2, errors.size(), answer.encodePrettily());
        assertEquals(2, errors.getJsonObject(0).getInteger("line"));
        assertTrue(errors.getJsonObject(0).getString("error").startsWith("invalid JSON"), answer.encode());
        assertEquals(3, errors.getJsonObject(1).getInteger("line"));
        assertTrue(errors.getJsonObject(1).getString("error").contains("'stream'"), answer.encode());
        assertEquals("c2", new JsonObject(await(alerts)).getString("key"));
    }

    @Test
    void aBodyLabelledAsAFormIsReadAsText() throws Exception {
        assertEquals(201, send("POST", "/v1/rules", "application/x-www-form-urlencoded", RULE).statusCode());
        String many = EVENTS.repeat(20);   // well over the 1 KiB Vert.x allows a decoded form
        HttpResponse<String> posted = send("POST", "/v1/events", "application/x-www-form-urlencoded", many);
        assertEquals(202, posted.statusCode(), "curl --data-binary sends this content type: " + posted.body());
        assertEquals(60, new JsonObject(posted.body()).getInteger("accepted"));
    }

    @Test
    void unknownRoutesAndHealth() throws Exception {
        HttpResponse<String> missing = send("GET", "/v1/nothing-here", null, null);
        assertEquals(404, missing.statusCode());
        assertEquals("application/json", missing.headers().firstValue("Content-Type").orElse(""));
        assertTrue(new JsonObject(missing.body()).containsKey("error"));
        HttpResponse<String> health = send("GET", "/health", null, null);
        assertEquals(200, health.statusCode());
        assertEquals(new JsonObject().put("status", "up"), new JsonObject(health.body()));
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(TIMEOUT).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Opens an alert subscription; the queue receives every text frame. */
    private BlockingQueue<String> subscribe(String query) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/alerts" + query),
                        new TextFrames(frames))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return frames;
    }

    private static String await(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "no alert within " + TIMEOUT);
        return frame;
    }
}
