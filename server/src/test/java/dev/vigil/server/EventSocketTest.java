package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code /v1/events} WebSocket end to end: a real server on a free loopback port, a real WebSocket client
 * streaming frames and reading one acknowledgement per frame, alerts read from {@code /v1/alerts}. Nothing
 * sleeps: every wait is an await with a timeout.
 */
@ExtendWith(VertxExtension.class)
class EventSocketTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              EMIT total = small.amount + big.amount
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LogCapture serverErr = new LogCapture();
    private VigilServer server;

    @AfterEach
    void stop() throws Exception {
        serverErr.close();
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void objectsArraysAndNdjsonAreAcknowledgedFrameByFrameAndAlert(Vertx vertx) throws Exception {
        start(vertx, config());
        deploy(RULE);
        BlockingQueue<String> alerts = subscribe();
        Client client = connect();

        client.send("{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 1000}");
        assertEquals(ack(1, 1), client.ack());

        client.send("""
                [{"stream": "payments", "card": "c2", "amount": 1, "ts": 1100},
                 {"stream": "payments", "card": "c1", "amount": 900, "ts": 2000},
                 42]""");
        JsonObject second = client.ack();
        assertEquals(2, second.getInteger("ack"));
        assertEquals(2, second.getInteger("accepted"));
        JsonObject notAnObject = single(second.getJsonArray("errors"));
        assertEquals(2, notAnObject.getInteger("index"), "the third element of the array");
        assertTrue(notAnObject.getString("error").startsWith("expected a JSON object"), second.encode());

        client.send("{\"stream\": \"payments\", \"card\": \"c2\", \"amount\": 700, \"ts\": 2100}\n"
                + "{\"stream\": \"payments\", \"card\": oops}\n"
                + "\n");
        JsonObject third = client.ack();
        assertEquals(3, third.getInteger("ack"));
        assertEquals(1, third.getInteger("accepted"), "the blank line is ignored");
        JsonObject badLine = single(third.getJsonArray("errors"));
        assertEquals(1, badLine.getInteger("index"), "the second line of the NDJSON frame");
        assertTrue(badLine.getString("error").startsWith("invalid JSON"), third.encode());

        // the watermark follows the largest timestamp (2100): c1's match ended at 2000 and comes out, c2's waits
        assertEquals(901L, total(await(alerts, "c1's alert")));
        assertTrue(alerts.isEmpty(), "c2's match ends at 2100, which the watermark has not passed");
        client.send("{\"watermark\": 5000, \"stream\": \"payments\"}");
        assertEquals(ack(4, 1), client.ack());
        assertEquals(701L, total(await(alerts, "c2's alert")));
    }

    @Test
    void binaryFramesAndUnparsableArraysAreRefusedAndTheConnectionGoesOn(Vertx vertx) throws Exception {
        start(vertx, config());
        Client client = connect();

        client.socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(TIMEOUT.toSeconds(),
                TimeUnit.SECONDS);
        JsonObject binary = client.ack();
        assertEquals(1, binary.getInteger("ack"));
        assertEquals(0, binary.getInteger("accepted"));
        JsonObject refused = single(binary.getJsonArray("errors"));
        assertFalse(refused.containsKey("index"), "the whole frame is refused: " + refused);
        assertTrue(refused.getString("error").contains("binary"), refused.encode());

        client.send("[{\"stream\": \"payments\", ");
        JsonObject broken = client.ack();
        assertEquals(0, broken.getInteger("accepted"));
        assertTrue(single(broken.getJsonArray("errors")).getString("error").startsWith("invalid JSON array"),
                broken.encode());

        client.send("{\"watermark\": 10}");
        assertEquals(ack(3, 1), client.ack());
    }

    @Test
    void aMessageOverTheSizeLimitIsRefused(Vertx vertx) throws Exception {
        start(vertx, config().withFrameLimitBytes(1_024));
        Client client = connect();
        String half = "{\"watermark\": 1}" + " ".repeat(600);

        client.socket.sendText(half, false).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        client.send(half);
        JsonObject fragmented = client.ack();
        assertEquals(0, fragmented.getInteger("accepted"));
        assertEquals("message exceeds the limit of 1024 bytes",
                single(fragmented.getJsonArray("errors")).getString("error"));

        client.send(half);
        assertEquals(ack(2, 1), client.ack(), "the connection goes on after a refused message");

        client.send(half + half);
        int closeCode = client.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1009, closeCode, "a single frame over the limit closes with 'message too big'");
    }

    @Test
    void aPlainGetIsToldToConnectWithAWebSocket(Vertx vertx) throws Exception {
        start(vertx, config());
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/events")).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(new JsonObject(response.body()).getString("error").contains("WebSocket"), response.body());
    }

    /**
     * java.net.http cannot send invalid UTF-8, so this client writes the handshake and the frame by hand. The
     * connection stays open: the refusal is an acknowledgement like any other.
     */
    @Test
    void aTextFrameThatIsNotUtf8IsRefused(Vertx vertx) throws Exception {
        start(vertx, config());
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = raw.getOutputStream();
            DataInputStream in = new DataInputStream(raw.getInputStream());
            out.write(("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder headers = new StringBuilder();
            while (!headers.toString().endsWith("\r\n\r\n")) {
                headers.append((char) in.readUnsignedByte());
            }
            assertTrue(headers.toString().startsWith("HTTP/1.1 101"), headers.toString());

            byte[] payload = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};   // 0xC3 0x28: a broken 2-byte sequence
            byte[] mask = {1, 2, 3, 4};
            out.write(0x81);   // FIN, text
            out.write(0x80 | payload.length);
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();

            int opcode = in.readUnsignedByte() & 0x0F;
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();   // the acknowledgement is shorter than 64 KiB
            }
            byte[] answer = new byte[length];
            in.readFully(answer);
            assertEquals(0x1, opcode, "an acknowledgement (text frame), not a close frame");
            JsonObject ack = new JsonObject(new String(answer, StandardCharsets.UTF_8));
            assertEquals(0, ack.getInteger("accepted"));
            assertEquals("text message is not valid UTF-8: line 1, byte 3 of the line (offset 2 of the message) starts "
                    + "an invalid sequence (0xC3 0x28)", single(ack.getJsonArray("errors")).getString("error"));
        }
    }

    /**
     * A shard queue of one command, and a client that streams as fast as its socket lets it: the server must stop
     * reading rather than drop or buffer, and every event must come out exactly once.
     */
    @Test
    void aFastClientIsSlowedDownAndEveryEventIsProcessedExactlyOnce(Vertx vertx) throws Exception {
        start(vertx, config().withQueueCapacity(1));
        deploy("""
                RULE every FROM payments PARTITION BY card
                  PATTERN a
                  DEFINE a AS amount >= 0
                  EMIT n = a.n
                """);
        BlockingQueue<String> alerts = subscribe();
        Client client = connect();
        int frames = 300;
        int perFrame = 4;
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int f = 0; f < frames; f++) {
                    StringBuilder ndjson = new StringBuilder();
                    for (int e = 0; e < perFrame; e++) {
                        int n = f * perFrame + e;
                        ndjson.append("{\"stream\": \"payments\", \"card\": \"k").append(n % 7)
                                .append("\", \"amount\": 1, \"n\": ").append(n).append(", \"ts\": ")
                                .append(1_000 + n * 10L).append("}\n");
                    }
                    client.socket.sendText(ndjson, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
                client.socket.sendText("{\"watermark\": 1000000}", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        int accepted = 0;
        for (int f = 1; f <= frames + 1; f++) {
            JsonObject ack = client.ack();
            assertEquals(f, ack.getInteger("ack"), "acknowledgements come in frame order");
            assertEquals(new JsonArray(), ack.getJsonArray("errors"));
            accepted += ack.getInteger("accepted");
        }
        sending.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(frames * perFrame + 1, accepted);

        int events = frames * perFrame;
        boolean[] seen = new boolean[events];
        for (int i = 0; i < events; i++) {
            int n = new JsonObject(await(alerts, "alert " + i)).getJsonObject("fields").getInteger("n");
            assertFalse(seen[n], "event " + n + " alerted twice");
            seen[n] = true;
        }
        assertTrue(alerts.isEmpty(), "no alert beyond one per event");
        assertFalse(serverErr.toString().contains("internal error"), serverErr.toString());
    }

    private static ServerConfig config() {
        return ServerConfig.of("127.0.0.1", 0, null);
    }

    private void start(Vertx vertx, ServerConfig config) throws Exception {
        server = VigilServer.start(vertx, config).toCompletionStage()
                .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private void deploy(String rule) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v1/rules")).timeout(TIMEOUT)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(rule)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
    }

    private static JsonObject ack(int number, int accepted) {
        return new JsonObject().put("ack", number).put("accepted", accepted).put("late", 0).put("unrouted", 0)
                .put("unroutedStreams", new JsonArray()).put("refused", 0)
                .put("errors", new JsonArray());
    }

    private static long total(String alert) {
        JsonObject json = new JsonObject(alert);
        assertEquals("small_then_big", json.getString("rule"));
        return json.getJsonObject("fields").getLong("total");
    }

    private static JsonObject single(JsonArray errors) {
        assertEquals(1, errors.size(), errors.encode());
        return errors.getJsonObject(0);
    }

    private BlockingQueue<String> subscribe() throws Exception {
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        open("/v1/alerts", frames, new CompletableFuture<>());
        return frames;
    }

    private Client connect() throws Exception {
        BlockingQueue<String> acks = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        return new Client(open("/v1/events", acks, closed), acks, closed);
    }

    /** Opens a WebSocket whose text messages go to {@code frames} and whose close code completes {@code closed}. */
    private WebSocket open(String path, BlockingQueue<String> frames, CompletableFuture<Integer> closed)
            throws Exception {
        return http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), new TextFrames(frames, closed))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String await(BlockingQueue<String> frames, String what) throws InterruptedException {
        String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "no " + what + " within " + TIMEOUT);
        return frame;
    }

    /** An events connection and the acknowledgements it received. */
    private record Client(WebSocket socket, BlockingQueue<String> acks, CompletableFuture<Integer> closed) {
        void send(String text) throws Exception {
            socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }

        JsonObject ack() throws InterruptedException {
            return new JsonObject(await(acks, "acknowledgement"));
        }
    }
}
