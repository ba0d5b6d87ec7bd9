package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/backtest} is bounded: its rule text compiles under the server's limits (a count that never
 * compiled is refused at once, and the next backtest runs), a replay stops after the events it may read and says so,
 * and a finished backtest, however it ended, frees the one slot. Requests have the client's timeout, so a backtest
 * that never ends fails the test.
 */
@ExtendWith(VertxExtension.class)
class BacktestBoundsTest {
    private static final String EVERY_A = "RULE every_a FROM tx PARTITION BY key PATTERN a DEFINE a AS kind = 'a'";
    /** Skip-till-any over a loop: on one key, every window of {@link #logOneHotKey} costs up to the work bound. */
    static final String HOT = "RULE hot FROM tx PARTITION BY key PATTERN a ->> b+ ->> c "
            + "DEFINE a AS kind = 'a', b AS kind = 'b', c AS kind = 'c'";

    @TempDir
    Path dir;

    @Test
    void textThatNeverCompiledIsRefusedAtOnceAndTheNextBacktestRuns(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")))) {
            ingest(server, 5);
            HttpResponse<String> refused = backtest(server, new JsonObject()
                    .put("text", "RULE r FROM tx PATTERN fail{2147483647,} DEFINE fail AS kind = 'x'"));
            assertEquals(400, refused.statusCode(), refused.body());
            assertEquals(CompileLimits.REPEAT_COUNT, new JsonObject(refused.body()).getJsonArray("diagnostics")
                    .getJsonObject(0).getString("limit"));
            HttpResponse<String> next = backtest(server, new JsonObject().put("text", EVERY_A));
            assertEquals(200, next.statusCode(), next.body());
            JsonObject answer = new JsonObject(next.body());
            assertEquals(5, answer.getJsonArray("alerts").size());
            assertFalse(answer.getBoolean("truncated"));
            assertEquals(null, answer.getString("stoppedBy"));
        }
    }

    @Test
    void aReplayStopsAfterTheEventsItMayReadAndSaysSo(Vertx vertx) throws Exception {
        ServerConfig.RuleWork work = new ServerConfig.RuleWork(CompileLimits.DEFAULTS, 1, 60_000, 3);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")).withRuleWork(work))) {
            ingest(server, 5);
            for (int i = 0; i < 2; i++) {   // the slot is free again after each
                HttpResponse<String> response = backtest(server, new JsonObject().put("text", EVERY_A));
                assertEquals(200, response.statusCode(), response.body());
                JsonObject answer = new JsonObject(response.body());
                assertTrue(answer.getBoolean("truncated"), response.body());
                assertEquals("events", answer.getString("stoppedBy"));
                assertEquals(3, answer.getLong("eventsRead"));
            }
            assertTrue(server.get("/metrics").body().contains("vigil_backtests_stopped_total{reason=\"events\"} 2.0"));
        }
    }

    /**
     * A client that goes away stops its backtest: the slot frees and the stop is counted as a cancellation. The
     * replay is made long by skip-till-any over a loop on one key (every window of events costs up to the work bound,
     * about two million steps), and the client leaves only once {@code /metrics} shows the backtest running (no other
     * backtest competes for the slot meanwhile).
     */
    @Test
    void aClientThatGoesAwayCancelsItsBacktest(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")))) {
            logOneHotKey(server);
            try (Socket client = new Socket("127.0.0.1", server.port())) {
                byte[] body = new JsonObject().put("text", HOT).encode().getBytes(StandardCharsets.UTF_8);
                OutputStream out = client.getOutputStream();
                out.write(("POST /v1/backtest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                server.pollUntil("/metrics", metrics -> metrics.contains("vigil_backtests_running 1.0"));
            }
            server.pollUntil("/metrics", metrics -> metrics.contains(
                    "vigil_backtests_stopped_total{reason=\"cancelled\"} 1.0")
                    && metrics.contains("vigil_backtests_running 0.0"));
            HttpResponse<String> next = server.send("POST", "/v1/backtest", "application/json",
                    new JsonObject().put("rule", "route").encode());
            assertEquals(200, next.statusCode(), "the slot is free again: " + next.body());
        }
    }

    /**
     * Logs 10 posts of 200 windows on one key, each an 'a' then 24 'b's, through a cheap rule {@code route} that
     * makes the server log its stream: a backtest of {@link #HOT} over them takes seconds.
     */
    static void logOneHotKey(RunningServer server) throws Exception {
        String route = "RULE route FROM tx PATTERN z DEFINE z AS kind = 'z'";   // logs the stream's events, cheaply
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", route).statusCode());
        long ts = 1;
        for (int post = 0; post < 10; post++) {
            StringBuilder events = new StringBuilder();
            for (int window = 0; window < 200; window++) {
                for (int i = 0; i < 25; i++) {
                    events.append("{\"stream\": \"tx\", \"key\": \"k\", \"kind\": \"")
                            .append(i == 0 ? 'a' : 'b').append("\", \"ts\": ").append(ts++).append("}\n");
                }
            }
            assertEquals(202, server.send("POST", "/v1/events", "application/x-ndjson", events.toString())
                    .statusCode());
        }
    }

    /** Events of keys k0, k1, ..., each an 'a' followed by a watermark past it, one batch each. */
    private static void ingest(RunningServer server, int events) throws Exception {
        server.send("POST", "/v1/rules", "text/plain", EVERY_A);   // routes the stream: its events are logged
        for (int i = 0; i < events; i++) {
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"stream\": \"tx\", \"key\": \"k" + i + "\", \"kind\": \"a\", \"ts\": "
                            + (10_000 * i + 1_000) + "}\n"
                            + "{\"watermark\": " + (10_000 * i + 2_000) + "}\n");
            assertEquals(202, posted.statusCode(), posted.body());
        }
    }

    private static HttpResponse<String> backtest(RunningServer server, JsonObject body) throws Exception {
        return server.send("POST", "/v1/backtest", "application/json", body.encode());
    }
}
