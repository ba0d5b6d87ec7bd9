package dev.vigil.server.http;

import dev.vigil.server.config.ServerConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The size limits of the API that are checked before a handler runs, and the one JSON shape every limit error
 * takes: {@code {"error": "...", "limit": "<ServerConfig component>", "max": n, "actual": m}}.
 *
 * <p><b>Thread-safe:</b> immutable.
 */
public final class Limits {
    private static final java.util.regex.Pattern EXPLAIN = java.util.regex.Pattern.compile("/v1/rules/[^/]+/explain");

    private final int ruleTextLimitBytes;

    Limits(ServerConfig config) {
        this.ruleTextLimitBytes = config.ruleTextLimitBytes();
    }

    /**
     * On {@code POST}/{@code PUT} of {@code /v1/rules}, after the body is read: 413 when it is over the limit. An
     * event to explain ({@code POST /v1/rules/{name}/explain}) is no rule text: the body limit bounds it.
     */
    void ruleText(RoutingContext ctx) {
        if (EXPLAIN.matcher(ctx.normalizedPath()).matches()) {
            ctx.next();
            return;
        }
        int bytes = ctx.body() == null || ctx.body().buffer() == null ? 0 : ctx.body().length();
        if (bytes > ruleTextLimitBytes) {
            Problems.send(ctx, 413, exceeded("rule text of " + bytes + " bytes exceeds the limit of "
                    + ruleTextLimitBytes + " bytes", "ruleTextLimitBytes", ruleTextLimitBytes, bytes));
            return;
        }
        ctx.next();
    }

    /** The error body of a request over {@code limit}: names the limit, its value and what the request had. */
    public static JsonObject exceeded(String message, String limit, long max, long actual) {
        return Problems.error(message).put("limit", limit).put("max", max).put("actual", actual);
    }
}
