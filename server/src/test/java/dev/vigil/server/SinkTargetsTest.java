package dev.vigil.server;

import static dev.vigil.server.SinksTest.awaitTrue;
import static dev.vigil.server.SinksTest.deploy;
import static dev.vigil.server.SinksTest.feed;
import static dev.vigil.server.SinksTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where sinks named in rule text may write and post, against a real server: file sinks stay in the sink folder
 * ({@code <data>/sinks} by default), webhooks stay off this machine and the cloud's metadata service unless the
 * configuration allows them; a rule that names such a target is refused where the target is written. Events and
 * helpers as in {@link SinksTest}.
 */
@ExtendWith(VertxExtension.class)
class SinkTargetsTest {
    private static final String RULE = "RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500\n"
            + "  TO log, ";

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
    void aFilePathThatLeavesTheSinkFolderIsRefusedWhereItIsWritten(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, ServerConfig.Security.DEFAULT);
        Path absolute = dir.resolve("absolute.ndjson").toAbsolutePath();
        for (String path : List.of("../escape.ndjson", "out/../../escape.ndjson", absolute.toString(), "..")) {
            JsonObject diagnostic = refused(server, RULE + "file '" + path + "'");
            assertEquals(2, diagnostic.getInteger("line"), path);
            assertEquals(16, diagnostic.getInteger("column"), "the path's literal: " + path);
            String message = diagnostic.getString("message");
            assertTrue(message.startsWith("file sink path '" + path + "' "), message);
            assertTrue(message.contains(path.startsWith("/") ? "is absolute" : "'..'"), message);
            assertTrue(message.contains(dir.resolve("data/sinks").toString()), message);
        }
        deploy(server, RULE + "file 'fine.ndjson'");   // the server still takes rules, and alerts flow
        feed(server);
        awaitTrue(() -> lines(dir.resolve("data/sinks/fine.ndjson")).size() == 3, () -> "fine.ndjson");
        assertFalse(Files.exists(dir.resolve("escape.ndjson")));
        assertFalse(Files.exists(dir.resolve("data/escape.ndjson")));
        assertFalse(Files.exists(absolute));
    }

    @Test
    void relativeFilePathsGoUnderTheSinkFolderOfTheDataFolder(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, ServerConfig.Security.DEFAULT);
        deploy(server, RULE + "file 'out/big.ndjson'");
        feed(server);
        Path file = dir.resolve("data/sinks/out/big.ndjson");
        awaitTrue(() -> lines(file).size() == 3, () -> lines(file));
        assertEquals("file:" + file, sinks(server).getJsonObject(1).getString("name"));
        assertFalse(Files.exists(dir.resolve("data/out")), "not beside the logs");
    }

    @Test
    void aSymbolicLinkCannotLeadAFileSinkOutOfTheSinkFolder(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, ServerConfig.Security.DEFAULT);
        Path sinks = Files.createDirectories(dir.resolve("data/sinks"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(sinks.resolve("link"), outside);
        JsonObject diagnostic = refused(server, RULE + "file 'link/x.ndjson'");
        assertEquals(16, diagnostic.getInteger("column"));
        assertTrue(diagnostic.getString("message").contains("symbolic link"), diagnostic.encode());

        deploy(server, RULE + "file 'later/x.ndjson'");
        Files.createSymbolicLink(sinks.resolve("later"), outside);   // planted after the deployment
        feed(server);
        JsonObject sink = awaitSink(server, s -> s.getLong("dropped") == 3);
        assertEquals(3, sink.getLong("refused"), sink.encode());
        assertTrue(sink.getString("lastError").contains("symbolic link"), sink.encode());
        assertFalse(Files.exists(outside.resolve("x.ndjson")));
    }

    @Test
    void withoutADataFolderOnlyAConfiguredSinkFolderTakesFileSinks(Vertx vertx) throws Exception {
        RunningServer bare = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null));
        closing.add(bare);
        String message = refused(bare, RULE + "file 'x.ndjson'").getString("message");
        assertTrue(message.contains("no data folder") && message.contains("sinkDir"), message);

        Path folder = dir.resolve("chosen");
        RunningServer chosen = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withSecurity(ServerConfig.Security.DEFAULT.withSinkDir(folder)));
        closing.add(chosen);
        deploy(chosen, RULE + "file 'x.ndjson'");
        feed(chosen);
        awaitTrue(() -> lines(folder.resolve("x.ndjson")).size() == 3, () -> "x.ndjson");
    }

    @Test
    void webhooksToThisMachineOrTheMetadataServiceAreRefusedWhereTheyAreWritten(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, ServerConfig.Security.DEFAULT);
        for (String url : List.of("http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://127.0.0.1:" + server.port() + "/v1/rules", "http://[::1]:8080/", "http://localhost:9000/",
                "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/computeMetadata/v1/",
                "http://[fd00:ec2::254]/", "https://0.0.0.0/")) {
            JsonObject diagnostic = refused(server, RULE + "webhook '" + url + "'");
            assertEquals(19, diagnostic.getInteger("column"), "the URL's literal: " + url);
            String message = diagnostic.getString("message");
            assertTrue(message.startsWith("webhook '" + url + "' may not be posted to: "), message);
            assertTrue(message.contains("webhookAllowedHosts"), message);
        }
        deploy(server, RULE + "webhook 'https://hooks.example.com/fraud'");   // a public name passes the deployment
    }

    @Test
    void loopbackWebhooksNeedTheSettingAndThenDeliver(Vertx vertx) throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        HttpServer receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            received.add(request.getHeader("Idempotency-Key"));
            request.response().end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        closing.add(() -> receiver.close().toCompletionStage().toCompletableFuture().get());
        String url = "http://127.0.0.1:" + receiver.actualPort() + "/hook";

        RunningServer denied = server(vertx, ServerConfig.Security.DEFAULT);
        refused(denied, RULE + "webhook '" + url + "'");
        RunningServer allowed = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("other")).withSecurity(ServerConfig.Security.DEFAULT
                        .withWebhookHosts(List.of("loopback"), List.of())));
        closing.add(allowed);
        deploy(allowed, RULE + "webhook '" + url + "'");
        feed(allowed);
        awaitTrue(() -> received.size() == 3, () -> received);
    }

    @Test
    void theDenyListKeepsWebhooksOffMoreHosts(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, ServerConfig.Security.DEFAULT.withWebhookHosts(List.of("10.1.2.3"),
                List.of("private")));
        assertTrue(refused(server, RULE + "webhook 'http://10.9.8.7/hook'").getString("message")
                .endsWith("10.9.8.7 is a private network address; a webhook named in rule text may not post there "
                        + "unless webhookAllowedHosts (--webhook-allowed-hosts, VIGIL_WEBHOOK_ALLOWED_HOSTS) lists it, "
                        + "or declare it under \"sinks\" in the configuration file"));
        deploy(server, RULE + "webhook 'http://10.1.2.3/hook'");
    }

    // ------------------------------------------------------------------ helpers

    private RunningServer server(Vertx vertx, ServerConfig.Security security) throws Exception {
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")).withSecurity(security));
        closing.add(server);
        return server;
    }

    /** POSTs {@code rule}, expects 400 with one diagnostic and returns it. */
    private static JsonObject refused(RunningServer server, String rule) throws Exception {
        HttpResponse<String> response = server.send("POST", "/v1/rules", "text/plain", rule);
        assertEquals(400, response.statusCode(), rule + "\n" + response.body());
        JsonArray diagnostics = new JsonObject(response.body()).getJsonArray("diagnostics");
        assertEquals(1, diagnostics.size(), response.body());
        return diagnostics.getJsonObject(0);
    }

    private static JsonArray sinks(RunningServer server) throws Exception {
        return new JsonObject(server.get("/v1/rules/big").body()).getJsonArray("sinks");
    }

    /** Rule {@code big}'s second sink (after {@code log}) once it satisfies {@code done}. */
    private static JsonObject awaitSink(RunningServer server, java.util.function.Predicate<JsonObject> done)
            throws Exception {
        String body = server.pollUntil("/v1/rules/big",
                text -> done.test(new JsonObject(text).getJsonArray("sinks").getJsonObject(1)));
        return new JsonObject(body).getJsonArray("sinks").getJsonObject(1);
    }
}
