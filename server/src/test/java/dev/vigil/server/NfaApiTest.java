package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Automaton;
import dev.vigil.nfa.CompileResult;
import dev.vigil.nfa.RuleCompiler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/rules/{name}/nfa}: the running version's automaton as JSON and as Graphviz. */
@ExtendWith(VertxExtension.class)
class NfaApiTest {
    private static final String RULE = """
            RULE small_then_big FROM payments PARTITION BY card
              PATTERN small -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              WITHIN 10 SECONDS
            """;

    private RunningServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void theJsonHasTheStatesEdgesTextAndDotOfTheCompiledRule() throws Exception {
        deploy(RULE);
        Automaton expected = compile(RULE);
        HttpResponse<String> response = server.get("/v1/rules/small_then_big/nfa");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonObject nfa = new JsonObject(response.body());
        assertEquals("small_then_big", nfa.getString("name"));
        assertEquals(1, nfa.getInteger("version"));
        assertEquals(expected.text(), nfa.getString("text"), "the same text as vigil explain");
        assertEquals(expected.dot(), nfa.getString("dot"));
        assertEquals(10_000L, nfa.getLong("windowMs"));
        assertEquals(new JsonArray().add("small").add("big"), nfa.getJsonArray("variables"));

        JsonArray states = nfa.getJsonArray("states");
        assertEquals(expected.states().size(), states.size());
        assertEquals("start", states.getJsonObject(nfa.getInteger("start")).getString("kind"));
        for (Automaton.State state : expected.states()) {
            JsonObject shown = states.getJsonObject(state.id());
            assertEquals(state.name(), shown.getString("name"));
            JsonArray edges = shown.getJsonArray("edges");
            assertEquals(state.edges().size(), edges.size(), shown.encode());
            for (int i = 0; i < edges.size(); i++) {
                Automaton.Edge edge = state.edges().get(i);
                assertEquals(edge.target(), edges.getJsonObject(i).getInteger("target"));
                assertEquals(edge.action(), edges.getJsonObject(i).getString("action"));
                assertEquals(edge.guard(), edges.getJsonObject(i).getString("guard"));
                assertEquals(edge.condition(), edges.getJsonObject(i).getString("condition"));
            }
        }
    }

    @Test
    void formatDotAnswersGraphvizTextOfTheCurrentVersion() throws Exception {
        deploy(RULE);
        String replaced = RULE.replace("small -> big", "small big").replace("WITHIN 10 SECONDS", "");
        HttpResponse<String> put = server.send("PUT", "/v1/rules/small_then_big", "text/plain", replaced);
        assertEquals(200, put.statusCode(), put.body());

        HttpResponse<String> dot = server.get("/v1/rules/small_then_big/nfa?format=dot");
        assertEquals(200, dot.statusCode(), dot.body());
        assertTrue(dot.headers().firstValue("Content-Type").orElse("").startsWith("text/vnd.graphviz"));
        assertEquals(compile(replaced).dot(), dot.body());
        assertTrue(dot.body().startsWith("digraph nfa {"), dot.body());
        assertEquals(2, new JsonObject(server.get("/v1/rules/small_then_big/nfa").body()).getInteger("version"));
    }

    @Test
    void anUnknownRuleIs404AndAnUnknownFormat400() throws Exception {
        HttpResponse<String> missing = server.get("/v1/rules/absent/nfa");
        assertEquals(404, missing.statusCode());
        assertEquals("absent", new JsonObject(missing.body()).getString("name"));
        deploy(RULE);
        HttpResponse<String> badFormat = server.get("/v1/rules/small_then_big/nfa?format=png");
        assertEquals(400, badFormat.statusCode());
        assertEquals("format", new JsonObject(badFormat.body()).getString("parameter"));
    }

    private void deploy(String rule) throws Exception {
        HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", rule);
        assertEquals(201, deployed.statusCode(), deployed.body());
    }

    private static Automaton compile(String rule) {
        CompileResult result = RuleCompiler.compile("request", rule);
        assertTrue(result.ok(), result.diagnostics().toString());
        return result.rules().get(0).automaton();
    }
}
