package dev.vigil.server.http;

import dev.vigil.server.alerts.AlertHub;
import dev.vigil.server.log.AlertFilter;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/alerts/stream?rule=&severity=&key=}: live alerts as Server-Sent Events, for clients (browsers'
 * {@code EventSource}, {@code curl -N}) that would rather not speak WebSocket. The response stays open; each alert
 * that passes the {@link AlertFilter} is one event written by {@link AlertHub}.
 *
 * <p>The response starts with a comment line ({@value #OPENING}) so that a client sees the headers at once and
 * knows it is subscribed; an {@code event: warning} follows when the filter names a rule that does not run (its
 * alerts come once it is deployed). A subscriber that does not read is disconnected, as on the WebSocket.
 *
 * <p><b>Threading:</b> runs on the server's event loop.
 */
final class AlertStream {
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";
    static final String OPENING = ": subscribed\n\n";

    private AlertStream() {}

    static void open(RoutingContext ctx, AlertHub alerts, AlertsApi history) {
        AlertsApi.Subscription subscription = history.subscription(ctx);
        if (subscription == null) {
            return;
        }
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("Content-Type", CONTENT_TYPE)
                .putHeader("Cache-Control", "no-cache");
        response.write(OPENING);
        if (subscription.warning() != null) {
            response.write("event: warning\ndata: " + subscription.warningJson().encode() + "\n\n");
        }
        alerts.subscribe(ctx.request(), subscription.filter(), subscription.after());
    }
}
