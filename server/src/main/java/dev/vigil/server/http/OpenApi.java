package dev.vigil.server.http;

import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /v1/openapi}: the OpenAPI 3 description of every route ({@value #RESOURCE} on the class path), read
 * once when the server starts.
 */
final class OpenApi {
    static final String RESOURCE = "/openapi.json";

    private final String json;

    private OpenApi(String json) {
        this.json = json;
    }

    static OpenApi load() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new OpenApi(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void serve(RoutingContext ctx) {
        ctx.response().putHeader("Content-Type", "application/json").end(json);
    }
}
