package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CORS for the pages of {@code allowedOrigins}, as a browser speaks it (byte by byte, with {@code Origin}): the
 * preflight is answered before authentication, listed pages may read answers, and nothing changes for other origins
 * or without the setting (off by default).
 */
@ExtendWith(VertxExtension.class)
class CorsTest {
    private static final String OPS = "https://ops.example.com";
    private static final String TOKEN = "s3cret-admin-token-0123456789abcdef";
    private RunningServer server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aListedOriginsPreflightIsAnsweredWithoutATokenAndItsRequestsMayBeRead(Vertx vertx) throws Exception {
        start(vertx, List.of(OPS));
        RawConnection.Response preflight = request("OPTIONS", "/v1/rules", "Origin: " + OPS + "\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n");
        assertEquals(204, preflight.status(), preflight.toString());
        assertEquals(OPS, preflight.headers().get("access-control-allow-origin"));
        assertTrue(preflight.headers().get("access-control-allow-methods").contains("POST"), preflight.toString());
        assertTrue(preflight.headers().get("access-control-allow-headers").toLowerCase().contains("authorization"),
                preflight.toString());

        RawConnection.Response posted = request("POST", "/v1/rules", "Origin: " + OPS + "\r\nAuthorization: Bearer "
                + TOKEN + "\r\nContent-Type: application/json\r\n",
                "{\"source\": \"RULE big FROM payments PATTERN b DEFINE b AS amount >= 500\"}");
        assertEquals(201, posted.status(), posted.body());
        assertEquals(OPS, posted.headers().get("access-control-allow-origin"));
        assertTrue(posted.headers().get("access-control-expose-headers").contains("Location"), posted.toString());

        RawConnection.Response unauthenticated = request("GET", "/v1/rules", "Origin: " + OPS + "\r\n");
        assertEquals(401, unauthenticated.status());
        assertEquals(OPS, unauthenticated.headers().get("access-control-allow-origin"),
                "the page may read why it was refused");
    }

    @Test
    void anotherOriginGetsNoCorsHeadersAndTheGuardStillRefusesItsChanges(Vertx vertx) throws Exception {
        start(vertx, List.of(OPS));
        RawConnection.Response read = request("GET", "/v1/rules", "Origin: https://evil.example\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\n");
        assertEquals(200, read.status(), read.body());
        assertNull(read.headers().get("access-control-allow-origin"), "the browser keeps the answer from the page");
        RawConnection.Response posted = request("POST", "/v1/rules", "Origin: https://evil.example\r\nAuthorization: "
                + "Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n", "{\"source\": \"RULE x\"}");
        assertEquals(403, posted.status(), posted.body());
        assertTrue(posted.body().contains("allowedOrigins"), posted.body());
    }

    @Test
    void withoutAllowedOriginsNoAnswerSaysAnOriginMayReadIt(Vertx vertx) throws Exception {
        start(vertx, List.of());
        RawConnection.Response preflight = request("OPTIONS", "/v1/rules", "Origin: " + OPS + "\r\n"
                + "Access-Control-Request-Method: POST\r\n");
        assertFalse(preflight.headers().containsKey("access-control-allow-origin"), preflight.toString());
        RawConnection.Response read = request("GET", "/health", "Origin: " + OPS + "\r\n");
        assertEquals(200, read.status());
        assertFalse(read.headers().containsKey("access-control-allow-origin"), read.toString());
    }

    private void start(Vertx vertx, List<String> origins) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(new AccessToken(Role.ADMIN, TOKEN)));
        server = RunningServer.start(vertx, config.withSecurity(config.security().withAllowedOrigins(origins)));
    }

    private RawConnection.Response request(String method, String path, String headers) throws Exception {
        return request(method, path, headers, "");
    }

    private RawConnection.Response request(String method, String path, String headers, String body) throws Exception {
        try (RawConnection raw = new RawConnection(server.port())) {
            return raw.request(method, path, headers, body.getBytes(StandardCharsets.UTF_8));
        }
    }
}
