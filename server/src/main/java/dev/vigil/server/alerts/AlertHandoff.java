package dev.vigil.server.alerts;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands items from shard threads to the server's event loop through a bounded queue, so a flood of alerts can
 * never grow the event loop's task queue without bound.
 *
 * <p>When the queue is full the shard thread waits (never the event loop): its own command queue then fills, the
 * ingest answers "busy" and event sources are paused, so alerts slow the intake instead of being dropped or
 * piling up in memory. The event loop drains in turns of at most {@link #PER_TURN} items, so a burst does not
 * starve its other work (reading sockets, answering requests). One drain task is scheduled at a time.
 *
 * <p>The consumer may refuse an item for now (the alert log's disk is full): the item then stays first in line and
 * is offered again every {@link #RETRY_MS} ms, with everything behind it waiting in order. The queue stays bounded,
 * so the shards then wait as above: backpressure, never loss. {@link #abandon} gives up on what is held when the
 * server stops.
 *
 * <p><b>Thread-safe:</b> {@link #put} from any thread but the event loop; the consumer runs on the event loop.
 */
final class AlertHandoff<T> {
    static final int PER_TURN = 512;
    /** How long a waiting shard sleeps between attempts; short, the event loop drains fast. */
    private static final long WAIT_MS = 5;
    /** How often an item the consumer refused is offered again. */
    static final long RETRY_MS = 250;

    /** Takes an item on the event loop. */
    @FunctionalInterface
    interface Consumer<T> {
        /** @return true when done with {@code item}; false to keep it first in line and offer it again later */
        boolean take(T item);
    }

    private final Context context;
    private final BlockingQueue<T> queue;
    private final Consumer<T> consumer;
    private final java.util.function.Consumer<RuntimeException> onFailure;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean abandoned;

    /** @param onFailure told of an exception the consumer threw for one item (a bug); draining goes on */
    AlertHandoff(Context context, int capacity, Consumer<T> consumer,
            java.util.function.Consumer<RuntimeException> onFailure) {
        this.context = context;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.consumer = consumer;
        this.onFailure = onFailure;
    }

    /** Queues an item for the event loop, waiting while the queue is full; drops it once {@link #abandon}ed. */
    void put(T item) throws InterruptedException {
        while (!abandoned && !queue.offer(item, WAIT_MS, TimeUnit.MILLISECONDS)) {
            scheduleDrain();   // in case the drain that would make room has not been scheduled
        }
        scheduleDrain();
    }

    /**
     * Drops every item held and every later one, so producers waiting for room go on and {@link #whenEmpty}
     * completes; for a stop while the consumer refuses items. Returns how many were dropped.
     */
    int abandon() {
        abandoned = true;
        int dropped = queue.size();
        queue.clear();
        return dropped;
    }

    /**
     * Completes on the event loop once every item queued so far has been consumed; for a clean stop, after the
     * producers have stopped.
     */
    Future<Void> whenEmpty(Vertx vertx) {
        Promise<Void> empty = Promise.promise();
        context.runOnContext(ignored -> checkEmpty(vertx, empty));
        return empty.future();
    }

    private void checkEmpty(Vertx vertx, Promise<Void> empty) {
        if (abandoned || queue.isEmpty() && !drainScheduled.get()) {
            empty.complete();
        } else {
            vertx.setTimer(1, ignored -> checkEmpty(vertx, empty));
        }
    }

    /** Items waiting for the event loop. */
    int depth() {
        return queue.size();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(ignored -> drain());
        }
    }

    private void drain() {
        boolean refused = false;
        try {
            for (int i = 0; i < PER_TURN && !abandoned; i++) {
                T item = queue.peek();
                if (item == null) {
                    break;
                }
                boolean done;
                try {
                    done = consumer.take(item);
                } catch (RuntimeException bug) {
                    onFailure.accept(bug);   // one item's failure must not stop the ones behind it
                    done = true;
                }
                if (!done) {
                    refused = true;
                    break;
                }
                queue.poll();
            }
        } finally {
            if (refused) {
                context.owner().setTimer(RETRY_MS, ignored -> drain());   // still scheduled: puts add no drain
            } else {
                drainScheduled.set(false);
                if (!queue.isEmpty()) {
                    scheduleDrain();
                }
            }
        }
    }
}
