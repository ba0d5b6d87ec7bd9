package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.log.AlertFilter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code rule=}, {@code severity=} and {@code key=} on the alert history and the alerts WebSocket: the same
 * {@link AlertFilter} serves both.
 */
@ExtendWith(VertxExtension.class)
public class AlertFilterTest {
    /** Three rules fire on every big payment: two severities, a single key, a composite key and no key. */
    public static final String RULES = """
            RULE high_big SEVERITY high FROM payments PARTITION BY card
              PATTERN b DEFINE b AS amount >= 500;

            RULE low_pair SEVERITY low FROM payments PARTITION BY card, region
              PATTERN b DEFINE b AS amount >= 500;

            RULE plain FROM payments
              PATTERN b DEFINE b AS amount >= 500
            """;
    public static final String EVENTS = """
            {"stream": "payments", "card": "c1", "region": "eu", "amount": 900, "ts": 1000}
            {"stream": "payments", "card": "c2", "region": "us", "amount": 700, "ts": 1100}
            {"watermark": 2000}
            """;
    /** One more alert per rule, after the first six: a subscriber that sees it has seen everything before it. */
    public static final String MARKER = """
            {"stream": "payments", "card": "c1", "region": "eu", "amount": 950, "ts": 3000}
            {"watermark": 4000}
            """;

    private RunningServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void theHistoryFiltersBySeverityKeyAndRule() throws Exception {
        post("/v1/rules", RULES, 201);
        post("/v1/events", EVENTS, 202);
        server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 6);

        assertEquals(List.of("high_big c1", "high_big c2"), history("?severity=high"));
        assertEquals(List.of("high_big c1", "high_big c2", "low_pair [\"c1\",\"eu\"]", "low_pair [\"c2\",\"us\"]"),
                history("?severity=HIGH,low"), "any of the listed severities, ignoring case");
        assertEquals(history("?severity=HIGH,low"), history("?severity=high&severity=low"));
        assertEquals(List.of("high_big c1"), history("?key=c1"),
                "low_pair's key is the array [\"c1\",\"eu\"], not c1");
        assertEquals(List.of("low_pair [\"c2\",\"us\"]"), history("?key=" + encode("[\"c2\",\"us\"]")));
        assertEquals(List.of("high_big c2"), history("?rule=high_big&key=c2"));
        assertEquals(List.of(), history("?severity=low&key=c1"));
        assertEquals(List.of(), history("?severity=medium"), "an alert without severity passes no severity filter");
        JsonArray lows = new JsonArray(server.get("/v1/alerts?severity=low").body());
        assertEquals(new JsonArray().add(lows.getJsonObject(1)), new JsonArray(server.get("/v1/alerts?severity=low"
                + "&limit=1").body()), "limit counts the alerts that pass the filter: the newest of them");

        assertBadParameter("/v1/alerts?severity=", "severity");
        assertBadParameter("/v1/alerts?severity=high,,low", "severity");
        assertBadParameter("/v1/alerts?key=", "key");
        assertBadParameter("/v1/alerts?rule=", "rule");
    }

    @Test
    void aWebSocketSubscriberGetsOnlyTheAlertsPassingItsFilter() throws Exception {
        post("/v1/rules", RULES, 201);
        BlockingQueue<String> frames = subscribe("?severity=low&key=" + encode("[\"c1\",\"eu\"]"));
        post("/v1/events", EVENTS, 202);
        post("/v1/events", MARKER, 202);

        JsonObject first = new JsonObject(await(frames));
        assertEquals("low_pair", first.getString("rule"));
        assertEquals(new JsonArray().add("c1").add("eu"), first.getJsonArray("key"));
        assertEquals(1000L, first.getLong("end"));
        JsonObject marker = new JsonObject(await(frames));
        assertEquals(3000L, marker.getLong("end"), "nothing else passed the filter before the marker: " + marker);
        assertEquals("low_pair", marker.getString("rule"));
    }

    @Test
    void aBadFilterRefusesTheWebSocketUpgradeAndTheStreamWith400() throws Exception {
        ExecutionException refused = assertThrows(ExecutionException.class, () -> subscribe("?severity="));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
        HttpResponse<?> answer = ((WebSocketHandshakeException) refused.getCause()).getResponse();
        assertEquals(400, answer.statusCode());
        assertBadParameter("/v1/alerts/stream?key=", "key");
    }

    @Test
    void keyTextIsTheStringItselfOrTheJsonText() throws Exception {
        assertEquals("c1", AlertFilter.keyText("c1"));
        assertEquals("42", AlertFilter.keyText(42L));
        assertEquals("true", AlertFilter.keyText(true));
        assertEquals("[\"c1\",42,null]", AlertFilter.keyText(Arrays.asList("c1", 42L, null)));
        assertNull(AlertFilter.keyText(null));

        AlertFilter filter = AlertFilter.from(MultiMap.caseInsensitiveMultiMap().add("severity", "High, low")
                .add("key", "42"));
        assertTrue(filter.matches("any", "LOW", "42"));
        assertTrue(!filter.matches("any", null, "42"), "no severity passes no severity filter");
        assertTrue(!filter.matches("any", "high", null), "no key passes no key filter");
        assertTrue(AlertFilter.ALL.matches("any", null, null));
    }

    private void post(String path, String body, int status) throws Exception {
        HttpResponse<String> response = server.send("POST", path, "text/plain", body);
        assertEquals(status, response.statusCode(), response.body());
    }

    /** The history for {@code query} as "rule key" lines, sorted (rules fire in no promised order). */
    private List<String> history(String query) throws Exception {
        HttpResponse<String> response = server.get("/v1/alerts" + query);
        assertEquals(200, response.statusCode(), response.body());
        JsonArray alerts = new JsonArray(response.body());
        List<String> found = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonObject alert = alerts.getJsonObject(i);
            Object key = alert.getValue("key");
            found.add(alert.getString("rule") + " " + (key instanceof JsonArray array ? array.encode() : key));
        }
        found.sort(null);
        return found;
    }

    private void assertBadParameter(String pathAndQuery, String parameter) throws Exception {
        HttpResponse<String> response = server.get(pathAndQuery);
        assertEquals(400, response.statusCode(), response.body());
        assertEquals(parameter, new JsonObject(response.body()).getString("parameter"), response.body());
    }

    private BlockingQueue<String> subscribe(String query) throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(RunningServer.TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/alerts" + query),
                        new TextFrames(frames))
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return frames;
    }

    static String await(BlockingQueue<String> queue) throws InterruptedException {
        String item = queue.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(item, "nothing within " + RunningServer.TIMEOUT);
        return item;
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
