package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil serve}'s log as an operator reads it: every line on stderr a text line of the documented shape or, with
 * {@code --log-format json}, a JSON object; an access line per request that never shows the token, an audit line per
 * rule change naming the role that made it, and the stop said last. A server in a JVM of its own, stopped by SIGTERM.
 */
class ServeLogTest {
    private static final String TOKEN = "s3cret-admin-token";
    private static final Pattern TEXT_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (TRACE|DEBUG|INFO |WARN |ERROR) \\[[^\\]]+\\] \\S+ - .*");

    @TempDir
    Path dir;

    @Test
    void jsonLinesWithAccessAndAuditAndNoToken() throws Exception {
        String stderr = serveAndChangeARule(List.of("--log-format", "json", "--token", "admin:" + TOKEN));
        List<JsonObject> lines = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            try {
                lines.add(new JsonObject(line));
            } catch (DecodeException notJson) {
                throw new AssertionError("not a JSON line: " + line + "\n" + stderr, notJson);
            }
        }
        for (JsonObject line : lines) {
            for (String field : List.of("timestamp", "level", "threadName", "loggerName", "formattedMessage")) {
                assertTrue(line.containsKey(field), field + " missing in " + line);
            }
        }
        assertTrue(messages(lines, "vigil.access").stream().anyMatch(line -> line.contains(
                "\"GET /v1/rules?access_token=redacted&limit=2\" 400 ")), stderr);
        assertTrue(messages(lines, "vigil.access").stream().anyMatch(line -> line.contains(
                "\"POST /v1/rules\" 201 ") && line.endsWith(" role=admin")), stderr);
        assertEquals(List.of("rule 'logged' version 1 deployed by HTTP POST /v1/rules (token role admin",
                "rule 'logged' undeployed by HTTP DELETE /v1/rules/logged (token role admin"),
                messages(lines, "vigil.audit").stream().map(line -> line.substring(0, line.indexOf(", from "))).toList());
        assertEquals("stopped", lines.get(lines.size() - 1).getString("formattedMessage"), stderr);
        assertFalse(stderr.contains(TOKEN), "the token is never logged:\n" + stderr);
    }

    @Test
    void textLinesAndNoAccessLogWhenItIsOff() throws Exception {
        String stderr = serveAndChangeARule(List.of("--access-log", "off"));
        for (String line : stderr.split("\n")) {
            assertTrue(TEXT_LINE.matcher(line).matches(), "not a log line: " + line + "\n" + stderr);
        }
        assertFalse(stderr.contains(" access - "), stderr);
        assertTrue(stderr.contains(" audit - rule 'logged' version 1 deployed by HTTP POST /v1/rules (token role "
                + "none, from 127.0.0.1:"), stderr);
        assertTrue(stderr.strip().endsWith("ServeCommand - stopped"), stderr);
    }

    /** Starts a server with {@code args}, asks a few things, deploys and deletes rule 'logged', stops it; its stderr. */
    private String serveAndChangeARule(List<String> args) throws Exception {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        try (ServerProcess server = ServerProcess.start("server", dir, rules, dir.resolve("data"), List.of(), args)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.port();
            // a bad query parameter: a 400 that is logged with its query, the token in it redacted
            assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(base + "/v1/rules?access_token=" + TOKEN
                    + "&limit=2")).header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/rules"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(
                            "RULE logged FROM payments PATTERN a DEFINE a AS amount > 1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(204, http.send(HttpRequest.newBuilder(URI.create(base + "/v1/rules/logged"))
                    .header("Authorization", "Bearer " + TOKEN).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(128 + 15, server.stop(), server.logs());   // as any JVM ended by SIGTERM
            return server.stderr();
        }
    }

    private static List<String> messages(List<JsonObject> lines, String logger) {
        return lines.stream().filter(line -> logger.equals(line.getString("loggerName")))
                .map(line -> line.getString("formattedMessage")).toList();
    }
}
