package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.EventTime;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rule replaced ten times while 100,000 events stream over a WebSocket into two shards: every event is matched
 * by exactly one version (one alert per event, none missing, none twice), and per key a later event is never seen
 * by an older version.
 */
@ExtendWith(VertxExtension.class)
class LiveUpdateTest {
    private static final int EVENTS = 100_000;
    private static final int PER_FRAME = 500;
    private static final int FRAMES = EVENTS / PER_FRAME;
    private static final int KEYS = 97;
    private static final int UPDATE_EVERY_FRAMES = FRAMES / 10;
    private static final String RULE = """
            RULE every SEVERITY %s FROM payments PARTITION BY card
              PATTERN a
              DEFINE a AS amount >= 0
              EMIT n = a.n
            """;


    @Test
    void everyEventIsSeenByExactlyOneVersionWhileTheRuleChanges(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withShards(2))) {
            HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", RULE.formatted("low"));
            assertEquals(201, created.statusCode(), created.body());
            BlockingQueue<String> alerts = new LinkedBlockingQueue<>();
            CompletableFuture<Integer> subscriberClosed = new CompletableFuture<>();
            server.openSocket("/v1/alerts?rule=every", new TextFrames(alerts, subscriberClosed));
            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket events = server.openSocket("/v1/events", new TextFrames(acks));

            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(events));
            int updates = 0;
            for (int frame = 1; frame <= FRAMES + 1; frame++) {
                String ack = acks.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(ack, "acknowledgement " + frame);
                assertEquals(frame, new JsonObject(ack).getInteger("ack"));
                assertEquals(0, new JsonObject(ack).getInteger("late"), ack);
                if (frame % UPDATE_EVERY_FRAMES == 0 && frame < FRAMES) {
                    replace(server, updates++ % 2 == 0 ? "high" : "low");
                }
            }
            sending.get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            boolean[] seen = new boolean[EVENTS];
            Map<String, int[]> lastByKey = new HashMap<>();   // key -> {n, version} of its latest alert
            TreeSet<Integer> versions = new TreeSet<>();
            for (int i = 0; i < EVENTS; i++) {
                String text = alerts.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull(text, "alert " + i + " of " + EVENTS + " (subscriber closed: "
                        + subscriberClosed.getNow(null) + ")");
                JsonObject alert = new JsonObject(text);
                int n = alert.getJsonObject("fields").getInteger("n");
                int version = alert.getInteger("version");
                assertFalse(seen[n], "event " + n + " matched twice");
                seen[n] = true;
                versions.add(version);
                int[] last = lastByKey.get(alert.getString("key"));
                if (last != null && last[0] < n) {
                    assertTrue(last[1] <= version, "event " + n + " seen by version " + version
                            + " after event " + last[0] + " was seen by version " + last[1]);
                }
                lastByKey.put(alert.getString("key"), new int[] {n, version});
            }
            assertEquals(updates + 1, new JsonObject(server.get("/v1/rules/every").body()).getInteger("version"));
            assertTrue(versions.size() >= 2, "the stream crossed rule replacements: versions " + versions);
            assertTrue(alerts.isEmpty(), "no alert beyond one per event");
            assertFalse(server.serverErr().contains("internal error"), server.serverErr());
        }
    }

    /** Events with n = 0..EVENTS-1 over KEYS cards, ts rising, then a final watermark releasing the last ones. */
    private static void send(WebSocket socket) {
        try {
            for (int frame = 0; frame < FRAMES; frame++) {
                StringBuilder ndjson = new StringBuilder(PER_FRAME * 80);
                for (int e = 0; e < PER_FRAME; e++) {
                    int n = frame * PER_FRAME + e;
                    ndjson.append("{\"stream\":\"payments\",\"card\":\"c").append(n % KEYS).append("\",\"amount\":1,")
                            .append("\"n\":").append(n).append(",\"ts\":").append(1_000_000L + n).append("}\n");
                }
                socket.sendText(ndjson, true).get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            socket.sendText("{\"watermark\": " + EventTime.MAX_MS + "}", true)
                    .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PUTs a new version, retrying while the engine is busy (503). */
    private static void replace(RunningServer server, String severity) throws Exception {
        HttpResponse<String> replaced;
        do {
            replaced = server.send("PUT", "/v1/rules/every", "text/plain", RULE.formatted(severity));
        } while (replaced.statusCode() == 503);
        assertEquals(200, replaced.statusCode(), replaced.body());
    }
}
