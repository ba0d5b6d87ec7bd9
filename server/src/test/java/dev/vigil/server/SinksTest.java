package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.connectors.SinkDeclaration;
import dev.vigil.connectors.SinkSpec;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert sinks end to end: rules with {@code TO} (inline and configured sinks) and configured sinks attached to
 * rules, against a real server and a local webhook receiver on 127.0.0.1, which fails on purpose where the test
 * says so. Unknown sink names are refused like any other mistake in rule text.
 */
@ExtendWith(VertxExtension.class)
class SinksTest {
    /** Three alerts of rule {@code big}, one per card. */
    private static final String EVENTS = """
            {"stream": "payments", "card": "c1", "amount": 900, "ts": 1000}
            {"stream": "payments", "card": "c2", "amount": 1, "ts": 1100}
            {"stream": "payments", "card": "c3", "amount": 700, "ts": 1200}
            {"stream": "payments", "card": "c4", "amount": 500, "ts": 1300}
            {"watermark": 2000}
            """;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void aRulePostedWithAnInlineWebhookDeliversEveryAlertToTheReceiver(Vertx vertx) throws Exception {
        int port = receiver(vertx, 3);   // every third request answers 503 first: retried
        RunningServer server = server(vertx, List.of(), List.of("loopback"));   // the receiver is on 127.0.0.1
        deploy(server, "RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500\n"
                + "  TO webhook 'http://127.0.0.1:" + port + "/hooks/fraud?token=s3cret'");
        feed(server);

        Set<String> ids = alertIds(server, 3);
        awaitTrue(() -> received.keySet().equals(ids), () -> received.keySet() + " vs " + ids);
        for (String id : ids) {
            assertEquals(id, new JsonObject(received.get(id)).getString("id"));   // the body is the alert's JSON
        }
        JsonObject sink = sinkStatus(server, "big", s -> s.getLong("delivered") == 3);
        assertEquals("webhook", sink.getString("type"));
        assertEquals(false, sink.getBoolean("configured"));
        assertTrue(sink.getString("name").startsWith("webhook:127.0.0.1#"), sink.encode());
        assertTrue(sink.getLong("retries") >= 1, sink.encode());
        String metrics = server.get("/metrics").body();
        assertEquals(3.0, meter(metrics, "vigil_sink_delivered_total", sink.getString("name")), metrics);
        assertTrue(!metrics.contains("s3cret"), "the webhook's URL stays out of /metrics");
    }

    @Test
    void configuredSinksReceiveTheRulesTheyAttachToAndTheRulesThatNameThem(Vertx vertx) throws Exception {
        int port = receiver(vertx, 0);
        Path archive = dir.resolve("alerts/all.ndjson");
        RunningServer server = server(vertx, List.of(
                new SinkDeclaration("fraud_hook", SinkSpec.Webhook.to(URI.create("http://127.0.0.1:" + port + "/")),
                        List.of()),
                new SinkDeclaration("archive", SinkSpec.File.at(archive), List.of("*"))));
        deploy(server, "RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500 TO fraud_hook");
        deploy(server, "RULE small FROM payments PARTITION BY card PATTERN s DEFINE s AS amount < 500");
        feed(server);

        Set<String> all = alertIds(server, 4);
        awaitTrue(() -> received.size() == 3, received::keySet);    // big's three alerts, not small's
        awaitTrue(() -> lines(archive).size() == 4, () -> lines(archive));   // both rules: "rules": ["*"]
        Set<String> archived = new TreeSet<>();
        for (String line : lines(archive)) {
            archived.add(new JsonObject(line).getString("id"));
        }
        assertEquals(all, archived);
        JsonArray sinks = new JsonObject(server.get("/v1/rules/big").body()).getJsonArray("sinks");
        assertEquals(List.of("fraud_hook", "archive"), List.of(sinks.getJsonObject(0).getString("name"),
                sinks.getJsonObject(1).getString("name")));
        assertEquals(List.of("archive"), List.of(new JsonObject(server.get("/v1/rules/small").body())
                .getJsonArray("sinks").getJsonObject(0).getString("name")));
    }

