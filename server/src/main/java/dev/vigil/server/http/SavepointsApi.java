package dev.vigil.server.http;

import dev.vigil.server.checkpoint.Checkpoint;
import dev.vigil.server.checkpoint.CheckpointFormat;
import dev.vigil.server.checkpoint.CheckpointStats;
import dev.vigil.server.checkpoint.CheckpointStore;
import dev.vigil.server.checkpoint.Checkpointer;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * {@code /v1/savepoints} and {@code /v1/checkpoints}: savepoints are checkpoints taken on request under a name and
 * kept until deleted ({@code vigil serve --from-savepoint NAME} starts from one); checkpoints are taken every
 * interval and only described here. File work runs on workers, never on the event loop.
 */
final class SavepointsApi {
    private final Vertx vertx;
    private final CheckpointStore store;
    private final Checkpointer checkpointer;

    /** {@code store} and {@code checkpointer} are null for a server without a data folder. */
    SavepointsApi(Vertx vertx, CheckpointStore store, Checkpointer checkpointer) {
        this.vertx = vertx;
        this.store = store;
        this.checkpointer = checkpointer;
    }

    /** {@code POST /v1/savepoints} with {@code {"name": "..."}}: 201 once the savepoint is on disk. */
    void create(RoutingContext ctx) {
        if (noDataFolder(ctx)) {
            return;
        }
        String name;
        try {
            JsonObject body = ctx.body().asJsonObject();
            Object value = body == null ? null : body.getValue("name");
            if (value != null && !(value instanceof String)) {
                Problems.send(ctx, 400, Problems.error("field 'name' must be a string").put("field", "name"));
                return;
            }
            name = (String) value;
        } catch (DecodeException | ClassCastException notJson) {
            Problems.send(ctx, 400, Problems.error("the body must be a JSON object like {\"name\": \"before-upgrade\"}"
                    + Problems.notJson(ctx.body().asString())));
            return;
        }
        String invalid = CheckpointStore.invalidSavepointName(name);
        if (invalid != null) {
            Problems.send(ctx, 400, Problems.error(invalid).put("field", "name"));
            return;
        }
        vertx.executeBlocking(() -> store.savepoint(name).isPresent()).onComplete(exists -> {
            if (exists.failed() || exists.result()) {
                Problems.send(ctx, 409, Problems.error(exists.failed() ? exists.cause().getMessage()
                        : "a savepoint named '" + name + "' exists; delete it first or pick another name")
                        .put("name", name));
                return;
            }
            checkpointer.savepoint(name).whenComplete((header, failed) -> vertx.runOnContext(ignored -> {
                if (failed == null) {
                    ctx.response().putHeader("Location", "/v1/savepoints/" + name);
                    Problems.send(ctx, 201, describe(header));
                } else if (failed.getCause() instanceof FileAlreadyExistsException) {
                    Problems.send(ctx, 409, Problems.error("a savepoint named '" + name + "' exists").put("name", name));
                } else {
                    Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
                    Problems.send(ctx, 500, Problems.error("the savepoint could not be taken: "
                                    + Checkpointer.describe(cause))
                            .put("name", name));
                }
            }));
        });
    }

    /** {@code GET /v1/savepoints}: every savepoint, oldest first. */
    void list(RoutingContext ctx) {
        if (noDataFolder(ctx)) {
            return;
        }
        vertx.executeBlocking(store::savepoints).onComplete(listed -> {
            if (listed.failed()) {
                Problems.send(ctx, 500, Problems.error("cannot list savepoints: " + listed.cause().getMessage()));
                return;
            }
            JsonArray all = new JsonArray();
            for (CheckpointFormat.Header header : listed.result()) {
                all.add(describe(header));
            }
            ctx.response().putHeader("Content-Type", "application/json").end(all.encode());
        });
    }

    /** {@code GET /v1/savepoints/:name}. */
    void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (noDataFolder(ctx) || badName(ctx, name)) {
            return;
        }
        vertx.executeBlocking(() -> store.savepoint(name)).onComplete(found -> {
            if (found.failed()) {
                Problems.send(ctx, 500, Problems.error("cannot read savepoint '" + name + "': "
                        + found.cause().getMessage()));
            } else if (found.result().isEmpty()) {
                Problems.send(ctx, 404, Problems.error("no savepoint named '" + name + "'").put("name", name));
            } else {
                Problems.send(ctx, 200, describe(found.result().get()));
            }
        });
    }

    /** {@code DELETE /v1/savepoints/:name}: 204, or 404 when there is none. */
    void delete(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        if (noDataFolder(ctx) || badName(ctx, name)) {
            return;
        }
        vertx.executeBlocking(() -> store.deleteSavepoint(name)).onComplete(deleted -> {
            if (deleted.failed()) {
                Problems.send(ctx, 500, Problems.error("cannot delete savepoint '" + name + "': "
                        + deleted.cause().getMessage()));
            } else if (!deleted.result()) {
                Problems.send(ctx, 404, Problems.error("no savepoint named '" + name + "'").put("name", name));
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    /** {@code GET /v1/checkpoints}: the interval, counts, the latest checkpoint taken and what it cost. */
    void checkpoints(RoutingContext ctx) {
        if (noDataFolder(ctx)) {
            return;
        }
        CheckpointStats stats = checkpointer.stats();
        JsonObject body = new JsonObject().put("intervalMs", stats.intervalMs()).put("completed", stats.completed())
                .put("failed", stats.failed()).put("lastFailure", stats.lastFailure());
        Checkpoint latest = stats.latest();
        if (latest != null) {
            body.put("latest", new JsonObject().put("id", latest.id()).put("savepoint", latest.name())
                    .put("position", latest.position())
                    .put("createdAt", Instant.ofEpochMilli(latest.createdAtMs()).toString())
                    .put("durationMs", TimeUnit.NANOSECONDS.toMillis(stats.durationNanos()))
                    .put("longestShardPauseMs", stats.longestPauseNanos() / 1e6)
                    .put("stateBytes", stats.stateBytes()).put("rules", latest.rules().size()));
        }
        Problems.send(ctx, 200, body);
    }

    private static JsonObject describe(CheckpointFormat.Header header) {
        JsonObject json = new JsonObject().put("name", header.name()).put("sizeBytes", header.sizeBytes());
        if (header.problem() != null) {
            return json.put("problem", header.problem());
        }
        return json.put("id", header.id()).put("position", header.position())
                .put("createdAt", Instant.ofEpochMilli(header.createdAtMs()).toString())
                .put("serverVersion", header.serverVersion()).put("format", header.format())
                .put("rules", new JsonArray(header.rules()));
    }

    private boolean noDataFolder(RoutingContext ctx) {
        if (store != null) {
            return false;
        }
        Problems.send(ctx, 409, Problems.error("the server runs without a data folder: it keeps no checkpoints or "
                + "savepoints"));
        return true;
    }

    private static boolean badName(RoutingContext ctx, String name) {
        String invalid = CheckpointStore.invalidSavepointName(name);
        if (invalid == null) {
            return false;
        }
        Problems.send(ctx, 400, Problems.error(invalid).put("name", name));
        return true;
    }
}
