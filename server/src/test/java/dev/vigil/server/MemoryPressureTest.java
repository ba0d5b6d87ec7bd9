package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.sequencer.MemoryGuardTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The memory-pressure pause through a real server on a loopback port, its heap reading stepped by the test (the
 * guard's own reading of the JVM is exercised by {@code OutOfMemoryTest}, in the cli module): a nearly full heap
 * makes {@code /ready} say why, refuses HTTP batches with 503 and Retry-After, holds a WebSocket message back
 * without acknowledging it, and counts it all; a collection that frees memory resumes everything, and the held
 * message is then taken.
 */
@ExtendWith(VertxExtension.class)
class MemoryPressureTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
            """;
    private static final String EVENT = "{\"stream\":\"payments\",\"card\":\"c1\",\"amount\":1,\"ts\":1000}";

    @Test
    void aNearlyFullHeapPausesIngestionUntilACollectionFreesMemory(Vertx vertx) throws Exception {
        MemoryGuardTest.SteppedHeap heap = new MemoryGuardTest.SteppedHeap();
        heap.usedMib = 100;
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null), heap)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
            assertEquals(202, server.send("POST", "/v1/events", "application/x-ndjson", EVENT).statusCode());
            BlockingQueue<String> acks = new LinkedBlockingQueue<>();
            WebSocket socket = server.openSocket("/v1/events", new TextFrames(acks));
            socket.sendText(EVENT, true).get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(1, new JsonObject(await(acks)).getInteger("accepted"));

            heap.usedMib = 950;   // 95% of the heap in use, also after the full collection the guard asks for
            String ready = server.pollUntil("/ready", body -> body.contains("not ready"));
            String reason = new JsonObject(ready).getString("reason");
            assertTrue(reason.startsWith("memory: the heap is 95% full after garbage collection"), ready);

            HttpResponse<String> refused = server.send("POST", "/v1/events", "application/x-ndjson", EVENT);
            assertEquals(503, refused.statusCode());
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));
            assertEquals(reason, new JsonObject(refused.body()).getString("error"));
            assertEquals(0, new JsonObject(refused.body()).getInteger("accepted"));

            socket.sendText(EVENT, true).get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // the message is offered again and refused while the pause lasts: counted, not acknowledged
            server.pollUntil("/metrics", body -> metric(body, "vigil_memory_refused_batches_total") >= 3);
            assertNull(acks.poll(), "a message held back during the pause is not acknowledged");
            String metrics = server.get("/metrics").body();
            assertEquals(1.0, metric(metrics, "vigil_memory_paused"));
            assertEquals(1.0, metric(metrics, "vigil_memory_pauses_total"));

            heap.usedMib = 500;   // a collection freed memory: below heapResumePercent (80)
            JsonObject taken = new JsonObject(await(acks));
            assertEquals(2, taken.getInteger("ack"));
            assertEquals(1, taken.getInteger("accepted"));
            server.pollUntil("/ready", body -> body.contains("\"ready\""));
            assertEquals(202, server.send("POST", "/v1/events", "application/x-ndjson", EVENT).statusCode());
            assertEquals(0.0, metric(server.get("/metrics").body(), "vigil_memory_paused"));
            assertTrue(server.serverErr().contains("memory: the heap is 95% full after garbage "
                    + "collection"), server.serverErr());
            assertTrue(server.serverErr().contains("ingestion resumes after"), server.serverErr());
            assertTrue(heap.collections >= 1, "a full collection checked the high reading before the pause");
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static String await(BlockingQueue<String> frames) throws InterruptedException {
        String frame = frames.poll(RunningServer.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull(frame, "no acknowledgement within " + RunningServer.TIMEOUT);
        return frame;
    }

    /** A sample's value in the Prometheus text, or -1 when it is absent. */
    private static double metric(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return -1;
    }
}
