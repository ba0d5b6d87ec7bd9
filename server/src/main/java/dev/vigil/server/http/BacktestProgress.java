package dev.vigil.server.http;

import dev.vigil.server.backtest.Backtest;
import dev.vigil.server.backtest.TimeRange;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answer of a {@code POST /v1/backtest} that asked for progress ({@code Accept: application/x-ndjson}): one JSON
 * line ({@code "type": "progress"}) when the replay starts and then about every {@link #EVERY_NANOS} (events read,
 * the part of the log read, alerts so far, elapsed), and the answer a plain request gets as the last line, with
 * {@code "type": "result"}. What is decided before the replay starts (a text that does not compile, a busy slot) is
 * answered with its status as for a plain request; a failure during the replay ends the stream with a line of
 * {@code "type": "error"}.
 *
 * <p>Progress lines are advisory: one that finds the connection's write queue full (a client that does not read) is
 * left out, so a slow client costs no memory; the result line is always written.
 *
 * <p><b>Threading:</b> {@link #offer} on the replaying worker, which hands each line to the request's event loop;
 * everything else on that event loop.
 */
final class BacktestProgress {
    private static final Logger LOG = LoggerFactory.getLogger(BacktestProgress.class);

    /** How often a replay tells where it is. */
    static final long EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The media type of a streamed answer. */
    static final String NDJSON = "application/x-ndjson";

    private final RoutingContext ctx;
    private final Context context;
    private final TimeRange range;
    /** Lines offered by the replaying worker, written in order from the event loop by {@link #drain}. */
    private final ConcurrentLinkedQueue<String> pending = new ConcurrentLinkedQueue<>();
    /** Set by the worker at the first line: before the replay's outcome reaches the event loop. */
    private volatile boolean offered;
    private boolean started;

    BacktestProgress(RoutingContext ctx, TimeRange range) {
        this.ctx = ctx;
        this.context = ctx.vertx().getOrCreateContext();
        this.range = range;
    }

    /** Whether the request asks for progress lines. */
    static boolean asked(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains(NDJSON);
    }

    /**
     * Whether the replay began, so the answer is a stream: its first line was offered. The worker offers it before
     * the replay's outcome is handed to the event loop, so this holds when the outcome arrives, even where the task
     * that writes the line has not run yet (then {@link #end} writes it first).
     */
    boolean started() {
        return offered;
    }

    /** On the replaying worker: sends {@code progress} as a line, from the event loop. */
    void offer(Backtest.Progress progress) {
        pending.add(line(progress, range));
        offered = true;
        context.runOnContext(ignored -> drain());
    }

    /** On the event loop: writes the lines offered so far, in order. */
    private void drain() {
        for (String line = pending.poll(); line != null; line = pending.poll()) {
            write(line);
        }
    }

    /** Ends the stream with the answer a plain request gets ({@code null}: an outcome that is not a replay). */
    void end(String answer) {
        drain();
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (answer == null) {
            response.end(Problems.error("the backtest ended without a result").put("type", "error").encode() + "\n");
            return;
        }
        response.end("{\"type\":\"result\"," + answer.substring(1) + "\n");
    }

    /** Ends the stream with an error line; the details go to the log under an id the line names. */
    void fail(Throwable failure) {
        drain();
        String logId = UUID.randomUUID().toString();
        LOG.error("internal error {} on POST /v1/backtest: {}", logId, failure.toString(), failure);
        HttpServerResponse response = ctx.response();
        if (!response.ended() && !response.closed()) {
            response.end(Problems.error("internal error; the server log has the details").put("type", "error")
                    .put("logId", logId).encode() + "\n");
        }
    }

    private void write(String line) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (!started) {
            started = true;
            response.setStatusCode(200).setChunked(true).putHeader("Content-Type", NDJSON);
        } else if (response.writeQueueFull()) {
            return;
        }
        response.write(line);
    }

    /**
     * A progress line: {@code eventsRead}, {@code eventsReplayed}, {@code alerts}, {@code recordsRead} of
     * {@code records}, {@code fraction} (of the log's records read), {@code eventTime} (of the last event read, ISO
     * 8601, null before the first), {@code rangeFraction} (where that time is in a range bounded on both sides, else
     * null) and {@code elapsedMs}.
     */
    static String line(Backtest.Progress progress, TimeRange range) {
        boolean any = progress.eventTimeMs() != Long.MIN_VALUE;
        Double inRange = null;
        if (any && range.hasFrom() && range.hasTo() && range.toMs() > range.fromMs()) {
            double part = (double) (progress.eventTimeMs() - range.fromMs()) / (range.toMs() - range.fromMs());
            inRange = Math.max(0, Math.min(1, part));
        }
        return new JsonObject().put("type", "progress").put("eventsRead", progress.eventsRead())
                .put("eventsReplayed", progress.eventsReplayed()).put("alerts", progress.alerts())
                .put("recordsRead", progress.recordsRead()).put("records", progress.records())
                .put("fraction", progress.fraction())
                .put("eventTime", any ? Instant.ofEpochMilli(progress.eventTimeMs()).toString() : null)
                .put("rangeFraction", inRange)
                .put("elapsedMs", TimeUnit.NANOSECONDS.toMillis(progress.elapsedNanos())).encode() + "\n";
    }
}
