package dev.vigil.server.http;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.server.config.FatalErrors;
import dev.vigil.wire.JsonCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders every error response as JSON {@code {"error": "...", ...}}: mistakes in rule text become 400 with
 * positioned diagnostics, HTTP-level problems their 4xx, and bugs a 500 carrying a log id (the stack trace goes
 * to the server's stderr, never to the client).
 */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    /** Diagnostics listed in one answer; a text with more gets a count of the rest. */
    static final int MAX_DIAGNOSTICS = 100;

    private final AllowedMethods allowed;

    /** @param allowed the methods each path takes, for the {@code Allow} header of a 405 */
    Problems(AllowedMethods allowed) {
        this.allowed = allowed;
    }

    public static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }

    public static void send(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    /**
     * For a request whose JSON body did not parse: {@code  (the body is not valid JSON: column 12: expected ...)}
     * saying where and why, or nothing when the body is JSON (of the wrong shape) or only the parser can tell.
     */
    static String notJson(String body) {
        String mistake = body == null ? null : JsonCodec.mistake(body);
        return mistake == null ? "" : " (the body is not valid JSON: " + mistake + ")";
    }

    /**
     * 400's body for rule text with mistakes: the first {@value #MAX_DIAGNOSTICS} diagnostics (each with
     * {@code limit} when it is a compile limit that was passed), and how many more there were.
     */
    static JsonObject diagnostics(List<Diagnostic> diagnostics) {
        JsonArray list = new JsonArray();
        for (Diagnostic diagnostic : diagnostics.subList(0, Math.min(MAX_DIAGNOSTICS, diagnostics.size()))) {
            JsonObject item = new JsonObject().put("line", diagnostic.line()).put("column", diagnostic.column())
                    .put("message", diagnostic.message()).put("rendered", diagnostic.render());
            if (diagnostic.limit() != null) {
                item.put("limit", diagnostic.limit());
            }
            list.add(item);
        }
        JsonObject body = error("rule does not compile").put("diagnostics", list);
        if (diagnostics.size() > MAX_DIAGNOSTICS) {
            body.put("diagnosticsOmitted", diagnostics.size() - MAX_DIAGNOSTICS);
        }
        return body;
    }

    /** True for the router's 400 when the request's URL does not decode ({@code ?since=%zz}). */
    private static boolean undecodable(Throwable failure) {
        return failure instanceof HttpException && failure.getCause() instanceof IllegalArgumentException;
    }

    /** The router's failure and error handler: whatever went wrong, the client gets JSON. */
    void render(RoutingContext ctx) {
        int status = ctx.statusCode();
        Throwable failure = ctx.failure();
        if (failure != null) {
            FatalErrors.check(failure);   // a worker ran out of memory: the process ends (vigil serve)
        }
        String allow = status == 404 || status == 405 ? allowed.allow(ctx.normalizedPath()) : null;
        if (status == 404 && allow == null) {
            send(ctx, 404, error("no such resource").put("path", ctx.request().path()));
        } else if (status == 404 || status == 405) {
            // a path some route serves is never unknown: the router says 404 when a route for every method (the
            // body handler of /v1/*) stood between the path's route and the end
            if (allow != null) {
                ctx.response().putHeader("Allow", allow);
            }
            send(ctx, 405, error("method " + ctx.request().method() + " not allowed on " + ctx.request().path()
                    + (allow == null ? "" : "; it takes " + allow)));
        } else if (status == 413) {
            send(ctx, 413, error("request body too large"));
        } else if (status >= 400 && status < 500) {
            send(ctx, status, error(undecodable(failure) ? "the URL is not valid URL encoding: a '%' must start an "
                    + "escape of two hexadecimal digits (write '%' itself as %25, '+' as %2B)" : "bad request"));
        } else {
            String logId = UUID.randomUUID().toString();
            String where = ctx.request().method() + " " + ctx.request().path();
            if (failure == null) {
                LOG.error("internal error {} on {} (status {})", logId, where, status);
            } else {
                LOG.error("internal error {} on {}: {}", logId, where, failure.toString(), failure);
            }
            send(ctx, 500, error("internal error; the server log has the details").put("logId", logId));
        }
    }
}
