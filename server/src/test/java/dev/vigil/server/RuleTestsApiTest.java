package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule tests over real HTTP: {@code POST /v1/rules/test} answers each test's result, and every deploy (POST, PUT,
 * the rules folder at start) runs the file's tests first and refuses it when one does not pass.
 */
@ExtendWith(VertxExtension.class)
class RuleTestsApiTest {
    private static final String RULE = """
            RULE big FROM payments PARTITION BY card PATTERN b DEFINE b AS amount >= 500 EMIT amount = b.amount;
            """;

    private static final String PASSING = RULE + """
            TEST one_big_payment
            GIVEN {
              {"stream":"payments","ts":1000,"card":"c1","amount":900}
              {"stream":"payments","ts":2000,"card":"c1","amount":10}
            }
            EXPECT {
              {"rule":"big","key":"c1","fields":{"amount":900}}
            }
            """;

    private static final String FAILING = PASSING + """
            TEST small_is_not_big
            GIVEN {
              {"stream":"payments","ts":1000,"card":"c2","amount":499}
            }
            EXPECT {
              {"rule":"big","key":"c2"}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void testAnswersEveryTestsResultWithTheDifferences(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<String> answer = server.send("POST", "/v1/rules/test", "text/plain", FAILING);
            assertEquals(200, answer.statusCode(), answer.body());
            JsonObject body = new JsonObject(answer.body());
            assertFalse(body.getBoolean("passed"));
            assertEquals("1 passed, 1 failed, 0 invalid", body.getString("summary"));
            JsonArray tests = body.getJsonArray("tests");
            assertEquals(new JsonObject().put("name", "one_big_payment").put("line", 2).put("column", 1)
                    .put("status", "passed").put("events", 2).put("alerts", 1).put("diff", new JsonArray()),
                    tests.getJsonObject(0));
            assertEquals(new JsonArray()
                    .add("alert 1 (line 15): expected, not emitted: {\"rule\":\"big\",\"key\":\"c2\"}"),
                    tests.getJsonObject(1).getJsonArray("diff"));
            assertEquals("failed", tests.getJsonObject(1).getString("status"));
            assertEquals(404, server.get("/v1/rules/big").statusCode(), "testing deploys nothing");

            HttpResponse<String> bad = server.send("POST", "/v1/rules/test", "text/plain",
                    RULE + "TEST t GIVEN {\n  {\"stream\":\"payments\",\"ts\":1 \"card\":\"c\"}\n}\nEXPECT {}\n");
            JsonObject invalid = new JsonObject(bad.body()).getJsonArray("tests").getJsonObject(0);
            assertEquals("invalid", invalid.getString("status"));
            assertTrue(invalid.getJsonArray("diff").getString(0)
                    .startsWith("line 3: GIVEN line: invalid JSON, column 31"), invalid.encode());

            HttpResponse<String> malformed = server.send("POST", "/v1/rules/test", "text/plain", RULE + "TEST t\n");
            assertEquals(400, malformed.statusCode(), "a malformed TEST block is a mistake in the text");
            assertEquals(2, new JsonObject(malformed.body()).getJsonArray("diagnostics").getJsonObject(0)
                    .getInteger("line"));
        }
    }

    @Test
    void aDeployWhoseTestsFailIsRefusedWithTheDiffAndOneWhoseTestsPassIsDeployed(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<String> refused = server.send("POST", "/v1/rules", "text/plain", FAILING);
            assertEquals(422, refused.statusCode(), refused.body());
            JsonObject body = new JsonObject(refused.body());
            assertEquals("the rule file's tests do not pass (1 passed, 1 failed, 0 invalid); nothing deployed",
                    body.getString("error"));
            assertEquals("small_is_not_big", body.getJsonArray("tests").getJsonObject(1).getString("name"));
            assertEquals(404, server.get("/v1/rules/big").statusCode());

            HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain", PASSING);
            assertEquals(201, deployed.statusCode(), deployed.body());

            HttpResponse<String> replaced = server.send("PUT", "/v1/rules/big", "text/plain",
                    FAILING.replace(">= 500", ">= 400"));
            assertEquals(200, replaced.statusCode(), "a lower bound makes both tests pass: " + replaced.body());
            HttpResponse<String> notReplaced = server.send("PUT", "/v1/rules/big", "text/plain",
                    PASSING.replace(">= 500", ">= 1000"));
            assertEquals(422, notReplaced.statusCode(), notReplaced.body());
            assertTrue(new JsonObject(notReplaced.body()).getJsonArray("tests").getJsonObject(0)
                    .getJsonArray("diff").getString(0).startsWith("alert 1 (line 8): expected, not emitted"));
            assertEquals(2, new JsonObject(server.get("/v1/rules/big").body()).getInteger("version"),
                    "the version whose tests passed runs");
        }
    }

    @Test
    void aRulesFolderFileWhoseTestsFailIsNotDeployedAtStart(Vertx vertx) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("failing.cep"), FAILING.replace("RULE big", "RULE big_failing"));
        Files.writeString(rules.resolve("passing.cep"), PASSING);
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, rules)
                .withDataDir(dir.resolve("data")))) {
            assertEquals(200, server.get("/v1/rules/big").statusCode());
            assertEquals(404, server.get("/v1/rules/big_failing").statusCode());
        }
    }
}
