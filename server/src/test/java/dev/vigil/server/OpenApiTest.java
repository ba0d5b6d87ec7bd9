package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/openapi} serves a description that names every route the router has, and nothing else. */
@ExtendWith(VertxExtension.class)
class OpenApiTest {
    private RunningServer server;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = RunningServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void everyRouteOfTheRouterIsDescribedAndEveryDescribedRouteExists() throws Exception {
        HttpResponse<String> response = server.get("/v1/openapi");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonObject openApi = new JsonObject(response.body());
        assertTrue(openApi.getString("openapi").startsWith("3."), openApi.getString("openapi"));
        JsonObject paths = openApi.getJsonObject("paths");

        List<String> routed = new ArrayList<>();
        for (Route route : server.routes()) {
            if (route.getPath() == null || !route.isExactPath() || route.methods() == null
                    || route.methods().isEmpty()) {
                continue;   // handlers for every request or a prefix (auth, body limits, failures), not API routes
            }
            String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
            for (HttpMethod method : route.methods()) {
                String operation = method.name().toLowerCase(Locale.ROOT) + " " + path;
                routed.add(operation);
                JsonObject item = paths.getJsonObject(path);
                assertTrue(item != null && item.containsKey(method.name().toLowerCase(Locale.ROOT)),
                        operation + " is routed but not in openapi.json");
            }
        }
        for (String path : paths.fieldNames()) {
            assertTrue(paths.getJsonObject(path).containsKey("options"), "OPTIONS of " + path + " is not described");
            for (String method : paths.getJsonObject(path).fieldNames()) {
                // OPTIONS is answered on every routed path by one handler (AllowedMethods), not by a route
                if (!method.equals("parameters") && !method.equals("options")) {
                    assertTrue(routed.contains(method + " " + path), method + " " + path
                            + " is in openapi.json but not routed: " + routed);
                }
            }
        }
        assertTrue(routed.contains("get /v1/rules/{name}/nfa"), routed.toString());
    }

    /**
     * The answers every route gives before its own handler runs are listed for every operation they can reach:
     * OPTIONS (204 with the methods the document lists), a transfer coding other than chunked (501), a browser's
     * request from another site (403) and, for a body, a content coding (415). Each is sent, and the status it gets
     * must be one the operation lists.
     */
    @Test
    void theAnswersEveryRouteGivesAreInTheDocument() throws Exception {
        JsonObject paths = new JsonObject(server.get("/v1/openapi").body()).getJsonObject("paths");
        List<String> unlisted = new ArrayList<>();
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            String concrete = path.replaceAll("\\{[A-Za-z]+}", "r");
            RawConnection.Response options = raw("OPTIONS", concrete, "", "");
            List<String> methods = new ArrayList<>();   // of every path the request matches: validate is a name too
            for (String method : List.of("get", "post", "put", "delete")) {
                for (String other : paths.fieldNames()) {
                    if (concrete.matches(other.replaceAll("\\{[A-Za-z]+}", "[^/]+"))
                            && paths.getJsonObject(other).containsKey(method)
                            && !methods.contains(method.toUpperCase(Locale.ROOT))) {
                        methods.add(method.toUpperCase(Locale.ROOT));
                    }
                }
            }
            methods.add("OPTIONS");
            assertEquals(204, options.status(), "OPTIONS " + concrete);
            assertEquals(String.join(", ", methods), options.headers().get("allow"), "OPTIONS " + concrete);
            for (String method : item.fieldNames()) {
                if (method.equals("parameters")) {
                    continue;
                }
                JsonObject responses = item.getJsonObject(method).getJsonObject("responses");
                String verb = method.toUpperCase(Locale.ROOT);
                expect(unlisted, responses, verb, path, options.status(), method.equals("options"));
                expect(unlisted, responses, verb, path, raw(verb, concrete, "Transfer-Encoding: gzip\r\n", "")
                        .status(), true);
                expect(unlisted, responses, verb, path, raw(verb, concrete, "Host: vigil.example\r\n"
                        + "Sec-Fetch-Site: cross-site\r\n", "").status(), true);
                if (item.getJsonObject(method).containsKey("requestBody")) {
                    expect(unlisted, responses, verb, path, raw(verb, concrete, "Content-Encoding: gzip\r\n", "{}")
                            .status(), true);
                }
            }
        }
        assertEquals(List.of(), unlisted, "answered, but not listed in openapi.json");
    }

    /** Adds {@code METHOD path: status} to {@code unlisted} when {@code responses} does not list {@code status}. */
    private static void expect(List<String> unlisted, JsonObject responses, String method, String path, int status,
            boolean applies) {
        if (applies && !responses.containsKey(String.valueOf(status))) {
            unlisted.add(method + " " + path + ": " + status);
        }
    }

    /** One request on a connection of its own, with {@code headers} (CRLF-ended lines) before the standard ones. */
    private RawConnection.Response raw(String method, String path, String headers, String body) throws Exception {
        try (RawConnection connection = new RawConnection(server.port())) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (headers.startsWith("Host: ")) {   // a Host of its own: the connection's would come first
                connection.write(method + " " + path + " HTTP/1.1\r\n" + headers + "Content-Length: " + bytes.length
                        + "\r\n\r\n");
                connection.write(bytes);
                return connection.readResponse();
            }
            return connection.request(method, path, headers, bytes);
        }
    }
}
