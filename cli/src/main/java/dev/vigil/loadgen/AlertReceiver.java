package dev.vigil.loadgen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Subscribes to the bench rule's alerts ({@code /v1/alerts?rule=bench_seq}) and records, for each, the time from
 * the intended sending of the frame holding its last event to the alert's arrival, in microseconds, in an
 * HdrHistogram. The sending time travels in the event ({@code s}) and back in the alert ({@code fields.sent}),
 * so nothing needs to be remembered per frame.
 *
 * <p>Only alerts whose frame was meant to be sent after the warm-up are recorded; every alert is counted.
 *
 * <p><b>Threading:</b> the listener methods run on the HTTP client's threads, one at a time; the counters and the
 * histogram are read from any thread.
 */
final class AlertReceiver implements WebSocket.Listener {
    /** Latencies above an hour are recorded as an hour; an alert that late is a failed run anyway. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    private static final JsonFactory JSON = new JsonFactory();

    private volatile long runStartNanos;
    private volatile long measuredFromNanos;
    private final Histogram latencyMicros = new Histogram(HIGHEST_MICROS, 3);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile String failure;
    private WebSocket socket;

    private AlertReceiver() {}

    /** Subscribes; returns once the server has accepted the subscription. Call {@link #start} before sending. */
    static AlertReceiver connect(HttpClient http, ServerEndpoint server) throws BenchException {
        AlertReceiver receiver = new AlertReceiver();
        try {
            receiver.socket = server.address().open(http, "/v1/alerts", Map.of("rule", BenchRule.NAME), receiver)
                    .get(RulesClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw server.unreachable("the WebSocket /v1/alerts", e instanceof ExecutionException ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(BenchException.Kind.RUN_FAILED, "interrupted while subscribing to alerts");
        }
        return receiver;
    }

    /**
     * Sets the run's clock before the first event is sent.
     *
     * @param runStartNanos {@link System#nanoTime()} at which the run's clock reads 0 (events' {@code s} count from it)
     * @param measuredFromNanos the run's clock, in nanoseconds, at which the measured period begins
     */
    void start(long runStartNanos, long measuredFromNanos) {
        this.runStartNanos = runStartNanos;
        this.measuredFromNanos = measuredFromNanos;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        long arrivedNanos = System.nanoTime();
        if (!last) {
            partial.append(data);
        } else if (partial.length() == 0) {
            onAlert(data.toString(), arrivedNanos);
        } else {
            onAlert(partial.append(data).toString(), arrivedNanos);
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    private void onAlert(String json, long arrivedNanos) {
        long sent = sentNanos(json);
        if (sent < 0) {
            unreadable.incrementAndGet();
            return;
        }
        if (sent >= measuredFromNanos) {
            long micros = (arrivedNanos - runStartNanos - sent) / 1_000;
            synchronized (latencyMicros) {
                latencyMicros.recordValue(Math.max(0, Math.min(micros, HIGHEST_MICROS)));
            }
        }
        received.incrementAndGet();
    }

    /** The alert's {@code fields.sent}, or -1 when the text is not an alert of the bench rule. */
    static long sentNanos(String alert) {
        try (JsonParser parser = JSON.createParser(alert)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.getCurrentName();
                JsonToken value = parser.nextToken();
                if (name.equals("fields") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.getCurrentName();
                        if (parser.nextToken() == JsonToken.VALUE_NUMBER_INT && field.equals("sent")) {
                            return parser.getLongValue();
                        }
                        parser.skipChildren();
                    }
                    return -1;
                }
                parser.skipChildren();
            }
            return -1;
        } catch (IOException notAnAlert) {
            return -1;
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closing) {
            failure = "the server closed the alert subscription (" + statusCode
                    + (reason.isEmpty() ? "" : ": " + reason) + ")";
        }
        gone.complete(null);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (!closing) {
            failure = "the alert subscription failed: " + error;
        }
        gone.complete(null);
    }

    /** Alerts of the bench rule received so far. */
    long received() {
        return received.get();
    }

    /** Messages that were not an alert with a {@code sent} field (none, unless the server misbehaves). */
    long unreadable() {
        return unreadable.get();
    }

    /** Why the subscription ended early, or {@code null}. */
    String failure() {
        return failure;
    }

    /** A copy of the latencies recorded so far, in microseconds. */
    Histogram latencyMicros() {
        synchronized (latencyMicros) {
            return latencyMicros.copy();
        }
    }

    /** Closes the subscription, waiting a little for the server's answer. */
    void close() {
        closing = true;
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bench finished").get(2, TimeUnit.SECONDS);
            gone.get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            socket.abort();
        } catch (InterruptedException e) {
            socket.abort();
            Thread.currentThread().interrupt();
        }
    }
}
