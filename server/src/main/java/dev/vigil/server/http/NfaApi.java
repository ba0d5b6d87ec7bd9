package dev.vigil.server.http;

import dev.vigil.nfa.Automaton;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.shard.ShardQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /v1/rules/{name}/nfa}: the compiled automaton of a running rule, as JSON (its states and edges with
 * their conditions, plus the {@code vigil explain} text and the Graphviz source) or, with {@code ?format=dot}, as
 * Graphviz text. With {@code ?counts=true} the JSON also has the live number of partial matches per state, counted
 * by every shard over its keys ({@link ShardQuestions#census}): a pass over every key, spread by each shard over its
 * loop, so a view asks for it when it shows it, not on every look at the graph.
 *
 * <p><b>Threading:</b> runs on the server's event loop; the {@link Automaton} is immutable; the shards count on their
 * threads.
 */
final class NfaApi {
    static final String DOT_CONTENT_TYPE = "text/vnd.graphviz; charset=utf-8";

    private final RuleRegistry registry;
    private final ShardQuestions shards;

    NfaApi(RuleRegistry registry, ShardQuestions shards) {
        this.registry = registry;
        this.shards = shards;
    }

    void get(RoutingContext ctx) {
        DeployedRule rule = Answers.runningRule(ctx, registry);
        if (rule == null) {
            return;
        }
        String format = ctx.queryParams().get("format");
        String counts = ctx.queryParams().get("counts");
        Automaton nfa = rule.rule().automaton();
        if (counts != null && !"true".equals(counts) && !"false".equals(counts)) {
            Problems.send(ctx, 400, Problems.error("query parameter 'counts' must be 'true' or 'false'")
                    .put("parameter", "counts").put("value", counts));
        } else if ("dot".equals(format)) {
            if ("true".equals(counts)) {
                Problems.send(ctx, 400, Problems.error("counts=true adds the partial matches per state to the JSON "
                        + "form; the Graphviz text has none").put("parameter", "counts").put("value", counts));
                return;
            }
            ctx.response().putHeader("Content-Type", DOT_CONTENT_TYPE).end(nfa.dot());
        } else if (format != null && !"json".equals(format)) {
            Problems.send(ctx, 400, Problems.error("query parameter 'format' must be 'json' or 'dot'")
                    .put("parameter", "format").put("value", format));
        } else if ("true".equals(counts)) {
            shards.census(rule.name()).onComplete(counted -> {
                if (counted.failed()) {
                    Answers.failed(ctx, counted.cause());
                } else {
                    Answers.json(ctx, withCounts(json(rule.name(), rule.version(), nfa), rule.version(),
                            counted.result()));
                }
            });
        } else {
            Answers.json(ctx, json(rule.name(), rule.version(), nfa));
        }
    }

    /**
     * Adds the shards' censuses to the automaton's JSON: {@code partialMatches} on every state and a
     * {@code census} summary; when a shard counted another version of the rule (it changed meanwhile) the state ids
     * may mean other states, so the census says it is unavailable instead.
     */
    static JsonObject withCounts(JsonObject nfa, int version, List<ShardQuery.Counted> counted) {
        JsonArray states = nfa.getJsonArray("states");
        long[] total = new long[states.size()];
        long keys = 0;
        for (ShardQuery.Counted shard : counted) {
            if (shard == null || shard.version() != version || shard.partialMatchesByState().length != total.length) {
                return nfa.put("census", new JsonObject().put("unavailable", "the rule changed while its keys were "
                        + "counted; ask again"));
            }
            long[] byState = shard.partialMatchesByState();
            for (int state = 0; state < total.length; state++) {
                total[state] += byState[state];
            }
            keys += shard.keys();
        }
        long all = 0;
        for (int state = 0; state < total.length; state++) {
            states.getJsonObject(state).put("partialMatches", total[state]);
            all += total[state];
        }
        return nfa.put("census", new JsonObject().put("partialMatches", all).put("keys", keys));
    }

    /** The automaton as JSON; state ids are list positions, so an edge's {@code target} indexes {@code states}. */
    static JsonObject json(String name, int version, Automaton nfa) {
        JsonArray states = new JsonArray();
        for (Automaton.State state : nfa.states()) {
            JsonArray edges = new JsonArray();
            for (Automaton.Edge edge : state.edges()) {
                edges.add(new JsonObject().put("action", edge.action()).put("target", edge.target())
                        .put("guard", edge.guard()).put("condition", edge.condition()));
            }
            JsonObject described = new JsonObject().put("id", state.id()).put("name", state.name())
                    .put("kind", state.kind());
            if (state.variable() != null) {
                described.put("variable", state.variable());
            }
            if (state.gapWindowMs() > 0) {
                described.put("gapWindowMs", state.gapWindowMs());
            }
            states.add(described.put("edges", edges));
        }
        JsonObject json = new JsonObject().put("name", name).put("version", version)
                .put("start", nfa.start()).put("skip", nfa.skip().name());
        if (nfa.windowMs() > 0) {
            json.put("windowMs", nfa.windowMs());
        }
        if (nfa.skipVariable() != null) {
            json.put("skipVariable", nfa.skipVariable());
        }
        return json.put("variables", new JsonArray(nfa.variables())).put("states", states)
                .put("text", nfa.text()).put("dot", nfa.dot());
    }
}
