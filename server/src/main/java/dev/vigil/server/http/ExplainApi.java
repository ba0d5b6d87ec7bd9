package dev.vigil.server.http;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.EventExplanation;
import dev.vigil.nfa.KeyInspection;
import dev.vigil.server.log.IngestLogSnapshot;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.wire.InputLine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>By key ({@code ?key=}, written as {@link KeyText} reads it, and no body): "why did this key not alert?". The
 * event explained is the key's newest event on a stream the rule reads, found by reading the ingest log backwards
 * from its end over at most {@link #MAX_EVENTS_READ} events; none there is a 404 saying how far it looked, a server
 * without a data folder (no log) a 409. The answer says where the event was found and what became of it
 * ({@code lastEvent.status}): still {@code waiting} for the watermark (it will meet the runs shown), {@code bound}
 * in one of the key's partial matches (the runs shown have moved past it), or {@code passed} (the watermark passed
 * it and no open partial match holds it: the runs let it by, it ended the runs it completed or broke, or it was
 * late). At most {@link #MAX_LOG_READS} such reads run at once; another is a 503 to retry. Each by-key explanation
 * is counted by its outcome ({@code vigil_explain_by_key_total}).
 *
 * <p><b>Threading:</b> the body is decoded, and the log read, on a worker (the body may be up to the body limit, the
 * log read is bounded), the shard answers on its thread, the answer is sent on the event loop.
 */
final class ExplainApi {
    /** How many events (of every stream, newest first) a by-key explanation reads from the ingest log at most. */
    static final int MAX_EVENTS_READ = 100_000;
    /** How many by-key explanations read the ingest log at once, at most (each holds a worker thread meanwhile). */
    static final int MAX_LOG_READS = 2;

    private final Vertx vertx;
    private final RuleRegistry registry;
    private final ShardQuestions shards;
    private final Path dataDir;
    private final AtomicInteger reading = new AtomicInteger();
    private final Counter found;
    private final Counter none;
    private final Counter bound;
    private final Counter busy;

    /**
     * @param dataDir the server's data folder, or null when it runs without one (no log to find a key's event in)
     * @param meters where the by-key explanations are counted
     */
    ExplainApi(Vertx vertx, RuleRegistry registry, ShardQuestions shards, Path dataDir, MeterRegistry meters) {
        this.vertx = vertx;
        this.registry = registry;
        this.shards = shards;
        this.dataDir = dataDir;
        this.found = outcome(meters, "found");
        this.none = outcome(meters, "none");
        this.bound = outcome(meters, "bound");
        this.busy = outcome(meters, "busy");
    }

    private static Counter outcome(MeterRegistry meters, String outcome) {
        return Counter.builder("vigil.explain.by.key").tag("outcome", outcome).description("Explanations of a key's "
                + "last event (POST /v1/rules/{name}/explain?key=) by outcome: found; none (the whole log read); "
                + "bound (" + MAX_EVENTS_READ + " events read, none of the key); busy (" + MAX_LOG_READS
                + " reads running already: 503)").register(meters);
    }

    void post(RoutingContext ctx) {
        DeployedRule rule = Answers.runningRule(ctx, registry);
        if (rule == null) {
            return;
        }
        String name = rule.name();
        String keyText = ctx.queryParams().get("key");
        if (keyText != null) {
            byKey(ctx, rule, keyText);
            return;
        }
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

    /** {@code ?key=}: finds the key's newest event in the ingest log (on a worker), then explains it. */
    private void byKey(RoutingContext ctx, DeployedRule rule, String keyText) {
        String name = rule.name();
        if (ctx.body() != null && ctx.body().buffer() != null && ctx.body().length() > 0
                && !ctx.body().asString().isBlank()) {
            Problems.send(ctx, 400, Problems.error("explain takes an event in the body or a key in ?key=, not both")
                    .put("parameter", "key"));
            return;
        }
        KeyText.Read read = KeyText.read(keyText, rule.rule().partitionBy().size(), name);
        if (read instanceof KeyText.Mistake mistake) {
            Problems.send(ctx, 400, Problems.error(mistake.message()).put("parameter", "key").put("value", keyText));
            return;
        }
        if (dataDir == null) {
            Problems.send(ctx, 409, Problems.error("the server runs without a data folder, so it keeps no ingest log to "
                    + "find the key's last event in: send the event to explain as the body instead"));
            return;
        }
        if (reading.incrementAndGet() > MAX_LOG_READS) {
            reading.decrementAndGet();
            busy.increment();
            ctx.response().putHeader("Retry-After", "1");
            Problems.send(ctx, 503, Problems.error(MAX_LOG_READS + " explanations by key are reading the ingest log "
                    + "already; ask again shortly"));
            return;
        }
        List<Object> keys = new ArrayList<>(((KeyText.Keys) read).candidates());   // List.of cannot hold null
        CompiledRule compiled = rule.rule();
        List<String> streams = compiled.streams();
        vertx.executeBlocking(() -> {
            try (IngestLogSnapshot log = IngestLogSnapshot.ofDataFolder(dataDir)) {
                return log.newestEvent(event -> streams.contains(event.stream())
                        && keys.contains(compiled.keyOf(event)), MAX_EVENTS_READ);
            } catch (NoSuchFileException none) {
                return new IngestLogSnapshot.NewestEvent(null, 0, 0, true);
            }
        }, false).onComplete(done -> reading.decrementAndGet()).onSuccess(found -> {
            (found.event() != null ? this.found : found.wholeLog() ? none : bound).increment();
            if (found.event() == null) {
                Problems.send(ctx, 404, Problems.error("key " + keyText + " has no event on " + String.join(", ",
                        streams) + " in " + (found.wholeLog() ? "the ingest log (" + found.eventsRead()
                        + " events read: all it holds)" : "the newest " + found.eventsRead() + " events of the "
                        + "ingest log (the most a by-key explanation reads)") + "; send the event to explain as the "
                        + "body instead").put("parameter", "key").put("value", keyText)
                        .put("eventsRead", found.eventsRead()));
                return;
            }
            Event event = found.event();
            Future<EventExplanation> explained = shards.explain(rule.rule(), event);
            Future<KeyInspection> inspected = shards.inspect(compiled, compiled.keyOf(event));
            Future.all(explained, inspected).onComplete(answered -> {
                if (answered.failed()) {
                    Answers.failed(ctx, answered.cause());
                } else if (explained.result() == null || inspected.result() == null) {
                    Answers.ruleChanged(ctx, name);
                } else {
                    JsonObject last = new JsonObject().put("position", found.position())
                            .put("eventsRead", found.eventsRead()).put("status", status(event, inspected.result()));
                    Answers.json(ctx, json(explained.result(), event,
                            shards.shardOf(rule.rule(), explained.result().key())).put("lastEvent", last));
                }
            });
        }).onFailure(ctx::fail);
    }

    /** What became of a logged event: {@code waiting} for the watermark, {@code bound} in a run, or {@code passed}. */
    static String status(Event event, KeyInspection key) {
        for (Event waiting : key.waiting()) {
            if (waiting.sequence() == event.sequence()) {
                return "waiting";
            }
        }
        if (key.waitingCount() > key.waiting().size() && event.timestamp() > key.watermark()) {
            return "waiting";   // one of those beyond the listed ones
        }
        for (KeyInspection.PartialMatch match : key.partialMatches()) {
            for (List<Event> bound : match.events().values()) {
                for (Event taken : bound) {
                    if (taken.sequence() == event.sequence()) {
                        return "bound";
                    }
                }
            }
        }
        return "passed";
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
