package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.ServerConfig;
import dev.vigil.server.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The access log (a line per request and per WebSocket, the token redacted) and the audit trail of rule changes made
 * over HTTP; with {@code accessLog} off, no access line.
 */
@ExtendWith(VertxExtension.class)
class AccessLogTest {
    @Test
    void everyRequestAndSocketIsALineAndRuleChangesAreAudited(Vertx vertx) throws Exception {
        try (LogCapture log = new LogCapture(); RunningServer server = RunningServer.start(vertx)) {
            assertEquals(201, server.send("POST", "/v1/rules", "text/plain",
                    "RULE audited FROM payments PATTERN a DEFINE a AS amount > 1").statusCode());
            assertEquals(400, server.get("/v1/alerts?limit=nope&access_token=secret-in-query").statusCode());
            java.net.http.WebSocket socket = server.openSocket("/v1/alerts?rule=audited",
                    new TextFrames(new LinkedBlockingQueue<>()));
            socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            assertEquals(204, server.send("DELETE", "/v1/rules/audited", null, null).statusCode());

            List<String> access = log.messages("vigil.access");
            assertTrue(access.stream().anyMatch(line -> line.matches(
                    "127\\.0\\.0\\.1:\\d+ \"POST /v1/rules\" 201 \\d+ B \\d+ ms role=none")), access.toString());
            assertTrue(access.stream().anyMatch(line -> line.matches("127\\.0\\.0\\.1:\\d+ \"GET /v1/alerts\\?limit="
                    + "nope&access_token=redacted\" 400 \\d+ B \\d+ ms role=none")), access.toString());
            assertTrue(access.stream().anyMatch(line -> line.contains("\"GET /v1/alerts?rule=audited\" 101 ")),
                    access.toString());
            assertTrue(access.stream().noneMatch(line -> line.contains("secret-in-query")), access.toString());
            List<String> audit = log.messages("vigil.audit");
            assertEquals(2, audit.size(), audit.toString());
            assertTrue(audit.get(0).startsWith("rule 'audited' version 1 deployed by HTTP POST /v1/rules (token role "
                    + "none, from 127.0.0.1:"), audit.get(0));
            assertTrue(audit.get(1).startsWith("rule 'audited' undeployed by HTTP DELETE /v1/rules/audited"),
                    audit.get(1));
        }
    }

    @Test
    void noAccessLineWhenTheAccessLogIsOff(Vertx vertx) throws Exception {
        ServerConfig quiet = ServerConfig.of("127.0.0.1", 0, null)
                .withLogs(new ServerConfig.Logs("text", "info", false));
        try (LogCapture log = new LogCapture(); RunningServer server = RunningServer.start(vertx, quiet)) {
            assertEquals(200, server.get("/v1/rules").statusCode());
            assertEquals(List.of(), log.messages("vigil.access"));
        }
    }
}
