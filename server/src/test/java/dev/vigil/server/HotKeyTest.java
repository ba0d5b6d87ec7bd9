package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 16, item 11 end to end: one hot key of a skip-till-any loop froze its shard for minutes, with no counter,
 * log or health check showing it. Now the work bound drops the key's partial matches and the rule's status, the
 * metrics and the log say so; and a shard busy on one command longer than {@code stuckShardMs} makes {@code /ready}
 * answer 503 naming it (shown here with the work bound out of the way, so the shard grinds for some seconds).
 */
@ExtendWith(VertxExtension.class)
class HotKeyTest {
    private static final String RULE = """
            RULE hot FROM s PARTITION BY k
              PATTERN a ->> b+ ->> c
              DEFINE a AS type = 'A', b AS type = 'B', c AS type = 'C'
            """;

    private static String events(int bs) {
        StringBuilder events = new StringBuilder("{\"stream\": \"s\", \"k\": \"x\", \"type\": \"A\", \"ts\": 1000}\n");
        for (int i = 1; i <= bs; i++) {
            events.append("{\"stream\": \"s\", \"k\": \"x\", \"type\": \"B\", \"ts\": ").append(1000 + i).append("}\n");
        }
        events.append("{\"stream\": \"s\", \"k\": \"x\", \"type\": \"C\", \"ts\": ").append(1001 + bs).append("}\n");
        return events.append("{\"watermark\": 100000}\n").toString();
    }

    @Test
    void aHotKeyOverTheWorkBoundIsDroppedCountedAndLogged(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", events(60));
            assertEquals(202, posted.statusCode(), posted.body());
            String status = server.pollUntil("/v1/rules/hot",
                    body -> new JsonObject(body).getJsonObject("counters").getLong("eventsIn") == 62);
            JsonObject counters = new JsonObject(status).getJsonObject("counters");
            assertEquals(1, counters.getLong("workBoundExceeded"), status);
            long dropped = counters.getLong("droppedPartialMatches");
            assertTrue(dropped > 1_000 && dropped < 10_000, status);
            assertEquals(0, counters.getLong("partialMatches"), status);

            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("vigil_work_bound_exceeded_total{rule=\"hot\"} 1.0"), metrics);
            assertTrue(metrics.contains("vigil_dropped_partial_matches_total{rule=\"hot\"} " + dropped + ".0"),
                    metrics);
            assertTrue(server.serverErr().contains(": rule hot, key x: an event needed more work than the bound per"
                    + " event and key (maxWorkPerEvent); the key's " + dropped + " partial match(es) were dropped"),
                    server.serverErr());
            assertEquals(200, server.get("/ready").statusCode());
        }
    }

    @Test
    void aShardOnOneCommandLongerThanStuckShardMsMakesReadyAnswer503NamingIt(Vertx vertx) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null)
                .withWork(new ServerConfig.Work(Long.MAX_VALUE, 1));   // no work bound: the shard grinds
        try (RunningServer server = RunningServer.start(vertx, config)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson", events(16));
            assertEquals(202, posted.statusCode(), posted.body());

            HttpResponse<String> ready = await(server, 503);
            JsonObject body = new JsonObject(ready.body());
            assertEquals("not ready", body.getString("status"));
            assertTrue(body.getString("reason").matches("shard [01] has been handling one event batch \\(\\d+ lines\\)"
                    + " for \\d+ s \\(stuck after 1 ms\\)"), body.encode());
            assertTrue(server.get("/metrics").body().matches("(?s).*vigil_shard_stuck\\{shard=\"[01]\"} 1\\.0.*"));
            assertEquals(200, server.get("/health").statusCode(), "the process answers");

            await(server, 200);   // the batch done, the shard is ready again
            assertTrue(server.get("/metrics").body().contains("vigil_shard_stuck{shard=\"0\"} 0.0"));
        }
    }

    /** Polls {@code /ready} until it answers {@code status}; the shard may grind for a while on a busy machine. */
    private static HttpResponse<String> await(RunningServer server, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        HttpResponse<String> ready;
        do {
            ready = server.get("/ready");
            if (ready.statusCode() == status) {
                return ready;
            }
            Thread.sleep(5);
        } while (System.nanoTime() < deadline);
        return fail("/ready did not answer " + status + "; last: " + ready.statusCode() + " " + ready.body());
    }
}
