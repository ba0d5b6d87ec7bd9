package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.server.log.AlertFilter;
import dev.vigil.server.log.AlertLog;
import dev.vigil.server.log.MemoryAlertLog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/alerts?since=&after=&limit=&rule=} end to end, and the bounded in-memory {@link AlertLog} behind it.
 */
@ExtendWith(VertxExtension.class)
class AlertHistoryTest {
    private static final String RULES = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500;

            RULE big FROM payments
              PATTERN b
              DEFINE b AS amount >= 500
            """;
    /** small_then_big matches once (c1), big twice; rules run in deployment order as the watermark passes. */
    private static final String EVENTS = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
            {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000}
            {"stream": "payments", "card": "c2", "amount": 700, "ts": 2100}
            {"watermark": 3000}
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
    void theNewestAlertsComeOldestFirstWithLimitAndRuleFilter() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        deployAndFeed();
        JsonArray all = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 3));
        assertEquals(List.of("small_then_big@2000", "big@2000", "big@2100"), ruleAndEnd(all));

        assertEquals(List.of("big@2000", "big@2100"), ruleAndEnd(history("?limit=2")),
                "the newest two, in the order they were logged");
        assertEquals(List.of("big@2000", "big@2100"), ruleAndEnd(history("?rule=big")));
        assertEquals(List.of("big@2100"), ruleAndEnd(history("?rule=big&limit=1")));
        assertEquals(all, history("?since=" + before.toEpochMilli()));
        assertEquals(all, history("?since=" + URLEncoder.encode(before.toString(), StandardCharsets.UTF_8)));
        assertEquals(new JsonArray(), history("?since=" + Instant.now().plusSeconds(3600).toEpochMilli()));
        assertEquals(new JsonArray(), history("?rule=nobody"));
        assertEquals("c1", all.getJsonObject(0).getString("key"), "each entry is the alert object subscribers get");
    }

    @Test
    void sinceOrAfterStartAPageThatAReaderPagesForwardWithAfter() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        deployAndFeed();
        server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 3);
        JsonArray first = history("?since=" + before.toEpochMilli() + "&limit=2");
        assertEquals(List.of("small_then_big@2000", "big@2000"), ruleAndEnd(first), "from the start of the range");
        JsonArray next = history("?after=" + first.getJsonObject(1).getString("id") + "&limit=2");
        assertEquals(List.of("big@2100"), ruleAndEnd(next), "the rest, after the last alert of the first page");
        assertEquals(new JsonArray(), history("?after=" + next.getJsonObject(0).getString("id")), "nothing after");
    }

    @Test
    void aBadQueryParameterIsA400NamingIt() throws Exception {
        assertBadParameter("?since=yesterday", "since");
        assertBadParameter("?limit=0", "limit");
        assertBadParameter("?limit=1001", "limit");
        assertBadParameter("?limit=ten", "limit");
        assertBadParameter("?rule=", "rule");
        assertEquals(200, server.get("/v1/alerts?limit=1000").statusCode(), "the largest limit is allowed");
    }

    @Test
    void theMemoryLogKeepsOnlyItsCapacityAndReadsByIdOrTime() {
        MemoryAlertLog log = new MemoryAlertLog(3);
        for (int i = 1; i <= 5; i++) {
            log.append("a" + i, i % 2 == 0 ? "even" : "odd", null, null, 100L * i, "{\"n\":" + i + "}");
        }
        assertEquals(3, log.size(), "the two oldest were forgotten");
        assertEquals(List.of(3L, 4L, 5L), ids(log.afterId(0, 10, AlertFilter.ALL)));
        assertEquals(List.of(5L), ids(log.afterId(4, 10, AlertFilter.ALL)));
        assertEquals(List.of(4L, 5L), ids(log.since(350, 10, AlertFilter.ALL)));
        assertEquals(List.of(4L), ids(log.since(0, 10, AlertFilter.ofRule("even"))));
        assertEquals(4, log.numberOf("a4"));
        assertEquals(-1, log.numberOf("a2"), "forgotten with its alert");
        assertEquals(List.of(3L), ids(log.since(0, 1, AlertFilter.ALL)));
        assertEquals(List.of(), ids(log.since(501, 10, AlertFilter.ALL)));
        assertEquals(List.of(4L, 5L), ids(log.newest(2, AlertFilter.ALL)), "the newest, oldest first");
        assertEquals(List.of(3L, 5L), ids(log.newest(2, AlertFilter.ofRule("odd"))));
        assertEquals(List.of(3L, 4L, 5L), ids(log.newest(10, AlertFilter.ALL)), "no more than the log keeps");
    }

    @Test
    void aWallClockSetBackDoesNotUnsortTheLog() {
        MemoryAlertLog log = new MemoryAlertLog(10);
        log.append("a1", "r", null, null, 1_000, "{}");
        log.append("a2", "r", null, null, 400, "{}");   // the clock went back
        log.append("a3", "r", null, null, 1_200, "{}");
        assertEquals(List.of(1_000L, 1_000L, 1_200L), times(log.since(0, 10, AlertFilter.ALL)));
        assertEquals(List.of(3L), ids(log.since(1_100, 10, AlertFilter.ALL)));
    }

    private void deployAndFeed() throws Exception {
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", RULES);
        assertEquals(201, deployed.statusCode(), deployed.body());
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", EVENTS);
        assertEquals(202, posted.statusCode(), posted.body());
    }

    private JsonArray history(String query) throws Exception {
        HttpResponse<String> response = server.get("/v1/alerts" + query);
        assertEquals(200, response.statusCode(), response.body());
        return new JsonArray(response.body());
    }

    private void assertBadParameter(String query, String parameter) throws Exception {
        HttpResponse<String> response = server.get("/v1/alerts" + query);
        assertEquals(400, response.statusCode(), response.body());
        JsonObject body = new JsonObject(response.body());
        assertEquals(parameter, body.getString("parameter"), body.encode());
        assertEquals(true, body.getString("error").contains("'" + parameter + "'"), body.encode());
    }

    private static List<String> ruleAndEnd(JsonArray alerts) {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonObject alert = alerts.getJsonObject(i);
            found.add(alert.getString("rule") + "@" + alert.getLong("end"));
        }
        return found;
    }

    private static List<Long> ids(List<AlertLog.LoggedAlert> alerts) {
        List<Long> ids = new ArrayList<>();
        alerts.forEach(alert -> ids.add(alert.id()));
        return ids;
    }

    private static List<Long> times(List<AlertLog.LoggedAlert> alerts) {
        List<Long> times = new ArrayList<>();
        alerts.forEach(alert -> times.add(alert.loggedAtMs()));
        return times;
    }
}
