package dev.vigil.server.http;

import dev.vigil.server.config.WebOrigin;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin resource sharing for the pages of {@code allowedOrigins}, with vertx-web's {@link CorsHandler}: such a
 * page may read the server's answers and send what a browser asks the server about first (JSON rule bodies, the
 * {@code Authorization} header); its preflight {@code OPTIONS} is answered 204 before authentication (a browser sends
 * no token with it). Off without allowed origins, the default: no answer then says any origin may read it.
 *
 * <p>The same setting as {@link CrossSiteGuard}'s: an origin trusted to change the server is the origin whose page
 * needs CORS to do so with {@code application/json} or a token, so one list says both. The guard runs first and keeps
 * its refusals; requests from other origins pass here untouched (a same-origin page needs no CORS header), rather
 * than being refused by {@link CorsHandler} without saying why.
 *
 * <p><b>Thread-safe:</b> immutable after construction.
 */
final class Cors {
    /** How long a browser may keep a preflight's answer. */
    static final int MAX_AGE_SECONDS = 600;

    private final Set<String> origins;
    private final CorsHandler handler;

    private Cors(List<String> origins) {
        this.origins = Set.copyOf(origins);
        this.handler = CorsHandler.create().addOrigins(origins.stream().map(Cors::asBrowsersWriteIt).toList())
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE))
                .allowedHeaders(Set.of("Authorization", "Content-Type", "Last-Event-ID"))
                .exposedHeaders(Set.of("Location", "Retry-After", "WWW-Authenticate"))
                .maxAgeSeconds(MAX_AGE_SECONDS);
    }

    /** The handler for {@code allowedOrigins} (normalized, {@code scheme://host:port}), or null when none is set. */
    static Handler<RoutingContext> of(List<String> allowedOrigins) {
        return allowedOrigins.isEmpty() ? null : new Cors(allowedOrigins)::handle;
    }

    /**
     * {@code https://ops.example.com} for {@code https://ops.example.com:443}: browsers leave the scheme's default
     * port out of {@code Origin}, and the answer must name the origin as the browser sent it.
     */
    static String asBrowsersWriteIt(String normalized) {
        return normalized.startsWith("https://") && normalized.endsWith(":443")
                || normalized.startsWith("http://") && normalized.endsWith(":80")
                ? normalized.substring(0, normalized.lastIndexOf(':')) : normalized;
    }

    private void handle(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        if (origin != null && origins.contains(WebOrigin.normalize(origin))) {
            handler.handle(ctx);
        } else {
            ctx.next();
        }
    }
}
