package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.rules.RuleHistory;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/rules/{name}/versions}: every version of a rule, newest first, with its text, how it came and how
 * it ended (replaced, with the replacement policy's verdict, or deleted); the same after a restart, read back from
 * the ingest log; a deleted rule keeps its history; the number of ended versions kept per rule is bounded.
 */
@ExtendWith(VertxExtension.class)
class RuleVersionsTest {
    private static final String V1 = "RULE ab FROM tx PARTITION BY card PATTERN a -> b "
            + "DEFINE a AS kind = 'a', b AS kind = 'b' SEVERITY low\n";
    /** Only the severity changed: the policy keeps the partial matches. */
    private static final String V2 = V1.replace("SEVERITY low", "SEVERITY high");
    /** A condition changed: the policy drops them. */
    private static final String V3 = V2.replace("b AS kind = 'b'", "b AS kind = 'b' AND amount > 0");

    @TempDir
    Path data;
    @TempDir
    Path rules;

    @Test
    void replacedAndDeletedVersionsAreListedNewestFirstWithTheirTextsAndVerdicts(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null))) {
            changeThrough(server);

            JsonObject history = versions(server, "ab");
            assertEquals("ab", history.getString("name"));
            assertNull(history.getValue("running"), "deleted: no version runs");
            assertTrue(history.getBoolean("complete"), "every version from 1 is kept");
            JsonArray versions = history.getJsonArray("versions");
            assertEquals(List.of(3, 2, 1), numbers(versions));

            JsonObject v3 = versions.getJsonObject(0);
            assertEquals(V3, v3.getString("source"));
            assertEquals("http", v3.getString("how"));
            assertFalse(v3.getBoolean("running"));
            assertTrue(v3.containsKey("deletedAt") && v3.getString("deletedAt") != null, v3.encode());
            assertFalse(v3.containsKey("replacedBy"));

            JsonObject v2 = versions.getJsonObject(1);
            assertEquals(V2, v2.getString("source"));
            assertEquals(3, v2.getInteger("replacedBy"));
            assertEquals("dropped", v2.getString("partialMatches"));
            assertTrue(v2.getString("why").contains("condition"), v2.getString("why"));
            assertEquals(v3.getString("deployedAt"), v2.getString("replacedAt"), "replaced when v3 was deployed");
            assertTrue(!Instant.parse(v3.getString("deletedAt")).isBefore(Instant.parse(v3.getString("deployedAt"))));

            JsonObject v1 = versions.getJsonObject(2);
            assertEquals(V1, v1.getString("source"));
            assertEquals(2, v1.getInteger("replacedBy"));
            assertEquals("kept", v1.getString("partialMatches"), "only the severity changed");
            assertFalse(v1.containsKey("why"));

            HttpResponse<String> one = server.get("/v1/rules/ab/versions/2");
            assertEquals(200, one.statusCode(), one.body());
            assertEquals(v2, new JsonObject(one.body()));
        }
    }

    @Test
    void unknownNamesAndVersionsAreProblemsThatSayWhatWasAsked(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null))) {
            HttpResponse<String> never = server.get("/v1/rules/nope/versions");
            assertEquals(404, never.statusCode());
            assertTrue(new JsonObject(never.body()).getString("error").contains("no rule named 'nope' was ever "
                    + "deployed"), never.body());
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", V1).statusCode());
            HttpResponse<String> missing = server.get("/v1/rules/ab/versions/7");
            assertEquals(404, missing.statusCode());
            assertEquals(7, new JsonObject(missing.body()).getInteger("version"));
            HttpResponse<String> notANumber = server.get("/v1/rules/ab/versions/first");
            assertEquals(400, notANumber.statusCode());
            assertEquals("version", new JsonObject(notANumber.body()).getString("field"));
            JsonObject running = versions(server, "ab");
            assertEquals(1, running.getInteger("running"));
            assertTrue(running.getJsonArray("versions").getJsonObject(0).getBoolean("running"));
        }
    }

    @Test
    void aRestartedServerReadsTheSameHistoryBackFromItsIngestLog(Vertx vertx) throws Exception {
        Files.writeString(rules.resolve("big.cep"), "RULE big FROM tx PARTITION BY card PATTERN b "
                + "DEFINE b AS amount >= 900\n");
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, rules).withDataDir(data);
        JsonObject before;
        JsonObject folderBefore;
        try (RunningServer server = RunningServer.start(vertx, config)) {
            changeThrough(server);
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", V1).statusCode(), "deployed again");
            before = versions(server, "ab");
            folderBefore = versions(server, "big");
        }
        assertEquals(List.of(4, 3, 2, 1), numbers(before.getJsonArray("versions")),
                "a deleted rule deployed again goes on from its last version");
        assertEquals("rules folder", folderBefore.getJsonArray("versions").getJsonObject(0).getString("how"));
        assertEquals(rules.resolve("big.cep").toString(),
                folderBefore.getJsonArray("versions").getJsonObject(0).getString("file"));

        try (RunningServer server = RunningServer.start(vertx, config)) {
            assertEquals(before, versions(server, "ab"), "times, verdicts and texts as before the restart");
            assertEquals(folderBefore, versions(server, "big"));
        }
    }

    @Test
    void aRuleKeepsItsNewestEndedVersionsUpToTheBound(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null))) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", V1).statusCode());
            int last = RuleHistory.VERSIONS_PER_RULE + 3;   // versions 1 and 2 go
            for (int version = 2; version <= last; version++) {
                HttpResponse<String> put = server.send("PUT", "/v1/rules/ab", "text/plain",
                        V1.replace("SEVERITY low", "SEVERITY low EMIT n = " + version));
                assertEquals(200, put.statusCode(), put.body());
            }
            JsonObject history = versions(server, "ab");
            List<Integer> numbers = numbers(history.getJsonArray("versions"));
            assertEquals(RuleHistory.VERSIONS_PER_RULE + 1, numbers.size(), "the running one and 20 ended");
            assertEquals(last, numbers.get(0));
            assertEquals(last - RuleHistory.VERSIONS_PER_RULE, numbers.get(numbers.size() - 1));
            assertFalse(history.getBoolean("complete"), "version 1 is no longer kept");
            HttpResponse<String> dropped = server.get("/v1/rules/ab/versions/1");
            assertEquals(404, dropped.statusCode());
            assertTrue(dropped.body().contains("the history keeps versions from 3 on"), dropped.body());
            assertTrue(server.get("/metrics").body().contains("vigil_rule_history_forgotten_total 2.0"));
        }
    }

    /** Deploys V1, replaces it by V2 then V3 and deletes the rule. */
    private static void changeThrough(RunningServer server) throws Exception {
        HttpResponse<String> created = server.send("POST", "/v1/rules", "text/plain", V1);
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(200, server.send("PUT", "/v1/rules/ab", "text/plain", V2).statusCode());
        assertEquals(200, server.send("PUT", "/v1/rules/ab", "text/plain", V3).statusCode());
        assertEquals(204, server.send("DELETE", "/v1/rules/ab", null, null).statusCode());
    }

    private static JsonObject versions(RunningServer server, String name) throws Exception {
        HttpResponse<String> answer = server.get("/v1/rules/" + name + "/versions");
        assertEquals(200, answer.statusCode(), answer.body());
        return new JsonObject(answer.body());
    }

    private static List<Integer> numbers(JsonArray versions) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            numbers.add(versions.getJsonObject(i).getInteger("version"));
        }
        return numbers;
    }
}
