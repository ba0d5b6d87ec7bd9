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
            for (String method : paths.getJsonObject(path).fieldNames()) {
                if (!method.equals("parameters")) {
                    assertTrue(routed.contains(method + " " + path), method + " " + path
                            + " is in openapi.json but not routed: " + routed);
                }
            }
        }
        assertTrue(routed.contains("get /v1/rules/{name}/nfa"), routed.toString());
    }
}
