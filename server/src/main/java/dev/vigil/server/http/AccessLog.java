package dev.vigil.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: a line per HTTP request once its answer is sent (a WebSocket when its upgrade is answered, status
 * 101, by {@link #upgraded}), on the
 * logger {@code vigil.access}, so that an operator can route or silence it apart from the rest of the log:
 *
 * <pre>
 * 127.0.0.1:50412 "POST /v1/events" 202 57 B 3 ms role=ingest
 * </pre>
 *
 * <p>The client's address, method and path with the query, status, bytes of the answer's body, time from the first
 * byte of the request to the last of the answer, and the role of the request's token. Never the token: an {@code
 * access_token} in the query is written as {@code redacted}, and headers are not logged.
 *
 * <p>First handler of every route; the line is formatted only when the logger is on, on the event loop, and written
 * by the log's own thread.
 */
public final class AccessLog {
    private static final Logger ACCESS = LoggerFactory.getLogger("vigil.access");
    private static final String TOKEN_PARAMETER = "access_token";
    /** Set on each request while the access log is on (accessLog, and the logger at INFO). */
    private static final String LOGGED = "vigil.access";

    private AccessLog() {
    }

    static void handle(RoutingContext ctx) {
        if (ACCESS.isInfoEnabled()) {
            long started = System.nanoTime();
            ctx.put(LOGGED, Boolean.TRUE);
            ctx.addEndHandler(ended -> ACCESS.info("{} \"{} {}\" {} {} B {} ms role={}",
                    ctx.request().remoteAddress(), ctx.request().method(), target(ctx.request()),
                    ctx.response().getStatusCode(), ctx.response().bytesWritten(),
                    (System.nanoTime() - started) / 1_000_000, Authenticator.role(ctx)));
        }
        ctx.next();
    }

    /** Logs the answered upgrade of a WebSocket: a request whose answer never ends as an HTTP response does. */
    public static void upgraded(RoutingContext ctx) {
        if (ctx.get(LOGGED) != null) {
            ACCESS.info("{} \"{} {}\" 101 WebSocket role={}", ctx.request().remoteAddress(), ctx.request().method(),
                    target(ctx.request()), Authenticator.role(ctx));
        }
    }

    /** The path and the query as sent, with the value of an {@code access_token} parameter redacted. */
    static String target(HttpServerRequest request) {
        String query = request.query();
        if (query == null) {
            return request.path();
        }
        StringBuilder out = new StringBuilder(request.path()).append('?');
        String[] parameters = query.split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String parameter = parameters[i];
            int equals = parameter.indexOf('=');
            String name = equals < 0 ? parameter : parameter.substring(0, equals);
            out.append(i == 0 ? "" : "&").append(TOKEN_PARAMETER.equals(name) ? name + "=redacted" : parameter);
        }
        return out.toString();
    }
}
