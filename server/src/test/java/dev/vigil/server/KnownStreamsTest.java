package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Rules are checked against the streams the server knows: a rule on a stream the running rules declare is checked
 * against that declaration (an unknown field, or a stream named like a declared one, is refused with its place and
 * a did-you-mean), and a rule on a schemaless stream is warned, in the answer, its status and the log, of a stream
 * no event has arrived on and of fields no event of its stream had. (Both used to deploy silently and never match.)
 */
@ExtendWith(VertxExtension.class)
class KnownStreamsTest {
    private static final String DECLARED = """
            STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP);
            RULE big_payment FROM payments PARTITION BY card_id PATTERN big DEFINE big AS amount >= 500;
            """;

    @TempDir
    Path dir;

    @Test
    void aRuleOnAStreamTheRunningRulesDeclareIsCheckedAgainstThatDeclaration(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain", DECLARED).statusCode());

            String typo = "RULE v1 FROM payments PATTERN big DEFINE big AS amont >= 900";
            for (String path : new String[] {"/v1/rules/validate", "/v1/rules"}) {
                HttpResponse<String> refused = server.send("POST", path, "text/plain", typo);
                assertEquals(400, refused.statusCode(), path + ": " + refused.body());
                JsonObject diagnostic = new JsonObject(refused.body()).getJsonArray("diagnostics").getJsonObject(0);
                assertEquals(1, diagnostic.getInteger("line"));
                assertEquals(49, diagnostic.getInteger("column"));
                assertEquals("unknown field 'amont' (did you mean amount?); fields of payments are card_id, amount, "
                        + "merchant and ts", diagnostic.getString("message"));
            }

            HttpResponse<String> nearMiss = server.send("POST", "/v1/rules", "text/plain",
                    "RULE v1 FROM paymnts PATTERN big DEFINE big AS amount >= 900");
            assertEquals(400, nearMiss.statusCode(), nearMiss.body());
            JsonObject diagnostic = new JsonObject(nearMiss.body()).getJsonArray("diagnostics").getJsonObject(0);
            assertEquals(14, diagnostic.getInteger("column"));
            assertTrue(diagnostic.getString("message").startsWith("stream 'paymnts' is not declared, but payments is "
                    + "by the running rules: did you mean payments?"), diagnostic.getString("message"));
            assertEquals(404, server.get("/v1/rules/v1").statusCode(), "nothing was deployed");

            HttpResponse<String> replaced = server.send("PUT", "/v1/rules/big_payment", "text/plain",
                    "RULE big_payment FROM payments PATTERN big DEFINE big AS amont >= 500");
            assertEquals(200, replaced.statusCode(), "the rule replaced held the declaration alone, so it goes with "
                    + "it, and the new text reads payments schemaless: " + replaced.body());
        }
    }

    @Test
    void aStreamDeclaredAloneIsRefusedWithWhereToPutIt(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<String> refused = server.send("POST", "/v1/rules", "text/plain",
                    "STREAM payments (card_id STRING, amount DOUBLE)");
            assertEquals(400, refused.statusCode());
            assertTrue(new JsonObject(refused.body()).getString("error").startsWith("the text declares streams but no "
                    + "RULE: a STREAM declaration is held by the rules deployed with it"), refused.body());
        }
    }

    @Test
    void aRuleOnASchemalessStreamIsWarnedOfStreamsAndFieldsNoEventHad(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<String> posted = server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"stream\": \"payments\", \"card_id\": \"c1\", \"amount\": 950, \"device\": {\"os\": \"ios\"}, "
                            + "\"ts\": 1000}");
            assertEquals(202, posted.statusCode(), posted.body());

            HttpResponse<String> validated = server.send("POST", "/v1/rules/validate", "text/plain",
                    "RULE v1 FROM paymnts PATTERN big DEFINE big AS amount >= 900");
            assertEquals(200, validated.statusCode(), validated.body());
            assertEquals(new JsonArray().add("no event has arrived on stream 'paymnts' since the server started; did "
                    + "you mean payments?"), new JsonObject(validated.body()).getJsonArray("warnings"));

            HttpResponse<String> deployed = server.send("POST", "/v1/rules", "text/plain",
                    "RULE v2 FROM payments PATTERN big DEFINE big AS amont >= 900 AND device.oss = 'ios'");
            assertEquals(201, deployed.statusCode(), "warned, not refused: " + deployed.body());
            JsonArray expected = new JsonArray()
                    .add("no event of stream 'payments' has had field 'amont'; did you mean amount?")
                    .add("no event of stream 'payments' has had field 'device.oss'; did you mean device.os?");
            assertEquals(expected, new JsonObject(deployed.body()).getJsonArray("warnings"));
            assertEquals(expected, new JsonObject(server.get("/v1/rules/v2").body()).getJsonArray("warnings"));
            assertTrue(server.serverErr().contains("rule 'v2' version 1: warning: no event of stream "
                    + "'payments' has had field 'amont'; did you mean amount?"), server.serverErr());

            server.send("POST", "/v1/events", "application/x-ndjson",
                    "{\"stream\": \"payments\", \"amont\": 901, \"device\": {\"oss\": \"ios\"}, \"ts\": 2000}");
            assertEquals(new JsonArray(), new JsonObject(server.get("/v1/rules/v2").body()).getJsonArray("warnings"),
                    "a status warns of what no event has had so far");
        }
    }

    @Test
    void theRulesFolderChecksAFileAgainstTheDeclarationsOfTheFilesBeforeIt(Vertx vertx) throws Exception {
        Files.writeString(dir.resolve("a.cep"), DECLARED);
        Files.writeString(dir.resolve("b.cep"), "RULE typo FROM payments PATTERN big DEFINE big AS amont >= 900;\n");
        try (RunningServer server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, dir))) {
            assertTrue(server.serverErr().contains(dir.resolve("b.cep") + ":1:51: unknown field 'amont' (did you mean "
                    + "amount?)"), server.serverErr());
            assertEquals(404, server.get("/v1/rules/typo").statusCode());

            Files.writeString(dir.resolve("c.cep"), "RULE typo2 FROM paymnts PATTERN big DEFINE big AS amount > 1;\n");
            server.pollUntil("/v1/rules", body -> server.serverErr().contains(dir.resolve("c.cep") + ":1:17: stream "
                    + "'paymnts' is not declared, but payments is by the running rules"));
            assertEquals(404, server.get("/v1/rules/typo2").statusCode());
        }
    }
}
