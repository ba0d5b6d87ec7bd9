package dev.vigil.server;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The {@code /v1/events} WebSocket: upgrades the request and gives each client its own {@link EventConnection},
 * which streams the client's frames into the shard and acknowledges each one.
 *
 * <p><b>Threading:</b> runs on the server's event loop, like every connection it opens.
 */
final class EventSocket {
    private final Vertx vertx;
    private final RuleRegistry registry;
    private final Shard shard;
    private final LongSupplier sequences;
    private final int frameLimitBytes;
    private final IntConsumer malformedElements;
    private final int maxEventsPerBatch;

    /**
     * @param sequences numbers events in the server-wide sequence shared with {@code POST /v1/events}
     * @param malformedElements counts elements rejected as malformed (the server's metrics)
     * @param maxEventsPerBatch events and watermarks one message may hold; a larger message is refused whole
     */
    EventSocket(Vertx vertx, RuleRegistry registry, Shard shard, LongSupplier sequences, int frameLimitBytes,
            IntConsumer malformedElements, int maxEventsPerBatch) {
        this.vertx = vertx;
        this.registry = registry;
        this.shard = shard;
        this.sequences = sequences;
        this.frameLimitBytes = frameLimitBytes;
        this.malformedElements = malformedElements;
        this.maxEventsPerBatch = maxEventsPerBatch;
    }

    void connect(RoutingContext ctx) {
        if (!ctx.request().canUpgradeToWebSocket()) {
            Problems.send(ctx, 400, Problems.error("GET /v1/events is a WebSocket: connect with a WebSocket client,"
                    + " or POST the events as NDJSON"));
            return;
        }
        ctx.request().toWebSocket().onSuccess(socket -> new EventConnection(vertx, socket, registry, shard,
                sequences, frameLimitBytes, malformedElements, maxEventsPerBatch).start());
    }
}
