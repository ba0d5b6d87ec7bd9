package dev.vigil.server.http;

import dev.vigil.server.config.AccessToken;
import dev.vigil.server.config.Role;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The first handler of every request: checks the bearer token against the configured {@link AccessToken}s and the
 * {@link Role} the route needs, answering 401 or 403 as JSON, or passes the request on.
 *
 * <p>With no token configured nothing is enforced (the server binds loopback by default). With tokens, every
 * route and socket except {@code GET /health}, {@code GET /ready} and the web console's files needs
 * {@code Authorization: Bearer <token>};
 * a WebSocket upgrade may pass {@code ?access_token=} instead, because browsers cannot set headers on one.
 *
 * <p>Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every configured token
 * without stopping at the first match, so the time taken tells nothing about how much of a token was right (nor,
 * the digests having one length, how long it is). Tokens are never logged or echoed.
 *
 * <p><b>Thread-safe:</b> immutable after construction.
 */
final class Authenticator {
    private static final String CHALLENGE = "Bearer realm=\"vigil\"";
    /** Where the role of the request's token is kept for the handlers after this one (the access log, the audit). */
    private static final String ROLE = "vigil.role";

    private final byte[][] digests;
    private final Role[] roles;

    Authenticator(List<AccessToken> tokens) {
        digests = new byte[tokens.size()][];
        roles = new Role[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            digests[i] = sha256(tokens.get(i).secret());
            roles[i] = tokens.get(i).role();
        }
    }

    void handle(RoutingContext ctx) {
        if (digests.length == 0 || isPublic(ctx.request().method(), ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String presented = presentedToken(ctx);
        Role role = presented == null ? null : roleOf(presented);
        if (role == null) {
            ctx.response().putHeader("WWW-Authenticate", presented == null ? CHALLENGE
                    : CHALLENGE + ", error=\"invalid_token\"");
            Problems.send(ctx, 401, Problems.error(presented == null
                    ? "authentication required: send Authorization: Bearer <token>"
                    : "unknown token"));
            return;
        }
        Role needed = requiredRole(ctx.normalizedPath());
        if (needed != null && !role.grants(needed)) {
            ctx.response().putHeader("WWW-Authenticate", CHALLENGE + ", error=\"insufficient_scope\"");
            Problems.send(ctx, 403, Problems.error("this route needs a token with the role '" + needed.label()
                    + (needed == Role.ADMIN ? "'" : "' (or 'admin')") + "; this token has '" + role.label() + "'")
                    .put("requiredRole", needed.label()));
            return;
        }
        ctx.put(ROLE, role);
        ctx.next();
    }

    /**
     * Who made the request, for the access log and the audit trail: the role of its token ({@code admin}), {@code
     * none} for a request that passed without one (no token configured, or a public route), never the token.
     */
    static String role(RoutingContext ctx) {
        Role role = ctx.get(ROLE);
        return role == null ? "none" : role.label();
    }

    /**
     * {@code GET /health} and {@code GET /ready} answer everyone: probes of orchestrators carry no token. So do the
     * web console's files ({@code GET /}, {@code GET /console/...}): they hold no data, and the page asks for a token
     * when the API wants one.
     */
    static boolean isPublic(HttpMethod method, String path) {
        return HttpMethod.GET.equals(method) && ("/health".equals(path) || "/ready".equals(path) || "/".equals(path)
                || path.startsWith(WebConsole.FOLDER));
    }

    /**
     * The role a path needs; null for paths no route serves, which any valid token may ask for (and get a 404),
     * so a typo is not reported as a missing role.
     */
    static Role requiredRole(String path) {
        if (under(path, "/v1/rules") || under(path, "/v1/savepoints")) {
            return Role.ADMIN;
        }
        if (under(path, "/v1/events") || under(path, "/v1/producers")) {
            return Role.INGEST;
        }
        if (under(path, "/v1/alerts") || under(path, "/metrics") || under(path, "/v1/backtest")
                || under(path, "/v1/checkpoints")) {
            return Role.READ;
        }
        return null;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** The bearer token of the request, from the header or, on a WebSocket upgrade, the query; null when none. */
    private static String presentedToken(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header != null) {
            String trimmed = header.strip();
            if (trimmed.length() > 7 && trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return trimmed.substring(7).strip();
            }
            return null;
        }
        if (ctx.request().canUpgradeToWebSocket()) {
            String query = ctx.queryParams().get("access_token");
            return query == null || query.isEmpty() ? null : query;
        }
        return null;
    }

    /** The role of the configured token equal to {@code presented}, or null; compares against every token. */
    private Role roleOf(String presented) {
        byte[] digest = sha256(presented);
        Role found = null;
        for (int i = 0; i < digests.length; i++) {
            if (MessageDigest.isEqual(digests[i], digest) && found == null) {
                found = roles[i];
            }
        }
        return found;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
