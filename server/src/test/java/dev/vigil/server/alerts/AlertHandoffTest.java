package dev.vigil.server.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Alerts cross from shard threads to the event loop through a bounded queue: all of them, in order, bounded. */
@ExtendWith(VertxExtension.class)
class AlertHandoffTest {
    @Test
    void everyItemArrivesOnTheEventLoopInOrderPerProducer(Vertx vertx) throws Exception {
        List<long[]> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger offLoop = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(2 * 50_000);
        AlertHandoff<long[]> handoff = new AlertHandoff<>(vertx.getOrCreateContext(), 64, item -> {
            if (!Context.isOnEventLoopThread()) {
                offLoop.incrementAndGet();
            }
            received.add(item);
            all.countDown();
            return true;
        }, bug -> { });
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (long producer = 0; producer < 2; producer++) {
            long id = producer;
            producers.add(CompletableFuture.runAsync(() -> {
                for (long n = 0; n < 50_000; n++) {
                    put(handoff, new long[] {id, n});
                }
            }));
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), "all items arrive: " + received.size());
        assertEquals(0, offLoop.get(), "consumed on the event loop only");
        long[] next = new long[2];
        synchronized (received) {
            for (long[] item : received) {
                assertEquals(next[(int) item[0]]++, item[1], "producer " + item[0] + " in order");
            }
        }
        assertEquals(0, handoff.depth());
    }

    @Test
    void aProducerWaitsWhileTheQueueIsFullInsteadOfGrowingIt(Vertx vertx) throws Exception {
        Context context = vertx.getOrCreateContext();
        CountDownLatch eventLoopBusy = new CountDownLatch(1);
        context.runOnContext(ignored -> {
            try {
                eventLoopBusy.await(10, TimeUnit.SECONDS);   // stands in for an event loop that falls behind
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        AlertHandoff<Integer> handoff = new AlertHandoff<>(context, 4, received::add, bug -> { });
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 10; n++) {
                put(handoff, n);
            }
        });
        awaitTrue(() -> handoff.depth() == 4);
        assertFalse(producer.isDone(), "the queue filled to its bound and the producer waits");
        eventLoopBusy.countDown();
        producer.get(10, TimeUnit.SECONDS);
        awaitTrue(() -> received.size() == 10);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), received);
    }

    @Test
    void anItemThatFailsIsReportedAndTheOnesBehindItStillArrive(Vertx vertx) throws Exception {
        List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AlertHandoff<Integer> handoff = new AlertHandoff<>(vertx.getOrCreateContext(), 8, n -> {
            if (n == 3) {
                throw new IllegalStateException("item " + n);
            }
            received.add(n);
            return true;
        }, bug -> failures.add(bug.getMessage()));
        for (int n = 0; n < 20; n++) {
            put(handoff, n);
        }
        awaitTrue(() -> received.size() == 19);
        assertEquals(List.of("item 3"), failures);
        assertFalse(received.contains(3));
    }

    private static <T> void put(AlertHandoff<T> handoff, T item) {
        try {
            handoff.put(item);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 10 s");
            Thread.sleep(1);
        }
    }
}
