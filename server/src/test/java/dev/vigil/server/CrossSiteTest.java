package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a web page open in the operator's browser can make the browser send to a server on loopback, sent byte by
 * byte to a real server with the headers a browser adds ({@code Origin}, {@code Sec-Fetch-Site}): requests that
 * change something and WebSocket upgrades from another origin are refused, with or without tokens; so are requests
 * that name the server by a DNS name a page could have rebound to loopback; non-browser clients (curl,
 * {@code vigil send}) send neither header and are served as before.
 */
@ExtendWith(VertxExtension.class)
class CrossSiteTest {
    private static final String RULE = """
            RULE big FROM payments PARTITION BY card
              PATTERN x
              DEFINE x AS amount >= 500
            """;
    private static final String EVIL = "http://evil.example";
    private RunningServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The attack of issue 16: a form or {@code fetch(..., {mode: 'no-cors'})} POSTing rule text as text/plain. */
    @Test
    void aRulePostedAsTextFromAnotherOriginIsRefusedAndNothingIsDeployed(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        RawConnection.Response response = post("/v1/rules", "Origin: " + EVIL + "\r\nContent-Type: text/plain\r\n"
                + "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n", RULE);
        assertEquals(403, response.status(), response.body());
        JsonObject error = new JsonObject(response.body());
        assertEquals("request from origin 'http://evil.example' refused: it is not this server's origin "
                + "(http://127.0.0.1:" + server.port() + ") nor listed in allowedOrigins (--allowed-origins, "
                + "VIGIL_ALLOWED_ORIGINS); a page of another site may not change this server",
                error.getString("error"));
        assertEquals(EVIL, error.getString("origin"));
        assertEquals("allowedOrigins", error.getString("setting"));
        assertEquals("[]", server.get("/v1/rules").body());
        assertTrue(server.get("/metrics").body().contains("vigil_requests_refused_total{reason=\"origin\"} 1.0"));
    }

    @Test
    void everyStateChangingMethodFromAnotherSiteIsRefused(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        assertEquals(201, server.send("POST", "/v1/rules", "text/plain", RULE).statusCode());
        for (String origin : List.of("Origin: " + EVIL + "\r\n", "Origin: null\r\n",
                "Origin: http://127.0.0.1:" + (server.port() == 1 ? 2 : server.port() - 1) + "\r\n",
                "Sec-Fetch-Site: cross-site\r\n", "Sec-Fetch-Site: same-site\r\n")) {
            try (RawConnection raw = new RawConnection(server.port())) {
                assertEquals(403, raw.request("DELETE", "/v1/rules/big", origin, new byte[0]).status(), origin);
            }
            assertEquals(403, post("/v1/events", origin + "Content-Type: application/x-ndjson\r\n",
                    "{\"stream\": \"payments\", \"card\": \"c\", \"amount\": 1, \"ts\": 1}").status(), origin);
            assertEquals(403, post("/v1/savepoints", origin + "Content-Type: application/json\r\n", "{}").status(),
                    origin);
        }
        assertEquals(200, server.get("/v1/rules/big").statusCode(), "the rule is still there");
    }

