package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A webhook closed by a worker thread of its own context, as the server closes its sinks when it stops, while the
 * sink's event loop is busy. The sink's queue, retry timers and client belong to that event loop: closing must not
 * change them from the worker (the server once stopped with a ConcurrentModificationException there, leaving the
 * other sinks and the logs unclosed), must throw nothing, and must account for every alert (delivered or dropped,
 * none left queued); a closed sink takes nothing more.
 */
class WebhookSinkCloseTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() throws Exception {
        Await.result(vertx.close());
    }

    /**
     * Deterministic: while the sink's event loop runs something else, a close from a worker of the sink's context
     * changes nothing of the sink (its counters stay as the event loop last left them) and does not return; once
     * the event loop is free, the close completes there.
     */
    @Test
    void aCloseFromAWorkerLeavesTheSinkToItsEventLoop() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        int port = Await.result(vertx.createHttpServer()
                .requestHandler(request -> requests.incrementAndGet())   // stalls: never answers
                .listen(0, "127.0.0.1")).actualPort();
        Context context = vertx.getOrCreateContext();
        Sink sink = openOn(context, new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + port + "/alerts"), 60_000,
                3, 10, 50, 100, 4, Map.of()));
        for (int i = 0; i < 20; i++) {
            assertTrue(sink.offer("alert-" + i, "r", "{\"n\":" + i + "}"));
        }
        Await.until(() -> requests.get() == 4, requests::get);   // four in flight, sixteen waiting

        CountDownLatch eventLoopBusy = new CountDownLatch(1);
        CountDownLatch closeReturned = new CountDownLatch(1);
        CountDownLatch busyOver = new CountDownLatch(1);
        AtomicReference<String> whileBusy = new AtomicReference<>();
        context.runOnContext(ignored -> {
            try {
                SinkStats before = sink.stats();
                eventLoopBusy.countDown();
                boolean returned = await(closeReturned, 1_000);   // a close cannot finish while this runs
                whileBusy.set((returned ? "close returned; " : "") + (sink.stats().equals(before) ? ""
                        : "the sink changed off its event loop: " + before + " -> " + sink.stats()));
            } finally {
                busyOver.countDown();
            }
        });
        assertTrue(eventLoopBusy.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Future<Void> closing = closeOnWorker(context, sink, closeReturned::countDown);
        assertTrue(busyOver.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        Await.result(closing);

        assertEquals("", whileBusy.get(), "while the sink's event loop was busy with something else");
        Await.until(() -> sink.stats().queued() == 0, sink::stats);   // the client's close fails those in flight
        assertFalse(sink.offer("late", "r", "{}"), "a closed sink takes nothing");
        SinkStats stats = sink.stats();
        assertEquals(List.of(0L, 4L, 0L, 21L), List.of(stats.delivered(), stats.failed(), stats.retries(),
                stats.dropped()), "four in flight failed, nothing retried, all dropped: " + stats);
    }

    /**
     * The race itself, repeated for a few seconds: a receiver that is down (every attempt a refused connection,
     * retried after 100-400 ms), thousands of alerts cycling through the retry timers, and a close from a worker
     * of the sink's context while those timers fire. Under CPU load it also caught Vert.x 5.0's connection timer
     * throwing inside the closed client's pool (see {@code WebhookSink#send}), which then never finished closing.
     */
    @Test
    void closingWhileRetriesFireThrowsNothingAndAccountsForEveryAlert() throws Exception {
        int alerts = 3_000;
        SinkSpec.Webhook spec = new SinkSpec.Webhook(URI.create("http://127.0.0.1:" + downPort() + "/alerts"), 100,
                1_000_000, 200, 400, alerts, 64, Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int round = 0;
        do {
            Context context = vertx.getOrCreateContext();
            List<Throwable> uncaught = new CopyOnWriteArrayList<>();
            context.exceptionHandler(uncaught::add);
            vertx.exceptionHandler(uncaught::add);   // the client's own contexts too (its connection timers run there)
            Sink sink = openOn(context, spec);
            for (int i = 0; i < alerts; i++) {
                assertTrue(sink.offer("alert-" + round + "-" + i, "r", "{\"n\":" + i + "}"));
            }
            Await.until(() -> sink.stats().retries() >= 300, sink::stats);   // retry timers firing

            Await.result(closeOnWorker(context, sink, () -> { }));

            Await.until(() -> sink.stats().queued() == 0, sink::stats);
            assertFalse(sink.offer("late-" + round, "r", "{}"), "a closed sink takes nothing");
            SinkStats stats = sink.stats();
            assertEquals(alerts + 1, stats.delivered() + stats.dropped(),
                    "round " + round + ": every alert delivered or dropped, once: " + stats);
            assertEquals(List.of(), uncaught, "round " + round + ": nothing thrown on the sink's event loop");
            round++;
        } while (round < 20 && System.nanoTime() < deadline);
    }

    /** Opens a sink on {@code context}'s event loop, as the server opens its sinks. */
    private Sink openOn(Context context, SinkSpec.Webhook spec) throws Exception {
        Promise<Sink> opened = Promise.promise();
        context.runOnContext(ignored -> opened.complete(Sinks.open(spec, vertx, Clock.systemUTC(), System.out)));
        return Await.result(opened.future());
    }

    /**
     * Closes {@code sink} on a worker thread of {@code context}, then runs {@code returned} there; fails with
     * whatever the close threw.
     */
    private static Future<Void> closeOnWorker(Context context, Sink sink, Runnable returned) {
        return context.executeBlocking(() -> {
            if (Vertx.currentContext() != context || Context.isOnEventLoopThread()) {
                throw new AssertionError("not a worker thread of the sink's context");
            }
            sink.close();
            returned.run();
            return null;
        }, false);
    }

    /** A loopback port nobody listens on: connections to it are refused. */
    private int downPort() throws Exception {
        HttpServer probe = Await.result(vertx.createHttpServer().requestHandler(request -> { })
                .listen(0, "127.0.0.1"));
        int port = probe.actualPort();
        Await.result(probe.close());
        return port;
    }

    private static boolean await(CountDownLatch latch, long millis) {
        try {
            return latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
