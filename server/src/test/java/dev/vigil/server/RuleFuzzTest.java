package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded fuzz of the server's rule compiling, in the default build: {@value #TEXTS} texts from
 * {@link RuleMutator} (mutated example rules, and nesting, counts and chains at and past the limits) go to a real
 * server's {@code POST /v1/rules/validate}, one in {@value #DEPLOY_EVERY} also to {@code POST /v1/rules} (and is
 * deleted again when deployed). No answer is a 500, none takes longer than the client's timeout
 * ({@link RunningServer#TIMEOUT}), every 400 carries diagnostics with positions inside the text (or says the text
 * declares no rule), and the server still answers afterwards. A failure names the seed:
 * {@code RuleMutator.text(seed)} gives the text again. {@code RuleCheckFuzzTest} in the {@code cli} module sends
 * one in ten of the same texts through {@code vigil check}; the long run outside the default build is
 * {@code RuleParserFuzzRun} (docs/fuzzing.md).
 */
@ExtendWith(VertxExtension.class)
class RuleFuzzTest {
    private static final long BASE_SEED = 16_000_000L;
    private static final int TEXTS = 3_000;
    private static final int DEPLOY_EVERY = 10;
    private static final Set<Integer> ANSWERS = Set.of(200, 201, 400, 409, 413, 422);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)   // about a minute on a loaded machine; each request has its own
    void noRuleTextCrashesOrStallsTheServer(Vertx vertx) throws Exception {
        RuleMutator mutator = RuleMutator.ofExamples();
        // texts up to a MiB reach the compiler (the default 64 KiB would refuse the longest with 413)
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withDataDir(dir.resolve("data")).withRuleTextLimitBytes(1 << 20))) {
            for (int i = 0; i < TEXTS; i++) {
                long seed = BASE_SEED + i;
                String text = mutator.text(seed);
                answer(seed, text, server.send("POST", "/v1/rules/validate", "text/plain", text));
                if (i % DEPLOY_EVERY == 0) {
                    HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", text);
                    answer(seed, text, deployed);
                    if (deployed.statusCode() == 201) {
                        undeploy(server, deployed.body());
                    }
                }
            }
            assertEquals(200, server.get("/health").statusCode());
            assertEquals(200, server.send("POST", "/v1/rules/validate", "text/plain",
                    "RULE still_fine FROM s PATTERN a").statusCode());
            assertFalse(server.serverErr().contains("internal error"), server.serverErr());
        }
    }

    private static void answer(long seed, String text, HttpResponse<String> response) {
        int status = response.statusCode();
        if (!ANSWERS.contains(status)) {
            fail("seed " + seed + ": status " + status + " " + response.body() + "\nfor:\n" + shown(text));
        }
        if (status != 400) {
            return;
        }
        JsonObject body = new JsonObject(response.body());
        JsonArray diagnostics = body.getJsonArray("diagnostics");
        if (diagnostics == null) {
            assertEquals("the text declares no RULE", body.getString("error"), () -> "seed " + seed);
            return;
        }
        assertFalse(diagnostics.isEmpty(), () -> "seed " + seed + ": " + response.body());
        int lines = text.split("\n", -1).length;
        for (int d = 0; d < diagnostics.size(); d++) {
            JsonObject diagnostic = diagnostics.getJsonObject(d);
            int line = diagnostic.getInteger("line");
            int column = diagnostic.getInteger("column");
            assertTrue(line >= 1 && line <= lines && column >= 1, () -> "seed " + seed + ": " + diagnostic);
            assertFalse(diagnostic.getString("message").contains("internal error"),
                    () -> "seed " + seed + ": " + diagnostic + "\nfor:\n" + shown(text));
        }
    }

    private static void undeploy(RunningServer server, String deployed) throws Exception {
        Object summary = deployed.startsWith("[") ? new JsonArray(deployed) : new JsonObject(deployed);
        JsonArray rules = summary instanceof JsonArray list ? list : new JsonArray().add(summary);
        for (int r = 0; r < rules.size(); r++) {
            String name = rules.getJsonObject(r).getString("name");
            String path = "/v1/rules/" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
            int status = server.send("DELETE", path, null, null).statusCode();
            assertTrue(status == 204 || status == 404, name + ": " + status);   // a name with '/' has no route
        }
    }

    private static String shown(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "... (" + text.length() + " chars)";
    }
}
