package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules folder is reloaded while the server runs: changed files deploy new versions, new files deploy, deleted
 * files undeploy, and a file that stops compiling is reported while its previous rules keep running. Every wait
 * polls the HTTP API with a deadline; the folder is rescanned every second.
 */
@ExtendWith(VertxExtension.class)
class ReloadTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String BIG = """
            RULE big FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 100
            """;

    @TempDir
    Path dir;

    private Path rulesDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LogCapture serverErr = new LogCapture();
    private VigilServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        rulesDir = dir.resolve("rules");
        Files.createDirectories(rulesDir);
        Files.writeString(rulesDir.resolve("big.cep"), BIG);
        server = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rulesDir).withDataDir(dir.resolve("data"))).toCompletionStage().toCompletableFuture()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        serverErr.close();
        server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void theDataFolderIsCreatedAtStart() {
        assertTrue(Files.isDirectory(dir.resolve("data")));
    }

    @Test
    void aChangedFileDeploysANewVersionThatDecidesTheNextEvents() throws Exception {
        assertEquals(1, rule("big").getInteger("version"));
        Files.writeString(rulesDir.resolve("big.cep"), BIG.replace("> 100", "> 1000"));
        awaitUntil(() -> version("big") == 2, "big reaches version 2");
        assertTrue(rule("big").getString("source").contains("> 1000"));

        post("/v1/events", """
                {"stream": "payments", "card": "c1", "amount": 500, "ts": 1000}
                {"stream": "payments", "card": "c2", "amount": 5000, "ts": 2000}
                {"watermark": 3000}
                """);
        awaitUntil(() -> alerts("big").size() == 1, "one alert of big");
        JsonObject alert = alerts("big").getJsonObject(0);
        assertEquals("c2", alert.getString("key"), "500 no longer matches the new version's guard");
        assertEquals(2, alert.getInteger("version"));
    }

    @Test
    void aNewFileIsDeployedAndADeletedFilesRulesAreRemoved() throws Exception {
        Files.writeString(rulesDir.resolve("small.cep"), """
                RULE small FROM payments PARTITION BY card PATTERN a DEFINE a AS amount < 2
                """);
        awaitUntil(() -> version("small") == 1, "small is deployed");
        Files.delete(rulesDir.resolve("small.cep"));
        awaitUntil(() -> get("/v1/rules/small").statusCode() == 404, "small is removed");
        assertEquals(1, version("big"), "the other file's rule is untouched");
        assertTrue(serverErr.messages("vigil.audit").containsAll(List.of(
                "rule 'small' version 1 deployed by the rules folder, " + rulesDir.resolve("small.cep"),
                "rule 'small' undeployed by the rules folder, " + rulesDir.resolve("small.cep") + " removed")),
                "the audit trail: " + serverErr.messages("vigil.audit"));
    }

    @Test
    void aRuleDroppedFromItsFileIsUndeployed() throws Exception {
        Files.writeString(rulesDir.resolve("big.cep"), BIG.strip() + ";\n" + """
                RULE tiny FROM payments PARTITION BY card PATTERN a DEFINE a AS amount < 1
                """);
        awaitUntil(() -> version("tiny") == 1, "tiny is deployed");
        Files.writeString(rulesDir.resolve("big.cep"), """
                RULE tiny FROM payments PARTITION BY card PATTERN a DEFINE a AS amount < 0.5
                """);
        awaitUntil(() -> get("/v1/rules/big").statusCode() == 404, "big is removed");
        assertEquals(2, version("tiny"));
    }

    @Test
    void aFileThatNoLongerCompilesIsReportedAndItsRulesKeepRunning() throws Exception {
        Files.writeString(rulesDir.resolve("big.cep"), "RULE big FROM payments PATTERN a DEFINE a AS = 1\n");
        awaitUntil(() -> serverErr.toString().contains("does not compile; its previous rules keep running"),
                "the broken file is reported");
        assertTrue(serverErr.toString().contains("big.cep:1:"), serverErr.toString());
        JsonObject running = rule("big");
        assertEquals(1, running.getInteger("version"));
        assertEquals(BIG, running.getString("source"));

        post("/v1/events", """
                {"stream": "payments", "card": "c1", "amount": 500, "ts": 1000}
                {"watermark": 2000}
                """);
        awaitUntil(() -> alerts("big").size() == 1, "version 1 still alerts");

        Files.writeString(rulesDir.resolve("big.cep"), BIG.replace("> 100", "> 200"));
        awaitUntil(() -> version("big") == 2, "the repaired file deploys version 2");
    }

    @Test
    void aFileCannotTakeOverARuleDeployedOverHttp() throws Exception {
        HttpResponse<String> created = post("/v1/rules", """
                RULE manual FROM payments PARTITION BY card PATTERN a DEFINE a AS amount = 7
                """);
        assertEquals(201, created.statusCode(), created.body());
        Files.writeString(rulesDir.resolve("manual.cep"), """
                RULE manual FROM payments PARTITION BY card PATTERN a DEFINE a AS amount = 8
                """);
        awaitUntil(() -> serverErr.toString().contains("rule 'manual' is already deployed"), "the clash is reported");
        assertEquals(1, version("manual"));
        assertTrue(rule("manual").getString("source").contains("= 7"));
    }

    private int version(String name) throws Exception {
        HttpResponse<String> response = get("/v1/rules/" + name);
        return response.statusCode() == 200 ? new JsonObject(response.body()).getInteger("version") : 0;
    }

    private JsonObject rule(String name) throws Exception {
        HttpResponse<String> response = get("/v1/rules/" + name);
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private JsonArray alerts(String rule) throws Exception {
        return new JsonArray(get("/v1/alerts?rule=" + rule).body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, response.body());
        return response;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** Polls {@code done} until it holds; fails naming {@code what} and the server log after the timeout. */
    private void awaitUntil(Check done, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + TIMEOUT + ": " + what + "; server log:\n" + serverErr);
            }
            LockSupport.parkNanos(10_000_000); // pacing only: the outcome is decided by the poll, not the pause
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }
}
