package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook sink against a real HTTP receiver on 127.0.0.1 that misbehaves on purpose: down for a while,
 * answering 503 to every third request, silent once until the timeout, refusing with 400.
 */
class WebhookSinkTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<Sink> sinks = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        sinks.forEach(Sink::close);
        Await.result(vertx.close());
    }

    @Test
    void everyAlertArrivesThroughRefusedConnectionsServerErrorsAndASilentReceiver() throws Exception {
        int port = freePort();
        Sink sink = open(new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/alerts"), 300, 100, 10, 80,
                1_000, 4, Map.of("Authorization", "Bearer s3cret")));
        Map<String, String> offered = new ConcurrentHashMap<>();
        for (int i = 0; i < 40; i++) {
            String id = "alert-" + i;
            String json = "{\"id\":\"" + id + "\",\"rule\":\"r\",\"n\":" + i + "}";
            offered.put(id, json);
            assertTrue(sink.offer(id, "r", json));
        }
        Await.until(() -> sink.stats().failed() >= 8, sink::stats);   // connection refused, again and again

        Map<String, String> received = new ConcurrentHashMap<>();
        Set<String> badHeaders = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        listen(port, (request, body) -> {
            int n = requests.incrementAndGet();
            if (!"Bearer s3cret".equals(request.getHeader("Authorization"))
                    || !"application/json".equals(request.getHeader("Content-Type"))) {
                badHeaders.add(request.getHeader("Idempotency-Key"));
            }
            if (n == 2) {
                return;   // never answers: the sink must give up on it after timeoutMs and retry
            }
            if (n % 3 == 0) {
                request.response().setStatusCode(503).end();
                return;
            }
            received.put(request.getHeader("Idempotency-Key"), body);   // a receiver de-duplicates by the key
            request.response().setStatusCode(204).end();
        });

        Await.until(() -> sink.stats().delivered() == 40, sink::stats);
        assertEquals(offered, received);
        assertEquals(Set.of(), badHeaders);
        SinkStats stats = sink.stats();
        assertEquals(0, stats.dropped());
        assertEquals(0, stats.queued());
        // nothing was dropped, so every failed attempt was retried, and every retry followed a failed attempt
        assertEquals(stats.failed(), stats.retries(), stats::toString);
        // refused connections, the silent request and every third request (503) failed
        assertTrue(stats.failed() >= 8 + 1 + requests.get() / 3, stats + " after " + requests + " requests");
    }

    @Test
    void aClientErrorIsCountedAsFailedAndDroppedWithoutRetry() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = listen(0, (request, body) -> {
            requests.incrementAndGet();
            request.response().setStatusCode(400).end("{\"error\":\"no\"}");
        });
        Sink sink = open(new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/t0ken?k=s3cret"), 1_000, 5,
                10, 50, 10, 1, Map.of()));
        assertTrue(sink.offer("a1", "r", "{}"));
        Await.until(() -> sink.stats().dropped() == 1, sink::stats);
        SinkStats stats = sink.stats();
        assertEquals(new SinkStats(0, 1, 0, 1, 0, "POST http://127.0.0.1:" + port + ": HTTP 400"), stats);
        assertEquals(1, requests.get());   // and the error names no path or query: they may hold secrets
    }

    @Test
    void aTooManyRequestsAnswerIsRetried() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = listen(0, (request, body) -> request.response()
                .setStatusCode(requests.incrementAndGet() == 1 ? 429 : 200).end());
        Sink sink = open(new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/"), 1_000, 5, 10, 50, 10, 1,
                Map.of()));
        sink.offer("a1", "r", "{}");
        Await.until(() -> sink.stats().delivered() == 1, sink::stats);
        assertEquals(1, sink.stats().retries());
        assertEquals(2, requests.get());
    }

    @Test
    void anAlertOutOfRetriesIsDropped() throws Exception {
        int port = listen(0, (request, body) -> request.response().setStatusCode(500).end());
        Sink sink = open(new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/"), 1_000, 2, 5, 10, 10, 1,
                Map.of()));
        sink.offer("a1", "r", "{}");
        Await.until(() -> sink.stats().dropped() == 1, sink::stats);
        assertEquals(3, sink.stats().failed());
        assertEquals(2, sink.stats().retries());
    }

    @Test
    void aFullQueueDropsAndCountsNewAlertsWithoutBlocking() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = listen(0, (request, body) -> requests.incrementAndGet());   // holds every request: nothing completes
        Sink sink = open(new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/"), 60_000, 0, 10, 10, 3, 1,
                Map.of()));
        assertTrue(sink.offer("a1", "r", "{}"));
        assertTrue(sink.offer("a2", "r", "{}"));
        assertTrue(sink.offer("a3", "r", "{}"));
        assertFalse(sink.offer("a4", "r", "{}"));
        assertFalse(sink.offer("a5", "r", "{}"));
        Await.until(() -> requests.get() == 1, requests::get);   // one in flight, two waiting
        assertEquals(new SinkStats(0, 0, 0, 2, 3, null), sink.stats());
    }

    @Test
    void closingDropsAndCountsWhatIsStillQueued() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = listen(0, (request, body) -> requests.incrementAndGet());
        Sink sink = open(new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/"), 60_000, 0, 10, 10, 10, 1,
                Map.of()));
        sink.offer("a1", "r", "{}");
        sink.offer("a2", "r", "{}");
        Await.until(() -> requests.get() == 1, requests::get);
        sink.close();
        Await.until(() -> sink.stats().queued() == 0, sink::stats);
        assertEquals(2, sink.stats().dropped());
        assertFalse(sink.offer("a3", "r", "{}"));
        assertEquals(3, sink.stats().dropped());
    }

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheCapWithJitterAndHonoursRetryAfter() {
        WebhookSink sink = new WebhookSink(new SinkSpec.Webhook(URI.create("http://127.0.0.1:9/"), 100, 10, 100,
                1_000, 10, 1, Map.of()), vertx);
        sinks.add(sink);
        for (int trial = 0; trial < 50; trial++) {
            assertBetween(50, 100, sink.backoffMs(1, null));
            assertBetween(100, 200, sink.backoffMs(2, null));
            assertBetween(400, 800, sink.backoffMs(4, null));
            assertBetween(500, 1_000, sink.backoffMs(5, null));
            assertBetween(500, 1_000, sink.backoffMs(40, null));
            assertEquals(1_000, sink.backoffMs(1, "7"));   // Retry-After: 7 s, capped at maxBackoffMs
            assertBetween(50, 100, sink.backoffMs(1, "Wed, 21 Oct 2015 07:28:00 GMT"));
        }
    }

    private static void assertBetween(long low, long high, long value) {
        assertTrue(value >= low && value <= high, value + " outside " + low + ".." + high);
    }

    private Sink open(SinkSpec.Webhook spec) {
        Sink sink = Sinks.open(spec, vertx, java.time.Clock.systemUTC(), System.out);
        sinks.add(sink);
        return sink;
    }

    /**
     * A port nobody listens on now (connections are refused), for a receiver that starts on it later. Another
     * process could take it in between; on a loopback port just released that is rare enough for one test.
     */
    private int freePort() throws Exception {
        HttpServer probe = Await.result(vertx.createHttpServer().requestHandler(r -> {}).listen(0, "127.0.0.1"));
        int port = probe.actualPort();
        Await.result(probe.close());
        return port;
    }

    /** Starts a receiver on {@code port} (0: any free one) and returns the port it listens on. */
    private int listen(int port, BiConsumer<HttpServerRequest, String> handler) throws Exception {
        return Await.result(vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> handler.accept(request, body.toString())))
                .listen(port, "127.0.0.1")).actualPort();
    }
}
