package dev.vigil.server.http;

import dev.vigil.server.sequencer.ProducerWindow;
import dev.vigil.server.sequencer.SequencerProxy;
import dev.vigil.wire.BatchId;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /v1/producers/<id>}: the highest batch sequence the server took from a producer of named batches
 * ({@code X-Vigil-Batch}, {@code {"batch": ...}}), so a client that lost its acknowledgements (it crashed, the
 * connection dropped) knows where to resume: {@code {"producer": id, "sequence": n, "position": p}}, where {@code p}
 * is the batch's position in the ingest log. 404 when the server remembers no batch of it (it sent none, or was
 * forgotten for the {@code maxProducers} bound).
 *
 * <p><b>Threading:</b> asked on the event loop, answered by the sequencer's thread, sent back on the event loop.
 */
final class ProducersApi {
    private final Vertx vertx;
    private final SequencerProxy ingest;

    ProducersApi(Vertx vertx, SequencerProxy ingest) {
        this.vertx = vertx;
        this.ingest = ingest;
    }

    void get(RoutingContext ctx) {
        String producer = ctx.pathParam("id");
        if (!BatchId.PRODUCER.matcher(producer).matches()) {
            Problems.send(ctx, 400, Problems.error("a producer id is " + BatchId.PRODUCER_RULE).put("parameter", "id"));
            return;
        }
        CompletableFuture<ProducerWindow.Mark> asked = ingest.producer(producer);
        if (asked == null) {
            RulesApi.busy(ctx);
            return;
        }
        Context context = vertx.getOrCreateContext();
        asked.whenComplete((mark, failure) -> context.runOnContext(ignored -> {
            if (failure != null) {
                ctx.fail(failure);
            } else if (mark == null) {
                Problems.send(ctx, 404, Problems.error("no batch of producer '" + producer + "' is remembered: it "
                        + "sent none, or it was forgotten (the server remembers the maxProducers most recently "
                        + "active producers)").put("producer", producer));
            } else {
                ctx.response().putHeader("Content-Type", "application/json").end(new JsonObject()
                        .put("producer", producer).put("sequence", mark.sequence()).put("position", mark.position())
                        .encode());
            }
        }));
    }
}
