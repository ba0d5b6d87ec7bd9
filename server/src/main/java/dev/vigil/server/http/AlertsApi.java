package dev.vigil.server.http;

import dev.vigil.dsl.Suggestions;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.alerts.AlertHub;
import dev.vigil.server.log.AlertFilter;
import dev.vigil.server.log.AlertLog;
import dev.vigil.server.rules.DeployedRule;
import dev.vigil.server.rules.RuleRegistry;
import dev.vigil.server.rules.RuleSet;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/alerts?since=&after=&limit=&rule=&severity=&key=} (without a WebSocket upgrade): alerts from the
 * {@link AlertLog} as a JSON array of the alert objects subscribers receive, oldest first.
 *
 * <p>Without {@code since} or {@code after} the page holds the newest {@code limit} alerts (what "recent alerts"
 * means to a reader). {@code since} is epoch milliseconds or ISO-8601 text (as event timestamps are read) and
 * {@code after} an alert's id; either starts the page there, with the first {@code limit} alerts from that point,
 * so a reader pages forward with {@code after=<the last id it got>}. {@code limit} defaults to
 * {@value #DEFAULT_LIMIT} and may be at most {@value #MAX_LIMIT}; it counts the alerts that pass the
 * {@link AlertFilter}. A bad parameter is a 400 naming it.
 *
 * <p><b>Threading:</b> runs on the server's event loop; the log is read under its own short lock.
 */
public final class AlertsApi {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private final AlertLog log;
    private final RuleRegistry rules;

    AlertsApi(AlertLog log, RuleRegistry rules) {
        this.log = log;
        this.rules = rules;
    }

    void history(RoutingContext ctx) {
        String sinceText = ctx.queryParams().get("since");
        Long since = sinceText == null ? Long.valueOf(Long.MIN_VALUE) : epochMillis(sinceText);
        if (since == null) {
            badParameter(ctx, "since", sinceText, "must be epoch milliseconds or ISO-8601 text");
            return;
        }
        String limitText = ctx.queryParams().get("limit");
        int limit = limitText == null ? DEFAULT_LIMIT : limit(limitText);
        if (limit < 1) {
            badParameter(ctx, "limit", limitText, "must be an integer from 1 to " + MAX_LIMIT);
            return;
        }
        Subscription wanted = subscription(ctx);
        if (wanted == null) {
            return;
        }
        AlertFilter filter = wanted.filter();
        long after = wanted.after();
        if (after != AlertHub.FROM_NOW && sinceText != null) {
            Problems.send(ctx, 400, Problems.error("give either 'since' or 'after', not both")
                    .put("parameter", "after"));
            return;
        }
        List<AlertLog.LoggedAlert> alerts = after != AlertHub.FROM_NOW ? log.afterId(after, limit, filter)
                : sinceText != null ? log.since(since, limit, filter) : log.newest(limit, filter);
        StringBuilder json = new StringBuilder(64 + alerts.size() * 256).append('[');
        for (int i = 0; i < alerts.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(alerts.get(i).json());   // already a JSON object: no need to parse and re-render it
        }
        ctx.response().putHeader("Content-Type", "application/json").end(json.append(']').toString());
    }

    /**
     * What a reader asked for: the alerts that pass {@code filter}, after the logged one {@code after}; a
     * {@code warning} for a subscriber whose filter cannot pass anything yet (null when none).
     */
    record Subscription(AlertFilter filter, long after, String warning) {
        /** The warning as the JSON object a subscriber gets before any alert. */
        JsonObject warningJson() {
            return new JsonObject().put("warning", warning).put("rule", filter.rule());
        }
    }

    /**
     * The filter and resume point of a request on {@code /v1/alerts} (history or WebSocket) or
     * {@code /v1/alerts/stream}; null after answering a bad parameter or an unknown {@code after}.
     */
    Subscription subscription(RoutingContext ctx) {
        AlertFilter filter;
        try {
            filter = AlertFilter.from(ctx.queryParams());
        } catch (AlertFilter.BadQueryParameter bad) {
            badParameter(ctx, bad);
            return null;
        }
        long after = resumePoint(ctx);
        return after == REFUSED ? null : new Subscription(filter, after, notRunning(filter.rule()));
    }

    /**
     * Why a subscription to {@code rule}'s alerts gets none for now: no rule of that name runs (a typo, or a rule
     * not deployed yet). Not refused: a rule deployed later is a real case, and its alerts then come.
     */
    private String notRunning(String rule) {
        if (rule == null) {
            return null;
        }
        RuleSet running = rules.current();
        if (running.get(rule) != null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (DeployedRule deployed : running.all()) {
            names.add(deployed.name());
        }
        List<String> close = Suggestions.closest(rule, names);
        return "no rule named '" + rule + "' runs now"
                + (close.isEmpty() ? "" : " (did you mean " + Suggestions.list(close, "or") + "?)")
                + "; its alerts come here once a rule of that name is deployed"
                + (names.isEmpty() ? "; no rule runs" : "; running rules: " + Suggestions.list(names, "and"));
    }

    /** {@link #resumePoint}: the request was answered with an error. */
    static final long REFUSED = -2;

    /**
     * Where a reader resumes: the log number of the alert named by {@code ?after=<alert id>} (or, for an event
     * stream, the {@code Last-Event-ID} header), {@link #AlertHub.FROM_NOW} without one, {@link #REFUSED} after answering
     * 404 for an alert the log does not hold (unknown, or older than the alerts kept).
     */
    long resumePoint(RoutingContext ctx) {
        String after = ctx.queryParams().get("after");
        if (after == null) {
            after = ctx.request().getHeader("Last-Event-ID");
        }
        if (after == null) {
            return AlertHub.FROM_NOW;
        }
        long number = log.numberOf(after);
        if (number < 0) {
            Problems.send(ctx, 404, Problems.error("alert '" + after + "' is not in the alert history: unknown, or "
                    + "older than the alerts kept; read GET /v1/alerts?since= instead").put("parameter", "after")
                    .put("value", after));
            return REFUSED;
        }
        return number;
    }

    private static Long epochMillis(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notANumber) {
            return EventDecoder.toEpochMillis(text);
        }
    }

    /** The limit, or -1 when it is not an integer in 1..MAX_LIMIT. */
    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            return limit >= 1 && limit <= MAX_LIMIT ? limit : -1;
        } catch (NumberFormatException notANumber) {
            return -1;
        }
    }

    /** Answers 400 naming the parameter; used by every alerts route that takes the filter parameters. */
    static void badParameter(RoutingContext ctx, AlertFilter.BadQueryParameter bad) {
        Problems.send(ctx, 400, Problems.error(bad.getMessage()).put("parameter", bad.name())
                .put("value", bad.value()));
    }

    private static void badParameter(RoutingContext ctx, String name, String value, String rule) {
        Problems.send(ctx, 400, Problems.error("query parameter '" + name + "' " + rule)
                .put("parameter", name).put("value", value));
    }
}
