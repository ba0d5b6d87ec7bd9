package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vigil.server.config.ServerConfig;
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
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server's limits end to end, each lowered so a test reaches it: rule text size (413), rules per server
 * (422), events per {@code POST /v1/events} batch (413) and per WebSocket message (a refused acknowledgement).
 * Each error names the limit and its value.
 */
@ExtendWith(VertxExtension.class)
class LimitsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;
    private static final String EVENT = "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 1000}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private VigilServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null);
        assertEquals(64 * 1024, config.ruleTextLimitBytes());
        assertEquals(1_000, config.maxRules());
        assertEquals(10_000, config.maxEventsPerBatch());
        assertEquals(0, config.tokens().size());
    }

    @Test
    void ruleTextOverTheLimitIs413OnEveryRuleRequest(Vertx vertx) throws Exception {
        int limit = RULE.length() + 20;
        start(vertx, ServerConfig.of("127.0.0.1", 0, null).withRuleTextLimitBytes(limit));
        String atLimit = RULE + "-- ".repeat(6) + "--";   // a comment pads it to exactly the limit
        assertEquals(limit, atLimit.length());
        assertEquals(201, send("POST", "/v1/rules", atLimit).statusCode());

        String over = atLimit + "-";
        for (String[] request : new String[][] {{"POST", "/v1/rules"}, {"POST", "/v1/rules/validate"},
            {"PUT", "/v1/rules/small_then_big"}}) {
            HttpResponse<String> response = send(request[0], request[1], over);
            assertEquals(413, response.statusCode(), request[0] + " " + request[1]);
            assertExceeded(response.body(), "ruleTextLimitBytes", limit, limit + 1);
        }
        assertEquals(1, new JsonObject(send("GET", "/v1/rules/small_then_big", null).body()).getInteger("version"),
                "the refused PUT replaced nothing");
    }

    @Test
    void deployingBeyondTheRuleLimitIs422AndDeploysNothing(Vertx vertx) throws Exception {
        start(vertx, ServerConfig.of("127.0.0.1", 0, null).withMaxRules(2));
        assertEquals(201, send("POST", "/v1/rules", named("r1")).statusCode());
        HttpResponse<String> two = send("POST", "/v1/rules", named("r2") + named("r3"));
        assertEquals(422, two.statusCode(), "two more rules would make three");
        assertExceeded(two.body(), "maxRules", 2, 3);
        assertEquals(1, new JsonArray(send("GET", "/v1/rules", null).body()).size(), "none of the two deployed");

        assertEquals(201, send("POST", "/v1/rules", named("r2")).statusCode());
        HttpResponse<String> third = send("POST", "/v1/rules", named("r3"));
        assertEquals(422, third.statusCode());
        assertExceeded(third.body(), "maxRules", 2, 3);
        assertEquals(200, send("PUT", "/v1/rules/r1", named("r1")).statusCode(), "replacing stays possible");
        assertEquals(200, send("POST", "/v1/rules/validate", named("r3")).statusCode(), "validating deploys nothing");
        assertEquals(204, send("DELETE", "/v1/rules/r2", null).statusCode());
        assertEquals(201, send("POST", "/v1/rules", named("r3")).statusCode(), "a deleted rule frees its place");
    }

    @Test
    void anEventBatchOverTheLimitIs413AndAcceptsNothing(Vertx vertx) throws Exception {
        start(vertx, ServerConfig.of("127.0.0.1", 0, null).withMaxEventsPerBatch(3));
        assertEquals(201, send("POST", "/v1/rules", RULE).statusCode());
        HttpResponse<String> ok = send("POST", "/v1/events", lines(2) + "\n{\"watermark\": 500}\n\nnot json");
        assertEquals(202, ok.statusCode(), "blank and malformed lines do not count");
        assertEquals(3, new JsonObject(ok.body()).getInteger("accepted"));

        HttpResponse<String> over = send("POST", "/v1/events", lines(4));
        assertEquals(413, over.statusCode());
        assertExceeded(over.body(), "maxEventsPerBatch", 3, 4);
        String counted = pollRule(rule -> rule.getJsonObject("counters").getInteger("eventsIn") == 2);
        assertEquals(2, new JsonObject(counted).getJsonObject("counters").getInteger("eventsIn"));
    }

    @Test
    void aWebSocketMessageOverTheLimitIsRefusedAndTheConnectionGoesOn(Vertx vertx) throws Exception {
        start(vertx, ServerConfig.of("127.0.0.1", 0, null).withMaxEventsPerBatch(3));
        assertEquals(201, send("POST", "/v1/rules", RULE).statusCode());
        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        WebSocket socket = open("/v1/events", acks);

        socket.sendText(lines(4), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonObject refused = new JsonObject(await(acks));
        assertEquals(0, refused.getInteger("accepted"));
        assertEquals(new JsonArray().add(new JsonObject().put("error",
                "message holds 4 events and watermarks; the limit (maxEventsPerBatch) is 3")),
                refused.getJsonArray("errors"));

        socket.sendText("[" + lines(3).replace("\n", ",") + "]", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonObject accepted = new JsonObject(await(acks));
        assertEquals(2, accepted.getInteger("ack"));
        assertEquals(3, accepted.getInteger("accepted"));
        socket.abort();
        pollRule(rule -> rule.getJsonObject("counters").getInteger("eventsIn") == 3);
    }

    private static void assertExceeded(String body, String limit, int max, int actual) {
        JsonObject error = new JsonObject(body);
        assertEquals(limit, error.getString("limit"), body);
        assertEquals(max, error.getInteger("max"), body);
        assertEquals(actual, error.getInteger("actual"), body);
        assertNotNull(error.getString("error"), body);
    }

    private static String named(String name) {
        return RULE.replace("small_then_big", name) + ";\n";   // statements of one text are separated by ;
    }

    /** {@code n} events of card c1, one per line, with increasing timestamps. */
    private static String lines(int n) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append(i == 0 ? "" : "\n").append(EVENT.replace("1000", String.valueOf(1000 + i)));
        }
        return text.toString();
    }

    private void start(Vertx vertx, ServerConfig config) throws Exception {
        server = VigilServer.start(vertx, config).toCompletionStage()
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(TIMEOUT).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "text/plain");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs the rule until {@code done} holds (the engine's counters trail requests); fails after the timeout. */
    private String pollRule(java.util.function.Predicate<JsonObject> done) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String body;
        do {
            body = send("GET", "/v1/rules/small_then_big", null).body();
            if (done.test(new JsonObject(body))) {
                return body;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the rule did not reach the expected state; last: " + body);
    }

    private WebSocket open(String path, BlockingQueue<String> frames) throws Exception {
        return http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), new TextFrames(frames)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String await(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "no frame within " + TIMEOUT);
        return frame;
    }
}
