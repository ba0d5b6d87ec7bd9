package dev.vigil.server.source;

import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.http.Limits;
import dev.vigil.server.http.Problems;
import dev.vigil.server.http.RulesApi;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.sequencer.Ingest;
import dev.vigil.server.sequencer.MemoryGuard;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.wire.BatchId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * {@code POST /v1/events}: NDJSON, one event or {@code {"watermark": ts}} per line, parsed exactly as
 * {@code vigil run} parses its input, or a JSON array of them (a body whose first non-blank character is {@code [},
 * as on the WebSocket). Bad lines (elements) are counted and the first {@link EventFrame#MAX_LISTED_ERRORS} are
 * reported with their line numbers, so the answer stays small whatever the body holds; the good ones are offered to
 * the sequencer as one batch of the request's {@link Source}, in order, or not at all when its queue is full, the
 * heap is nearly full ({@link MemoryGuard}) or the ingest log cannot take them (a failed write, a data folder below
 * its free-space reserve): 503 with the reason, nothing accepted. The 202 is sent once the batch is in the ingest
 * log, flushed to disk first when the acknowledgement policy says so.
 *
 * <p>A client names its batch with the header {@code X-Vigil-Batch: <producer>:<sequence>} ({@link BatchId}) or
 * by sending it as {@code {"batch": ..., "events": [...]}}: a batch taken before is answered 202 with
 * {@code "duplicate": true} and not taken again.
 *
 * <p>The body is parsed on a worker thread (a 4 MiB body takes milliseconds); the parsed batch is then offered back
 * on the event loop. Requests
 * are sources of event time named by {@code ?source=}, by default all one source, {@code http}; a client posting
 * from several processes should name each, so a slow one holds the watermark back instead of making a fast one's
 * events late. At most {@link #MAX_HTTP_SOURCES} names are tracked.
 *
 * <p><b>Threading:</b> {@link #post} and the answers on the server's event loop; parsing on a worker.
 */
public final class EventsApi {
    static final int MAX_HTTP_SOURCES = 256;
    static final String DEFAULT_SOURCE = "http";
    /** The header that names a batch. */
    public static final String BATCH_HEADER = "X-Vigil-Batch";

    private final Vertx vertx;
    private final RuleRegistry registry;
    private final SequencerProxy ingest;
    private final IntConsumer malformedLines;
    private final Map<String, Source> sources = new HashMap<>();
    private int maxEventsPerBatch = ServerConfig.DEFAULT_MAX_EVENTS_PER_BATCH;

    /** @param malformedLines counts input lines rejected as malformed (the server's metrics) */
    public EventsApi(Vertx vertx, RuleRegistry registry, SequencerProxy ingest, IntConsumer malformedLines) {
        this.vertx = vertx;
        this.registry = registry;
        this.ingest = ingest;
        this.malformedLines = malformedLines;
    }

    public void post(RoutingContext ctx) {
        String name = EventSocket.sourceName(ctx, DEFAULT_SOURCE);
        if (name == null) {
            return;
        }
        Source source = sources.get(name);
        if (source == null) {
            if (sources.size() >= MAX_HTTP_SOURCES) {
                Problems.send(ctx, 429, Problems.error("too many HTTP event sources (" + MAX_HTTP_SOURCES
                        + "); reuse a source name or stream over the WebSocket").put("parameter", "source"));
                return;
            }
            source = Source.open(ingest, name, vertx.getOrCreateContext());
            if (source == null) {
                RulesApi.busy(ctx);
                return;
            }
            sources.put(name, source);
        }
        String header = ctx.request().getHeader(BATCH_HEADER);
        BatchId named = null;
        if (header != null) {
            try {
                named = BatchId.parse(header.strip());
            } catch (IllegalArgumentException malformed) {
                Problems.send(ctx, 400, Problems.error("header " + BATCH_HEADER + ": " + malformed.getMessage())
                        .put("header", BATCH_HEADER).put("accepted", 0));
                return;
            }
        }
        BatchId headerName = named;
        String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
        EventDecoder decoder = registry.decoder();
        Source from = source;
        boolean array = EventFrame.holdsArray(body);
        vertx.executeBlocking(() -> EventFrame.parse(body, decoder), false).onSuccess(frame -> {
            if (!frame.errors().isEmpty() && frame.errors().get(0).index() < 0) {
                malformedLines.accept(1);   // a JSON array that does not parse: nothing of it is usable
                Problems.send(ctx, 400, Problems.error(frame.errors().get(0).error()).put("accepted", 0));
                return;
            }
            if (headerName != null && frame.name() != null && !headerName.equals(frame.name())) {
                Problems.send(ctx, 400, Problems.error("the body names batch " + frame.name() + " and header "
                        + BATCH_HEADER + " names " + headerName + ": name the batch once").put("accepted", 0));
                return;
            }
            EventFrame parsed = headerName != null ? frame.named(headerName) : frame;
            boolean indexed = array || frame.name() != null;   // a named batch's elements are an array's
            if (parsed.batch().size() > maxEventsPerBatch) {
                Problems.send(ctx, 413, Limits.exceeded("the request holds " + parsed.batch().size()
                        + " events and watermarks; the limit is " + maxEventsPerBatch + " per batch",
                        "maxEventsPerBatch", maxEventsPerBatch, parsed.batch().size()));
                return;
            }
            if (parsed.batch().isEmpty()) {
                answer(ctx, parsed, indexed, Source.Outcome.NOTHING);
                return;
            }
            Ingest.Result result = from.offer(parsed.name(), parsed.batch(),
                    outcome -> answer(ctx, parsed, indexed, outcome));
            if (result == null) {
                return;   // queued: answered once accepted or refused
            }
            if (result.refused() != null) {
                ctx.response().putHeader("Retry-After", "" + MemoryGuard.RETRY_AFTER_SECONDS);
                Problems.send(ctx, 503, Problems.error(result.refused()).put("accepted", 0)
                        .put("errors", parsed.errors()));
                return;
            }
            RulesApi.busy(ctx);
        }).onFailure(ctx::fail);
    }

    /** 202 once the batch is accepted (as durable as the acknowledgement policy asks), 503 when it was refused. */
    private void answer(RoutingContext ctx, EventFrame parsed, boolean array, Source.Outcome outcome) {
        if (parsed.refused() > 0) {
            malformedLines.accept(parsed.refused());
        }
        JsonArray errors = errors(parsed, array);
        if (outcome.refused() != null) {
            Problems.send(ctx, 503, Problems.error(outcome.refused()).put("accepted", 0)
                    .put("refused", parsed.refused()).put("errors", errors));
            return;
        }
        JsonObject accepted = new JsonObject()
                .put("accepted", parsed.batch().size()).put("late", outcome.late())
                .put("unrouted", outcome.unrouted()).put("unroutedStreams", new JsonArray(outcome.unroutedStreams()))
                .put("refused", parsed.refused()).put("errors", errors);
        if (parsed.name() != null) {
            accepted.put("batch", parsed.name().toString()).put("duplicate", outcome.duplicate());
        }
        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(accepted.encode());
    }

    /** Sets how many events and watermarks one request may hold; a larger one is refused whole with 413. */
    public void limitBatch(int max) {
        maxEventsPerBatch = max;
    }

    /**
     * The refused elements the answer lists (at most {@link EventFrame#MAX_LISTED_ERRORS}): lines numbered from 1,
     * or the elements of a JSON array by their {@code index} from 0 (as the WebSocket lists them).
     */
    private static JsonArray errors(EventFrame parsed, boolean array) {
        JsonArray errors = new JsonArray();
        for (EventFrame.ElementError error : parsed.errors()) {
            errors.add(array ? new JsonObject().put("index", error.index()).put("error", error.error())
                    : new JsonObject().put("line", error.index() + 1).put("error", error.error()));
        }
        return errors;
    }
}
