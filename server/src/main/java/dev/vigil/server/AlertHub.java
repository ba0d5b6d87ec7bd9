package dev.vigil.server;

import dev.vigil.nfa.Alert;
import dev.vigil.wire.JsonCodec;
import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Fans alerts out to WebSocket subscribers ({@code /v1/alerts?rule=...}), one alert per text frame.
 *
 * <p>{@link #publish} is called on a shard thread: it renders the alert's JSON there (keeping the work off the
 * event loop) and hands the text to the event loop with {@code runOnContext}, never blocking. A subscriber
 * whose write queue is full is disconnected with a reason rather than buffered without bound.
 *
 * <p><b>Threading:</b> {@link #publish} from any thread; everything else on the server's event loop.
 */
final class AlertHub implements AlertSink {
    /** WebSocket close code 1008 (policy violation), used for subscribers that cannot keep up. */
    static final short TOO_SLOW = 1008;

    private final Context context;
    private final List<Subscriber> subscribers = new ArrayList<>();

    private record Subscriber(ServerWebSocket socket, String rule) {}

    AlertHub(Context context) {
        this.context = context;
    }

    @Override
    public void publish(Alert alert) {
        String json = JsonCodec.alert(alert);
        String rule = alert.rule();
        context.runOnContext(ignored -> fanOut(rule, json));
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
