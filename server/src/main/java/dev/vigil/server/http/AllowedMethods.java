package dev.vigil.server.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Which methods each path of the API takes, read off the router's own routes: the {@code Allow} header of a 405
 * and the answer to {@code OPTIONS} (204 with {@code Allow}, RFC 9110 sections 9.3.7 and 15.5.6), so a client can
 * ask the server instead of guessing, and the two never disagree with the routes.
 *
 * <p>{@code OPTIONS} is answered by a route of its own, after the request checks (a token is needed as for any
 * route). A CORS handler, placed in front of the router, answers browsers' preflight requests before this route
 * sees them.
 *
 * <p><b>Thread-safe:</b> the table is set once, before the server listens, and only read after.
 */
final class AllowedMethods {
    /** The order methods are listed in. */
    private static final List<HttpMethod> ORDER = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
            HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    /** One routed path: its template as a pattern ({@code :name} matches one segment) and its methods. */
    private record RoutedPath(Pattern path, Set<HttpMethod> methods) {}

    private volatile List<RoutedPath> paths = List.of();

    /**
     * Learns the routes: every route of an exact path with methods (handlers of every request or of a prefix, such
     * as the body handler, serve no path of their own). Call once every route is added.
     */
    void learn(List<Route> routes) {
        List<RoutedPath> learned = new ArrayList<>();
        for (Route route : routes) {
            if (route.getPath() == null || !route.isExactPath() || route.methods() == null
                    || route.methods().isEmpty()) {
                continue;
            }
            learned.add(new RoutedPath(template(route.getPath()), Set.copyOf(route.methods())));
        }
        paths = List.copyOf(learned);
    }

    /** The {@code Allow} header's value for {@code path} ({@code GET, POST, OPTIONS}), or null when no route serves it. */
    String allow(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        Set<HttpMethod> methods = new LinkedHashSet<>();
        for (RoutedPath routed : paths) {
            if (routed.path().matcher(trimmed).matches()) {
                methods.addAll(routed.methods());
            }
        }
        if (methods.isEmpty()) {
            return null;
        }
        StringBuilder allow = new StringBuilder();
        for (HttpMethod method : ORDER) {
            if (methods.contains(method)) {
                allow.append(method.name()).append(", ");
            }
        }
        return allow.append(HttpMethod.OPTIONS.name()).toString();
    }

    /**
     * {@code OPTIONS} on a routed path: 204 with {@code Allow}; any other request, and {@code OPTIONS} on any other
     * path (404), goes on. A handler of every request, not a route of method {@code OPTIONS}: the router counts a
     * route whose method does not match as a 405 for every path it matches.
     */
    void options(RoutingContext ctx) {
        if (!HttpMethod.OPTIONS.equals(ctx.request().method())) {
            ctx.next();
            return;
        }
        String allow = allow(ctx.normalizedPath());
        if (allow == null) {
            ctx.next();
            return;
        }
        ctx.response().setStatusCode(204).putHeader("Allow", allow).end();
    }

    /** {@code /v1/rules/:name} as a pattern: each {@code :param} matches one path segment, the rest literally. */
    private static Pattern template(String path) {
        StringJoiner regex = new StringJoiner("/");
        for (String segment : path.split("/", -1)) {
            regex.add(segment.startsWith(":") ? "[^/]+" : Pattern.quote(segment));
        }
        return Pattern.compile(regex.toString());
    }
}
