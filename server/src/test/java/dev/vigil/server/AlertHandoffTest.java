package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alerts cross from shard threads to the event loop through a bounded queue: all of them, in order, bounded. */
class AlertHandoffTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close();
    }

    @Test
    void everyItemArrivesOnTheEventLoopInOrderPerProducer() throws Exception {
        Context context = vertx.getOrCreateContext();
        List<long[]> received = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(2 * 50_000);
        AlertHandoff<long[]> handoff = new AlertHandoff<>(context, 64, item -> {
            assertTrue(Context.isOnEventLoopThread(), "consumed on the event loop");
            received.add(item);
            all.countDown();
        });
        List<CompletableFuture<Void>> producers = new ArrayList<>();
        for (long producer = 0; producer < 2; producer++) {
            long id = producer;
            producers.add(CompletableFuture.runAsync(() -> {
                for (long n = 0; n < 50_000; n++) {
                    try {
                        handoff.put(new long[] {id, n});
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }));
        }
        assertTrue(all.await(30, TimeUnit.SECONDS), "all items arrive: " + received.size());
        long[] next = new long[2];
        synchronized (received) {
            for (long[] item : received) {
                assertEquals(next[(int) item[0]]++, item[1], "producer " + item[0] + " in order");
            }
        }
        assertEquals(0, handoff.depth());
    }

    @Test
    void aProducerWaitsWhileTheQueueIsFullInsteadOfGrowingIt() throws Exception {
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
        AlertHandoff<Integer> handoff = new AlertHandoff<>(context, 4, received::add);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            for (int n = 0; n < 10; n++) {
                try {
                    handoff.put(n);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (handoff.depth() < 4 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(4, handoff.depth(), "the queue fills to its bound");
        assertFalse(producer.isDone(), "and the producer waits");
        eventLoopBusy.countDown();
        producer.get(10, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received.size() < 10 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), received);
    }
}