    @Test
    void aFailingSinkNeitherStopsSubscribersNorTheAlertLogAndItsFailuresAreCounted(Vertx vertx) throws Exception {
        int deadPort = freePort(vertx);   // nothing listens: every connection is refused
        RunningServer server = server(vertx, List.of(new SinkDeclaration("dead", new SinkSpec.Webhook(
                URI.create("http://127.0.0.1:" + deadPort + "/"), 1_000, 1, 5, 10, 100, 2, Map.of()), List.of())));
        deploy(server, "RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500 TO dead, log");
        BlockingQueue<String> live = subscribe(server, "?rule=big");
        feed(server);

        Set<String> subscribed = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            String frame = live.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(frame, "subscriber got " + subscribed);
            subscribed.add(new JsonObject(frame).getString("id"));
        }
        assertEquals(alertIds(server, 3), subscribed);
        JsonObject dead = sinkStatus(server, "big", s -> s.getString("name").equals("dead")
                && s.getLong("dropped") == 3);
        assertEquals(6, dead.getLong("failed"), dead.encode());   // each alert: a first attempt and one retry
        assertEquals(3, dead.getLong("retries"), dead.encode());
        assertEquals(0, dead.getLong("queued"), dead.encode());
        assertTrue(dead.getString("lastError").contains("127.0.0.1:" + deadPort), dead.encode());
        String metrics = server.get("/metrics").body();
        assertEquals(6.0, meter(metrics, "vigil_sink_failed_total", "dead"), metrics);
        assertEquals(3.0, meter(metrics, "vigil_sink_dropped_total", "dead"), metrics);
        assertEquals(0.0, meter(metrics, "vigil_sink_queue_depth", "dead"), metrics);
        JsonObject log = sinkStatus(server, "big", s -> s.getString("name").equals("log")
                && s.getLong("delivered") == 3);
        assertEquals(0, log.getLong("failed"));
    }

    @Test
    void aRuleNamingAnUnconfiguredSinkIsRefusedWithItsPosition(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, List.of(new SinkDeclaration("fraud_hook",
                SinkSpec.Log.defaults(), List.of())));
        String rule = "RULE r FROM s PATTERN a\n  TO log, fraud_hok";
        for (String[] request : new String[][] {{"POST", "/v1/rules"}, {"POST", "/v1/rules/validate"}}) {
            HttpResponse<String> response = server.send(request[0], request[1], "text/plain", rule);
            assertEquals(400, response.statusCode(), response.body());
            JsonObject diagnostic = new JsonObject(response.body()).getJsonArray("diagnostics").getJsonObject(0);
            assertEquals(2, diagnostic.getInteger("line"));
            assertEquals(11, diagnostic.getInteger("column"));
            assertEquals("unknown sink 'fraud_hok'; did you mean fraud_hook? configured sinks are fraud_hook",
                    diagnostic.getString("message"));
            assertEquals("request:2:11: unknown sink 'fraud_hok'; did you mean fraud_hook? configured sinks are "
                    + "fraud_hook\n  |   TO log, fraud_hok\n  |           ^^^^^^^^^", diagnostic.getString("rendered"));
        }
        deploy(server, "RULE r FROM s PATTERN a");
        HttpResponse<String> replaced = server.send("PUT", "/v1/rules/r", "text/plain", rule);
        assertEquals(400, replaced.statusCode(), replaced.body());
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", "RULE ok FROM s PATTERN a TO fraud_hook")
                .statusCode());
    }

    @Test
    void aRuleFileNamingAnUnconfiguredSinkIsSkippedAtStart(Vertx vertx) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("a.cep"), "RULE a FROM s PATTERN x TO nowhere\n");
        Files.writeString(rules.resolve("b.cep"), "RULE b FROM s PATTERN x TO log\n");
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rules));
        closing.add(server);
        assertTrue(server.serverErr().contains("a.cep:1:28: unknown sink 'nowhere'; no sinks are configured"),
                server.serverErr());
        assertEquals(404, server.get("/v1/rules/a").statusCode());
        assertEquals("log", new JsonObject(server.get("/v1/rules/b").body()).getJsonArray("sinks").getJsonObject(0)
                .getString("name"));
    }

    @Test
    void aReloadedFileNamingAnUnconfiguredSinkKeepsItsPreviousVersionRunning(Vertx vertx) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path file = rules.resolve("a.cep");
        Files.writeString(file, "RULE a FROM s PATTERN x TO log\n");
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rules));
        closing.add(server);
        Files.writeString(file, "RULE a FROM s PATTERN x TO nowhere\n");
        awaitTrue(() -> server.serverErr().contains("a.cep:1:28: unknown sink 'nowhere'"), server::serverErr);
        awaitTrue(() -> server.serverErr().contains("does not compile; its previous rules keep running"),
                server::serverErr);
        JsonObject status = new JsonObject(server.get("/v1/rules/a").body());
        assertEquals(1, status.getInteger("version"));
        assertEquals("log", status.getJsonArray("sinks").getJsonObject(0).getString("name"));
    }

    @Test
    void rulesNamingEqualInlineSinksShareOneWhichGoesAwayWithTheLastOfThem(Vertx vertx) throws Exception {
        RunningServer server = server(vertx, List.of());
        deploy(server, "RULE a FROM payments PATTERN x DEFINE x AS amount >= 500 TO file 'out/alerts.ndjson'");
        deploy(server, "RULE b FROM payments PATTERN x DEFINE x AS amount < 500 TO FILE 'out/alerts.ndjson'");
        feed(server);
        Path file = dir.resolve("data/sinks/out/alerts.ndjson");   // inline paths are in the data folder's sinks/
        awaitTrue(() -> lines(file).size() == 4, () -> lines(file));
        String name = "file:" + file.normalize();
        assertEquals(4.0, meter(server.get("/metrics").body(), "vigil_sink_delivered_total", name));
        assertEquals(204, server.send("DELETE", "/v1/rules/a", null, null).statusCode());
        assertEquals(4.0, meter(server.get("/metrics").body(), "vigil_sink_delivered_total", name));
        assertEquals(204, server.send("DELETE", "/v1/rules/b", null, null).statusCode());
        assertTrue(Double.isNaN(meter(server.get("/metrics").body(), "vigil_sink_delivered_total", name)),
                "the meters of a closed inline sink are gone");
    }

    // ------------------------------------------------------------------ helpers

    private RunningServer server(Vertx vertx, List<SinkDeclaration> sinks) throws Exception {
        return server(vertx, sinks, List.of());
    }

    /** A server whose rules may name webhooks on {@code webhookAllowedHosts} (loopback is denied by default). */
    private RunningServer server(Vertx vertx, List<SinkDeclaration> sinks, List<String> webhookAllowedHosts)
            throws Exception {
        RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")).withSinks(sinks).withSecurity(ServerConfig.Security.DEFAULT
                        .withWebhookHosts(webhookAllowedHosts, List.of())));
        closing.add(server);
        return server;
    }

    /** A webhook receiver recording bodies by Idempotency-Key; with {@code failEvery > 0} every n-th request gets 503. */
    private int receiver(Vertx vertx, int failEvery) throws Exception {
        HttpServer http = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            int n = requests.incrementAndGet();
            if (failEvery > 0 && n % failEvery == 0) {
                request.response().setStatusCode(503).end();
                return;
            }
            received.put(request.getHeader("Idempotency-Key"), body.toString());
            request.response().setStatusCode(200).end();
        }));
        HttpServer listening = http.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        closing.add(() -> listening.close().toCompletionStage().toCompletableFuture()
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        return listening.actualPort();
    }

    private static int freePort(Vertx vertx) throws Exception {
        HttpServer probe = vertx.createHttpServer().requestHandler(r -> {}).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        int port = probe.actualPort();
        probe.close().toCompletionStage().toCompletableFuture().get(RunningServer.TIMEOUT.toSeconds(),
                TimeUnit.SECONDS);
        return port;
    }

    static void deploy(RunningServer server, String rule) throws Exception {
        HttpResponse<String> response = server.send("POST", "/v1/rules", "text/plain", rule);
        assertEquals(201, response.statusCode(), response.body());
    }

    /** Sends events making three alerts of a rule {@code amount >= 500}. */
    static void feed(RunningServer server) throws Exception {
        HttpResponse<String> response = server.send("POST", "/v1/events", "application/x-ndjson", EVENTS);
        assertEquals(202, response.statusCode(), response.body());
    }

    /** The ids of the alerts in the alert log, once there are {@code count}. */
    private static Set<String> alertIds(RunningServer server, int count) throws Exception {
        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == count));
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < alerts.size(); i++) {
            ids.add(alerts.getJsonObject(i).getString("id"));
        }
        return ids;
    }

    /** The first sink in the rule's status satisfying {@code done}, polled until one does. */
    private static JsonObject sinkStatus(RunningServer server, String rule,
            java.util.function.Predicate<JsonObject> done) throws Exception {
        String body = server.pollUntil("/v1/rules/" + rule, text -> find(text, done) != null);
        return find(body, done);
    }

    private static JsonObject find(String ruleStatus, java.util.function.Predicate<JsonObject> done) {
        JsonArray sinks = new JsonObject(ruleStatus).getJsonArray("sinks");
        for (int i = 0; i < sinks.size(); i++) {
            if (done.test(sinks.getJsonObject(i))) {
                return sinks.getJsonObject(i);
            }
        }
        return null;
    }

    private static BlockingQueue<String> subscribe(RunningServer server, String query) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(RunningServer.TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/alerts" + query),
                        new TextFrames(frames))
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return frames;
    }

    /** The value of {@code name{sink="<sink>",...}} in Prometheus text. */
    private static double meter(String metrics, String name, String sink) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{sink=\"" + Pattern.quote(sink) + "\",type=\"[a-z]+\"\\} (\\S+)$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier done, java.util.function.Supplier<Object> state) {
        long deadline = System.nanoTime() + RunningServer.TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + RunningServer.TIMEOUT + ": " + state.get());
            }
            Thread.onSpinWait();
        }
    }
}
