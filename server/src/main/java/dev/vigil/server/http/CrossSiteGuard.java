package dev.vigil.server.http;

import dev.vigil.server.config.WebOrigin;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Refuses what a web page open in the operator's browser could make the browser send to the server: the browser
 * reaches loopback, and without tokens nothing else stands in the way.
 *
 * <p>Browsers say where a request comes from ({@code Origin}, and {@code Sec-Fetch-Site} in every current browser);
 * curl, {@code vigil send}, {@code vigil watch} and other programs send neither, and this guard lets them through
 * untouched. For a request from a browser:
 * <ol>
 *   <li><b>DNS rebinding.</b> Without tokens, the {@code Host} must be an IP address, {@code localhost} (or
 *       {@code *.localhost}), or the host of an allowed origin: a page of {@code evil.example} whose name is then
 *       pointed at 127.0.0.1 is of the same origin as the server in the browser's eyes, and only the {@code Host}
 *       header still tells. With tokens a rebound page has no token to show. A navigation the user typed
 *       ({@code Sec-Fetch-Site: none}) is not a page's doing and passes.</li>
 *   <li><b>Cross-site requests.</b> A request that changes something ({@code POST}, {@code PUT}, {@code PATCH},
 *       {@code DELETE}) and every WebSocket upgrade (WebSockets are not bound by the same-origin policy: a page
 *       could read alerts or feed events) must come from the server's own origin (the {@code Origin}'s host and
 *       port are those of the {@code Host} header) or one listed in {@code allowedOrigins}; without an
 *       {@code Origin}, {@code Sec-Fetch-Site: cross-site} or {@code same-site} is refused.</li>
 *   <li><b>Simple bodies.</b> A body sent as {@code text/plain}, a form, multipart or with no type is one a page of
 *       any origin may send without the browser asking the server first (CORS "simple" requests), so a browser
 *       must send rules as {@code application/json} ({@code {"source": ...}}) and events as
 *       {@code application/x-ndjson}: 415 otherwise.</li>
 * </ol>
 * Refusals are JSON (403, 415) naming the origin and the setting, and counted by reason ({@code origin},
 * {@code host}, {@code content_type}).
 *
 * <p><b>Thread-safe:</b> immutable after construction.
 */
public final class CrossSiteGuard {
    private static final Set<HttpMethod> CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.DELETE);
    private static final Set<String> SIMPLE_TYPES = Set.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final String SETTING = "allowedOrigins (--allowed-origins, VIGIL_ALLOWED_ORIGINS)";

    private final List<String> allowedOrigins;
    private final boolean tokens;
    private final Consumer<String> refused;

    /**
     * @param allowedOrigins normalized origins ({@link WebOrigin#normalize}) besides the server's own
     * @param tokens whether bearer tokens are configured
     * @param refused counts a refusal by its reason
     */
    CrossSiteGuard(List<String> allowedOrigins, boolean tokens, Consumer<String> refused) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.tokens = tokens;
        this.refused = refused;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String origin = request.getHeader("Origin");
        String site = request.getHeader("Sec-Fetch-Site");
        if (origin == null && site == null && request.getHeader("Sec-Fetch-Mode") == null) {
            ctx.next();   // not a browser
            return;
        }
        String host = request.getHeader("Host");
        if (!tokens && !(origin == null && "none".equals(site)) && !rebindSafe(hostOf(host))) {
            refuse(ctx, 403, "host", "request for host '" + hostOf(host) + "' refused: without tokens, a browser "
                    + "may only reach this server by an IP address or localhost, since a page can point any other "
                    + "name at this machine (DNS rebinding); list the page's origin in " + SETTING
                    + ", or configure tokens", origin);
            return;
        }
        boolean upgrade = request.canUpgradeToWebSocket();
        if (upgrade || CHANGING.contains(request.method())) {
            String own = (request.isSSL() ? "https://" : "http://") + host;
            if (origin != null && !allowed(origin, host)) {
                refuse(ctx, 403, "origin", "request from origin '" + origin + "' refused: it is not this server's "
                        + "origin (" + own + ") nor listed in " + SETTING + "; a page of another site may not "
                        + (upgrade ? "open this server's WebSockets" : "change this server"), origin);
                return;
            }
            if (origin == null && ("cross-site".equals(site) || "same-site".equals(site))) {
                refuse(ctx, 403, "origin", "request refused: the browser says it comes from another site "
                        + "(Sec-Fetch-Site: " + site + ") and names no Origin; a page of another site may not change "
                        + "this server", null);
                return;
            }
            if (!upgrade && hasBody(request) && isSimple(request.getHeader("Content-Type"))) {
                String type = request.getHeader("Content-Type");
                refuse(ctx, 415, "content_type", "a browser must send this body as application/json (rules: "
                        + "{\"source\": \"RULE ...\"}) or application/x-ndjson (events), not "
                        + (type == null ? "without a Content-Type" : "as " + type) + ": a page of any site may "
                        + "send text, forms and multipart without the browser asking this server first", origin);
                return;
            }
        }
        ctx.next();
    }

    /** Whether {@code origin} is listed, or names the same host and port as the {@code Host} header. */
    private boolean allowed(String origin, String host) {
        String normalized = WebOrigin.normalize(origin);
        if (normalized == null) {
            return false;   // "null" (sandboxed frames, files), extensions, nonsense
        }
        if (allowedOrigins.contains(normalized)) {
            return true;
        }
        if (host == null) {
            return false;
        }
        String defaultPort = normalized.startsWith("https:") ? "443" : "80";
        String authority = host.strip().toLowerCase(Locale.ROOT);
        boolean hasPort = authority.lastIndexOf(':') > authority.lastIndexOf(']');
        return normalized.substring(normalized.indexOf("://") + 3).equals(hasPort ? authority
                : authority + ":" + defaultPort);
    }

    /** Whether a page cannot have reached this server under {@code host} by re-pointing a name it owns. */
    private boolean rebindSafe(String host) {
        if (host.startsWith("[") || IPV4.matcher(host).matches() || host.equals("localhost")
                || host.endsWith(".localhost")) {
            return true;
        }
        for (String origin : allowedOrigins) {
            String authority = origin.substring(origin.indexOf("://") + 3);
            if (authority.substring(0, authority.lastIndexOf(':')).equals(host)) {
                return true;
            }
        }
        return false;
    }

    /** The host part of a {@code Host} header, lower case, without the port ({@code ""} when there is none). */
    private static String hostOf(String authority) {
        if (authority == null) {
            return "";
        }
        String host = authority.strip().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || length != null && !length.strip().equals("0");
    }

    private static boolean isSimple(String contentType) {
        if (contentType == null) {
            return true;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        return SIMPLE_TYPES.contains(media);
    }

    private void refuse(RoutingContext ctx, int status, String reason, String message, String origin) {
        refused.accept(reason);
        Problems.send(ctx, status, Problems.error(message).put("origin", origin).put("setting", "allowedOrigins"));
    }
}
