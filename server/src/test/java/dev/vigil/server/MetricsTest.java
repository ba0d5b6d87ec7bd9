package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import dev.vigil.server.shard.AcceptTimes;
import dev.vigil.wire.InputLine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Counters, {@code /metrics} and {@code /ready} end to end: a rule is deployed and fed over {@code POST
 * /v1/events}, then the rule's counters and the Prometheus text must show what happened.
 */
@ExtendWith(VertxExtension.class)
class MetricsTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
            """;
    /**
     * Two cards each complete a match, a third starts one; a login has no rule; the last payment arrives after
     * the watermark passed it: late.
     */
    private static final String EVENTS = """
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 1000}
            {"stream": "payments", "card": "c2", "amount": 1, "ts": 1100}
            {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000}
            {"stream": "payments", "card": "c2", "amount": 700, "ts": 2100}
            {"stream": "payments", "card": "c3", "amount": 1, "ts": 2200}
            {"stream": "logins", "user": "u1", "ts": 2300}
            {"watermark": 3000}
            {"stream": "payments", "card": "c1", "amount": 1, "ts": 2500}
            not json
            {"card": "c9", "ts": 2600}
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
    void readyAnswersOnceTheServerListens() throws Exception {
        HttpResponse<String> ready = server.get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals(new JsonObject().put("status", "ready"), new JsonObject(ready.body()));
    }

    @Test
    void readyAnswers503OnceTheEngineHasStopped() throws Exception {
        server.ingest().shards().get(0).stop();
        HttpResponse<String> ready = server.get("/ready");
        assertEquals(503, ready.statusCode());
        assertEquals(new JsonObject().put("status", "not ready"), new JsonObject(ready.body()));
        assertEquals(200, server.get("/health").statusCode(), "the process itself still answers");
    }

    @Test
    void acceptTimesFindTheBatchOfAnEventAndForgetOldBatches() {
        AcceptTimes times = new AcceptTimes();
        times.record(List.of(event(1), event(2), new InputLine.WatermarkLine(null, 5)), 100);
        times.record(List.of(new InputLine.WatermarkLine(null, 6)), 150);   // no events: nothing to remember
        times.record(List.of(event(3)), 200);
        times.record(List.of(event(2)), 300);   // not after the last batch: not recorded, the ring stays sorted
        assertEquals(100, times.acceptedAt(1));
        assertEquals(100, times.acceptedAt(2));
        assertEquals(200, times.acceptedAt(3));
        assertEquals(AcceptTimes.UNKNOWN, times.acceptedAt(4), "not accepted yet");
        for (int batch = 0; batch < AcceptTimes.CAPACITY; batch++) {
            times.record(List.of(event(10 + batch)), 1_000 + batch);
        }
        assertEquals(AcceptTimes.UNKNOWN, times.acceptedAt(3), "older than the ring");
        assertEquals(1_000, times.acceptedAt(10));
    }

    @Test
    void aRuleShowsItsCountersInItsStatusAndInTheList() throws Exception {
        deployAndFeed();
        // c3's lone small payment is the one partial match still held, under one key
        JsonObject expected = new JsonObject().put("eventsIn", 5).put("matches", 2).put("timeouts", 0)
                .put("partialMatches", 1).put("keys", 1).put("droppedPartialMatches", 0).put("workBoundExceeded", 0)
                .put("evaluationErrors", 0).put("evictedKeys", 0).put("partialMatchesDroppedOnReplace", 0)
                .put("suppressedAlerts", 0).put("windowEventsEvicted", 0)
                .put("lateEventsByStream", new JsonObject().put("payments", 1));
        String rule = server.pollUntil("/v1/rules/small_then_big",
                body -> new JsonObject(body).getJsonObject("counters").getLong("matches") == 2
                        && new JsonObject(body).getJsonObject("counters").getJsonObject("lateEventsByStream")
                                .getLong("payments") == 1);
        assertEquals(expected, new JsonObject(rule).getJsonObject("counters"));

        JsonArray list = new JsonArray(server.get("/v1/rules").body());
        assertEquals(expected, list.getJsonObject(0).getJsonObject("counters"));
    }

    @Test
    void metricsCountEventsLateEventsAlertsAndLatencyInPrometheusText() throws Exception {
        deployAndFeed();
        String text = server.pollUntil("/metrics",
                body -> samples(body).getOrDefault("vigil_late_events_total{stream=\"payments\"}", 0.0) == 1.0
                        && samples(body).getOrDefault(
                                "vigil_alerts_total{kind=\"match\",rule=\"small_then_big\"}", 0.0) == 2.0
                        // shard counters are snapshots, taken every 100 ms while busy and when the shard is idle
                        && samples(body).getOrDefault("vigil_partial_matches{rule=\"small_then_big\"}", 0.0) == 1.0);
        Map<String, Double> samples = samples(text);
        assertEquals(6.0, samples.get("vigil_events_in_total{stream=\"payments\"}"), "late events are events in");
        assertEquals(5.0, samples.get("vigil_events_out_total{stream=\"payments\"}"), "the late one stays behind");
        assertEquals(1.0, samples.get("vigil_unrouted_events_total"), "no rule reads logins");
        assertEquals(2.0, samples.get("vigil_malformed_events_total"), "bad JSON, and an event without a stream");
        assertEquals(1.0, samples.get("vigil_partial_matches{rule=\"small_then_big\"}"), text);
        assertEquals(0.0, samples.get("vigil_shard_queue_depth{shard=\"0\"}"), text);
        assertEquals(2.0, samples.get("vigil_alert_latency_seconds_count"), "both matches were timed");
        assertTrue(samples.get("vigil_alert_latency_seconds_bucket{le=\"+Inf\"}") == 2.0, text);
        assertTrue(text.contains("# TYPE vigil_alert_latency_seconds histogram"), text);

        HttpResponse<String> response = server.get("/metrics");
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    }

    @Test
    void aDeletedRuleLeavesTheMetricsButNotItsPartialMatchGauge() throws Exception {
        deployAndFeed();
        server.pollUntil("/metrics", body -> body.contains("vigil_partial_matches{rule=\"small_then_big\"}"));
        assertEquals(204, server.send("DELETE", "/v1/rules/small_then_big", null, null).statusCode());
        String text = server.pollUntil("/metrics", body -> !body.contains("vigil_partial_matches{"));
        assertEquals(2.0, samples(text).get("vigil_alerts_total{kind=\"match\",rule=\"small_then_big\"}"),
                "alerts already counted stay counted");
    }

    private void deployAndFeed() throws Exception {
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", EVENTS);
        assertEquals(202, posted.statusCode(), posted.body());
    }

    private static InputLine event(long sequence) {
        return new InputLine.EventLine(new Event("payments", 1_000, sequence, Map.of()));
    }

    /** The samples of a Prometheus text exposition: "name{labels}" to value; comments skipped. */
    static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
