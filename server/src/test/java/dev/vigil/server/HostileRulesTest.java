package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.CompileLimits;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule text that used to exhaust the compiler or overflow its stack is refused with a 400 whose diagnostics name
 * the limit and the place, over every route that compiles text; the server goes on answering at once; and in the
 * rules folder such a file is reported (once per change, with file:line:column) while the good files beside it are
 * deployed, at start and on reload. Every request has the client's timeout ({@link RunningServer#TIMEOUT}): a
 * compile that never ends fails the test instead of hanging it.
 */
@ExtendWith(VertxExtension.class)
class HostileRulesTest {
    private static final String GOOD = "RULE good FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 1";
    private static final String DEEP_PARENTHESES = "RULE deep FROM payments PATTERN a DEFINE a AS "
            + "(".repeat(5_000) + "amount > 1" + ")".repeat(5_000);
    private static final List<String> HOSTILE = List.of(
            "RULE r FROM s PATTERN fail{2147483647,}",
            "RULE r FROM s PATTERN a{1000000}",
            "RULE r FROM s PATTERN a{100000} b",
            "RULE r FROM s PATTERN x -> (a{1000} b){1000}",
            DEEP_PARENTHESES,
            "RULE r FROM s PATTERN a DEFINE a AS " + "NOT ".repeat(5_000) + "x > 1",
            "RULE r FROM s PATTERN a DEFINE a AS x > 1" + " OR x > 1".repeat(3_000),
            "RULE r FROM s PATTERN a DEFINE a AS x" + " + x".repeat(10_000) + " > 1",
            "RULE r FROM s PATTERN " + "(".repeat(5_000) + "a" + ")".repeat(5_000));

    @TempDir
    Path dir;

    @Test
    void hostileTextIsRefusedWithTheLimitOnEveryRouteAndTheServerAnswersAtOnceAfterwards(Vertx vertx)
            throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")))) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", GOOD).statusCode());
            for (String text : HOSTILE) {
                String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
                assertRefusedForALimit(server.send("POST", "/v1/rules/validate", "text/plain", text), shown);
                assertRefusedForALimit(server.send("POST", "/v1/rules", "text/plain", text), shown);
                assertRefusedForALimit(server.send("PUT", "/v1/rules/good", "text/plain", text), shown);
                assertRefusedForALimit(server.send("POST", "/v1/backtest", "application/json",
                        new JsonObject().put("text", text).encode()), shown);
            }
            assertEquals(200, server.send("POST", "/v1/rules/validate", "text/plain", GOOD).statusCode());
            assertEquals(1, new JsonObject(server.get("/v1/rules/good").body()).getInteger("version"),
                    "no refused PUT replaced the rule");
            String metrics = server.get("/metrics").body();
            for (String limit : List.of(CompileLimits.REPEAT_COUNT, CompileLimits.NFA_STATES,
                    CompileLimits.NESTING_DEPTH)) {
                assertTrue(metrics.contains("vigil_rule_compile_limits_total{limit=\"" + limit + "\"}"), metrics);
            }
        }
    }

    @Test
    void aFileBeyondALimitIsReportedAtStartAndTheGoodFilesBesideItAreDeployed(Vertx vertx) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("a-deep.cep"), DEEP_PARENTHESES);
        Files.writeString(rules.resolve("b-count.cep"), "RULE counted FROM payments PATTERN fail{2147483647,}");
        Files.writeString(rules.resolve("c-good.cep"), GOOD);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rules)
                .withDataDir(dir.resolve("data")))) {
            assertEquals(200, server.get("/v1/rules/good").statusCode());
            assertEquals(404, server.get("/v1/rules/deep").statusCode());
            String err = server.serverErr();
            assertTrue(err.contains(rules.resolve("a-deep.cep") + ":1:" + (47 + 128)
                    + ": nested more than 128 levels deep (maxNestingDepth)"), err);
            assertTrue(err.contains(rules.resolve("b-count.cep") + ":1:40: quantifier 'fail{2147483647,}' counts to "
                    + "2147483647, over the limit of 1000 (maxRepeatCount)"), err);
            assertFalse(err.contains("StackOverflowError"), err);
        }
    }

    @Test
    void aFileBeyondALimitAddedWhileRunningIsReportedOnceAndTheOthersAreStillDeployed(Vertx vertx) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("good.cep"), GOOD);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rules)
                .withDataDir(dir.resolve("data")))) {
            Path deep = rules.resolve("deep.cep");
            Files.writeString(deep, DEEP_PARENTHESES);
            Files.writeString(rules.resolve("second.cep"), GOOD.replace("good", "second"));
            server.pollUntil("/v1/rules", body -> body.contains("\"second\""));
            // one more scan after the one that reported deep.cep: a third file deploys only once it ran
            Files.writeString(rules.resolve("third.cep"), GOOD.replace("good", "third"));
            server.pollUntil("/v1/rules", body -> body.contains("\"third\""));
            String err = server.serverErr();
            String report = deep + ":1:" + (47 + 128) + ": nested more than 128 levels deep (maxNestingDepth)";
            assertEquals(1, occurrences(err, report), err);
            assertFalse(err.contains("cannot scan rules folder"), err);
            assertEquals(404, server.get("/v1/rules/deep").statusCode());
        }
    }

    private static void assertRefusedForALimit(HttpResponse<String> response, String text) {
        assertEquals(400, response.statusCode(), () -> text + " -> " + response.body());
        JsonArray diagnostics = new JsonObject(response.body()).getJsonArray("diagnostics");
        assertNotNull(diagnostics, response.body());
        JsonObject first = diagnostics.getJsonObject(0);
        assertTrue(first.getInteger("line") >= 1 && first.getInteger("column") >= 1, response.body());
        assertNotNull(first.getString("limit"), () -> text + " -> " + response.body());
        assertTrue(first.getString("message").contains("(" + first.getString("limit") + ")"), response.body());
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
