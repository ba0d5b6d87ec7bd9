package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.cli.CliRun;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded, seeded fuzz of everything that compiles rule text, in the default build: {@value #TEXTS} texts from
 * {@link RuleMutator} (mutated example rules, and nesting, counts and chains at and past the limits) go to a real
 * server's {@code POST /v1/rules/validate}, one in {@value #DEPLOY_EVERY} also to {@code POST /v1/rules} (and is
 * deleted again when deployed), and one in {@value #CHECK_EVERY} through {@code vigil check}. No answer is a 500,
 * none takes longer than the client's timeout ({@link RunningServer#TIMEOUT}), every 400 carries diagnostics with
 * positions inside the text (or says the text declares no rule), {@code vigil check} exits 0 or 1 with positioned
 * messages, and the server still answers afterwards. A failure names the seed: {@code RuleMutator.text(seed)} gives
 * the text again. The long run outside the default build is {@code RuleParserFuzzRun} (docs/fuzzing.md).
 */
@ExtendWith(VertxExtension.class)
class RuleFuzzTest {
    private static final long BASE_SEED = 16_000_000L;
    private static final int TEXTS = 3_000;
    private static final int DEPLOY_EVERY = 10;
    private static final int CHECK_EVERY = 10;
    private static final Set<Integer> ANSWERS = Set.of(200, 201, 400, 409, 413, 422);
    private static final Pattern POSITIONED = Pattern.compile("^fuzz\\.cep:\\d+:\\d+: ", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)   // about a minute on a loaded machine; each request has its own
    void noRuleTextCrashesOrStallsTheServerOrTheCommandLine(Vertx vertx) throws Exception {
        RuleMutator mutator = RuleMutator.ofExamples();
        Path file = dir.resolve("fuzz.cep");
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
                if (i % CHECK_EVERY == 0) {
                    Files.writeString(file, text, StandardCharsets.UTF_8);
                    check(seed, text, file);
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

    private static void check(long seed, String text, Path file) {
        CliRun run;
        try {
            run = CliRun.of("check", file.toString());
        } catch (Throwable thrown) {
            throw new AssertionError("seed " + seed + ": vigil check threw for:\n" + shown(text), thrown);
        }
        assertTrue(run.exit() == 0 || run.exit() == 1,
                () -> "seed " + seed + ": exit " + run.exit() + "\n" + run.err());
        if (run.exit() == 1) {
            assertTrue(POSITIONED.matcher(run.err().replace(file.toString(), "fuzz.cep")).find(),
                    () -> "seed " + seed + ": " + run.err());
        }
        assertFalse(run.err().contains("internal error") || run.err().contains("Exception"),
                () -> "seed " + seed + ": " + run.err());
    }

    private static String shown(String text) {
        return text.length() <= 400 ? text : text.substring(0, 400) + "... (" + text.length() + " chars)";
    }
}
