package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine's replacement policy over HTTP: a {@code PUT} that changes only the severity keeps the first step of a
 * two-step pattern waiting for the second, and the alert comes with the new severity; a {@code PUT} that changes a
 * condition drops it, and the rule's status and the metrics count the drop.
 */
@ExtendWith(VertxExtension.class)
class RuleReplacementTest {
    private static final String RULE = """
            RULE small_then_big SEVERITY low FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
            """;
    /** c1's small payment, passed by the watermark: one partial match waits for a big payment. */
    private static final String FIRST = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
            {"watermark": 1500}
            """;
    /** c1's big payment, then c2's pair: c2's alert comes after c1's would have (event-time order). */
    private static final String SECOND = """
            {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000}
            {"watermark": 3000}
            {"stream": "payments", "card": "c2", "amount": 1, "ts": 3500}
            {"stream": "payments", "card": "c2", "amount": 900, "ts": 3600}
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
    void aNewSeverityKeepsTheFirstStepWaitingAndTheAlertComesWithTheNewSeverity() throws Exception {
        deployAndSendTheFirstStep();
        replaceWith(RULE.replace("SEVERITY low", "SEVERITY high"));
        send(SECOND);

        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 2));
        JsonObject c1 = alerts.getJsonObject(0);
        assertEquals("c1", c1.getString("key"), alerts.encode());
        assertEquals("high", c1.getString("severity"));
        assertEquals(2, c1.getInteger("version"));
        assertEquals(1000, c1.getLong("start"), "the small payment sent to version 1");
        assertEquals(2000, c1.getLong("end"));
        assertEquals("c2", alerts.getJsonObject(1).getString("key"));
        JsonObject counters = countersWhen(now -> now.getLong("matches") == 2);
        assertEquals(0, counters.getLong("partialMatchesDroppedOnReplace"), counters.encode());
        assertEquals(4, counters.getLong("eventsIn"), "the counters went on from version 1: " + counters.encode());
    }

    @Test
    void aChangedConditionDropsTheFirstStepAndCountsIt() throws Exception {
        deployAndSendTheFirstStep();
        replaceWith(RULE.replace("big AS amount >= 500", "big AS amount >= 600"));
        JsonObject afterPut = countersWhen(now -> now.getLong("partialMatchesDroppedOnReplace") == 1);
        assertEquals(0, afterPut.getLong("partialMatches"), afterPut.encode());
        send(SECOND);

        JsonArray alerts = new JsonArray(server.pollUntil("/v1/alerts", body -> new JsonArray(body).size() == 1));
        assertEquals("c2", alerts.getJsonObject(0).getString("key"), "c1's big payment found no small one waiting: "
                + alerts.encode());
        JsonObject counters = countersWhen(now -> now.getLong("matches") == 1);
        assertEquals(1, counters.getLong("partialMatchesDroppedOnReplace"), counters.encode());
        server.pollUntil("/metrics",
                body -> body.contains("vigil_partial_matches_dropped_on_replace_total{rule=\"small_then_big\"} 1.0"));
        assertEquals(1, new JsonArray(server.get("/v1/alerts").body()).size(), "no alert for c1");
    }

    private void deployAndSendTheFirstStep() throws Exception {
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", RULE);
        assertEquals(201, created.statusCode(), created.body());
        send(FIRST);
        countersWhen(now -> now.getLong("partialMatches") == 1);
    }

    private void replaceWith(String text) throws Exception {
        HttpResponse<String> replaced = server.send("PUT", "/v1/rules/small_then_big", "text/plain", text);
        assertEquals(200, replaced.statusCode(), replaced.body());
    }

    private void send(String ndjson) throws Exception {
        HttpResponse<String> accepted = server.send("POST", "/v1/events", "application/x-ndjson", ndjson);
        assertEquals(202, accepted.statusCode(), accepted.body());
    }

    private JsonObject countersWhen(Predicate<JsonObject> done) throws Exception {
        return new JsonObject(server.pollUntil("/v1/rules/small_then_big",
                body -> done.test(new JsonObject(body).getJsonObject("counters")))).getJsonObject("counters");
    }
}
