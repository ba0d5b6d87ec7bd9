package dev.vigil.server;

import dev.vigil.nfa.Alert;
import dev.vigil.wire.JsonCodec;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Fans alerts out to WebSocket subscribers ({@code /v1/alerts?rule=...}), one alert per text frame.
 *
 * <p>{@link #publish} is called on a shard thread: it renders the alert's JSON there (keeping the work off the
 * event loop) and hands the text to the event loop with {@code runOnContext}, never blocking. A subscriber
 * whose write queue is full is disconnected with a reason rather than buffered without bound. On the event loop,
 * each alert is first appended to the {@link AlertLog} (for {@code GET /v1/alerts?since=}) and counted in the
 * {@link ServerMetrics}, with its event-to-alert latency measured at that moment.
 *
 * <p><b>Threading:</b> {@link #publish} from any thread; everything else on the server's event loop.
 */
final class AlertHub implements AlertSink {
    /** WebSocket close code 1008 (policy violation), used for subscribers that cannot keep up. */
    static final short TOO_SLOW = 1008;

    private final Context context;
    private final AlertLog log;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final List<Subscriber> subscribers = new ArrayList<>();

    private record Subscriber(ServerWebSocket socket, String rule) {}

    AlertHub(Context context, AlertLog log, ServerMetrics metrics, Clock clock) {
        this.context = context;
        this.log = log;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void publish(Alert alert) {
        publish(alert, AcceptTimes.UNKNOWN);
    }

    @Override
    public void publish(Alert alert, long lastEventAcceptedNanos) {
        String json = JsonCodec.alert(alert);
        context.runOnContext(ignored -> push(alert, lastEventAcceptedNanos, json));
    }

    /** Registers a subscriber; {@code rule} null means every rule. */
    void subscribe(ServerWebSocket socket, String rule) {
        Subscriber subscriber = new Subscriber(socket, rule);
        subscribers.add(subscriber);
        socket.closeHandler(ignored -> subscribers.remove(subscriber));
        socket.exceptionHandler(ignored -> subscribers.remove(subscriber));
    }

    int subscriberCount() {
        return subscribers.size();
    }

    private void push(Alert alert, long lastEventAcceptedNanos, String json) {
        log.append(alert.rule(), clock.millis(), json);
        metrics.onAlertPushed(alert, lastEventAcceptedNanos, System.nanoTime());
        fanOut(alert.rule(), json);
    }

    private void fanOut(String rule, String json) {
        for (int i = subscribers.size() - 1; i >= 0; i--) {
            Subscriber subscriber = subscribers.get(i);
            if (subscriber.rule != null && !subscriber.rule.equals(rule)) {
                continue;
            }
            if (subscriber.socket.writeQueueFull()) {
                subscribers.remove(i);
                subscriber.socket.close(TOO_SLOW, "alert subscriber too slow: its buffer is full");
                continue;
            }
            subscriber.socket.writeTextMessage(json);
        }
    }
}
