package dev.vigil.server.http;

import dev.vigil.server.log.IngestLog;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleHistory;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleVersion;
import io.vertx.core.Context;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /v1/rules/{name}/versions} and {@code GET /v1/rules/{name}/versions/{version}}: the versions a rule has
 * had, newest first, each with its text, how it was deployed (over HTTP, from the rules folder, or restored from a
 * checkpoint or savepoint), and how it ended (replaced, with the replacement policy's verdict on its partial
 * matches, or deleted), from the {@link RuleHistory}. A deleted rule's history is still answered; a name the history
 * does not know is 404.
 *
 * <p><b>Threading:</b> on the event loop; the history is read under its monitor for a copy of one name's versions.
 * Until the history has read the ingest log (a worker does, at start) the answer waits for it.
 */
final class VersionsApi {
    private final RuleRegistry registry;
    private final RuleHistory history;

    VersionsApi(RuleRegistry registry, RuleHistory history) {
        this.registry = registry;
        this.history = history;
    }

    /** {@code GET /v1/rules/{name}/versions}. */
    void list(RoutingContext ctx) {
        whenLoaded(ctx, () -> {
            String name = ctx.pathParam("name");
            List<RuleVersion> versions = history.versions(name);
            if (versions.isEmpty()) {
                unknown(ctx, name);
                return;
            }
            DeployedRule running = registry.current().get(name);
            JsonArray list = new JsonArray();
            for (RuleVersion version : versions) {
                list.add(json(version, running));
            }
            RuleVersion oldest = versions.get(versions.size() - 1);
            send(ctx, 200, new JsonObject().put("name", name)
                    .put("running", running == null ? null : running.version())
                    .put("complete", oldest.version() == 1).put("versions", list));
        });
    }

    /** {@code GET /v1/rules/{name}/versions/{version}}. */
    void get(RoutingContext ctx) {
        whenLoaded(ctx, () -> {
            String name = ctx.pathParam("name");
            String asked = ctx.pathParam("version");
            int number;
            try {
                number = Integer.parseInt(asked);
            } catch (NumberFormatException notANumber) {
                number = 0;
            }
            if (number < 1) {
                Problems.send(ctx, 400, Problems.error("a version is a whole number from 1, not '" + asked + "'")
                        .put("field", "version"));
                return;
            }
            List<RuleVersion> versions = history.versions(name);
            if (versions.isEmpty()) {
                unknown(ctx, name);
                return;
            }
            for (RuleVersion version : versions) {
                if (version.version() == number) {
                    send(ctx, 200, json(version, registry.current().get(name)));
                    return;
                }
            }
            int oldest = versions.get(versions.size() - 1).version();
            Problems.send(ctx, 404, Problems.error("rule '" + name + "' has no version " + number + " in its history"
                    + (number < oldest ? " (the history keeps versions from " + oldest + " on)" : ""))
                    .put("name", name).put("version", number));
        });
    }

    /** Runs {@code answer} on the request's context once the history has read the ingest log. */
    private void whenLoaded(RoutingContext ctx, Runnable answer) {
        if (history.loaded().toCompletableFuture().isDone()) {
            answer.run();
            return;
        }
        Context loop = ctx.vertx().getOrCreateContext();   // the request's event loop
        history.loaded().whenComplete((done, failed) -> loop.runOnContext(ignored -> answer.run()));
    }

    private static void unknown(RoutingContext ctx, String name) {
        Problems.send(ctx, 404, Problems.error("no rule named '" + name + "' was ever deployed (or its history was "
                + "dropped: the server keeps " + RuleHistory.VERSIONS_PER_RULE + " ended versions per rule)")
                .put("name", name));
    }

    /**
     * One version: {@code version}, {@code deployedAt}, {@code how} ({@code http}, {@code rules folder} with
     * {@code file}, or {@code restore}), {@code running}, {@code source}, and once it ended {@code replacedAt},
     * {@code replacedBy}, {@code partialMatches} ({@code kept}, {@code dropped}, or null when not known) with
     * {@code why}, or {@code deletedAt} (null when the log did not keep the time).
     */
    static JsonObject json(RuleVersion version, DeployedRule running) {
        boolean http = version.origin().equals(IngestLog.HTTP);
        JsonObject json = new JsonObject().put("name", version.name()).put("version", version.version())
                .put("deployedAt", Instant.ofEpochMilli(version.deployedAtMs()).toString())
                .put("how", version.restored() ? "restore" : http ? "http" : "rules folder");
        if (!http) {
            json.put("file", version.origin());
        }
        json.put("running", running != null && running.version() == version.version());
        RuleVersion.Ended ended = version.ended();
        if (ended != null) {
            String at = ended.atMs() == 0 ? null : Instant.ofEpochMilli(ended.atMs()).toString();
            if (ended.deleted()) {
                json.put("deletedAt", at);
            } else {
                json.put("replacedAt", at).put("replacedBy", ended.successor())
                        .put("partialMatches", ended.partialMatchesKept() == null ? null
                                : ended.partialMatchesKept() ? "kept" : "dropped");
                if (ended.why() != null) {
                    json.put("why", ended.why());
                }
            }
        }
        return json.put("source", version.text());
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
