package dev.vigil.server;

import static dev.vigil.server.AlertFilterTest.await;
import static dev.vigil.server.AlertFilterTest.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/alerts/stream}: live alerts as Server-Sent Events, filtered, and a slow reader disconnected. */
@ExtendWith(VertxExtension.class)
class AlertStreamTest {
    private RunningServer server;
    private final List<CompletableFuture<?>> streams = new ArrayList<>();

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        streams.forEach(stream -> stream.cancel(true));
        server.close();
    }

    @Test
    void eachAlertIsOneEventWithItsIdAndOneDataLine() throws Exception {
        post("/v1/rules", AlertFilterTest.RULES, 201);
        BlockingQueue<String> lines = stream("?severity=high");
        assertEquals(": subscribed", await(lines), "the stream opens with a comment once subscribed");
        assertEquals("", await(lines));
        post("/v1/events", AlertFilterTest.EVENTS, 202);
        post("/v1/events", AlertFilterTest.MARKER, 202);

        List<JsonObject> alerts = new ArrayList<>();
        while (alerts.size() < 3) {
            String id = await(lines);
            String data = await(lines);
            assertEquals("", await(lines), "a blank line ends each event");
            assertTrue(id.startsWith("id: ") && data.startsWith("data: "), id + "\n" + data);
            JsonObject alert = new JsonObject(data.substring("data: ".length()));
            assertEquals(alert.getString("id"), id.substring("id: ".length()), "id: is the alert id");
            alerts.add(alert);
        }
        List<String> seen = new ArrayList<>();
        for (JsonObject alert : alerts) {
            seen.add(alert.getString("rule") + " " + alert.getString("key") + "@" + alert.getLong("end"));
        }
        seen.sort(null);
        assertEquals(List.of("high_big c1@1000", "high_big c1@3000", "high_big c2@1100"), seen,
                "only high alerts, low_pair and plain filtered out");
    }

    @Test
    void aStreamResumesAfterTheAlertNamedByLastEventIdOrAfter() throws Exception {
        post("/v1/rules", AlertFilterTest.RULES, 201);
        post("/v1/events", AlertFilterTest.EVENTS, 202);
        post("/v1/events", AlertFilterTest.MARKER, 202);
        JsonArray all = new JsonArray(server.pollUntil("/v1/alerts?severity=high",
                body -> new JsonArray(body).size() == 3));
        String first = all.getJsonObject(0).getString("id");

        BlockingQueue<String> lines = stream("?severity=high&after=" + first);
        assertEquals(": subscribed", await(lines));
        assertEquals("", await(lines));
        List<String> resumed = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            resumed.add(await(lines).substring("id: ".length()));
            await(lines);   // data
            await(lines);   // blank
        }
        assertEquals(List.of(all.getJsonObject(1).getString("id"), all.getJsonObject(2).getString("id")), resumed);

        HttpResponse<String> unknown = server.send("GET", "/v1/alerts/stream?after=nope", null, null);
        assertEquals(404, unknown.statusCode(), "an alert the history does not hold is refused before streaming");
    }

    @Test
    void aStreamForARuleThatDoesNotRunSaysSoInAWarningEvent() throws Exception {
        post("/v1/rules", AlertFilterTest.RULES, 201);
        BlockingQueue<String> lines = stream("?rule=hihg_big");
        assertEquals(": subscribed", await(lines));
        assertEquals("", await(lines));
        assertEquals("event: warning", await(lines), "a named event: an EventSource's onmessage does not get it");
        JsonObject warning = new JsonObject(await(lines).substring("data: ".length()));
        assertEquals("hihg_big", warning.getString("rule"));
        assertTrue(warning.getString("warning").contains("did you mean high_big?"), warning.encode());
        assertEquals("", await(lines));
    }

    @Test
    void theKeyFilterSelectsACompositeKeyByItsJsonText() throws Exception {
        post("/v1/rules", AlertFilterTest.RULES, 201);
        BlockingQueue<String> lines = stream("?rule=low_pair&key=" + encode("[\"c2\",\"us\"]"));
        assertEquals(": subscribed", await(lines));
        assertEquals("", await(lines));
        post("/v1/events", AlertFilterTest.EVENTS, 202);
        post("/v1/events", AlertFilterTest.EVENTS.replace("\"ts\": 1", "\"ts\": 5").replace("2000", "6000"), 202);

        await(lines);
        JsonObject first = new JsonObject(await(lines).substring("data: ".length()));
        await(lines);
        await(lines);
        JsonObject second = new JsonObject(await(lines).substring("data: ".length()));
        assertEquals(new JsonArray().add("c2").add("us"), first.getJsonArray("key"));
        assertEquals(1100L, first.getLong("end"));
        assertEquals(5100L, second.getLong("end"), "the c1 alert in between was filtered out");
    }

    @Test
    void aSubscriberThatDoesNotReadIsDisconnected() throws Exception {
        post("/v1/rules", "RULE plain FROM payments PATTERN b DEFINE b AS amount >= 500", 201);
        String note = "x".repeat(100_000);
        try (Socket socket = openStream()) {
            InputStream in = socket.getInputStream();
            int alerts = 200;   // 20 MB of alerts: far more than the socket buffers between us hold
            for (int batch = 0; batch < alerts / 20; batch++) {
                StringBuilder events = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    events.append("{\"stream\": \"payments\", \"amount\": 900, \"ts\": ")
                            .append(10_000 * batch + 10 + i).append(", \"note\": \"").append(note).append("\"}\n");
                }
                post("/v1/events", events.append("{\"watermark\": ").append(10_000 * batch + 1_000).append("}\n")
                        .toString(), 202);
            }
            server.pollUntil("/metrics", metrics -> metrics.contains(
                    "vigil_alerts_total{kind=\"match\",rule=\"plain\"} " + alerts + ".0"));

            // every alert was offered to the stream; the server must have closed it rather than queue them all
            long read = 0;
            byte[] buffer = new byte[65_536];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    read += n;
                }
            } catch (SocketException reset) {
                // a reset is a disconnect too
            }
            assertTrue(read < (long) alerts * note.length(), "read " + read + " bytes: the stream was not cut");
            assertTrue(server.get("/metrics").body().contains("\nvigil_slow_alert_subscribers_total 1.0"));
        }
    }

    @Test
    void aClosedStreamIsNoLongerASubscriber() throws Exception {
        try (Socket socket = openStream()) {
            server.pollUntil("/metrics", metrics -> metrics.contains("\nvigil_alert_subscribers 1.0"));
        }
        server.pollUntil("/metrics", metrics -> metrics.contains("\nvigil_alert_subscribers 0.0"));
    }

    /** A raw connection to {@code /v1/alerts/stream} with a small receive window, read up to the opening. */
    private Socket openStream() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4_096);   // before connecting, so the TCP window stays small
        socket.setSoTimeout((int) RunningServer.TIMEOUT.toMillis());
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        OutputStream out = socket.getOutputStream();
        String request = "GET /v1/alerts/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readUntil(socket.getInputStream(), ": subscribed\n\n");
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.toLowerCase().contains("content-type: text/event-stream"), head);
        return socket;
    }

    private void post(String path, String body, int status) throws Exception {
        HttpResponse<String> response = server.send("POST", path, "text/plain", body);
        assertEquals(status, response.statusCode(), response.body());
    }

    /** Opens the event stream; the queue receives each line of it as it arrives. */
    private BlockingQueue<String> stream(String query) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/alerts/stream" + query)).build();
        streams.add(HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(
                new Flow.Subscriber<String>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscription.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(String line) {
                        lines.add(line);
                    }

                    @Override
                    public void onError(Throwable failure) {}

                    @Override
                    public void onComplete() {}
                })));
        return lines;
    }

    private static String readUntil(InputStream in, String end) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith(end)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("stream ended after: " + text);
            }
            text.append((char) b);
        }
        return text.toString();
    }
}
