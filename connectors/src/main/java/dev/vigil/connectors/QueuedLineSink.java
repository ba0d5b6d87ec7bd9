package dev.vigil.connectors;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sink whose alerts are written by its own thread, fed by a bounded queue: {@link #offer} only enqueues (or
 * drops and counts), so a slow disk or a blocked stream never reaches the caller. The thread writes what is queued,
 * flushes whenever the queue runs dry (so a quiet sink is always flushed) and at least every
 * {@link #FLUSH_EVERY_LINES} lines, and wakes every {@link #TICK_MS} for time-based work such as rotation.
 * An alert counts as delivered once it is flushed.
 *
 * <p>Subclasses implement the writing; every method below except {@code offer}, {@code stats} and {@code close}
 * runs on the sink's thread only. A write error drops that alert (counted) and the thread carries on.
 */
abstract class QueuedLineSink implements Sink {
    static final long TICK_MS = 100;
    static final int FLUSH_EVERY_LINES = 1_000;
    private static final long CLOSE_WAIT_MS = 10_000;

    /** One queued alert. */
    record Line(String id, String rule, String json) {}

    protected final SinkCounters counters = new SinkCounters();
    private final BlockingQueue<Line> queue;
    private final Thread thread;
    /** Accepted and not yet delivered or dropped: queued, or written and not yet flushed. */
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closing;
    private int unflushed;

    QueuedLineSink(String threadName, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts the writer thread; separate from the constructor so subclasses are fully built first. */
    final QueuedLineSink start() {
        thread.start();
        return this;
    }

    @Override
    public final boolean offer(String alertId, String rule, String json) {
        pending.incrementAndGet();   // before the queue, so the writer can never make it negative
        if (closing || !queue.offer(new Line(alertId, rule, json))) {
            pending.decrementAndGet();
            counters.dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    @Override
    public final SinkStats stats() {
        return counters.snapshot(pending.get());
    }

    @Override
    public final void close() {
        closing = true;
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes one alert (buffered). */
    abstract void write(Line line) throws IOException;

    /** Makes what was written durable enough to count as delivered. */
    abstract void flush() throws IOException;

    /** Time-based work (rotation); called at least every {@link #TICK_MS} with the queue momentarily empty. */
    void tick() throws IOException {}

    /** Releases what the sink holds; called once, on the sink's thread, after the last flush. */
    abstract void release();

    private void run() {
        try {
            while (true) {
                Line line = queue.poll(TICK_MS, TimeUnit.MILLISECONDS);
                while (line != null) {
                    writeCounted(line);
                    if (unflushed >= FLUSH_EVERY_LINES) {
                        flushCounted();
                    }
                    line = queue.poll();
                }
                flushCounted();
                try {
                    tick();
                } catch (IOException | RuntimeException e) {
                    counters.failed(e.toString());
                }
                if (closing && queue.isEmpty()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            flushCounted();
            release();
            // an offer that passed the closing check just as this thread saw the queue empty: nobody will write it
            for (Line stranded = queue.poll(); stranded != null; stranded = queue.poll()) {
                counters.dropped.incrementAndGet();
                pending.decrementAndGet();
            }
        }
    }

    private void writeCounted(Line line) {
        try {
            write(line);
            unflushed++;
        } catch (IOException | RuntimeException e) {
            counters.failed(e.toString());
            counters.dropped.incrementAndGet();
            pending.decrementAndGet();
        }
    }

    private void flushCounted() {
        if (unflushed == 0) {
            return;
        }
        try {
            flush();
            counters.delivered.addAndGet(unflushed);
        } catch (IOException | RuntimeException e) {
            counters.failed(e.toString());
            counters.dropped.addAndGet(unflushed);
        }
        pending.addAndGet(-unflushed);
        unflushed = 0;
    }
}
