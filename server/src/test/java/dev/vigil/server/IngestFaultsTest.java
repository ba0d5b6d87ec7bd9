package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.Durability;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.log.AckAfter;
import dev.vigil.server.log.DiskReserve;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk faults end to end, on a real server with a data folder: a nearly full folder pauses ingestion with a clear
 * reason (refused batches, {@code /ready} not ready, a gauge) and resumes by itself; a failed ingest log write is
 * an error to the sender, never an acknowledgement; acknowledgements after a flush keep their order.
 */
@ExtendWith(VertxExtension.class)
class IngestFaultsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long MB = 1L << 20;
    private static final String EVENT = "{\"stream\": \"payments\", \"card\": \"c1\", \"amount\": 1, \"ts\": 1000}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final LogCapture serverErr = new LogCapture();
    private final AtomicLong freeBytes = new AtomicLong(10_000 * MB);
    @TempDir
    Path data;
    private VigilServer server;

    @AfterEach
    void stop() throws Exception {
        serverErr.close();
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void aDataFolderBelowItsReservePausesIngestionWithTheReasonUntilSpaceReturns(Vertx vertx) throws Exception {
        start(vertx, AckAfter.WRITE);
        WebSocket socket = connect();
        assertEquals(202, post(EVENT).statusCode());
        String reason = "data folder " + data + " has 120 MB free, below the 512 MB reserve (minFreeDiskMb): "
                + "ingestion paused until space returns";

        freeBytes.set(120 * MB);
        HttpResponse<String> notReady = pollUntil("/ready", response -> response.statusCode() == 503);

        assertEquals(new JsonObject().put("status", "not ready").put("reason", reason), new JsonObject(notReady.body()));
        HttpResponse<String> refused = post(EVENT);
        assertEquals(503, refused.statusCode());
        assertEquals(reason, new JsonObject(refused.body()).getString("error"));
        assertEquals(0, new JsonObject(refused.body()).getInteger("accepted"));
        socket.sendText(EVENT, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonObject ack = new JsonObject(await(acks));
        assertEquals(0, ack.getInteger("accepted"));
        assertEquals(reason, ack.getJsonArray("errors").getJsonObject(0).getString("error"));
        assertTrue(get("/metrics").body().contains("vigil_ingest_paused 1.0"));
        assertTrue(serverErr.toString().contains(reason), serverErr.toString());

        freeBytes.set(600 * MB);
        pollUntil("/ready", response -> response.statusCode() == 200);

        assertEquals(202, post(EVENT).statusCode());
        socket.sendText(EVENT, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, new JsonObject(await(acks)).getInteger("accepted"));
        assertTrue(get("/metrics").body().contains("vigil_ingest_paused 0.0"));
        assertTrue(serverErr.toString().contains("has 600 MB free again: ingestion resumed"));
        assertEquals(3L, server.ingest().counters().eventsByStream().get("payments"),
                "the refused events were never counted");
    }

    @Test
    void aFailedIngestLogWriteIsAnErrorToTheSenderNotAnAcknowledgement(Vertx vertx) throws Exception {
        start(vertx, AckAfter.WRITE);
        WebSocket socket = connect();
        server.ingest().closeLog();   // every later write fails, as with a failed disk

        HttpResponse<String> refused = post(EVENT + "\n" + EVENT);
        socket.sendText("[" + EVENT + ", 42]", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertEquals(503, refused.statusCode());
        String error = new JsonObject(refused.body()).getString("error");
        assertTrue(error.startsWith("ingest log write failed: "), error);
        assertEquals(0, new JsonObject(refused.body()).getInteger("accepted"));
        JsonObject ack = new JsonObject(await(acks));
        assertEquals(0, ack.getInteger("accepted"));
        assertEquals(2, ack.getJsonArray("errors").size(), "the malformed element, then the whole message");
        assertTrue(ack.getJsonArray("errors").getJsonObject(1).getString("error")
                .startsWith("ingest log write failed: "), ack.encode());
        assertEquals(null, server.ingest().counters().eventsByStream().get("payments"));
    }

    @Test
    void acknowledgementsAfterAFlushComeInMessageOrderAndTheEventsAreInTheLog(Vertx vertx) throws Exception {
        start(vertx, AckAfter.FLUSH);
        WebSocket socket = connect();
        int messages = 200;
        for (int i = 1; i <= messages; i++) {
            // every tenth message is empty: acknowledged at once, yet only after the ones before it
            String text = i % 10 == 0 ? "[]" : "{\"stream\": \"payments\", \"card\": \"c" + i
                    + "\", \"amount\": 1, \"ts\": " + (1_000 + i) + "}";
            socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        List<Integer> order = new ArrayList<>();
        int accepted = 0;
        for (int i = 1; i <= messages; i++) {
            JsonObject ack = new JsonObject(await(acks));
            order.add(ack.getInteger("ack"));
            accepted += ack.getInteger("accepted");
        }
        assertEquals(202, post(EVENT).statusCode());

        for (int i = 0; i < messages; i++) {
            assertEquals(i + 1, order.get(i), "acknowledgements in message order: " + order);
        }
        assertEquals(180, accepted);
        assertEquals(181L, server.ingest().counters().eventsByStream().get("payments"));
    }

    private final BlockingQueue<String> acks = new LinkedBlockingQueue<>();

    private void start(Vertx vertx, AckAfter ackAfter) throws Exception {
        Files.createDirectories(data);
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null).withDataDir(data)
                .withDurability(new Durability(true, ackAfter, Durability.DEFAULT_MIN_FREE_DISK_MB));
        server = VigilServer.start(vertx, config, folder -> freeBytes.get())
                .toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        HttpResponse<String> deployed = send("POST", "/v1/rules",
                "RULE pair FROM payments PARTITION BY card PATTERN a b DEFINE a AS amount < 5, b AS amount >= 5");
        assertEquals(201, deployed.statusCode(), deployed.body());
    }

    private WebSocket connect() throws Exception {
        return http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/events"), new TextFrames(acks))
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private HttpResponse<String> post(String ndjson) throws Exception {
        return send("POST", "/v1/events", ndjson);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(TIMEOUT).header("Content-Type", "text/plain")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} until {@code done} holds (the probe runs every {@link DiskReserve#PROBE_MS} ms). */
    private HttpResponse<String> pollUntil(String path, Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        HttpResponse<String> response;
        do {
            response = get(path);
            if (done.test(response)) {
                return response;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() < deadline);
        throw new AssertionError("GET " + path + " never reached the expected state; last: " + response.statusCode()
                + " " + response.body());
    }

    private static String await(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "no acknowledgement within " + TIMEOUT);
        return frame;
    }
}
