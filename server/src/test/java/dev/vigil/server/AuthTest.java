package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bearer-token authentication end to end: a real server on a free loopback port with one token per role, every
 * route asked with no token, an unknown token, a token of the wrong role and one of the right role; the two
 * WebSockets with and without a token.
 */
@ExtendWith(VertxExtension.class)
class AuthTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String ADMIN = "admin-secret-1";
    private static final String INGEST = "ingest-secret-2";
    private static final String READ = "read-secret-3";
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;
    private static final String EVENT = "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 1000}";

    /** One request of the API, the role it needs, and what it answers when allowed (the rule exists). */
    private record Call(String method, String path, String body, Role needs, int allowedStatus) {}

    private static final List<Call> GUARDED = List.of(
            new Call("GET", "/metrics", null, Role.READ, 200),
            new Call("GET", "/v1/alerts", null, Role.READ, 200),
            new Call("POST", "/v1/events", EVENT, Role.INGEST, 202),
            new Call("GET", "/v1/events", null, Role.INGEST, 400),   // a plain GET: "connect with a WebSocket"
            new Call("GET", "/v1/producers/nobody", null, Role.INGEST, 404),   // no batch of it remembered
            new Call("POST", "/v1/rules/validate", RULE, Role.ADMIN, 200),
            new Call("GET", "/v1/rules", null, Role.ADMIN, 200),
            new Call("GET", "/v1/rules/small_then_big", null, Role.ADMIN, 200),
            new Call("GET", "/v1/rules/small_then_big/nfa", null, Role.ADMIN, 200),
            new Call("GET", "/v1/rules/small_then_big/keys/c1", null, Role.ADMIN, 200),
            new Call("POST", "/v1/rules/small_then_big/explain", EVENT, Role.ADMIN, 200),
            new Call("PUT", "/v1/rules/small_then_big", RULE, Role.ADMIN, 200),
            new Call("POST", "/v1/rules", RULE.replace("small_then_big", "another"), Role.ADMIN, 201),
            new Call("DELETE", "/v1/rules/another", null, Role.ADMIN, 204));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LogCapture serverErr = new LogCapture();
    private VigilServer server;

    @AfterEach
    void stop() throws Exception {
        serverErr.close();
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutConfiguredTokensNothingIsEnforced(Vertx vertx) throws Exception {
        start(vertx, List.of());
        assertEquals(201, send("POST", "/v1/rules", null, RULE).statusCode());
        assertEquals(200, send("GET", "/v1/rules", null, null).statusCode());
        assertEquals(202, send("POST", "/v1/events", null, EVENT).statusCode());
        assertEquals(200, send("GET", "/metrics", null, null).statusCode());
    }

    @Test
    void healthAndReadyNeedNoToken(Vertx vertx) throws Exception {
        start(vertx, tokens());
        assertEquals(200, send("GET", "/health", null, null).statusCode());
        assertEquals(200, send("GET", "/ready", null, null).statusCode());
    }

    @Test
    void everyOtherRouteWithoutATokenIs401WithABearerChallenge(Vertx vertx) throws Exception {
        start(vertx, tokens());
        for (Call call : GUARDED) {
            HttpResponse<String> response = send(call.method(), call.path(), null, call.body());
            String what = call.method() + " " + call.path();
            assertEquals(401, response.statusCode(), what);
            assertEquals("Bearer realm=\"vigil\"", response.headers().firstValue("WWW-Authenticate").orElse(null),
                    what);
            assertTrue(new JsonObject(response.body()).getString("error").contains("Authorization: Bearer"), what);
        }
        assertEquals(401, send("GET", "/v1/alerts/stream", null, null).statusCode(), "the event stream too");
        assertEquals(401, send("GET", "/v1/openapi", null, null).statusCode(), "the API description too");
        assertEquals(200, send("GET", "/v1/openapi", READ, null).statusCode(), "which any valid token may read");
        assertEquals(401, send("GET", "/no/such/path", null, null).statusCode(), "unknown paths are guarded too");
        assertEquals(401, send("GET", "/v1//rules", null, null).statusCode(), "a non-normalized path is no way in");
        assertEquals(404, send("GET", "/no/such/path", READ, null).statusCode(), "any valid token gets the 404");
    }

    @Test
    void anUnknownTokenOrAnotherSchemeIs401(Vertx vertx) throws Exception {
        start(vertx, tokens());
        for (Call call : GUARDED) {
            HttpResponse<String> response = send(call.method(), call.path(), "not-a-token", call.body());
            assertEquals(401, response.statusCode(), call.path());
            assertEquals("Bearer realm=\"vigil\", error=\"invalid_token\"",
                    response.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals("unknown token", new JsonObject(response.body()).getString("error"));
        }
        assertEquals(401, send("GET", "/v1/rules", ADMIN.substring(0, ADMIN.length() - 1), null).statusCode(),
                "a prefix of a token is not the token");
        HttpResponse<String> basic = http.send(request("GET", "/v1/rules", null)
                .header("Authorization", "Basic " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, basic.statusCode());
        HttpResponse<String> inQuery = send("GET", "/v1/rules?access_token=" + ADMIN, null, null);
        assertEquals(401, inQuery.statusCode(), "only a WebSocket upgrade may carry the token in the query");
        assertFalse(serverErr.toString().contains("secret"), serverErr.toString());
    }

    @Test
    void aTokenOfAnotherRoleIs403NamingTheRoleNeeded(Vertx vertx) throws Exception {
        start(vertx, tokens());
        for (Call call : GUARDED) {
            for (Role role : List.of(Role.INGEST, Role.READ)) {
                if (role == call.needs()) {
                    continue;
                }
                HttpResponse<String> response = send(call.method(), call.path(), secret(role), call.body());
                String what = role + " on " + call.method() + " " + call.path();
                assertEquals(403, response.statusCode(), what);
                JsonObject error = new JsonObject(response.body());
                assertEquals(call.needs().label(), error.getString("requiredRole"), what);
                assertTrue(error.getString("error").contains("'" + call.needs().label() + "'"), what);
                assertFalse(response.body().contains("secret"), "the token is never echoed: " + response.body());
            }
        }
        assertEquals("this route needs a token with the role 'ingest' (or 'admin'); this token has 'read'",
                new JsonObject(send("POST", "/v1/events", READ, EVENT).body()).getString("error"));
        assertEquals("this route needs a token with the role 'admin'; this token has 'ingest'",
                new JsonObject(send("GET", "/v1/rules", INGEST, null).body()).getString("error"));
    }

    @Test
    void theRightRoleIsServed(Vertx vertx) throws Exception {
        start(vertx, tokens());
        assertEquals(201, send("POST", "/v1/rules", ADMIN, RULE).statusCode());
        for (Call call : GUARDED) {
            HttpResponse<String> response = send(call.method(), call.path(), secret(call.needs()), call.body());
            assertEquals(call.allowedStatus(), response.statusCode(), call.method() + " " + call.path() + ": "
                    + response.body());
        }
    }

    @Test
    void anAdminTokenMayDoEverything(Vertx vertx) throws Exception {
        start(vertx, tokens());
        assertEquals(201, send("POST", "/v1/rules", ADMIN, RULE).statusCode());
        for (Call call : GUARDED) {
            assertEquals(call.allowedStatus(), send(call.method(), call.path(), ADMIN, call.body()).statusCode(),
                    call.method() + " " + call.path());
        }
    }

    @Test
    void theEventsSocketNeedsAnIngestTokenInTheHeaderOrTheQuery(Vertx vertx) throws Exception {
        start(vertx, tokens());
        assertEquals(401, handshakeStatus("/v1/events", null));
        assertEquals(401, handshakeStatus("/v1/events?access_token=wrong", null));
        assertEquals(403, handshakeStatus("/v1/events?access_token=" + READ, null));
        assertEquals(403, handshakeStatus("/v1/events", READ));

        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        WebSocket byQuery = open("/v1/events?access_token=" + INGEST, null, acks);
        byQuery.sendText(EVENT, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, new JsonObject(await(acks)).getInteger("accepted"));
        byQuery.abort();

        WebSocket byHeader = open("/v1/events", INGEST, acks);
        byHeader.sendText(EVENT, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, new JsonObject(await(acks)).getInteger("accepted"));
        byHeader.abort();
    }

    @Test
    void theAlertsSocketNeedsAReadToken(Vertx vertx) throws Exception {
        start(vertx, tokens());
        assertEquals(201, send("POST", "/v1/rules", ADMIN, RULE).statusCode());
        assertEquals(401, handshakeStatus("/v1/alerts", null));
        assertEquals(403, handshakeStatus("/v1/alerts?access_token=" + INGEST, null));

        BlockingQueue<String> alerts = new LinkedBlockingQueue<>();
        WebSocket subscriber = open("/v1/alerts?access_token=" + READ, null, alerts);
        send("POST", "/v1/events", INGEST, EVENT + "\n"
                + "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 900, \"ts\": 2000}\n{\"watermark\": 9000}");
        assertEquals("small_then_big", new JsonObject(await(alerts)).getString("rule"));
        subscriber.abort();
    }

    @Test
    void accessTokensAreReadAsRoleColonTokenAndNeverPrinted() {
        assertEquals(List.of(new AccessToken(Role.ADMIN, "a:b"), new AccessToken(Role.READ, "r")),
                AccessToken.parseList(" admin:a:b, ,READ:r"));
        assertEquals(List.of(), AccessToken.parseList(null));
        assertFalse(new AccessToken(Role.INGEST, "hunter2").toString().contains("hunter2"));
        IllegalArgumentException unknownRole = assertThrows(IllegalArgumentException.class,
                () -> AccessToken.parse("writer:hunter2"));
        assertEquals("unknown role 'writer'; roles are admin, ingest, read", unknownRole.getMessage());
        IllegalArgumentException noRole = assertThrows(IllegalArgumentException.class,
                () -> AccessToken.parse("hunter2"));
        assertFalse(noRole.getMessage().contains("hunter2"), noRole.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AccessToken.parse("read:"));
    }

    private static List<AccessToken> tokens() {
        return List.of(new AccessToken(Role.ADMIN, ADMIN), new AccessToken(Role.INGEST, INGEST),
                new AccessToken(Role.READ, READ));
    }

    private static String secret(Role role) {
        return role == Role.ADMIN ? ADMIN : role == Role.INGEST ? INGEST : READ;
    }

    private void start(Vertx vertx, List<AccessToken> tokens) throws Exception {
        server = VigilServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withTokens(tokens)).toCompletionStage().toCompletableFuture()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private HttpRequest.Builder request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = request(method, path, body);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "text/plain");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP status a WebSocket handshake is refused with. */
    private int handshakeStatus(String path, String token) throws Exception {
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> open(path, token, new LinkedBlockingQueue<>()));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, String.valueOf(refused.getCause()));
        return ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode();
    }

    private WebSocket open(String path, String token, BlockingQueue<String> frames) throws Exception {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), new TextFrames(frames)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String await(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "no frame within " + TIMEOUT);
        return frame;
    }
}