    /** Cross-site WebSocket hijacking: a page reading alerts, or feeding events, through the operator's browser. */
    @Test
    void aWebSocketFromAnotherOriginIsRefusedWithOrWithoutTokens(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        for (String path : List.of("/v1/alerts", "/v1/events")) {
            RawConnection.Response refused = upgrade(path, "Origin: " + EVIL + "\r\n");
            assertEquals(403, refused.status(), path);
            assertEquals(EVIL, new JsonObject(refused.body()).getString("origin"));
            assertEquals(101, upgrade(path, "Origin: http://127.0.0.1:" + server.port() + "\r\n").status(),
                    "a page of the server's own origin");
            assertEquals(101, upgrade(path, "").status(), "a client that is not a browser sends no Origin");
        }
        server.close();
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(new AccessToken(Role.ADMIN, "s3cret"))));
        assertEquals(403, upgrade("/v1/alerts?access_token=s3cret", "Origin: " + EVIL + "\r\n").status(),
                "a token in the page does not make another origin this server's");
        assertEquals(101, upgrade("/v1/alerts?access_token=s3cret", "").status());
    }

    @Test
    void clientsThatAreNotBrowsersAreServedAsBefore(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        assertEquals(201, post("/v1/rules", "Content-Type: application/x-www-form-urlencoded\r\n", RULE).status(),
                "curl --data-binary");
        assertEquals(202, post("/v1/events", "Content-Type: text/plain\r\n",
                "{\"stream\": \"payments\", \"card\": \"c\", \"amount\": 1, \"ts\": 1}").status());
        assertEquals(204, server.send("DELETE", "/v1/rules/big", null, null).statusCode());
    }

    /**
     * A page of the server's own origin (or an allowed one) may change it, but not with a body a page of any
     * origin could send without the browser asking the server first: text, forms and multipart are refused.
     */
    @Test
    void aPageOfThisOriginMustSendBodiesAsJsonOrNdjson(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        String self = "Origin: http://127.0.0.1:" + server.port() + "\r\nSec-Fetch-Site: same-origin\r\n";
        for (String simple : List.of("text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x")) {
            RawConnection.Response refused = post("/v1/rules", self + "Content-Type: " + simple + "\r\n", RULE);
            assertEquals(415, refused.status(), refused.body());
            assertTrue(new JsonObject(refused.body()).getString("error").contains("application/json"), refused.body());
        }
        assertEquals(415, post("/v1/rules", self, RULE).status(), "no Content-Type at all is as simple");
        assertEquals(201, post("/v1/rules", self + "Content-Type: application/json\r\n",
                new JsonObject().put("source", RULE).encode()).status());
        assertEquals(202, post("/v1/events", self + "Content-Type: application/x-ndjson\r\n",
                "{\"stream\": \"payments\", \"card\": \"c\", \"amount\": 1, \"ts\": 1}").status());
        try (RawConnection raw = new RawConnection(server.port())) {
            assertEquals(204, raw.request("DELETE", "/v1/rules/big", self, new byte[0]).status());
        }
        assertTrue(server.get("/metrics").body().contains("vigil_requests_refused_total{reason=\"content_type\"} 4.0"));
    }

    @Test
    void anAllowedOriginMayConnectAndChangeTheServer(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx, ServerConfig.of("127.0.0.1", 0, null).withSecurity(
                ServerConfig.Security.DEFAULT.withAllowedOrigins(List.of("https://ops.example.com"))));
        String ops = "Origin: https://ops.example.com\r\n";
        assertEquals(101, upgrade("/v1/alerts", ops).status());
        assertEquals(201, post("/v1/rules", ops + "Content-Type: application/json\r\n",
                new JsonObject().put("source", RULE).encode()).status());
        assertEquals(403, upgrade("/v1/alerts", "Origin: https://ops.example.com:8443\r\n").status(),
                "an origin is scheme, host and port");
        assertEquals(403, upgrade("/v1/alerts", "Origin: http://ops.example.com\r\n").status());
    }

    /**
     * DNS rebinding: a page at {@code http://rebind.example:PORT} whose name the attacker then points at 127.0.0.1
     * is, to the browser, of the same origin as the server; the Host header still names the attacker's domain.
     * Without tokens the server only answers browsers that name it by an address or {@code localhost}.
     */
    @Test
    void aPageReachingTheServerThroughARebindableNameIsRefused(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
        String host = "rebind.example:" + server.port();
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.write("GET /v1/alerts HTTP/1.1\r\nHost: " + host + "\r\nSec-Fetch-Site: same-origin\r\n\r\n");
            RawConnection.Response read = raw.readResponse();
            assertEquals(403, read.status(), read.body());
            assertTrue(new JsonObject(read.body()).getString("error").contains("'rebind.example'"), read.body());
        }
        try (RawConnection raw = new RawConnection(server.port())) {
            byte[] rule = new JsonObject().put("source", RULE).encode().getBytes(StandardCharsets.UTF_8);
            raw.write("POST /v1/rules HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + rule.length + "\r\n\r\n");
            raw.write(rule);
            assertEquals(403, raw.readResponse().status());
        }
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.write("GET /v1/rules HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertEquals(200, raw.readResponse().status(), "curl with any Host header is no browser");
        }
        try (RawConnection raw = new RawConnection(server.port())) {
            raw.write("GET /v1/rules HTTP/1.1\r\nHost: localhost:" + server.port() + "\r\nOrigin: http://localhost:"
                    + server.port() + "\r\nSec-Fetch-Site: same-origin\r\n\r\n");
            assertEquals(200, raw.readResponse().status(), "localhost always means this machine");
        }
        assertEquals(new JsonArray().encode(), server.get("/v1/rules").body());
        assertTrue(server.get("/metrics").body().contains("vigil_requests_refused_total{reason=\"host\"} 2.0"));
    }

    private RawConnection.Response post(String path, String headers, String body) throws Exception {
        try (RawConnection raw = new RawConnection(server.port())) {
            return raw.request("POST", path, headers, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private RawConnection.Response upgrade(String path, String headers) throws Exception {
        try (RawConnection raw = new RawConnection(server.port())) {
            return raw.upgrade(path, headers);
        }
    }
}
