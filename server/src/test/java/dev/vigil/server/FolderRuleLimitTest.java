package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.InvalidConfigException;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code maxRules} bounds the rules of the rules folder too, at start and on reload. */
@ExtendWith(VertxExtension.class)
class FolderRuleLimitTest {
    private static final String RULE = "RULE %s FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 100\n";

    @TempDir
    Path rules;

    @Test
    void aFolderWithMoreRulesThanTheLimitDoesNotStart(Vertx vertx) throws Exception {
        Files.writeString(rules.resolve("two.cep"), RULE.formatted("first") + ";\n" + RULE.formatted("second"));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> VigilServer.start(vertx,
                        ServerConfig.of("127.0.0.1", 0, rules).withMaxRules(1))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertInstanceOf(InvalidConfigException.class, failed.getCause());
        assertEquals("the rules folder " + rules + " holds 2 rules, over the limit of 1 (maxRules)",
                failed.getCause().getMessage());
    }

    @Test
    void aNewFileOverTheLimitIsReportedAndNotDeployed(Vertx vertx) throws Exception {
        Files.writeString(rules.resolve("first.cep"), RULE.formatted("first"));
        try (RunningServer server = RunningServer.start(vertx,
                ServerConfig.of("127.0.0.1", 0, rules).withMaxRules(1))) {
            Files.writeString(rules.resolve("second.cep"), RULE.formatted("second"));
            long deadline = System.nanoTime() + RunningServer.TIMEOUT.toNanos();
            while (!server.serverErr().contains("(maxRules)") && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(server.serverErr().contains("second.cep: deploying it would run 2 rules, over the limit of 1 "
                    + "(maxRules); nothing deployed"), server.serverErr());
            assertEquals(1, new JsonArray(server.get("/v1/rules").body()).size());
            Files.writeString(rules.resolve("first.cep"), RULE.formatted("first").replace("100", "200"));
            server.pollUntil("/v1/rules/first", body -> body.contains("\"version\":2"));
            Files.writeString(rules.resolve("first.cep"), RULE.formatted("renamed"));   // one out, one in: still 1
            server.pollUntil("/v1/rules", body -> body.contains("\"name\":\"renamed\"")
                    && !body.contains("\"name\":\"first\""));
        }
    }
}
