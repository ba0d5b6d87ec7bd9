package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A slow alert subscriber on the {@code /v1/alerts} WebSocket: one that stops asking for frames is disconnected
 * with close code 1008 and a reason once its buffers are full, while a subscriber that reads gets every alert,
 * the alert log keeps every alert, and the server goes on ingesting.
 */
@ExtendWith(VertxExtension.class)
class SlowSubscriberTest {
    private static final String RULE = "RULE big_payment FROM payments PATTERN big DEFINE big AS amount >= 500";
    /** Each alert carries its event, so a long note makes the alerts big and fills the socket buffers fast. */
    private static final String NOTE = "x".repeat(64 * 1024);
    private static final int EVENTS_PER_POST = 16;
    /** An upper bound on the alerts to produce (1000, as many as one history request returns) before failing. */
    private static final int MAX_POSTS = 1_000 / EVENTS_PER_POST;

    private RunningServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aSubscriberThatStopsReadingIsClosedWith1008WhileTheOthersMissNothing() throws Exception {
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        NotReading slow = new NotReading();
        subscribe(slow);
        BlockingQueue<String> normal = new LinkedBlockingQueue<>();
        subscribe(new TextFrames(normal));

        int posted = 0;
        while (!slowSubscriberDropped()) {
            assertTrue(posted / EVENTS_PER_POST < MAX_POSTS, "the slow subscriber was still connected after "
                    + posted + " alerts of " + NOTE.length() + " bytes");
            postEvents(posted);
            posted += EVENTS_PER_POST;
            String pushed = alertsTotal(posted);
            server.pollUntil("/metrics", metrics -> metrics.contains(pushed));
        }

        // the server keeps ingesting and alerting after the disconnect
        postEvents(posted);
        int total = posted + EVENTS_PER_POST;
        String pushed = alertsTotal(total);
        server.pollUntil("/metrics", metrics -> metrics.contains(pushed));

        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            expected.add(timestamp(i));
        }
        List<Long> received = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            String alert = normal.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull(alert, "the reading subscriber got only " + i + " of " + total + " alerts");
            received.add(new JsonObject(alert).getLong("end"));
        }
        assertEquals(expected, received, "the reading subscriber receives every alert, in order");

        HttpResponse<String> history = server.get("/v1/alerts?rule=big_payment&limit=1000");
        assertEquals(200, history.statusCode());
        JsonArray logged = new JsonArray(history.body());
        List<Long> inLog = new ArrayList<>();
        for (int i = 0; i < logged.size(); i++) {
            inLog.add(logged.getJsonObject(i).getLong("end"));
        }
        assertEquals(expected, inLog, "the alert log holds every alert");

        // now read what the slow subscriber's buffers still held: then comes the close frame with the reason
        slow.socket.request(Long.MAX_VALUE);
        Closed closed = slow.closed.get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new Closed(1008, "alert subscriber too slow: its buffer is full"), closed);
        assertTrue(slow.alerts.get() < total, "the slow subscriber got " + slow.alerts.get() + " of " + total
                + " alerts: it was not buffered without bound");
    }

    private boolean slowSubscriberDropped() throws Exception {
        return server.get("/metrics").body().contains("\nvigil_slow_alert_subscribers_total 1.0");
    }

    private static String alertsTotal(int count) {
        return "vigil_alerts_total{kind=\"match\",rule=\"big_payment\"} " + count + ".0";
    }

    /** Events {@code first..first+EVENTS_PER_POST-1}, each an alert, released by a watermark. */
    private void postEvents(int first) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = first; i < first + EVENTS_PER_POST; i++) {
            body.append("{\"stream\": \"payments\", \"amount\": 900, \"ts\": ").append(timestamp(i))
                    .append(", \"note\": \"").append(NOTE).append("\"}\n");
        }
        body.append("{\"watermark\": ").append(timestamp(first + EVENTS_PER_POST) - 1).append("}\n");
        HttpResponse<String> response = server.send("POST", "/v1/events", "application/x-ndjson", body.toString());
        assertEquals(202, response.statusCode(), response.body());
    }

    private static long timestamp(int event) {
        return 1_000L + 10L * event;
    }

    private void subscribe(WebSocket.Listener listener) throws Exception {
        http.newWebSocketBuilder().connectTimeout(RunningServer.TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/alerts?rule=big_payment"), listener)
                .get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        server.pollUntil("/metrics", metrics -> !metrics.contains("\nvigil_alert_subscribers 0.0"));
    }

    private record Closed(int code, String reason) {}

    /**
     * A subscriber that asks for no frame at all (the WebSocket's demand is never renewed), so the client stops
     * reading the socket, until the test lets it read what was buffered.
     */
    private static final class NotReading implements WebSocket.Listener {
        final AtomicInteger alerts = new AtomicInteger();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        volatile WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;   // and no request(n): demand stays 0
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last) {
                alerts.incrementAndGet();
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
