package dev.vigil.server.http;

import dev.vigil.nfa.Event;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * What the answers about keys ({@link KeysApi}, {@link ExplainApi}, {@link NfaApi}'s counts) share: events as the
 * JSON objects they were received as, event times that may not exist yet, and how a shard's failure to answer is
 * said. Stateless.
 */
final class Answers {
    private Answers() {}

    /** The running rule the path's {@code name} names, or null when none runs (then 404 is answered). */
    static DeployedRule runningRule(RoutingContext ctx, RuleRegistry registry) {
        String name = ctx.pathParam("name");
        DeployedRule rule = registry.current().get(name);
        if (rule == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
        }
        return rule;
    }

    /**
     * The shard owning the key had no rule of that name: it was removed (or replaced) between the lookup and the
     * question; a 404 as for a rule that does not run, saying to ask again.
     */
    static void ruleChanged(RoutingContext ctx, String name) {
        Problems.send(ctx, 404, Problems.error("rule '" + name + "' is being changed or removed; ask again")
                .put("name", name));
    }

    /** Events as their fields, as received (the shape of an alert's events). */
    static JsonArray events(List<Event> events) {
        JsonArray array = new JsonArray();
        for (Event event : events) {
            array.add(new JsonObject(event.fields()));
        }
        return array;
    }

    /** An event time, or null for {@code Long.MIN_VALUE} (no watermark yet). */
    static Long time(long timestamp) {
        return timestamp == Long.MIN_VALUE ? null : timestamp;
    }

    static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
    }

    /** A shard did not answer: busy is a 503 to retry, anything else a bug (500 with a log id). */
    static void failed(RoutingContext ctx, Throwable failure) {
        if (failure instanceof ShardQuestions.Busy busy) {
            ctx.response().putHeader("Retry-After", "1");
            Problems.send(ctx, 503, Problems.error(busy.getMessage()));
        } else {
            ctx.fail(failure);
        }
    }
}
