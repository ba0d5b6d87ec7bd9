package dev.vigil.server;

import java.util.List;

/**
 * The alerts the server emitted, in emission order, each under an increasing id: what
 * {@code GET /v1/alerts?since=...} reads. This is the seam the durability issue replaces with a durable log; the
 * in-memory {@link MemoryAlertLog} forgets the oldest alerts beyond its capacity.
 *
 * <p>Implementations are <b>thread-safe</b>.
 */
interface AlertLog {
    /**
     * Records an alert and returns its entry, whose id is larger than every id returned before.
     *
     * @param severity the alert's severity, or null
     * @param key the alert's key as {@link AlertFilter#keyText} renders it, or null
     */
    LoggedAlert append(String rule, String severity, String key, long loggedAtMs, String json);

    /** Records an alert without severity or key. */
    default LoggedAlert append(String rule, long loggedAtMs, String json) {
        return append(rule, null, null, loggedAtMs, json);
    }

    /** Up to {@code limit} entries with an id above {@code afterId} that pass {@code filter}, oldest first. */
    List<LoggedAlert> afterId(long afterId, int limit, AlertFilter filter);

    /** Up to {@code limit} entries logged at or after {@code sinceMs} that pass {@code filter}, oldest first. */
    List<LoggedAlert> since(long sinceMs, int limit, AlertFilter filter);

    /**
     * One alert as logged.
     *
     * @param id the log's sequence number, from 1
     * @param loggedAtMs wall-clock time the server emitted the alert (epoch ms)
     * @param json the alert's JSON object, as pushed to subscribers
     * @param severity the alert's severity, or null
     * @param key the alert's key as {@link AlertFilter#keyText} renders it, or null
     */
    record LoggedAlert(long id, String rule, long loggedAtMs, String json, String severity, String key) {
        boolean passes(AlertFilter filter) {
            return filter.matches(rule, severity, key);
        }
    }
}
