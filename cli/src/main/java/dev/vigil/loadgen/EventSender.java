package dev.vigil.loadgen;

import dev.vigil.wire.JsonCodec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code /v1/events} connection: sends generated messages on its own thread and counts the server's
 * acknowledgements as they arrive.
 *
 * <p>Flow control: at most {@code inFlight} messages may be unacknowledged. The server acknowledges a message
 * only once the engine's queue took it, and stops reading while the queue is full, so a bounded window makes the
 * sender follow the server's pace and bounds the memory both sides hold. At a fixed rate a message waits for its
 * due time, then for the window; if the window made it late, its events still carry the due time, so the
 * latency of their alerts includes the delay (no coordinated omission).
 *
 * <p>Acknowledgements come in message order, so the messages waiting for one are a FIFO queue.
 *
 * <p><b>Threading:</b> {@link #send} and {@link #finish} on one sending thread; the listener methods on the HTTP
 * client's threads, one at a time; the counters from any thread.
 */
final class EventSender implements WebSocket.Listener {
    static final long ACK_TIMEOUT_SECONDS = 30;

    private record SentFrame(int events, boolean measured) {}

    private final int connection;
    private final KeySequence keys;
    private final EventClock clock;
    private final FrameText frame;
    private final int inFlight;
    private final Semaphore window;
    private final BlockingQueue<SentFrame> unacknowledged;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong eventsAcknowledged = new AtomicLong();
    private final AtomicLong measuredAcknowledged = new AtomicLong();
    private final AtomicLong elementsRefused = new AtomicLong();
    private volatile long lastMeasuredAckNanos;
    private volatile String firstRefusal;
    private volatile String failure;
    private volatile boolean closing;
    private volatile long eventsSent;
    private long lastTimestampMs;
    private WebSocket socket;

    private EventSender(int connection, KeySequence keys, EventClock clock, int inFlight) {
        this.connection = connection;
        this.keys = keys;
        this.clock = clock;
        this.frame = new FrameText(BenchRule.stream(connection));
        this.inFlight = inFlight;
        this.window = new Semaphore(inFlight);
        this.unacknowledged = new ArrayBlockingQueue<>(inFlight);
    }

    /** Opens connection number {@code connection}; returns once the server accepted the WebSocket. */
    static EventSender connect(HttpClient http, ServerEndpoint server, int connection, KeySequence keys,
            EventClock clock, int inFlight) throws BenchException {
        EventSender sender = new EventSender(connection, keys, clock, inFlight);
        try {
            sender.socket = server.address().open(http, "/v1/events", Map.of(), sender)
                    .get(RulesClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw server.unreachable("the WebSocket /v1/events", e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(BenchException.Kind.RUN_FAILED, "interrupted while connecting to /v1/events");
        }
        return sender;
    }

    /** Sends the plan's messages, then waits until each is acknowledged. */
    void send(SendPlan plan) throws BenchException {
        long measuredQueued = 0;
        for (long n = 0; ; n++) {
            if (!plan.paced()) {
                acquireWindow();
            }
            long due = plan.paced() ? plan.dueNanos(n) : System.nanoTime();
            boolean measured = due >= plan.measureFromNanos();
            if (measured && (due >= plan.measureUntilNanos() || measuredQueued >= plan.eventsToMeasure())) {
                if (!plan.paced()) {
                    window.release();
                }
                break;
            }
            if (plan.paced()) {
                waitUntil(due);
                acquireWindow();
            }
            int events = measured ? (int) Math.min(plan.batch(), plan.eventsToMeasure() - measuredQueued)
                    : plan.batch();
            long timestamp = nextTimestamp();
            long sent = due - plan.zeroNanos();
            frame.clear();
            for (int i = 0; i < events; i++) {
                keys.next();
                frame.event(keys.key(), keys.type(), sent, timestamp);
            }
            frame.watermark(timestamp);
            transmit(new SentFrame(events, measured));
            eventsSent += events;
            if (measured) {
                measuredQueued += events;
            }
        }
        awaitAcknowledgements();
    }

    /**
     * Sends a last watermark at {@code timestampMs} (at least this connection's last timestamp) and waits for its
     * acknowledgement, so that the rule, which waits for its slowest stream, can release every other
     * connection's last events.
     */
    void finish(long timestampMs) throws BenchException {
        acquireWindow();
        frame.clear();
        frame.watermark(Math.max(timestampMs, lastTimestampMs));
        transmit(new SentFrame(0, false));
        awaitAcknowledgements();
    }

    /**
     * Strictly increasing per connection, so that a message's watermark never makes the next message late: the
     * wall clock's millisecond, or one more than the last message's when a connection sends faster than that.
     */
    private long nextTimestamp() {
        lastTimestampMs = Math.max(clock.millis(), lastTimestampMs + 1);
        return lastTimestampMs;
    }

    private void transmit(SentFrame sent) throws BenchException {
        if (!unacknowledged.offer(sent)) {
            throw new IllegalStateException("more than " + inFlight + " messages unacknowledged on connection "
                    + connection);
        }
        try {
            socket.sendText(frame.text(), true).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw failed("sending failed: " + e.getCause());
        } catch (TimeoutException e) {
            throw failed("the server read nothing for " + ACK_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted");
        }
    }

    private void acquireWindow() throws BenchException {
        try {
            if (!window.tryAcquire(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw failed("no acknowledgement from the server for " + ACK_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted");
        }
        if (failure != null) {
            throw failed(failure);
        }
    }

    private void awaitAcknowledgements() throws BenchException {
        for (int i = 0; i < inFlight; i++) {
            acquireWindow();
        }
        window.release(inFlight);
    }

    private static void waitUntil(long nanos) {
        for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private BenchException failed(String why) {
        return new BenchException(BenchException.Kind.RUN_FAILED, "connection " + connection + " to /v1/events: "
                + why);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            onAcknowledgement(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    /** {@code {"ack": n, "accepted": k, "errors": [{"index": i, "error": "..."}]}} for the oldest message sent. */
    private void onAcknowledgement(String text) {
        SentFrame sent = unacknowledged.poll();
        Map<?, ?> ack;
        try {
            ack = JsonCodec.parse(text) instanceof Map<?, ?> map ? map : Map.of();
        } catch (IOException e) {
            ack = Map.of();
        }
        if (sent == null || !(ack.get("errors") instanceof List<?> errors)) {
            failure = "unexpected message from the server: " + text;
            window.release(inFlight);
            return;
        }
        int refusedEvents = 0;
        for (Object error : errors) {
            Object index = error instanceof Map<?, ?> e ? e.get("index") : null;
            if (firstRefusal == null) {
                firstRefusal = String.valueOf(error instanceof Map<?, ?> e ? e.get("error") : error);
            }
            if (index == null) {
                refusedEvents = sent.events();   // the whole message was refused
            } else if (index instanceof Number i && i.intValue() < sent.events()) {
                refusedEvents++;
            }
        }
        elementsRefused.addAndGet(errors.size());
        int accepted = sent.events() - Math.min(refusedEvents, sent.events());
        eventsAcknowledged.addAndGet(accepted);
        if (sent.measured()) {
            measuredAcknowledged.addAndGet(accepted);
            lastMeasuredAckNanos = System.nanoTime();
        }
        window.release();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closing) {
            failure = "the server closed the connection (" + statusCode + (reason.isEmpty() ? "" : ": " + reason)
                    + ")";
            window.release(inFlight);
        }
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closing) {
            failure = "the connection failed: " + error;
            window.release(inFlight);
        }
    }

    /** Closes the connection; what was sent has been acknowledged by then. */
    void close() {
        closing = true;
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench finished").get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            socket.abort();
        } catch (InterruptedException e) {
            socket.abort();
            Thread.currentThread().interrupt();
        }
    }

    long eventsSent() {
        return eventsSent;
    }

    long eventsAcknowledged() {
        return eventsAcknowledged.get();
    }

    long measuredAcknowledged() {
        return measuredAcknowledged.get();
    }

    long lastMeasuredAckNanos() {
        return lastMeasuredAckNanos;
    }

    long elementsRefused() {
        return elementsRefused.get();
    }

    /** The first reason the server gave for refusing an element, or {@code null}. */
    String firstRefusal() {
        return firstRefusal;
    }

    /** The last event timestamp sent, in milliseconds. */
    long lastTimestampMs() {
        return lastTimestampMs;
    }

    long expectedAlerts() {
        return keys.expectedAlerts();
    }
}
