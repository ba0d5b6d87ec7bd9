package dev.vigil.server.http;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.wire.InputLine;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/rules/{name}/explain}: why an event does (not) match. The body is one event, as a line of
 * {@code POST /v1/events} (decoded the same way, against the stream declarations in force); the answer lists, for each
 * run of the event's key (the start run, where new matches begin, first) and each transition out of the state the
 * run waits in, whether its condition holds on the event and, when not, the sub-expression that was false with the
 * values it saw. Nothing changes: the event is not ingested, logged or counted, and no run moves; an explanation is a
 * read, like every {@code GET} of the rules API (and, like those, needs the {@code admin} role when tokens are set).
 *
 * <p>The event is explained against the runs as they stand when the shard owning its key reaches the question
 * (after the batches queued before it); in event time the key's events still waiting for the watermark come first
 * in reality, and an event at or below its stream's watermark is late ({@code late: true}) and would not be matched.
 *
 * <p><b>Threading:</b> the body is decoded on a worker (it may be up to the body limit), the shard answers on its
 * thread, the answer is sent on the event loop.
 */
final class ExplainApi {
    private final Vertx vertx;
    private final RuleRegistry registry;
    private final ShardQuestions shards;

    ExplainApi(Vertx vertx, RuleRegistry registry, ShardQuestions shards) {
        this.vertx = vertx;
        this.registry = registry;
        this.shards = shards;
    }

    void post(RoutingContext ctx) {
        DeployedRule rule = Answers.runningRule(ctx, registry);
        if (rule == null) {
            return;
        }
        String name = rule.name();
        String body = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
        EventDecoder decoder = registry.current().decoder();   // not the observed one: explaining teaches nothing
        vertx.executeBlocking(() -> InputLine.parse(body.strip(), 0, decoder), false).onSuccess(line -> {
            String mistake = mistake(line, rule);
            if (mistake != null) {
                Problems.send(ctx, 400, Problems.error(mistake));
                return;
            }
            Event event = ((InputLine.EventLine) line).event();
            shards.explain(rule.rule(), event).onComplete(answered -> {
                if (answered.failed()) {
                    Answers.failed(ctx, answered.cause());
                } else if (answered.result() == null) {
                    Answers.ruleChanged(ctx, name);
                } else {
                    Answers.json(ctx, json(answered.result(), event,
                            shards.shardOf(rule.rule(), answered.result().key())));
                }
            });
        }).onFailure(ctx::fail);
    }

    /** Why the body is no event for this rule, or null. */
    private static String mistake(InputLine line, DeployedRule rule) {
        if (line instanceof InputLine.Malformed malformed) {
            return "the body is not an event: " + malformed.message();
        }
        if (line instanceof InputLine.Blank) {
            return "the body holds no event: send one event as a JSON object, as a line of POST /v1/events";
        }
        if (line instanceof InputLine.WatermarkLine) {
            return "the body is a watermark, not an event: send one event to explain";
        }
        Event event = ((InputLine.EventLine) line).event();
        if (!rule.rule().streams().contains(event.stream())) {
            return "rule " + rule.name() + " reads " + String.join(", ", rule.rule().streams()) + ", not stream '"
                    + event.stream() + "': it would never see this event";
        }
        return null;
    }

    /** The answer's JSON: the shape docs/api.md shows and the console reads. */
    static JsonObject json(EventExplanation explained, Event event, int shard) {
        JsonArray runs = new JsonArray();
        for (EventExplanation.Run run : explained.runs()) {
            JsonArray transitions = new JsonArray();
            for (EventExplanation.Transition transition : run.transitions()) {
                JsonArray values = new JsonArray();
                for (EventExplanation.Seen seen : transition.values()) {
                    values.add(new JsonObject().put("expression", seen.expression()).put("value", seen.value()));
                }
                transitions.add(new JsonObject().put("from", transition.from()).put("action", transition.action())
                        .put("to", transition.to()).put("guard", transition.guard())
                        .put("condition", transition.condition()).put("held", transition.held())
                        .put("expression", transition.expression()).put("values", values));
            }
            JsonObject shown = new JsonObject().put("state", run.state()).put("stateName", run.stateName())
                    .put("start", run.start());
            if (run.startedAt() != null) {
                shown.put("startedAt", run.startedAt());
            }
            runs.add(shown.put("transitions", transitions));
        }
        return new JsonObject().put("rule", explained.rule()).put("version", explained.version())
                .put("key", explained.key()).put("shard", shard).put("watermark", Answers.time(explained.watermark()))
                .put("late", explained.late()).put("event", new JsonObject(event.fields())).put("runs", runs)
                .put("runCount", explained.runCount()).put("runsTruncated", explained.runs().size()
                        < explained.runCount());
    }
}
