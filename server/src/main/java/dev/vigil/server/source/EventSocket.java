package dev.vigil.server.source;

import dev.vigil.server.http.AccessLog;
import dev.vigil.server.http.Problems;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.sequencer.SequencerProxy;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

/**
 * The {@code /v1/events} WebSocket: upgrades the request and gives each client its own {@link EventConnection},
 * which streams the client's frames into the {@link Ingest} and acknowledges each one.
 *
 * <p>Each connection is a source of event time of its own (its watermark holds back the streams it feeds until it
 * goes idle or disconnects), named by the optional {@code ?source=} query parameter, else {@code ws-<n>}.
 *
 * <p><b>Threading:</b> runs on the server's event loop, like every connection it opens.
 */
public final class EventSocket {
    /** What a source name may look like: it shows up in logs and metrics. */
    static final Pattern SOURCE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** WebSocket close code 1013, try again later: the sequencer's queue was full at the connect. */
    static final short TRY_AGAIN_LATER = 1013;

    private final Vertx vertx;
    private final RuleRegistry registry;
    private final SequencerProxy ingest;
    private final int frameLimitBytes;
    private final IntConsumer malformedElements;
    private final int maxEventsPerBatch;
    private long connections;

    /**
     * @param malformedElements counts elements rejected as malformed (the server's metrics)
     * @param maxEventsPerBatch events and watermarks one message may hold; a larger message is refused whole
     */
    public EventSocket(Vertx vertx, RuleRegistry registry, SequencerProxy ingest, int frameLimitBytes,
            IntConsumer malformedElements, int maxEventsPerBatch) {
        this.vertx = vertx;
        this.registry = registry;
        this.ingest = ingest;
        this.frameLimitBytes = frameLimitBytes;
        this.malformedElements = malformedElements;
        this.maxEventsPerBatch = maxEventsPerBatch;
    }

    public void connect(RoutingContext ctx) {
        if (!ctx.request().canUpgradeToWebSocket()) {
            Problems.send(ctx, 400, Problems.error("GET /v1/events is a WebSocket: connect with a WebSocket client,"
                    + " or POST the events as NDJSON"));
            return;
        }
        String source = sourceName(ctx, "ws-" + ++connections);
        if (source == null) {
            return;
        }
        ctx.request().toWebSocket().onSuccess(socket -> {
            AccessLog.upgraded(ctx);
            Source opened = Source.open(ingest, source, vertx.getOrCreateContext());
            if (opened == null) {
                socket.close(TRY_AGAIN_LATER, "the server is busy; connect again shortly");
                return;
            }
            new EventConnection(vertx, socket, registry, opened, frameLimitBytes, malformedElements,
                    maxEventsPerBatch).start();
        });
    }

    /** The {@code source} query parameter, or {@code fallback}; answers 400 and returns null when it is malformed. */
    static String sourceName(RoutingContext ctx, String fallback) {
        String source = ctx.queryParams().get("source");
        if (source == null) {
            return fallback;
        }
        if (!SOURCE_NAME.matcher(source).matches()) {
            Problems.send(ctx, 400, Problems.error("query parameter 'source' must be 1 to 64 letters, digits, "
                    + "'.', '_', ':' or '-'").put("parameter", "source"));
            return null;
        }
        return source;
    }
}
