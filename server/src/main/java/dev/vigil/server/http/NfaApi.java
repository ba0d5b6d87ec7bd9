package dev.vigil.server.http;

import dev.vigil.nfa.Automaton;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/rules/{name}/nfa}: the compiled automaton of a running rule, as JSON (its states and edges, plus
 * the {@code vigil explain} text and the Graphviz source) or, with {@code ?format=dot}, as Graphviz text.
 *
 * <p><b>Threading:</b> runs on the server's event loop; the {@link Automaton} is immutable.
 */
final class NfaApi {
    static final String DOT_CONTENT_TYPE = "text/vnd.graphviz; charset=utf-8";

    private final RuleRegistry registry;

    NfaApi(RuleRegistry registry) {
        this.registry = registry;
    }

    void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        DeployedRule rule = registry.current().get(name);
        if (rule == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
            return;
        }
        String format = ctx.queryParams().get("format");
        Automaton nfa = rule.rule().automaton();
        if ("dot".equals(format)) {
            ctx.response().putHeader("Content-Type", DOT_CONTENT_TYPE).end(nfa.dot());
        } else if (format == null || "json".equals(format)) {
            ctx.response().putHeader("Content-Type", "application/json")
                    .end(json(rule.name(), rule.version(), nfa).encode());
        } else {
            Problems.send(ctx, 400, Problems.error("query parameter 'format' must be 'json' or 'dot'")
                    .put("parameter", "format").put("value", format));
        }
    }

    /** The automaton as JSON; state ids are list positions, so an edge's {@code target} indexes {@code states}. */
    static JsonObject json(String name, int version, Automaton nfa) {
        JsonArray states = new JsonArray();
        for (Automaton.State state : nfa.states()) {
            JsonArray edges = new JsonArray();
            for (Automaton.Edge edge : state.edges()) {
                edges.add(new JsonObject().put("action", edge.action()).put("target", edge.target())
                        .put("guard", edge.guard()));
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
    }}
