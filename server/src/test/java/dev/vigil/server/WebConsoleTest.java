package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import dev.vigil.server.config.ServerConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web console's files: {@code GET /} and {@code GET /console/{file}} answer the bundle the jar carries, with
 * the headers that keep the page to its own origin, an ETag that turns a revalidation into a 304, gzip for browsers
 * that take it, and no token needed even when the API needs one.
 */
@ExtendWith(VertxExtension.class)
class WebConsoleTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theRootAnswersTheConsolePageWithAPolicyThatKeepsItToItsOwnOrigin(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<byte[]> page = get(server, "/", null, null);
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
            assertArrayEquals(resource("index.html"), page.body(), "the page of the bundle");
            assertTrue(new String(page.body(), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("src=\"console/console.js\""));
            String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'")
                    && policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'none'"), policy);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
        }
    }

    @Test
    void theScriptIsGzippedForBrowsersThatTakeItAndRevalidatesToA304(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            byte[] script = resource("console.js");
            HttpResponse<byte[]> plain = get(server, "/console/console.js", null, null);
            assertEquals(200, plain.statusCode());
            assertEquals("text/javascript; charset=utf-8", plain.headers().firstValue("Content-Type").orElse(""));
            assertArrayEquals(script, plain.body());

            HttpResponse<byte[]> zipped = get(server, "/console/console.js", "gzip, deflate, br", null);
            assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(""));
            assertTrue(zipped.body().length < script.length / 2, zipped.body().length + " of " + script.length);
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
                assertArrayEquals(script, in.readAllBytes());
            }

            String etag = plain.headers().firstValue("ETag").orElse(null);
            assertNotNull(etag);
            assertEquals(etag, zipped.headers().firstValue("ETag").orElse(null), "one file, one tag");
            HttpResponse<byte[]> again = get(server, "/console/console.js", "gzip", etag);
            assertEquals(304, again.statusCode());
            assertEquals(0, again.body().length);
            assertEquals(200, get(server, "/console/console.js", null, "\"another\"").statusCode());
        }
    }

    @Test
    void aFileTheBundleDoesNotHaveIsA404NamingIt(Vertx vertx) throws Exception {
        try (RunningServer server = RunningServer.start(vertx)) {
            HttpResponse<byte[]> missing = get(server, "/console/secrets.txt", null, null);
            assertEquals(404, missing.statusCode());
            JsonObject problem = new JsonObject(new String(missing.body(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("no such file of the web console: 'secrets.txt'", problem.getString("error"));
            assertEquals(200, get(server, "/console/console.css", null, null).statusCode());
            assertEquals(200, get(server, "/console/THIRD-PARTY.txt", null, null).statusCode());
        }
    }

    /** The page and its files hold no data: with tokens they still load, while the API asks for a token. */
    @Test
    void withTokensTheFilesNeedNoTokenButTheApiDoes(Vertx vertx) throws Exception {
        ServerConfig config = ServerConfig.of("127.0.0.1", 0, null)
                .withTokens(List.of(new AccessToken(Role.ADMIN, "console-secret")));
        try (RunningServer server = RunningServer.start(vertx, config)) {
            assertEquals(200, get(server, "/", null, null).statusCode());
            assertEquals(200, get(server, "/console/console.js", null, null).statusCode());
            assertEquals(200, get(server, "/console/favicon.svg", null, null).statusCode());
            assertEquals(401, get(server, "/v1/rules", null, null).statusCode());
            assertEquals(401, get(server, "/metrics", null, null).statusCode());
            assertEquals(401, get(server, "/consoles", null, null).statusCode(), "only the console's own paths");
        }
    }

    private HttpResponse<byte[]> get(RunningServer server, String path, String acceptEncoding, String ifNoneMatch)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(RunningServer.TIMEOUT);
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] resource(String file) throws Exception {
        try (InputStream in = WebConsoleTest.class.getResourceAsStream("/console/" + file)) {
            assertNotNull(in, "/console/" + file + " is on the class path (console/build.sh builds it)");
            return in.readAllBytes();
        }
    }
}
