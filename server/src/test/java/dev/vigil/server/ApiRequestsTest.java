package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a request may ask, and what it is told when it asks for more. A client can ask which methods a path takes: a
 * 405 says it in its {@code Allow} header, and {@code OPTIONS} on a path of the API answers 204 with {@code Allow}.
 * A query parameter the route does not take, or a filter value no alert can have, is a 400 that names the parameter
 * and what is allowed, on every route of the API; it is never ignored.
 */
@ExtendWith(VertxExtension.class)
class ApiRequestsTest {
    private RunningServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain",
                "RULE big_payment FROM payments PATTERN b DEFINE b AS amount >= 500");
        assertEquals(201, deployed.statusCode(), deployed.body());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void anUnknownParameterIsNamedWithTheClosestAndTheAllowedOnes() throws Exception {
        JsonObject misspelt = refused("GET", "/v1/alerts?limt=3", "limt");
        String error = misspelt.getString("error");
        assertTrue(error.contains("unknown query parameter 'limt'") && error.contains("did you mean limit?"), error);
        assertEquals(new JsonArray().add("since").add("after").add("limit").add("rule").add("severity").add("key"),
                misspelt.getJsonArray("allowed"));

        assertTrue(refused("POST", "/v1/events?sourse=a", "sourse").getString("error").contains("did you mean source"));
        assertTrue(refused("GET", "/v1/rules/big_payment/nfa?fromat=dot", "fromat").getString("error")
                .contains("did you mean format"));
        assertTrue(refused("GET", "/v1/alerts/stream?limit=5", "limit").getString("error")
                .contains("takes after, rule, severity and key"));
        String none = refused("GET", "/v1/rules?verbose=1", "verbose").getString("error");
        assertTrue(none.contains("GET /v1/rules takes no query parameters"), none);
        assertTrue(refused("POST", "/v1/backtest?rule=big_payment", "rule").getString("error")
                .contains("takes no query parameters"), "backtest reads its fields from the body");
    }

    @Test
    void aParameterGivenTwiceIsRefusedUnlessItAddsUp() throws Exception {
        assertTrue(refused("GET", "/v1/alerts?limit=3&limit=5", "limit").getString("error").contains("given 2 times"));
        assertEquals(200, server.get("/v1/alerts?severity=high&severity=low").statusCode(),
                "severities add up, repeated or comma separated");
    }

    @Test
    void aSeverityNoRuleCanHaveIsRefusedWithTheSeveritiesThereAre() throws Exception {
        String error = refused("GET", "/v1/alerts?severity=hgh", "severity").getString("error");
        assertTrue(error.contains("must be low, medium, high or critical") && error.contains("did you mean high?"),
                error);
        refused("GET", "/v1/alerts/stream?severity=high,urgent", "severity");
        assertEquals(200, server.get("/v1/alerts?severity=HIGH,critical").statusCode(), "any case");
    }

    @Test
    void anAccessTokenInThePlainQueryIsRefusedWithWhereItGoes() throws Exception {
        String error = refused("GET", "/v1/rules?access_token=secret", "access_token").getString("error");
        assertTrue(error.contains("only on a WebSocket upgrade") && error.contains("Authorization: Bearer"), error);
        assertTrue(!error.contains("secret"), "the token is never echoed");
    }

    @Test
    void aQueryThatIsNotUrlEncodingIsA400NotAnInternalError() throws Exception {
        try (RawConnection raw = new RawConnection(server.port())) {   // java.net.URI refuses to send it
            RawConnection.Response response = raw.request("GET", "/v1/alerts?since=%zz", "", new byte[0]);
            assertEquals(400, response.status(), response.body());
            assertTrue(new JsonObject(response.body()).getString("error").contains("the URL is not valid URL encoding"),
                    response.body());
        }
        assertTrue(!server.serverErr().contains("internal error"), server.serverErr());
    }

    @Test
    void aWebSocketSubscriptionTakesItsOwnParametersAndAnAccessToken() throws Exception {
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> subscribe("/v1/alerts?rule=big_payment&limit=5"));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
        HttpResponse<?> answer = ((WebSocketHandshakeException) refused.getCause()).getResponse();
        assertEquals(400, answer.statusCode(), "limit is for the history, not a subscription");
        subscribe("/v1/alerts?rule=big_payment&access_token=unused");   // no tokens configured: not checked
        ExecutionException events = assertThrows(ExecutionException.class, () -> subscribe("/v1/events?src=a"));
        assertEquals(400, ((WebSocketHandshakeException) events.getCause()).getResponse().statusCode());
    }

    @Test
    void aSubscriptionToARuleThatDoesNotRunIsToldSoAndStaysOpenForItsDeployment() throws Exception {
        BlockingQueue<String> frames = subscribe("/v1/alerts?rule=big_paymnt");
        JsonObject warning = new JsonObject(AlertFilterTest.await(frames));
        assertEquals("big_paymnt", warning.getString("rule"));
        String text = warning.getString("warning");
        assertTrue(text.contains("no rule named 'big_paymnt' runs now") && text.contains("did you mean big_payment?")
                && text.contains("once a rule of that name is deployed"), text);

        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain",
                "RULE big_paymnt FROM payments PATTERN b DEFINE b AS amount >= 500");
        assertEquals(201, deployed.statusCode(), deployed.body());
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                "{\"stream\": \"payments\", \"amount\": 900, \"ts\": 1000}\n{\"watermark\": 2000}\n");
        assertEquals(202, posted.statusCode(), posted.body());
        assertEquals("big_paymnt", new JsonObject(AlertFilterTest.await(frames)).getString("rule"),
                "the alerts of the rule deployed later arrive");

        BlockingQueue<String> running = subscribe("/v1/alerts?rule=big_payment");
        server.send("POST", "/v1/events", "application/x-ndjson",
                "{\"stream\": \"payments\", \"amount\": 900, \"ts\": 3000}\n{\"watermark\": 4000}\n");
        assertEquals("big_payment", new JsonObject(AlertFilterTest.await(running)).getString("rule"),
                "no warning before the first alert of a rule that runs");
    }

    @Test
    void aMethodThePathDoesNotTakeIsA405ThatSaysWhichItTakes() throws Exception {
        HttpResponse<String> deleted = server.send("DELETE", "/v1/alerts", null, null);
        assertEquals(405, deleted.statusCode(), deleted.body());
        assertEquals("GET, OPTIONS", deleted.headers().firstValue("Allow").orElse(null));
        String error = new JsonObject(deleted.body()).getString("error");
        assertTrue(error.contains("DELETE") && error.contains("GET, OPTIONS"), error);

        HttpResponse<String> patched = server.send("PATCH", "/v1/rules/some_rule", "text/plain", "RULE ...");
        assertEquals(405, patched.statusCode(), patched.body());
        assertEquals("GET, PUT, DELETE, OPTIONS", patched.headers().firstValue("Allow").orElse(null),
                "the methods of the path's template, /v1/rules/:name");

        HttpResponse<String> put = server.send("PUT", "/v1/rules", "text/plain", "RULE ...");
        assertEquals(405, put.statusCode(), put.body());
        assertEquals("GET, POST, OPTIONS", put.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void optionsAnswers204WithTheMethodsOfThePath() throws Exception {
        assertAllows("/v1/rules", "GET, POST, OPTIONS");
        assertAllows("/v1/rules/some_rule", "GET, PUT, DELETE, OPTIONS");
        assertAllows("/v1/rules/some_rule/nfa", "GET, OPTIONS");
        assertAllows("/v1/rules/validate", "GET, POST, PUT, DELETE, OPTIONS");   // also /v1/rules/:name
        assertAllows("/v1/events", "GET, POST, OPTIONS");
        assertAllows("/v1/savepoints/before-upgrade", "GET, DELETE, OPTIONS");
        assertAllows("/health", "GET, OPTIONS");

        HttpResponse<String> unknown = server.send("OPTIONS", "/v1/nothing-here", null, null);
        assertEquals(404, unknown.statusCode(), "a path no route serves is still unknown: " + unknown.body());
        assertEquals(404, server.get("/no/such/path").statusCode(), "outside /v1 too, for every method");
    }

    private void assertAllows(String path, String methods) throws Exception {
        HttpResponse<String> options = server.send("OPTIONS", path, null, null);
        assertEquals(204, options.statusCode(), path + ": " + options.body());
        assertEquals(methods, options.headers().firstValue("Allow").orElse(null), path);
        assertEquals("", options.body());
    }

    private JsonObject refused(String method, String pathAndQuery, String parameter) throws Exception {
        HttpResponse<String> response = server.send(method, pathAndQuery, "text/plain", method.equals("GET") ? null
                : "{}");
        assertEquals(400, response.statusCode(), pathAndQuery + ": " + response.body());
        JsonObject body = new JsonObject(response.body());
        assertEquals(parameter, body.getString("parameter"), response.body());
        return body;
    }

    private BlockingQueue<String> subscribe(String pathAndQuery) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(RunningServer.TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery), new TextFrames(frames))
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return frames;
    }
}
