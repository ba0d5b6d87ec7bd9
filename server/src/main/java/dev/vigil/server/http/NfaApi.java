package dev.vigil.server.http;

import dev.vigil.nfa.program.Nfa;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code GET /v1/rules/{name}/nfa}: the compiled automaton of a running rule, as JSON (its states and edges, plus
 * the {@code vigil explain} text and the Graphviz source) or, with {@code ?format=dot}, as Graphviz text.
 *
 * <p><b>Threading:</b> runs on the server's event loop; the {@link Nfa} is immutable.
 */
final class NfaApi {
    static final String DOT_CONTENT_TYPE = "text/vnd.graphviz; charset=utf-8";

    private final RuleRegistry registry;

    NfaApi(RuleRegistry registry) {
        this.registry = registry;
    }

    void get(RoutingContext ctx) {
        String name = ctx.pathParam("name");
        DeployedRule rule = registry.get(name);
        if (rule == null) {
            Problems.send(ctx, 404, Problems.error("no rule named '" + name + "'").put("name", name));
            return;
        }
        String format = ctx.queryParams().get("format");
        Nfa nfa = rule.rule().nfa();
        if ("dot".equals(format)) {
            ctx.response().putHeader("Content-Type", DOT_CONTENT_TYPE).end(nfa.toDot());
        } else if (format == null || "json".equals(format)) {
            ctx.response().putHeader("Content-Type", "application/json")
                    .end(json(rule.name(), rule.version(), nfa).encode());
        } else {
            Problems.send(ctx, 400, Problems.error("query parameter 'format' must be 'json' or 'dot'")
                    .put("parameter", "format").put("value", format));
        }
    }

    /** The automaton as JSON; state ids are list positions, so an edge's {@code target} indexes {@code states}. */
    static JsonObject json(String name, int version, Nfa nfa) {
        JsonArray states = new JsonArray();
        for (Nfa.State state : nfa.states()) {
            JsonArray edges = new JsonArray();
            for (Nfa.Edge edge : state.edges()) {
                edges.add(new JsonObject().put("action", lower(edge.action())).put("target", edge.target())
                        .put("guard", edge.guard().toString()));
            }
            JsonObject described = new JsonObject().put("id", state.id()).put("name", state.name())
                    .put("kind", lower(state.kind()));
            if (state.variable() >= 0) {
                described.put("variable", nfa.variables().get(state.variable()));
            }
            if (state.gapWindowMs() > 0) {
                described.put("gapWindowMs", state.gapWindowMs());
            }
            states.add(described.put("edges", edges));
        }
        JsonObject json = new JsonObject().put("name", name).put("version", version)
                .put("start", nfa.startState()).put("skip", nfa.skip().name());
        if (nfa.windowMs() > 0) {
            json.put("windowMs", nfa.windowMs());
        }
        if (nfa.skipVariable() >= 0) {
            json.put("skipVariable", nfa.variables().get(nfa.skipVariable()));
        }
        return json.put("variables", new JsonArray(nfa.variables())).put("states", states)
                .put("text", nfa.describe()).put("dot", nfa.toDot());
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
