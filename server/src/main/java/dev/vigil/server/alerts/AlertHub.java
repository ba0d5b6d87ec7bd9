package dev.vigil.server.alerts;

import dev.vigil.nfa.Alert;
import dev.vigil.server.log.AlertFilter;
import dev.vigil.server.log.AlertLog;
import dev.vigil.server.log.AlertLogException;
import dev.vigil.server.metrics.ServerMetrics;
import dev.vigil.server.shard.AcceptTimes;
import dev.vigil.server.shard.AlertSink;
import dev.vigil.wire.JsonCodec;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans alerts out to live subscribers, each with its {@link AlertFilter}: WebSocket ({@code /v1/alerts?rule=...}),
 * one alert per text frame, and Server-Sent Events ({@code /v1/alerts/stream}), one event per alert.
 *
 * <p>{@link #publish} is called on a shard thread: it renders the alert's JSON there (keeping the work off the
 * event loop) and hands the text to the event loop through a bounded {@link AlertHandoff} (when the event loop
 * falls behind, the shard waits, which slows the intake; nothing is dropped and memory stays bounded). A subscriber
 * whose write queue is full is disconnected with a reason rather than buffered without bound. On the event loop,
 * each alert is first appended to the {@link AlertLog} (for {@code GET /v1/alerts?since=}) and counted in the
 * {@link ServerMetrics}, with its event-to-alert latency measured at that moment.
 *
 * <p>An alert the alert log cannot write (its disk is full) is not emitted: it stays first in the handoff, with
 * every alert and checkpoint marker behind it, and is offered to the log again until it takes it ({@link
 * #refusal} says so meanwhile, for {@code /ready}). The handoff's bound then makes the shards wait: alerts are held,
 * never dropped, and no checkpoint completes past an alert the log lacks. At a stop while the log still refuses,
 * the held alerts are given up: their events are in the ingest log after the last checkpoint, so the next start
 * regenerates them.
 *
 * <p><b>Threading:</b> {@link #publish} from any thread; everything else on the server's event loop.
 */
public final class AlertHub implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(AlertHub.class);

    /** A subscription's resume point when none was given: alerts from now on. */
    public static final long FROM_NOW = -1;

    /** WebSocket close code 1008 (policy violation), used for subscribers that cannot keep up. */
    static final short TOO_SLOW = 1008;

    private final AlertLog log;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private SinkRouter sinks;

    /** Logged alerts read per step when a subscriber resumes. */
    private static final int CATCH_UP_BATCH = 1_000;

    /** Alerts waiting for the event loop at most; each holds its rendered JSON. */
    static final int HANDOFF_CAPACITY = 16_384;

    private final AlertHandoff<Handed> handoff;
    /** Why the alert log refuses alerts, or null while it takes them. Written on the event loop. */
    private volatile String logRefusal;
    private boolean stopping;

    private record Subscriber(AlertChannel channel, AlertFilter filter) {}

    /** What a shard hands to the event loop, in order. */
    private sealed interface Handed {}

    /** An alert rendered on its shard's thread, waiting for the event loop. */
    private record Rendered(Alert alert, String key, long lastEventAcceptedNanos, String json) implements Handed {}

    /** An action to run once the alerts handed before it have been logged (a checkpoint's barrier). */
    private record Marker(Runnable action) implements Handed {}

    public AlertHub(Context context, AlertLog log, ServerMetrics metrics, Clock clock) {
        this.log = log;
        this.metrics = metrics;
        this.clock = clock;
        this.handoff = new AlertHandoff<>(context, HANDOFF_CAPACITY,
                this::take,
                bug -> LOG.error("internal error pushing an alert: {}", bug.toString(), bug));
        Gauge.builder("vigil.alert.subscribers", this, AlertHub::subscriberCount)
                .description("Live alert subscribers (WebSocket and Server-Sent Events)")
                .strongReference(true)
                .register(metrics.registry());
        Gauge.builder("vigil.alerts.pending", this, AlertHub::pendingAlerts)
                .description("Alerts rendered by the shards, waiting for the event loop to log and push them")
                .strongReference(true)
                .register(metrics.registry());
        Gauge.builder("vigil.alert.log.refusing", this, refusing -> refusing.refusal() == null ? 0 : 1)
                .description("1 while the alert log refuses alerts (its disk full): alerts are held, else 0")
                .strongReference(true)
                .register(metrics.registry());
    }

    @Override
    public void publish(Alert alert) {
        publish(alert, AcceptTimes.UNKNOWN);
    }

    @Override
    public void publish(Alert alert, long lastEventAcceptedNanos) {
        Rendered rendered = new Rendered(alert, AlertFilter.keyText(alert.key()), lastEventAcceptedNanos,
                JsonCodec.alert(alert));
        try {
            handoff.put(rendered);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();   // the shard is being stopped; its thread sees the flag
        }
    }

    @Override
    public void afterEarlierAlerts(Runnable action) {
        try {
            handoff.put(new Marker(action));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();   // the shard is being stopped: the checkpoint is abandoned
        }
    }

    /** False when the alert log refused the alert: it is kept, first in line, for the next try. */
    private boolean take(Handed handed) {
        if (handed instanceof Rendered rendered) {
            return push(rendered.alert, rendered.key, rendered.lastEventAcceptedNanos, rendered.json);
        } else if (handed instanceof Marker marker) {
            marker.action.run();
            return true;
        } else {
            throw new AssertionError(handed);
        }
    }

    /**
     * The server is stopping: alerts still go to the log, but if it refuses them now or later, the held ones are
     * given up (and the shards no longer wait for room) instead of holding the stop. On the event loop.
     */
    public void stopping() {
        stopping = true;
        if (logRefusal != null) {
            abandonHeld();
        }
    }

    /** Completes once every alert the shards handed over has been pushed, or given up; after the shards stopped. */
    public Future<Void> whenPushed(Vertx vertx) {
        return handoff.whenEmpty(vertx);
    }

    /**
     * Why alerts are held instead of emitted (the alert log refuses them), with how many are held; null while the
     * log takes them. Any thread.
     */
    public String refusal() {
        String refused = logRefusal;
        return refused == null ? null : refused + "; " + handoff.depth()
                + " alert(s) held in memory until the alert log takes them (the shards wait once "
                + HANDOFF_CAPACITY + " are held)";
    }

    /** Alerts rendered by the shards and not yet pushed by the event loop. */
    public int pendingAlerts() {
        return handoff.depth();
    }

    /** Also sends every alert to its rule's sinks (webhooks, files, the log). */
    public void sendTo(SinkRouter router) {
        sinks = router;
    }

    /** Registers a subscriber; {@code rule} null means every rule. */
    public void subscribe(ServerWebSocket socket, String rule) {
        subscribe(new AlertChannel.WebSocket(socket), AlertFilter.ofRule(rule));
    }

    /** Registers a WebSocket subscriber receiving the alerts that pass {@code filter}. */
    public void subscribe(ServerWebSocket socket, AlertFilter filter) {
        subscribe(socket, filter, FROM_NOW);
    }

    /**
     * Registers a WebSocket subscriber, first sending it the logged alerts numbered above {@code afterNumber}
     * ({@link #FROM_NOW}: none): both on the event loop, so the resumed stream has no gap and no repeat.
     */
    public void subscribe(ServerWebSocket socket, AlertFilter filter, long afterNumber) {
        subscribe(new AlertChannel.WebSocket(socket), filter, afterNumber);
    }

    /** Registers a Server-Sent Events subscriber; the caller has already sent the response's headers. */
    public void subscribe(HttpServerRequest request, AlertFilter filter, long afterNumber) {
        subscribe(new AlertChannel.EventStream(request), filter, afterNumber);
    }

    private void subscribe(AlertChannel channel, AlertFilter filter) {
        subscribe(channel, filter, FROM_NOW);
    }

    private void subscribe(AlertChannel channel, AlertFilter filter, long afterNumber) {
        long next = afterNumber;
        while (next >= 0) {
            List<AlertLog.LoggedAlert> missed = log.afterId(next, CATCH_UP_BATCH, filter);
            for (AlertLog.LoggedAlert alert : missed) {
                channel.send(alert.alertId(), alert.json());
            }
            next = missed.size() < CATCH_UP_BATCH ? -1 : missed.get(missed.size() - 1).id();
        }
        Subscriber subscriber = new Subscriber(channel, filter);
        subscribers.add(subscriber);
        channel.whenGone(() -> subscribers.remove(subscriber));
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    private boolean push(Alert alert, String key, long lastEventAcceptedNanos, String json) {
        if (log.contains(alert.id())) {
            metrics.onAlertSuppressed();   // regenerated by a replay after a restart: already emitted once
            return true;
        }
        try {
            log.append(alert.id(), alert.rule(), alert.severity(), key, clock.millis(), json);
        } catch (AlertLogException refused) {
            if (logRefusal == null) {
                LOG.warn("alert log write failed: " + refused.getMessage() + "; alerts are held in memory until it "
                        + "takes them again");
            }
            logRefusal = refused.getMessage();
            if (stopping) {
                abandonHeld();
            }
            return false;
        }
        if (logRefusal != null) {
            logRefusal = null;
            LOG.info("the alert log takes alerts again; " + handoff.depth() + " held alert(s) follow");
        }
        metrics.onAlertPushed(alert, lastEventAcceptedNanos, System.nanoTime());
        if (sinks != null) {
            sinks.deliver(alert, json);
        }
        fanOut(alert, key, json);
        return true;
    }

    private void abandonHeld() {
        int dropped = handoff.abandon();
        LOG.warn("stopping with " + dropped + " alert(s) the alert log did not take: the next start regenerates them "
                + "from the ingest log");
    }

    private void fanOut(Alert alert, String key, String json) {
        for (int i = subscribers.size() - 1; i >= 0; i--) {
            Subscriber subscriber = subscribers.get(i);
            if (!subscriber.filter.matches(alert.rule(), alert.severity(), key)) {
                continue;
            }
            if (subscriber.channel.writeQueueFull()) {
                subscribers.remove(i);
                subscriber.channel.disconnect("alert subscriber too slow: its buffer is full");
                metrics.onSlowSubscriber();
                continue;
            }
            subscriber.channel.send(alert.id(), json);
        }
    }
}
