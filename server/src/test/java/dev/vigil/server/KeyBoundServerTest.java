package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.MemoryLimits;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bound on keys holding partial matches in a running server: {@code maxKeys} split between the shards, keys
 * beyond it evicted oldest first, and every eviction counted in the rule's status and the metrics and logged.
 */
@ExtendWith(VertxExtension.class)
class KeyBoundServerTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big WITHIN 1 HOUR
              DEFINE small AS amount < 2, big AS amount >= 500
            """;

    @Test
    void keysBeyondTheBoundAreEvictedCountedAndLogged(Vertx vertx) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null).withShards(2)
                .withMemory(new MemoryLimits(4, 4, MemoryLimits.DEFAULT_HEAP_PAUSE_PERCENT,
                        MemoryLimits.DEFAULT_HEAP_RESUME_PERCENT));
        try (RunningServer server = RunningServer.start(vertx, config)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            StringBuilder events = new StringBuilder();
            for (int card = 0; card < 10; card++) {
                events.append("{\"stream\":\"payments\",\"card\":\"c").append(card).append("\",\"amount\":1,\"ts\":")
                        .append(1_000 + card).append("}\n");
            }
            events.append("{\"watermark\":5000}\n");
            assertEquals(202, server.send("POST", "/v1/events", "application/x-ndjson", events.toString())
                    .statusCode());

            // ten keys each begin a partial match; two shards keep at most two each
            JsonObject counters = new JsonObject(server.pollUntil("/v1/rules/small_then_big", body -> {
                JsonObject now = new JsonObject(body).getJsonObject("counters");
                return now.getLong("eventsIn") == 10 && now.getLong("keys") + now.getLong("evictedKeys") == 10;
            })).getJsonObject("counters");
            assertTrue(counters.getLong("keys") <= 4, counters.encode());
            assertTrue(counters.getLong("evictedKeys") >= 6, counters.encode());
            assertEquals(counters.getLong("evictedKeys"), counters.getLong("droppedPartialMatches"));
            String metrics = server.pollUntil("/metrics",
                    body -> body.contains("vigil_evicted_keys_total{rule=\"small_then_big\"} "
                            + (double) counters.getLong("evictedKeys")));
            assertTrue(metrics.contains("# HELP vigil_evicted_keys_total"), metrics);
            // every bound a rule has is counted by rule, the window's too (0: this rule has no OVER window)
            assertTrue(metrics.contains("vigil_window_events_evicted_total{rule=\"small_then_big\"} 0.0"), metrics);
            assertTrue(server.serverErr().contains("key(s) holding partial matches (small_then_big "),
                    server.serverErr());
        }
    }
}
