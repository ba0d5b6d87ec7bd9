package dev.vigil.server;

import dev.vigil.wire.InputLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * {@code POST /v1/events}: NDJSON, one event or {@code {"watermark": ts}} per line, parsed exactly as
 * {@code vigil run} parses its input. Bad lines are reported with their line numbers; the good ones go to the
 * shard as one batch, in order, or not at all when its queue is full (503, nothing accepted).
 *
 * <p>Each event gets the next number of a server-wide sequence, which orders timestamp ties and makes alert ids
 * deterministic for a given order of arrival.
 *
 * <p><b>Not thread-safe:</b> runs on the server's event loop.
 */
final class EventsApi {
    private final RuleRegistry registry;
    private final Shard shard;
    private final IntConsumer malformedLines;
    private long sequence;
    private int maxEventsPerBatch = ServerConfig.DEFAULT_MAX_EVENTS_PER_BATCH;

    /** @param malformedLines counts input lines rejected as malformed (the server's metrics) */
    EventsApi(RuleRegistry registry, Shard shard, IntConsumer malformedLines) {
        this.registry = registry;
        this.shard = shard;
        this.malformedLines = malformedLines;
    }

    void post(RoutingContext ctx) {
        String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
        List<InputLine> batch = new ArrayList<>();
        JsonArray errors = new JsonArray();
        long firstSequence = sequence;
        int lineNumber = 0;
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                end = body.length();
            }
            lineNumber++;
            String text = body.substring(start, end > start && body.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            InputLine line = InputLine.parse(text, sequence + 1, registry.decoder());
            if (line instanceof InputLine.Malformed malformed) {
                errors.add(new JsonObject().put("line", lineNumber).put("error", malformed.message()));
            } else if (line instanceof InputLine.EventLine) {
                sequence++;
                batch.add(line);
            } else if (line instanceof InputLine.WatermarkLine) {
                batch.add(line);
            }
        }
        if (batch.size() > maxEventsPerBatch) {
            sequence = firstSequence;
            Problems.send(ctx, 413, Limits.exceeded("the request holds " + batch.size() + " events and watermarks; "
                    + "the limit is " + maxEventsPerBatch + " per batch", "maxEventsPerBatch", maxEventsPerBatch,
                    batch.size()));
            return;
        }
        if (!batch.isEmpty() && !shard.submit(new ShardCommand.Ingest(batch))) {
            sequence = firstSequence;
            RulesApi.busy(ctx);
            return;
        }
        if (!errors.isEmpty()) {
            malformedLines.accept(errors.size());
        }
        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("accepted", batch.size()).put("errors", errors).encode());
    }

    /** Sets how many events and watermarks one request may hold; a larger one is refused whole with 413. */
    void limitBatch(int max) {
        maxEventsPerBatch = max;
    }

    /** Numbers an event from another source (the WebSocket) in the same server-wide sequence. */
    long claimSequence() {
        return ++sequence;
    }
}
