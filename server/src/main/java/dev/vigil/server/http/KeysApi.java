package dev.vigil.server.http;

import dev.vigil.nfa.KeyInspection;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/rules/{name}/keys/{key}}: what a running rule holds for one partition key, for a person (the web
 * console) asking "where is this key?": its partial matches, each with the NFA state it waits in, the events bound so
 * far per variable and when its window ends; its events waiting for the watermark; its window timers. The key is
 * written as {@link KeyText} reads it. A key holding nothing answers 200 with empty lists: any key may hold state,
 * and a view polling a key sees it come and go. Unknown rule: 404; a key of the wrong shape: 400.
 *
 * <p><b>Threading:</b> on the event loop; the shard owning the key answers on its thread, between two commands, after
 * every batch queued before the question ({@link ShardQuestions}).
 */
final class KeysApi {
    private final RuleRegistry registry;
    private final ShardQuestions shards;

    KeysApi(RuleRegistry registry, ShardQuestions shards) {
        this.registry = registry;
        this.shards = shards;
    }

    void get(RoutingContext ctx) {
        DeployedRule rule = Answers.runningRule(ctx, registry);
        if (rule == null) {
            return;
        }
        String name = rule.name();
        String text = ctx.pathParam("key");
        KeyText.Read read = KeyText.read(text, rule.rule().partitionBy().size(), name);
        if (read instanceof KeyText.Mistake mistake) {
            Problems.send(ctx, 400, Problems.error(mistake.message()).put("parameter", "key").put("value", text));
            return;
        }
        List<Object> candidates = ((KeyText.Keys) read).candidates();
        firstHoldingState(rule, candidates, 0).onComplete(answered -> {
            if (answered.failed()) {
                Answers.failed(ctx, answered.cause());
            } else if (answered.result() == null) {
                Answers.ruleChanged(ctx, name);
            } else {
                KeyInspection key = answered.result();
                Answers.json(ctx, json(key, shards.shardOf(rule.rule(), key.key())));
            }
        });
    }

    /** Asks about {@code candidates[from]}, and about the next one while the answer holds nothing. */
    private Future<KeyInspection> firstHoldingState(DeployedRule rule, List<Object> candidates, int from) {
        return shards.inspect(rule.rule(), candidates.get(from)).compose(key -> {
            if (key == null || key.holdsState() || from + 1 == candidates.size()) {
                return Future.succeededFuture(key);
            }
            return firstHoldingState(rule, candidates, from + 1).map(next -> next.holdsState() ? next : key);
        });
    }

    /** The answer's JSON: the shape docs/api.md shows and the console reads. */
    static JsonObject json(KeyInspection key, int shard) {
        JsonArray matches = new JsonArray();
        for (KeyInspection.PartialMatch match : key.partialMatches()) {
            JsonObject events = new JsonObject();
            match.events().forEach((variable, bound) -> events.put(variable, Answers.events(bound)));
            JsonObject shown = new JsonObject().put("state", match.state()).put("stateName", match.stateName())
                    .put("completed", match.completed()).put("startedAt", match.startedAt())
                    .put("lastEventAt", match.lastEventAt());
            if (match.windowEndsAt() != null) {
                shown.put("windowEndsAt", match.windowEndsAt());
            }
            if (match.gapEndsAt() != null) {
                shown.put("gapEndsAt", match.gapEndsAt());
            }
            int listed = match.events().values().stream().mapToInt(List::size).sum();
            matches.add(shown.put("events", events).put("eventCount", match.eventCount())
                    .put("eventsTruncated", listed < match.eventCount()));
        }
        return new JsonObject().put("rule", key.rule()).put("version", key.version()).put("key", key.key())
                .put("shard", shard).put("watermark", Answers.time(key.watermark()))
                .put("partialMatches", matches).put("partialMatchCount", key.partialMatchCount())
                .put("partialMatchesTruncated", key.partialMatches().size() < key.partialMatchCount())
                .put("waiting", Answers.events(key.waiting())).put("waitingCount", key.waitingCount())
                .put("waitingTruncated", key.waiting().size() < key.waitingCount())
                .put("timers", new JsonArray(key.timers()));
    }
}
