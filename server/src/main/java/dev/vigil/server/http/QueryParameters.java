package dev.vigil.server.http;

import dev.vigil.dsl.Suggestions;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The query parameters one route takes. A request naming any other parameter, or giving twice one that takes a
 * single value, is answered 400 naming the parameter and the ones the route takes, before the route's handler runs:
 * a misspelt {@code ?limt=3} that was ignored would look like a server answering more than it was asked.
 *
 * <p>A WebSocket upgrade may also carry {@code access_token} (browsers cannot set headers on one; the
 * {@link Authenticator} reads it); a plain request may not, and is told to send the header instead. A route that is
 * a plain GET and a WebSocket at once ({@code /v1/alerts}) names the parameters of each.
 *
 * <p><b>Thread-safe:</b> immutable.
 */
final class QueryParameters implements Handler<RoutingContext> {
    static final String ACCESS_TOKEN = "access_token";
    /** A route that takes no query parameter. */
    static final QueryParameters NONE = new QueryParameters(List.of(), null, Set.of());

    private final List<String> plain;
    /** The parameters of a WebSocket upgrade, {@code access_token} aside; null when the route is no WebSocket. */
    private final List<String> upgrade;
    private final Set<String> repeatable;

    private QueryParameters(List<String> plain, List<String> upgrade, Set<String> repeatable) {
        this.plain = List.copyOf(plain);
        this.upgrade = upgrade == null ? null : List.copyOf(upgrade);
        this.repeatable = Set.copyOf(repeatable);
    }

    /** A route taking {@code names} (each at most once, unless {@link #repeatable}). */
    static QueryParameters of(String... names) {
        return new QueryParameters(List.of(names), null, Set.of());
    }

    /** The same route as a WebSocket upgrade takes {@code names} (and {@code access_token}) instead. */
    QueryParameters onUpgrade(String... names) {
        return new QueryParameters(plain, List.of(names), repeatable);
    }

    /** {@code names} may be given more than once (their values add up). */
    QueryParameters repeatable(String... names) {
        return new QueryParameters(plain, upgrade, Set.of(names));
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean socket = upgrade != null && ctx.request().canUpgradeToWebSocket();
        List<String> taken = socket ? upgrade : plain;
        MultiMap query = ctx.queryParams();
        for (String name : query.names()) {
            if (!taken.contains(name) && !(socket && name.equals(ACCESS_TOKEN))) {
                refuse(ctx, name, unknown(ctx, name, taken, socket));
                return;
            }
            int given = query.getAll(name).size();
            if (given > 1 && !repeatable.contains(name)) {
                refuse(ctx, name, "query parameter '" + name + "' is given " + given + " times; give it once");
                return;
            }
        }
        ctx.next();
    }

    /** Why {@code name} is refused: unknown (with the closest names), or a token outside a WebSocket upgrade. */
    private String unknown(RoutingContext ctx, String name, List<String> taken, boolean socket) {
        if (name.equals(ACCESS_TOKEN)) {
            return "query parameter 'access_token' is read only on a WebSocket upgrade; send the token in the header "
                    + "Authorization: Bearer <token>";
        }
        List<String> known = new ArrayList<>(taken);
        if (socket) {
            known.add(ACCESS_TOKEN);
        }
        List<String> close = Suggestions.closest(name, known);
        String request = ctx.request().method() + " " + ctx.request().path() + (socket ? " (WebSocket)" : "");
        return "unknown query parameter '" + name + "'"
                + (close.isEmpty() ? "" : "; did you mean " + Suggestions.list(close, "or") + "?") + "; " + request
                + (known.isEmpty() ? " takes no query parameters" : " takes " + Suggestions.list(known, "and"));
    }

    private void refuse(RoutingContext ctx, String name, String why) {
        boolean socket = upgrade != null && ctx.request().canUpgradeToWebSocket();
        Set<String> allowed = new LinkedHashSet<>(socket ? upgrade : plain);
        if (socket) {
            allowed.add(ACCESS_TOKEN);
        }
        Problems.send(ctx, 400, Problems.error(why).put("parameter", name)
                .put("allowed", new JsonArray(new ArrayList<>(allowed))));
    }
}
